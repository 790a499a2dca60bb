"""The update check against a real local HTTPS feed: newer -> a notice; same, older, broken -> none.

The feed is served by ``tests/servers/update_feed.py`` (HTTPS on 127.0.0.1,
a trustme certificate); the server counts requests, so the tests also see
that the feed is asked at most once a day, not at all offline, and that the
download page is never fetched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from composer.profile import load_profile_text
from composer.profile_check import check_profile_text
from composer.updates import UpdateFeed, check_for_update, is_newer, parse_feed
from tests.servers.update_feed import FeedServer, feed_server

NOW = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)


def feed(version: str, **extra: object) -> dict[str, object]:
    return {
        "version": version,
        "download_page": "https://example-hosting.example/request-composer/",
        "notes": {"en": "Faster start.", "el": "Πιο γρήγορη εκκίνηση."},
        **extra,
    }


@pytest.fixture()
def server() -> Iterator[FeedServer]:
    with feed_server() as running:
        yield running


def check(server: FeedServer, url: str, state: Path, **options: object) -> object:
    options.setdefault("now", NOW)
    options.setdefault("offline", False)
    return check_for_update(url, state, ssl_context=server.client_context, **options)  # type: ignore[arg-type]


def test_a_newer_version_gives_a_notice_with_the_download_page(server: FeedServer, tmp_path: Path) -> None:
    url = server.publish(feed("0.2.0"))
    notice = check(server, url, tmp_path, current="0.1.0", language="el")
    assert notice is not None
    assert (notice.current, notice.version) == ("0.1.0", "0.2.0")  # type: ignore[attr-defined]
    assert notice.download_page == "https://example-hosting.example/request-composer/"  # type: ignore[attr-defined]
    assert notice.notes == "Πιο γρήγορη εκκίνηση."  # type: ignore[attr-defined]
    assert server.requests == ["/latest.json"]  # the feed only: nothing is downloaded


@pytest.mark.parametrize("version", ["0.1.0", "0.0.9", "0.1.0rc1", "0.2.0rc1"])
def test_the_same_an_older_or_a_pre_release_version_gives_nothing(
    server: FeedServer, tmp_path: Path, version: str
) -> None:
    url = server.publish(feed(version))
    assert check(server, url, tmp_path, current="0.1.0") is None
    assert server.requests == ["/latest.json"]


@pytest.mark.parametrize(
    ("body", "status", "logged"),
    [
        (b"<html>download page</html>", 200, "not a valid feed"),
        (b'{"version": "soon", "download_page": "https://x.example/"}', 200, "not a valid feed"),
        (b'{"version": "0.9.0"}', 200, "not a valid feed"),
        (b'{"version": "0.9.0", "download_page": "http://x.example/"}', 200, "not a valid feed"),
        (b"[1, 2]", 200, "not a valid feed"),
        (b"{}", 500, "HTTP 500"),
    ],
    ids=["html", "bad-version", "no-page", "insecure-page", "not-object", "server-error"],
)
def test_a_broken_feed_shows_nothing_and_is_logged(
    server: FeedServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    status: int,
    logged: str,
) -> None:
    url = server.publish(body, status=status)
    with caplog.at_level(logging.WARNING, logger="composer.updates"):
        assert check(server, url, tmp_path, current="0.1.0") is None
    assert logged in caplog.text
    assert url in caplog.text
    assert "download page</html>" not in caplog.text  # what the feed said is not logged


def test_an_untrusted_certificate_shows_nothing_and_is_logged(
    server: FeedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import ssl

    url = server.publish(feed("0.2.0"))
    with caplog.at_level(logging.WARNING, logger="composer.updates"):
        notice = check_for_update(
            url, tmp_path, current="0.1.0", now=NOW, offline=False, ssl_context=ssl.create_default_context()
        )
    assert notice is None
    assert "ConnectError" in caplog.text


def test_the_feed_is_asked_at_most_once_a_day(server: FeedServer, tmp_path: Path) -> None:
    url = server.publish(feed("0.2.0"))
    assert check(server, url, tmp_path, current="0.1.0") is not None
    # later the same day: no request, and the newer version is still announced
    assert check(server, url, tmp_path, current="0.1.0", now=NOW + timedelta(hours=20)) is not None
    assert server.requests == ["/latest.json"]
    # the next day the feed is asked again (and now says nothing newer)
    server.publish(feed("0.1.0"))
    assert check(server, url, tmp_path, current="0.1.0", now=NOW + timedelta(hours=25)) is None
    assert server.requests == ["/latest.json", "/latest.json"]


def test_a_broken_feed_is_not_asked_again_the_same_day(server: FeedServer, tmp_path: Path) -> None:
    url = server.publish(b"oops")
    assert check(server, url, tmp_path, current="0.1.0") is None
    assert check(server, url, tmp_path, current="0.1.0", now=NOW + timedelta(hours=1)) is None
    assert len(server.requests) == 1


def test_offline_asks_nothing(server: FeedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = server.publish(feed("0.2.0"))
    assert check(server, url, tmp_path, current="0.1.0", offline=True) is None
    monkeypatch.setenv("REQUEST_COMPOSER_OFFLINE", "1")
    assert (
        check_for_update(url, tmp_path, current="0.1.0", now=NOW, ssl_context=server.client_context) is None
    )
    assert server.requests == []


def test_another_feed_address_is_asked_at_once(server: FeedServer, tmp_path: Path) -> None:
    first = server.publish(feed("0.1.0"), path="/a.json")
    second = server.publish(feed("0.3.0"), path="/b.json")
    assert check(server, first, tmp_path, current="0.1.0") is None
    assert check(server, second, tmp_path, current="0.1.0") is not None
    assert server.requests == ["/a.json", "/b.json"]


@pytest.mark.parametrize(
    ("candidate", "current", "newer"),
    [
        ("0.10.0", "0.9.1", True),
        ("0.9.1", "0.10.0", False),
        ("1.0.0", "1.0.0rc1", True),
        ("1.0.0rc2", "1.0.0rc1", True),
        ("1.0.0rc1", "0.9.0", False),
        ("1.0", "1.0.0", False),
        ("1.0.0.post1", "1.0.0", True),
    ],
)
def test_versions_compare_as_pep_440_says(candidate: str, current: str, newer: bool) -> None:
    assert is_newer(candidate, current) is newer


def test_notes_fall_back_to_english_then_to_the_first() -> None:
    parsed = parse_feed(b'{"version": "1.0", "download_page": "https://x.example/", "notes": {"hr": "Novo"}}')
    assert isinstance(parsed, UpdateFeed)
    assert parsed.notes_in("ru") == "Novo"
    assert (
        UpdateFeed(version="1.0", download_page="https://x.example/", notes="Plain").notes_in("el") == "Plain"
    )


def test_the_profile_names_the_feed_and_profile_check_warns_of_a_download_page() -> None:
    base = '[provider]\nid = "x-hosting"\nname = "X Hosting"\n\n[updates]\n'
    profile = load_profile_text(base + 'url = "https://x.example/rc/latest.json"\n')
    assert profile.updates is not None and profile.updates.url == "https://x.example/rc/latest.json"
    assert load_profile_text(base.split("[updates]")[0]).updates is None
    checked = check_profile_text("format = 2\n" + base + 'url = "https://x.example/download/"\n')
    codes = [warning.code for warning in checked.warnings]
    assert "updates.not_feed" in codes
    clean = check_profile_text("format = 2\n" + base + 'url = "https://x.example/latest.json"\n')
    assert "updates.not_feed" not in [warning.code for warning in clean.warnings]
