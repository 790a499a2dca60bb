"""Sentences about a number of things take the form each language's grammar needs for it."""

from __future__ import annotations

import re

import pytest

from composer import i18n
from composer.errors import COUNTED, MESSAGES, describe
from composer.po_catalogue import parse_entries
from composer.resources import resource_path


@pytest.mark.parametrize("code", sorted(COUNTED))
@pytest.mark.parametrize(("language", "forms"), [("en", 2), ("el", 2), ("hr", 3), ("ru", 3)])
def test_a_counted_error_has_a_form_for_each_count(code: str, language: str, forms: int) -> None:
    i18n.set_language(language)
    params = {"count": 0, "path": "p.toml", "id": "ab12"}
    texts = {n: describe(code, {**params, "count": n})[0] for n in (1, 2, 5)}
    assert all(str(n) in text for n, text in texts.items())
    shapes = {re.sub(r"\d+", "N", text) for text in texts.values()}
    assert len(shapes) == forms, shapes
    assert MESSAGES[code][0] == COUNTED[code].singular


def test_russian_says_one_three_and_five_things_properly() -> None:
    i18n.set_language("ru")
    texts = [describe("cli.not_ready", {"count": n})[0] for n in (1, 3, 5, 21)]
    assert [t.rsplit(" ", 1)[-1] for t in texts] == ["пункт.", "пункта.", "пунктов.", "пункт."]


def test_no_message_builds_a_plural_by_hand() -> None:
    """``thing(s)``, ``mistake(s)``: a plural the translator cannot get right; ngettext instead."""
    template = resource_path("locale", "messages.pot").read_text(encoding="utf-8")
    by_hand = [e.msgid for e in parse_entries(template)[1] if re.search(r"\w\((s|es)\)", e.msgid)]
    assert by_hand == []
