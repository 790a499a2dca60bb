"""Every catalogue translates every message of the template, with its plural forms,
placeholders and mnemonics; headers declare the CLDR plural rule of their language."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel import Locale

from composer import i18n
from composer.errors import describe
from composer.po_catalogue import Entry, catalogue_problems, header_field, parse_entries

LOCALE = Path(__file__).resolve().parents[2] / "resources" / "locale"
CATALOGUES = sorted(LOCALE.glob("*.po"))
SCRIPTS = {
    "el": ("\u0370", "\u03ff"),
    "ru": ("\u0400", "\u04ff"),
    "hr": ("a", "ž"),
}
CLDR_ORDER = ["zero", "one", "two", "few", "many", "other"]


def template() -> list[Entry]:
    return parse_entries((LOCALE / "messages.pot").read_text(encoding="utf-8"))[1]


def in_script(text: str, language: str) -> bool:
    low, high = SCRIPTS[language]
    return any(low <= char <= high for char in text)


def test_the_template_is_read_with_its_plurals() -> None:
    entries = template()
    assert len(entries) > 100
    by_id = {entry.msgid: entry for entry in entries}
    assert "The domain name is missing." in by_id
    assert by_id["{n} day"].msgid_plural == "{n} days"
    assert not any(":" in line and line[-1].isdigit() for e in entries for line in e.comments), (
        "references carry line numbers"
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.stem)
def test_catalogue_is_complete_and_keeps_placeholders_and_mnemonics(path: Path) -> None:
    assert catalogue_problems(template(), path.read_text(encoding="utf-8")) == []


def test_a_missing_string_plural_form_placeholder_or_mnemonic_is_found() -> None:
    wanted = [
        Entry("Hello"),
        Entry("{n} day", "{n} days"),
        Entry("Saved as {path}"),
        Entry("&Next >"),
        Entry("Unsure"),
    ]
    catalogue = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=3; plural=(n%10==1 ? 0 : 1);\\n"\n\n'
        'msgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] "{n} dan"\nmsgstr[1] "{n} dana"\n\n'
        'msgid "Saved as {path}"\nmsgstr "Spremljeno kao {put}"\n\n'
        'msgid "&Next >"\nmsgstr "Dalje >"\n\n'
        '#, fuzzy\nmsgid "Unsure"\nmsgstr "Nesigurno"\n'
    )
    problems = catalogue_problems(wanted, catalogue)
    assert [line.split(":")[0] for line in problems] == [
        "missing",
        "plural forms",
        "placeholders",
        "mnemonics",
        "missing",
    ]


def _cldr_index(language: str) -> dict[int, int]:
    """n -> index of its CLDR plural category, for whole numbers 0..300."""
    rule = Locale.parse(language).plural_form
    categories = {n: rule(n) for n in range(301)}
    used = [c for c in CLDR_ORDER if c in set(categories.values())]
    return {n: used.index(category) for n, category in categories.items()}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.stem)
def test_catalogue_header_declares_the_cldr_plural_rule(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header, _entries = parse_entries(text)
    language = path.stem
    assert "charset=UTF-8" in header
    assert header_field(header, "Language") == language
    assert "#, fuzzy" not in text
    plural_forms = header_field(header, "Plural-Forms") or ""
    expression = plural_forms.split("plural=", 1)[1].rstrip(";")
    formula = gettext.c2py(expression)
    cldr = _cldr_index(language)
    assert {n: formula(n) for n in cldr} == cldr
    assert {n: i18n._plural_index(language, n) for n in cldr} == cldr


@pytest.mark.parametrize("language", ["el", "hr", "ru"])
def test_switching_translates_the_core_and_its_plurals(language: str) -> None:
    try:
        assert i18n.set_language(language) == language
        message, next_step = describe("domain.empty")
        assert message != "The domain name is missing."
        assert in_script(message, language) and in_script(next_step, language)
        forms = {n: i18n.ngettext("{n} day", "{n} days", n).format(n=n) for n in (1, 2, 5, 11, 21, 22, 25)}
    finally:
        i18n.set_language("en")
    expected = {
        "el": {1: "1 ημέρα", 2: "2 ημέρες", 5: "5 ημέρες", 21: "21 ημέρες"},
        "hr": {1: "1 dan", 2: "2 dana", 5: "5 dana", 11: "11 dana", 21: "21 dan", 22: "22 dana"},
        "ru": {
            1: "1 день",
            2: "2 дня",
            5: "5 дней",
            11: "11 дней",
            21: "21 день",
            22: "22 дня",
            25: "25 дней",
        },
    }[language]
    assert {n: forms[n] for n in expected} == expected
    assert describe("domain.empty")[0] == "The domain name is missing."
