"""The window says that a newer version exists, from a real local HTTPS feed, and never updates.

The feed is ``tests/servers/update_feed.py`` (HTTPS on 127.0.0.1 with a
trustme certificate). The check runs on the thread pool; the notice appears
in the status bar with the provider's download page as a link; the same or
an older version, or a broken feed, shows nothing (the broken one is
logged); only the feed is ever requested.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from composer import __version__, i18n
from composer.profile import ProviderProfile, Updates
from composer.ui.main_window import MainWindow
from composer.ui.update_notice import UpdateBanner, start_update_check
from tests.servers.update_feed import FeedServer, feed_server


@pytest.fixture()
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def _profile(window: MainWindow, url: str) -> ProviderProfile:
    return window.controller.profile.model_copy(update={"updates": Updates(url=url)})


def _feed(version: str) -> dict[str, object]:
    return {
        "version": version,
        "download_page": "https://demo-hosting.example/request-composer/",
        "notes": {"en": "Faster start.", "el": "Πιο γρήγορη εκκίνηση."},
    }


def _start(window: MainWindow, server: FeedServer, url: str, tmp_path: Path) -> UpdateBanner:
    banner = start_update_check(
        window, _profile(window, url), tmp_path, delay_ms=0, ssl_context=server.client_context
    )
    assert banner is not None
    return banner


def test_a_newer_version_shows_a_notice_with_the_download_page(
    qtbot: QtBot, window: MainWindow, server: FeedServer, tmp_path: Path
) -> None:
    newer = "99.0.0"
    banner = _start(window, server, server.publish(_feed(newer)), tmp_path)
    qtbot.waitUntil(banner.isVisible, timeout=10000)
    assert banner.parentWidget() is not None and window.statusBar().isAncestorOf(banner)
    assert newer in banner.text.text() and __version__ in banner.text.text()
    assert 'href="https://demo-hosting.example/request-composer/"' in banner.link.text()
    assert "Demo Hosting" in banner.link.text()
    assert banner.text.toolTip() == "Faster start."
    assert banner.accessibleName() and banner.accessibleDescription()
    assert server.requests == ["/latest.json"]  # the feed only: nothing downloaded
    try:
        window.set_language("el")
        assert newer in banner.text.text() and "Request Composer" in banner.text.text()
        assert banner.text.text() != "" and banner.dismiss.text() != "Dismiss"
    finally:
        window.set_language("en")
    banner.dismiss.click()
    assert not banner.isVisible()


@pytest.mark.parametrize("version", [__version__, "0.0.1"])
def test_the_same_or_an_older_version_shows_nothing(
    qtbot: QtBot, window: MainWindow, server: FeedServer, tmp_path: Path, version: str
) -> None:
    banner = _start(window, server, server.publish(_feed(version)), tmp_path)
    qtbot.waitUntil(lambda: (tmp_path / "updates.json").exists(), timeout=10000)
    qtbot.wait(200)
    assert not banner.isVisible()
    assert server.requests == ["/latest.json"]


def test_a_broken_feed_shows_nothing_but_is_logged(
    qtbot: QtBot, window: MainWindow, server: FeedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="composer.updates"):
        banner = _start(window, server, server.publish(b"<html>not a feed</html>"), tmp_path)
        qtbot.waitUntil(lambda: "not a valid feed" in caplog.text, timeout=10000)
    qtbot.wait(100)
    assert not banner.isVisible()


def test_the_window_goes_on_while_the_feed_is_slow(
    qtbot: QtBot, window: MainWindow, server: FeedServer, tmp_path: Path
) -> None:
    server.delay = 1.5
    ticks: list[int] = []
    timer = QTimer(window)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    banner = _start(window, server, server.publish(_feed("99.0.0")), tmp_path)
    qtbot.wait(600)
    assert not banner.isVisible()  # still waiting for the feed...
    assert len(ticks) >= 10  # ...and the GUI thread kept running meanwhile
    qtbot.waitUntil(banner.isVisible, timeout=10000)
    timer.stop()


def test_no_feed_in_the_profile_asks_nothing(window: MainWindow, tmp_path: Path) -> None:
    assert window.controller.profile.updates is None
    assert start_update_check(window, window.controller.profile, tmp_path, delay_ms=0) is None
    assert i18n.current_language() == "en"
