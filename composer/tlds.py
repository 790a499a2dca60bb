"""The top-level domains that exist: IANA's list, shipped and refreshed.

``klijent.c`` or ``www.παράδειγμα`` look like domains but end in nothing that
exists; checking them would only produce "not found" everywhere. The list of
every top-level domain is IANA's ``tlds-alpha-by-domain.txt``: a snapshot
ships in ``resources/``, and :func:`refresh` fetches a newer one into the data
folder at most weekly (as the RDAP bootstrap is refreshed), off the GUI thread.
:func:`known_tlds` reads the newer of the two.

The special-use names of RFC 2606 and RFC 6761 (``.example``, ``.test``,
``.invalid``, ``.localhost``) are accepted too: documentation, test beds and
providers' own test setups use them.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from composer.resources import resource_path

__all__ = ["IANA_TLDS_URL", "is_known_tld", "known_tlds", "parse_tld_list", "refresh", "use_cache_dir"]

IANA_TLDS_URL = "https://data.iana.org/TLD/tlds-alpha-by-domain.txt"
FILE_NAME = "tlds-alpha-by-domain.txt"
SPECIAL_USE = frozenset({"example", "test", "invalid", "localhost"})
REFRESH_DAYS = 7.0

_lock = threading.Lock()
_cache_dir: Path | None = None
_loaded: tuple[float, frozenset[str]] | None = None


def parse_tld_list(text: str) -> frozenset[str]:
    """The TLDs (lower case, A-labels) in IANA's file format; comment lines start with ``#``.

    Raises:
        ValueError: the text is not such a list (an HTML error page, an empty answer).
    """
    names = [line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if len(names) < 100 or not all(n.replace("-", "").isalnum() and n.isascii() for n in names):
        raise ValueError("not IANA's list of top-level domains")
    return frozenset(names)


def use_cache_dir(folder: Path | None) -> None:
    """Where a refreshed copy is kept (the app's data folder); ``None``: only the snapshot."""
    global _cache_dir, _loaded
    with _lock:
        _cache_dir = folder
        _loaded = None


def _newest_file() -> Path:
    shipped = resource_path(FILE_NAME)
    cached = _cache_dir / FILE_NAME if _cache_dir is not None else None
    if cached is not None and cached.is_file() and cached.stat().st_mtime > shipped.stat().st_mtime:
        return cached
    return shipped


def known_tlds() -> frozenset[str]:
    """Every top-level domain that exists, and the special-use ones."""
    global _loaded
    path = _newest_file()
    stamp = path.stat().st_mtime
    with _lock:
        if _loaded is not None and _loaded[0] == stamp:
            return _loaded[1]
    try:
        names = parse_tld_list(path.read_text(encoding="utf-8")) | SPECIAL_USE
    except (OSError, UnicodeDecodeError, ValueError):
        names = parse_tld_list(resource_path(FILE_NAME).read_text(encoding="utf-8")) | SPECIAL_USE
    with _lock:
        _loaded = (stamp, names)
    return names


def is_known_tld(label: str) -> bool:
    """Whether ``label`` (an A-label such as ``gr`` or ``xn--qxam``) is a top-level domain."""
    return label.lower() in known_tlds()


def refresh(
    cache_dir: Path, *, url: str = IANA_TLDS_URL, timeout: float = 10.0, max_age_days: float = REFRESH_DAYS
) -> bool:
    """Fetch IANA's list into ``cache_dir`` when the copy there is older than ``max_age_days``.

    Network and disk work: call it off the GUI thread. A failed fetch keeps what
    there is (the snapshot always works).

    Returns:
        True when a new copy was written.
    """
    target = cache_dir / FILE_NAME
    if target.is_file() and time.time() - target.stat().st_mtime < max_age_days * 86400:
        return False
    import httpx  # only when a fetch is due: its import is a large part of a start's work

    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
        response.raise_for_status()
        parse_tld_list(response.text)
    except (httpx.HTTPError, ValueError):
        return False
    cache_dir.mkdir(parents=True, exist_ok=True)
    temp = target.with_suffix(".part")
    temp.write_text(response.text, encoding="utf-8")
    temp.replace(target)
    return True
