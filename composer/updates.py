"""Is there a newer version? Asked of the provider's update feed, at most once a day.

A provider that hands the app to its customers names, in its profile, where
the newest version is announced (``[updates] url = "https://…/latest.json"``).
The feed is a small JSON document (``docs/updates.md``)::

    {
      "version": "0.2.0",
      "download_page": "https://example-hosting.gr/request-composer/",
      "notes": {"en": "Screenshots of a single window.", "el": "…"},
      "published": "2026-12-01"
    }

:func:`check_for_update` fetches it (off the GUI thread: the caller runs it
on the thread pool), compares the versions properly (PEP 440, with
:mod:`packaging.version`: ``0.10.0`` is newer than ``0.9.1``, ``1.0.0rc1``
older than ``1.0.0``; a pre-release is offered only to someone already on a
pre-release) and returns an :class:`UpdateNotice` when the feed's version is
newer, else None. It never downloads or installs anything: the notice links
to the provider's download page and the user decides.

The last answer is kept in ``<data>/cache/updates.json`` with the time it was
asked, so that the feed is fetched at most once every :data:`CHECK_INTERVAL`
(a newer version found earlier is still announced from there on the next
starts, without the network). ``REQUEST_COMPOSER_OFFLINE=1`` (or
``offline=True``) asks nothing. A feed that cannot be fetched or read is
logged (its address and what was wrong, never its body) and shows nothing.
"""

from __future__ import annotations

import json
import logging
import os
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.version import InvalidVersion, Version
from pydantic import ConfigDict, Field, ValidationError, field_validator

from composer import __version__
from composer.basemodel import Model
from composer.i18n import current_language
from composer.profile_values import HttpsUrl

if TYPE_CHECKING:
    import httpx

__all__ = [
    "CHECK_INTERVAL",
    "FEED_LIMIT",
    "UpdateFeed",
    "UpdateNotice",
    "check_for_update",
    "is_newer",
    "parse_feed",
]

log = logging.getLogger(__name__)

#: how long an answer of the feed is trusted before it is asked again
CHECK_INTERVAL = timedelta(days=1)
#: the largest feed read (a feed is a few hundred bytes)
FEED_LIMIT = 64 * 1024
#: seconds to connect, and for each read of the feed
TIMEOUT = (5.0, 10.0)
STATE_FILE = "updates.json"


class UpdateFeed(Model):
    """The provider's announcement of its newest version (the JSON feed)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: str = Field(description="The newest version, as PEP 440 writes it: 0.2.0, 1.0.0rc1.")
    download_page: HttpsUrl = Field(description="Where the user downloads it (opened in the browser).")
    notes: str | dict[str, str] = Field(default="", description="What is new: one text, or one per language.")
    published: str = ""

    @field_validator("version")
    @classmethod
    def _pep440(cls, value: str) -> str:
        Version(value)  # InvalidVersion is a ValueError: pydantic reports it
        return value

    def notes_in(self, language: str) -> str:
        """The notes in ``language``, else in English, else the first given."""
        if isinstance(self.notes, str):
            return self.notes
        for code in (language, "en"):
            if self.notes.get(code):
                return self.notes[code]
        return next(iter(self.notes.values()), "")


class UpdateNotice(Model):
    """What the window tells the user: which version, where to get it, what is new."""

    model_config = ConfigDict(frozen=True)

    current: str
    version: str
    download_page: str
    notes: str = ""


def is_newer(candidate: str, current: str) -> bool:
    """True when ``candidate`` is a newer version than ``current`` (PEP 440).

    A pre-release (``1.0.0rc1``) counts only for someone already running a
    pre-release; everyone else waits for the release.
    """
    new, now = Version(candidate), Version(current)
    if new.is_prerelease and not now.is_prerelease:
        return False
    return new > now


def parse_feed(data: bytes) -> UpdateFeed:
    """The feed from its bytes.

    Raises:
        ValueError: not JSON, not an object, or a field missing or wrong
            (pydantic's ``ValidationError`` is a ``ValueError``).
    """
    if len(data) > FEED_LIMIT:
        raise ValueError(f"the feed is larger than {FEED_LIMIT} bytes")
    document = json.loads(data.decode("utf-8"))
    if not isinstance(document, dict):
        raise ValueError("the feed is not a JSON object")
    return UpdateFeed.model_validate(document)


def check_for_update(
    url: str,
    state_dir: Path,
    *,
    current: str = __version__,
    now: datetime | None = None,
    offline: bool | None = None,
    ssl_context: ssl.SSLContext | None = None,
    transport: httpx.BaseTransport | None = None,
    language: str | None = None,
) -> UpdateNotice | None:
    """Ask the feed at ``url`` (at most once a day) whether a newer version exists.

    Runs on a worker thread: it may wait for the network up to the timeout.
    Nothing is raised: a feed that cannot be fetched or read is logged and
    gives None, like a feed without a newer version.

    Args:
        url: the profile's ``updates.url``.
        state_dir: where the last answer is kept (the data folder's ``cache``).
        current: the running version.
        now: the time (tests pass a fixed one).
        offline: True asks nothing; None follows ``REQUEST_COMPOSER_OFFLINE``.
        ssl_context: TLS trust; the system's (``SSL_CERT_FILE`` too) when None.
        transport: an httpx transport (tests).
        language: the notes' language; the app's when None.
    """
    now = now or datetime.now(UTC)
    if offline is None:
        offline = os.environ.get("REQUEST_COMPOSER_OFFLINE") == "1"
    state_path = state_dir / STATE_FILE
    state = _read_state(state_path)
    feed: UpdateFeed | None
    if state is not None and state.get("url") == url and _recent(state, now):
        feed = _cached_feed(state)
    elif offline:
        return None
    else:
        feed = _fetch(url, ssl_context=ssl_context, transport=transport)
        _write_state(state_path, url, now, feed)
    if feed is None:
        return None
    try:
        newer = is_newer(feed.version, current)
    except InvalidVersion:
        log.warning("update feed %s: the running version %r is not a PEP 440 version", url, current)
        return None
    if not newer:
        return None
    return UpdateNotice(
        current=current,
        version=feed.version,
        download_page=feed.download_page,
        notes=feed.notes_in(language or current_language()),
    )


def _fetch(
    url: str, *, ssl_context: ssl.SSLContext | None, transport: httpx.BaseTransport | None
) -> UpdateFeed | None:
    import httpx  # on the worker thread, when the check runs: not at start

    trust: ssl.SSLContext | bool = ssl_context if ssl_context is not None else ssl.create_default_context()
    timeout = httpx.Timeout(TIMEOUT[1], connect=TIMEOUT[0])
    try:
        with (
            httpx.Client(
                verify=trust, transport=transport, timeout=timeout, follow_redirects=True, max_redirects=3
            ) as client,
            client.stream("GET", url, headers={"Accept": "application/json"}) as response,
        ):
            if response.status_code != 200:
                log.warning("update feed %s: HTTP %s", url, response.status_code)
                return None
            if response.url.scheme != "https" and response.url.host not in {"127.0.0.1", "::1", "localhost"}:
                log.warning("update feed %s: redirected away from https", url)
                return None
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > FEED_LIMIT:
                    log.warning("update feed %s: larger than %d bytes", url, FEED_LIMIT)
                    return None
    except httpx.HTTPError as exc:
        log.warning("update feed %s: %s", url, type(exc).__name__)
        return None
    try:
        return parse_feed(body)
    except (ValueError, UnicodeDecodeError) as exc:
        reason = (
            "; ".join(error["msg"] for error in exc.errors()) if isinstance(exc, ValidationError) else exc
        )
        log.warning("update feed %s: not a valid feed: %s", url, reason)
        return None


def _recent(state: dict[str, Any], now: datetime) -> bool:
    try:
        asked = datetime.fromisoformat(str(state["checked_at"]))
    except (KeyError, ValueError):
        return False
    return timedelta(0) <= now - asked < CHECK_INTERVAL


def _cached_feed(state: dict[str, Any]) -> UpdateFeed | None:
    feed = state.get("feed")
    if not isinstance(feed, dict):
        return None
    try:
        return UpdateFeed.model_validate(feed)
    except ValidationError:
        return None


def _read_state(path: Path) -> dict[str, Any] | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def _write_state(path: Path, url: str, now: datetime, feed: UpdateFeed | None) -> None:
    state = {"url": url, "checked_at": now.isoformat(), "feed": feed.model_dump() if feed else None}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state), encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        log.warning("update check: cannot keep its answer in %s (%s)", path, type(exc).__name__)
