"""The one translation mechanism, for the core and the UI alike.

Strings are written in English in the code and wrapped in ``_()`` where they
are used, or marked with ``N_()`` where they are defined (at import time, in
tables) and translated later with ``_()``. Catalogues are gettext ``.po``
files under ``resources/locale/<language>.po``, read directly at run time so
that no build step is needed.

The UI registers a callback with :func:`on_language_changed` and re-translates
its widgets live when the user picks another language.
"""

from __future__ import annotations

import ast
import locale
import os
import threading
from collections.abc import Callable
from pathlib import Path

from composer.resources import resource_path

__all__ = [
    "N_",
    "_",
    "available_languages",
    "current_language",
    "language_name",
    "ngettext",
    "on_language_changed",
    "set_language",
    "system_language",
]

DEFAULT_LANGUAGE = "en"

_lock = threading.Lock()
_catalog: dict[str, str] = {}
_plural_catalog: dict[str, list[str]] = {}
_language = DEFAULT_LANGUAGE
_listeners: list[Callable[[str], None]] = []

# Endonyms, so that a user can find their language whatever is shown now.
_LANGUAGE_NAMES = {
    "en": "English",
    "el": "Ελληνικά",
    "hr": "Hrvatski",
    "ru": "Русский",
    "de": "Deutsch",
}


def N_(message: str) -> str:
    """Mark a string for translation without translating it yet."""
    return message


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _catalog.get(message) or message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count."""
    forms = _plural_catalog.get(singular)
    if forms:
        index = _plural_index(_language, n)
        if index < len(forms) and forms[index]:
            return forms[index]
    return singular if n == 1 else plural


def _plural_index(language: str, n: int) -> int:
    if language in {"ru", "hr", "uk", "sr"}:
        if n % 10 == 1 and n % 100 != 11:
            return 0
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return 1
        return 2
    return 0 if n == 1 else 1


def locale_dir() -> Path:
    return resource_path("locale")


def available_languages() -> list[str]:
    """Language codes with a catalogue, English first."""
    found = sorted(p.stem for p in locale_dir().glob("*.po"))
    return [DEFAULT_LANGUAGE, *[code for code in found if code != DEFAULT_LANGUAGE]]


def language_name(code: str) -> str:
    return _LANGUAGE_NAMES.get(code, code)


def current_language() -> str:
    return _language


def system_language() -> str:
    """The user's language from the environment, as gettext looks for it."""
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            code = value.split(":")[0].split(".")[0].split("_")[0].lower()
            if code and code not in {"c", "posix"}:
                return code
    try:
        code = (locale.getlocale()[0] or "").split("_")[0].lower()
    except ValueError:
        code = ""
    return code or DEFAULT_LANGUAGE


def set_language(code: str | None = None) -> str:
    """Switch the language (the system's when ``code`` is None) and tell listeners.

    A language without a catalogue falls back to English. Returns the language
    actually in use.
    """
    global _language
    wanted = (code or system_language()).lower()
    path = locale_dir() / f"{wanted}.po"
    catalog: dict[str, str] = {}
    plurals: dict[str, list[str]] = {}
    if wanted != DEFAULT_LANGUAGE and path.is_file():
        catalog, plurals = parse_po(path.read_text(encoding="utf-8"))
    else:
        wanted = DEFAULT_LANGUAGE
    with _lock:
        _catalog.clear()
        _catalog.update(catalog)
        _plural_catalog.clear()
        _plural_catalog.update(plurals)
        _language = wanted
        listeners = list(_listeners)
    for listener in listeners:
        listener(wanted)
    return wanted


def on_language_changed(callback: Callable[[str], None]) -> Callable[[], None]:
    """Call ``callback(language)`` after every switch; returns a function that unsubscribes."""
    with _lock:
        _listeners.append(callback)

    def unsubscribe() -> None:
        with _lock:
            if callback in _listeners:
                _listeners.remove(callback)

    return unsubscribe


def parse_po(text: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Read a gettext ``.po`` catalogue: plain and plural entries; fuzzy ones are skipped."""
    singles: dict[str, str] = {}
    plurals: dict[str, list[str]] = {}
    entry: dict[str, str] = {}
    fuzzy = False
    current: str | None = None

    def flush() -> None:
        nonlocal entry, fuzzy
        msgid = entry.get("msgid", "")
        if msgid and not fuzzy:
            if "msgid_plural" in entry:
                forms = [entry[k] for k in sorted(k for k in entry if k.startswith("msgstr["))]
                if any(forms):
                    plurals[msgid] = forms
            elif entry.get("msgstr"):
                singles[msgid] = entry["msgstr"]
        entry, fuzzy = {}, False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            current = None
            continue
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"') and current is not None:
            entry[current] += ast.literal_eval(line)
            continue
        key, _sep, rest = line.partition(" ")
        if key == "msgid" and "msgid" in entry and "msgstr" in "".join(entry):
            flush()
        current = key
        entry[key] = ast.literal_eval(rest.strip()) if rest.strip() else ""
    flush()
    return singles, plurals
