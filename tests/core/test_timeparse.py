"""When it started, as people say it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from composer.errors import ValidationError
from composer.timeparse import parse_started

ATHENS = timezone(timedelta(hours=2))
NOW = datetime(2026, 11, 22, 10, 30, tzinfo=ATHENS)  # a Sunday morning


@pytest.mark.parametrize(
    ("text", "expected", "approximate"),
    [
        ("yesterday around 15:00", datetime(2026, 11, 21, 15, 0, tzinfo=ATHENS), True),
        ("yesterday at 15:00", datetime(2026, 11, 21, 15, 0, tzinfo=ATHENS), False),
        ("2 hours ago", datetime(2026, 11, 22, 8, 30, tzinfo=ATHENS), False),
        ("an hour ago", datetime(2026, 11, 22, 9, 30, tzinfo=ATHENS), False),
        ("half an hour ago", datetime(2026, 11, 22, 10, 0, tzinfo=ATHENS), False),
        ("a few minutes ago", datetime(2026, 11, 22, 10, 27, tzinfo=ATHENS), True),
        ("3 days ago", datetime(2026, 11, 19, 10, 30, tzinfo=ATHENS), False),
        ("this morning", datetime(2026, 11, 22, 9, 0, tzinfo=ATHENS), True),
        ("yesterday afternoon", datetime(2026, 11, 21, 15, 0, tzinfo=ATHENS), True),
        ("last night", datetime(2026, 11, 21, 22, 0, tzinfo=ATHENS), True),
        ("since Monday", datetime(2026, 11, 16, 0, 0, tzinfo=ATHENS), True),
        ("friday afternoon", datetime(2026, 11, 20, 15, 0, tzinfo=ATHENS), True),
        ("15:00", datetime(2026, 11, 21, 15, 0, tzinfo=ATHENS), False),
        ("9:15", datetime(2026, 11, 22, 9, 15, tzinfo=ATHENS), False),
        ("around 3pm", datetime(2026, 11, 21, 15, 0, tzinfo=ATHENS), True),
        ("20.11.2026 14:30", datetime(2026, 11, 20, 14, 30, tzinfo=ATHENS), False),
        ("20/11/2026 9.15", datetime(2026, 11, 20, 9, 15, tzinfo=ATHENS), False),
        ("2026-11-20 14:30", datetime(2026, 11, 20, 14, 30, tzinfo=ATHENS), False),
        ("20 November 2026 14:30", datetime(2026, 11, 20, 14, 30, tzinfo=ATHENS), False),
        ("Nov 20", datetime(2026, 11, 20, 0, 0, tzinfo=ATHENS), True),
        ("2026-11-20T14:30:00+00:00", datetime(2026, 11, 20, 14, 30, tzinfo=UTC), False),
        ("now", NOW, False),
    ],
)
def test_phrases(text: str, expected: datetime, approximate: bool) -> None:
    parsed = parse_started(text, now=NOW)
    assert parsed is not None
    assert parsed.when == expected
    assert parsed.when.tzinfo is not None
    assert parsed.approximate is approximate


def test_empty_is_no_time() -> None:
    assert parse_started("  ", now=NOW) is None


@pytest.mark.parametrize("text", ["blah", "the thing broke", "31.02.2026", "25:00"])
def test_nonsense_is_reported(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_started(text, now=NOW)
    assert caught.value.code == "started_at.unparsed"
    assert caught.value.params["value"] == text


def test_the_future_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_started("2027-01-01 10:00", now=NOW)
    assert caught.value.code == "started_at.future"


def test_a_date_later_this_year_means_last_year() -> None:
    parsed = parse_started("20/12", now=NOW)
    assert parsed is not None and parsed.when.year == 2025


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=ATHENS)


@pytest.mark.parametrize(
    ("language", "text", "expected", "approximate"),
    [
        ("en", "this morning around 8", at(22, 8), True),
        ("en", "yesterday around 3", at(21, 15), True),
        ("en", "yesterday at 3 in the afternoon", at(21, 15), True),
        ("en", "the day before yesterday", at(20), True),
        ("en", "since Friday at 15:30", at(20, 15, 30), False),
        ("en", "21/11/2026", at(21), True),
        ("hr", "jučer oko 15 h", at(21, 15), True),
        ("hr", "jucer oko 15 h", at(21, 15), True),
        ("hr", "jučer u 15:00", at(21, 15), False),
        ("hr", "prekjučer", at(20), True),
        ("hr", "jutros", at(22, 9), True),
        ("hr", "jutros oko 8", at(22, 8), True),
        ("hr", "sinoć", at(21, 19), True),
        ("hr", "jučer popodne", at(21, 15), True),
        ("hr", "u 3", at(21, 15), True),
        ("hr", "prije 2 sata", at(22, 8, 30), False),
        ("hr", "prije pola sata", at(22, 10), False),
        ("hr", "prije nekoliko minuta", at(22, 10, 27), True),
        ("hr", "od petka", at(20), True),
        ("hr", "od ponedjeljka u 9:15", at(16, 9, 15), False),
        ("hr", "20.11.2026. u 14:30", at(20, 14, 30), False),
        ("hr", "20. 11. 2026. 14:30", at(20, 14, 30), False),
        ("hr", "20. studenoga 2026.", at(20), True),
        ("hr", "upravo sada", NOW, False),
        ("ru", "вчера около трёх", at(21, 15), True),
        ("ru", "вчера около трех", at(21, 15), True),
        ("ru", "вчера в 15:00", at(21, 15), False),
        ("ru", "позавчера", at(20), True),
        ("ru", "сегодня утром", at(22, 9), True),
        ("ru", "вчера вечером", at(21, 19), True),
        ("ru", "вчера в три часа дня", at(21, 15), True),
        ("ru", "в 8 утра", at(22, 8), True),
        ("ru", "2 часа назад", at(22, 8, 30), False),
        ("ru", "полчаса назад", at(22, 10), False),
        ("ru", "несколько минут назад", at(22, 10, 27), True),
        ("ru", "с понедельника", at(16), True),
        ("ru", "20.11.2026 14:30", at(20, 14, 30), False),
        ("ru", "20 ноября", at(20), True),
        ("ru", "только что", NOW, False),
        ("el", "χθες γύρω στις 3", at(21, 15), True),
        ("el", "χθες το απόγευμα", at(21, 17), True),
        ("el", "χθές το απόγευμα", at(21, 17), True),
        ("el", "σήμερα το πρωί", at(22, 9), True),
        ("el", "προχθές", at(20), True),
        ("el", "χθες στις 15:00", at(21, 15), False),
        ("el", "πριν από 2 ώρες", at(22, 8, 30), False),
        ("el", "2 ώρες πριν", at(22, 8, 30), False),
        ("el", "πριν από μισή ώρα", at(22, 10), False),
        ("el", "από την Παρασκευή", at(20), True),
        ("el", "20/11/2026 14:30", at(20, 14, 30), False),
        ("el", "20 Νοεμβρίου", at(20), True),
        ("el", "τώρα", NOW, False),
    ],
)
def test_phrases_in_each_language(language: str, text: str, expected: datetime, approximate: bool) -> None:
    parsed = parse_started(text, now=NOW, languages=[language])
    assert parsed is not None
    assert (parsed.when, parsed.approximate) == (expected, approximate)


@pytest.mark.parametrize(
    "text", ["вчера около трёх", "jučer oko 15 h", "χθες το απόγευμα", "yesterday 15:00"]
)
def test_any_language_is_understood_whatever_the_app_shows(text: str) -> None:
    assert parse_started(text, now=NOW) is not None  # the app's language first, then the others


@pytest.mark.parametrize(
    ("language", "text"),
    [("hr", "jučer nešto"), ("ru", "вчера что-то"), ("el", "χθες κάτι"), ("en", "2 hours")],
)
def test_unknown_words_are_reported_in_each_language(language: str, text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_started(text, now=NOW, languages=[language])
    assert caught.value.code == "started_at.unparsed"


@pytest.mark.parametrize("text", ["31/12/2026", "31.12.2026.", "31.12.2026", "2026-12-31"])
def test_a_typed_year_is_kept_so_a_future_date_is_refused_not_moved(text: str) -> None:
    """Issue 9, point 10: "31/12/2026" became 2025 because any future date was moved a year back."""
    with pytest.raises(ValidationError) as caught:
        parse_started(text, now=NOW)
    assert caught.value.code == "started_at.future"


def test_a_date_without_a_year_says_the_year_was_assumed() -> None:
    parsed = parse_started("31.12.", now=NOW)
    assert parsed is not None
    assert parsed.when.date().isoformat() == "2025-12-31" and parsed.assumed_year
    typed = parse_started("21.11.2026.", now=NOW)
    assert typed is not None and not typed.assumed_year


def test_a_month_first_date_is_read_only_when_it_cannot_be_day_first() -> None:
    parsed = parse_started("11/20/2026", now=NOW, languages=["en"])
    assert parsed is not None and parsed.when.date().isoformat() == "2026-11-20"
    local = parse_started("10/11/2026", now=NOW, languages=["en"])
    assert local is not None and local.when.date().isoformat() == "2026-11-10"


@pytest.mark.parametrize("language", ["en", "el", "hr", "ru"])
def test_the_examples_the_app_gives_are_understood(language: str) -> None:
    """The hint under the field and the error's next step suggest phrases: each one must work."""
    import re

    from composer import i18n

    try:
        i18n.set_language(language)
        hint = i18n._("e.g. yesterday around 15:00, 2 hours ago, this morning")
        advice = i18n._(
            "Try for example “yesterday around 15:00”, “2 hours ago”, “this morning” or “2026-11-20 14:30”."
        )
    finally:
        i18n.set_language("en")
    examples = re.findall(r"[«„“]([^»”]+)[»”]", advice)
    examples += [part.strip() for part in hint.split(" ", 1)[1].split(",") if part.strip()]
    assert len(examples) >= 6
    for example in examples:
        assert parse_started(example, now=NOW, languages=[language]) is not None, example
