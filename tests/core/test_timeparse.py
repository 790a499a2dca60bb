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
