"""The one translation mechanism, for the core and the UI alike.

Strings are written in English in the code and wrapped in ``_()`` where they
are used, or marked with ``N_()`` where they are defined (at import time, in
tables) and translated later with ``_()``. Catalogues are gettext ``.po``
files under ``resources/locale/<language>.po``, read directly at run time so
that no build step is needed.

The UI registers a callback with :func:`on_language_changed` and re-translates
its widgets live when the user picks another language.

The request's text is not written in the user's language but in the
provider's, whatever the window shows (see :mod:`composer.rendered`). A
:class:`Catalogue` is one language's translations; :func:`catalogue` gives
the one of any language, and inside ``with translating(language):`` every
``_()``, ``ngettext()`` and :func:`current_language` of this thread (and
only this thread: a :class:`~contextvars.ContextVar`) answers in that
language, so the code a rendering calls (labels, hints, findings, the
profile's own texts) follows without a global switch that the window or the
outbox worker could see half-way.
"""

from __future__ import annotations

import ast
import locale
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import NamedTuple

from composer.resources import resource_path

__all__ = [
    "N_",
    "Catalogue",
    "N_plural",
    "Plural",
    "_",
    "available_languages",
    "catalogue",
    "current_language",
    "language_name",
    "ngettext",
    "on_language_changed",
    "set_language",
    "system_language",
    "translating",
]

DEFAULT_LANGUAGE = "en"

_lock = threading.Lock()
_listeners: list[Callable[[str], None]] = []


class Catalogue:
    """The translations of one language, to be used explicitly or as the current ones.

    Args:
        language: the language code (``en`` has no entries: the code's own words).
        singles: msgid -> translation.
        plurals: msgid -> the translated plural forms, in the language's CLDR order.
    """

    def __init__(
        self,
        language: str,
        singles: dict[str, str] | None = None,
        plurals: dict[str, list[str]] | None = None,
    ) -> None:
        self.language = language
        self._singles = dict(singles or {})
        self._plurals = dict(plurals or {})

    def gettext(self, message: str) -> str:
        """``message`` in this language (the English itself when there is no translation)."""
        return self._singles.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of a message that fits the count ``n`` in this language."""
        forms = self._plurals.get(singular)
        if forms:
            index = _plural_index(self.language, n)
            if index < len(forms) and forms[index]:
                return forms[index]
        return singular if n == 1 else plural


_global = Catalogue(DEFAULT_LANGUAGE)
_active: ContextVar[Catalogue | None] = ContextVar("composer_translation", default=None)
_cache: dict[str, Catalogue] = {}


def _translation() -> Catalogue:
    return _active.get() or _global


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


class Plural(NamedTuple):
    """A message whose words depend on a count, marked in a table (see :func:`N_plural`)."""

    singular: str
    plural: str


def N_plural(singular: str, plural: str) -> Plural:
    """Mark a singular and plural pair for translation (extracted as one ``msgid_plural`` entry)."""
    return Plural(singular, plural)


def _(message: str) -> str:
    """Translate ``message`` into the current language (see :func:`translating`)."""
    return _translation().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count."""
    return _translation().ngettext(singular, plural, n)


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
    """The language ``_()`` translates into here: the window's, or the one :func:`translating` set."""
    return _translation().language


def _load(code: str) -> Catalogue | None:
    """The catalogue of ``code`` from its ``.po`` file; English (empty) for ``en``; None without one."""
    if code == DEFAULT_LANGUAGE:
        return Catalogue(DEFAULT_LANGUAGE)
    path = locale_dir() / f"{code}.po"
    if not path.is_file():
        return None
    singles, plurals = parse_po(path.read_text(encoding="utf-8"))
    return Catalogue(code, singles, plurals)


def catalogue(code: str) -> Catalogue:
    """The translations of language ``code`` (``pt-BR`` falls back to ``pt``), read once.

    A language the app has no catalogue for keeps its code with no
    translations: the app's words stay English, while the provider's own
    texts are still chosen in that language (:func:`current_language` says it).
    """
    found = _cache.get(code)
    if found is None:
        wanted = code.lower()
        found = _load(wanted) or _load(wanted.split("-")[0]) or Catalogue(code)
        with _lock:
            found = _cache.setdefault(code, found)
    return found


@contextmanager
def translating(language: str | Catalogue) -> Iterator[Catalogue]:
    """Within this block, this thread translates into ``language`` (the window keeps its own).

    Used to render the request in the provider's language: labels, hints,
    findings and the profile's texts all follow, because each asks
    :func:`_` or :func:`current_language`.
    """
    chosen = language if isinstance(language, Catalogue) else catalogue(language)
    token = _active.set(chosen)
    try:
        yield chosen
    finally:
        _active.reset(token)


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
    global _global
    # read again: a catalogue may have changed; no catalogue: English
    loaded = _load((code or system_language()).lower()) or Catalogue(DEFAULT_LANGUAGE)
    wanted = loaded.language
    with _lock:
        _global = loaded
        _cache[wanted] = loaded
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
