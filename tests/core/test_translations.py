"""Every catalogue translates every message of the template, keeping placeholders and mnemonics."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from composer import i18n
from composer.errors import describe

LOCALE = Path(__file__).resolve().parents[2] / "resources" / "locale"
CATALOGUES = sorted(LOCALE.glob("*.po"))
PLACEHOLDER = re.compile(r"\{(\w*)(?:[:!][^{}]*)?\}")
GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")


def template_ids() -> list[str]:
    """The msgids of messages.pot (``parse_po`` skips them: their msgstr is empty)."""
    ids: list[str] = []
    current: list[str] | None = None
    for raw in (LOCALE / "messages.pot").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("msgid "):
            current = [ast.literal_eval(line[6:])]
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
        else:
            if current is not None and "".join(current):
                ids.append("".join(current))
            current = None
    return ids


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def mnemonics(text: str) -> int:
    return text.replace("&&", "").count("&")


def translations(path: Path) -> dict[str, list[str]]:
    singles, plurals = i18n.parse_po(path.read_text(encoding="utf-8"))
    return {**{msgid: [text] for msgid, text in singles.items()}, **plurals}


def test_the_template_is_read() -> None:
    ids = template_ids()
    assert len(ids) > 100
    assert "The domain name is missing." in ids


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.stem)
def test_catalogue_translates_every_message(path: Path) -> None:
    catalogue = translations(path)
    missing = [
        msgid for msgid in template_ids() if not all(form.strip() for form in catalogue.get(msgid, [""]))
    ]
    assert missing == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.stem)
def test_catalogue_keeps_placeholders_and_mnemonics(path: Path) -> None:
    catalogue = translations(path)
    wrong = []
    for msgid in template_ids():
        for form in catalogue.get(msgid, []):
            if placeholders(form) != placeholders(msgid):
                wrong.append(f"placeholders: {msgid!r} -> {form!r}")
            if mnemonics(form) != mnemonics(msgid):
                wrong.append(f"mnemonics: {msgid!r} -> {form!r}")
    assert wrong == []


def test_catalogue_header_names_language_and_plural_forms() -> None:
    text = (LOCALE / "el.po").read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0]
    assert "charset=UTF-8" in header
    assert "Language: el" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header
    assert "#, fuzzy" not in text


def test_switching_to_greek_translates_the_core() -> None:
    try:
        assert i18n.set_language("el") == "el"
        message, next_step = describe("domain.empty")
        assert message != "The domain name is missing."
        assert GREEK.search(message) and GREEK.search(next_step)
        assert GREEK.search(i18n.ngettext("{n} day", "{n} days", 3))
    finally:
        i18n.set_language("en")
    assert describe("domain.empty")[0] == "The domain name is missing."
