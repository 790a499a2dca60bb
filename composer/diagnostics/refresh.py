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

__all__ = ["cached_copy", "fetch_text", "local_copy"]


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
    cached = folder / name
    try:
        age_days = (time.time() - cached.stat().st_mtime) / 86400
    except OSError:
        age_days = float("inf")
    if age_days > max_age_days:
        fetched = await fetch_text(url, settings)
        if fetched is not None:
            try:
                validate(fetched)
                folder.mkdir(parents=True, exist_ok=True)
                cached.write_text(fetched, encoding="utf-8")
            except (ValueError, OSError):
                pass
            else:
                return fetched
    return local_copy(folder, name, snapshot)
