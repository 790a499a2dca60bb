"""Settings shared by every test: no display, no user data, no network but loopback."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.servers.rt import RequestTracker

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["LANGUAGE"] = "en"
# the app's preferences (QSettings) and data never touch the real user's
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="composer-test-config-")
os.environ["REQUEST_COMPOSER_DATA"] = tempfile.mkdtemp(prefix="composer-test-data-")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    from composer.i18n import set_language

    set_language("en")
    yield
    set_language("en")


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A fresh folder for the database, attachments and logs."""
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def request_tracker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RequestTracker]:
    """A real Request Tracker 5 for the whole session (see tests/servers/rt.py).

    Tests share it: each works with its own requester address or subject.
    """
    from tests.servers.rt import start_request_tracker

    with start_request_tracker(tmp_path_factory.mktemp("rt")) as tracker:
        yield tracker
