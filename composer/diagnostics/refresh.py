"""Shipped data files refreshed into the data folder: the one refresher.

The IANA RDAP bootstrap and the Public Suffix List both ship as snapshots in
``resources/``; when a cache folder is set, a copy older than its maximum age
is fetched again and kept there if it parses. Offline, the cached copy (or
the snapshot) is used: the checks never wait on a refresh that fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from composer.diagnostics.settings import DiagnosticsSettings

__all__ = ["cached_copy", "fetch_text", "local_copy", "refreshed_copy"]


async def fetch_text(url: str, settings: DiagnosticsSettings) -> str | None:
    """The body of ``url`` when it answers 200, else None (never raises for the network)."""
    from composer.diagnostics.http_get import HttpFailure, http_get

    try:
        response = await http_get(url, settings)
    except HttpFailure:
        return None
    return response.text if response.status == 200 else None


def local_copy(folder: Path | None, name: str, snapshot: Path) -> str:
    """The cached copy of ``name`` in ``folder`` if there is one, else the shipped snapshot."""
    if folder is not None:
        try:
            return (folder / name).read_text(encoding="utf-8")
        except OSError:
            pass
    return snapshot.read_text(encoding="utf-8")


async def cached_copy(
    folder: Path,
    name: str,
    *,
    url: str,
    max_age_days: float,
    snapshot: Path,
    validate: Callable[[str], object],
    settings: DiagnosticsSettings,
) -> str:
    """The text of ``name``: refreshed from ``url`` when the cached copy is older than allowed.

    ``validate`` raises ``ValueError`` for a download that is not the right kind of file;
    such a download is not kept.
    """
    fetched = await refreshed_copy(
        folder, name, url=url, max_age_days=max_age_days, validate=validate, settings=settings
    )
    return fetched if fetched is not None else local_copy(folder, name, snapshot)


async def refreshed_copy(
    folder: Path,
    name: str,
    *,
    url: str,
    max_age_days: float,
    validate: Callable[[str], object],
    settings: DiagnosticsSettings,
) -> str | None:
    """The text fetched from ``url`` and kept as ``name`` when the cached copy was too old, else None.

    For a caller that only keeps the copy fresh (for next time): the kept copy
    is not read again (the suffix list is 250 kB).
    """
    cached = folder / name
    try:
        age_days = (time.time() - cached.stat().st_mtime) / 86400
    except OSError:
        age_days = float("inf")
    if age_days <= max_age_days:
        return None
    fetched = await fetch_text(url, settings)
    if fetched is None:
        return None
    try:
        validate(fetched)
        folder.mkdir(parents=True, exist_ok=True)
        cached.write_text(fetched, encoding="utf-8")
    except (ValueError, OSError):
        return None
    return fetched
