"""Dates, times and sizes in the user's locale, in each language."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from composer import i18n
from composer.localefmt import (
    format_date_time,
    format_long_moment,
    format_milliseconds,
    format_size,
    format_time,
    locale_name,
)

MOMENT = datetime(2026, 11, 21, 15, 4, 5, tzinfo=timezone(timedelta(hours=2)))


@pytest.fixture(autouse=True)
def _no_region(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LC_ALL", "LC_TIME", "LANG"):
        monkeypatch.delenv(variable, raising=False)


@pytest.mark.parametrize(
    ("language", "listed", "long", "size"),
    [
        ("en", "21/11/2026, 15:04", "Sat, 21 Nov 2026, 15:04", "1.5 MB"),
        ("el", "21/11/2026, 15:04", "Σάβ 21 Νοε 2026, 15:04", "1,5 MB"),
        ("hr", "21. 11. 2026. 15:04", "sub, 21. stu 2026. 15:04", "1,5 MB"),
        ("ru", "21.11.2026, 15:04", "сб, 21 нояб. 2026\u202fг., 15:04", "1,5 МБ"),
    ],
)
def test_each_language_writes_its_own_way(language: str, listed: str, long: str, size: str) -> None:
    i18n.set_language(language)
    assert format_date_time(MOMENT) == listed
    assert format_long_moment(MOMENT) == long
    assert format_time(MOMENT, seconds=True) == "15:04:05"
    assert format_size(1536 * 1024) == size


def test_small_sizes_and_units() -> None:
    assert format_milliseconds(148, language="ru") == "148 мс"
    assert format_milliseconds(148, language="hr") == "148 ms"
    assert format_size(12, language="en") == "12 bytes"
    assert format_size(2048, language="ru") == "2 кБ"
    assert format_size(3 * 1024**3, language="hr") == "3 GB"


def test_the_region_of_the_environment_counts_when_it_is_the_same_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert locale_name("en") == "en_US"
    assert format_date_time(MOMENT, language="en") == "11/21/2026, 15:04"
    assert locale_name("ru") == "ru_RU"  # a region of another language does not


def test_a_language_babel_does_not_know_is_written_the_english_way() -> None:
    assert locale_name("xx") == "en_GB"
    assert format_date_time(MOMENT, language="xx") == "21/11/2026, 15:04"
