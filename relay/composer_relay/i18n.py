"""The relay's words for customers, in their language: problems, the open intake's mail and page.

The relay is a distribution of its own without the desktop (no Qt, no
``composer``), so it carries a small catalogue of its own, in the same
gettext ``.po`` format as the desktop's: ``composer_relay/locale/<language>.po``
(el, hr, ru; English is the source), with ``messages.pot`` listing every
string. Strings are marked with :func:`N_` where they are written and
translated with :func:`translate` / :func:`translate_plural` when an answer
is made, in the language :func:`choose_language` picks: the first supported
one of the caller's ``Accept-Language`` (the desktop sends its UI language),
else the request's own ``language``, else English. Placeholders are
``{name}`` fields, filled after translation.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["LANGUAGES", "N_", "choose_language", "translate", "translate_plural"]

LANGUAGES = ("en", "el", "hr", "ru")
_RANGE = re.compile(r"^\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue; it is translated when the answer is made."""
    return message


def choose_language(*preferences: str) -> str:
    """The first supported language among ``preferences`` (``Accept-Language`` values or codes).

    Each preference may be a whole ``Accept-Language`` header (``el-GR,el;q=0.9,en;q=0.5``):
    its ranges are tried by their weight. ``*`` and unknown languages are skipped.
    """
    for preference in preferences:
        ranges: list[tuple[float, int, str]] = []
        for position, item in enumerate(preference.split(",")):
            match = _RANGE.match(item)
            if match is None:
                continue
            try:
                weight = float(match.group(2)) if match.group(2) else 1.0
            except ValueError:
                continue
            if weight > 0:
                ranges.append((-weight, position, match.group(1).lower()))
        for _weight, _position, language in sorted(ranges):
            if language in LANGUAGES:
                return language
    return "en"


def translate(language: str, message: str, **params: Any) -> str:
    """``message`` in ``language`` (English when it has no translation), placeholders filled."""
    text = _catalogue(language)[0].get(message, message) if language != "en" else message
    return text.format(**params) if params else text


def translate_plural(language: str, singular: str, plural: str, n: int, **params: Any) -> str:
    """The form for ``n`` of ``singular``/``plural`` in ``language``; ``{n}`` and ``params`` filled."""
    forms = _catalogue(language)[1].get(singular) if language != "en" else None
    english = singular if n == 1 else plural
    text = forms[min(_plural_index(language, n), len(forms) - 1)] if forms else english
    return text.format(n=n, **params)


def _plural_index(language: str, n: int) -> int:
    """gettext's Plural-Forms of the catalogue's languages (el: 2 forms; hr, ru: 3)."""
    if language in {"hr", "ru"}:
        if n % 10 == 1 and n % 100 != 11:
            return 0
        return 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2
    return 0 if n == 1 else 1


@cache
def _catalogue(language: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    if language not in LANGUAGES:
        return {}, {}
    try:
        text = resources.files("composer_relay").joinpath("locale", f"{language}.po").read_text("utf-8")
    except FileNotFoundError:
        return {}, {}
    return read_po(text)


def read_po(text: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The translated entries of a ``.po`` file: (msgid -> msgstr, msgid -> plural forms).

    Fuzzy and untranslated entries are left out, so English shows instead.
    """
    singles: dict[str, str] = {}
    plurals: dict[str, list[str]] = {}
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        key = ""
        fuzzy = False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
            elif line and not line.startswith("#"):
                key, _, value = line.partition(" ")
                fields[key] = ast.literal_eval(value) if value.strip() else ""
        msgid = fields.get("msgid", "")
        if not msgid or fuzzy:
            continue
        if "msgid_plural" in fields:
            forms = [fields[k] for k in sorted(k for k in fields if k.startswith("msgstr["))]
            if all(forms) and forms:
                plurals[msgid] = forms
        elif fields.get("msgstr"):
            singles[msgid] = fields["msgstr"]
    return singles, plurals
