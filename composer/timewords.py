"""The time phrases of one language, read from ``resources/lang/<language>/time.toml``.

:mod:`composer.timeparse` holds no words of any language: it asks this module
what a phrase means ("вчера" is one day back, "popodne" a part of the day with
its usual hour, "назад" marks an amount in the past). Every phrase is folded
the same way as what the user types (lower case, accents and other marks
removed), so "jucer" is "jučer" and "χθές" is "χθες".
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from composer.langdata import language_data

__all__ = ["Meaning", "PartOfDay", "TimeWords", "fold", "time_words"]

_UNITS = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
# kinds whose table is a plain list of phrases
_LISTS = ("now", "around", "ago_before", "ago_after", "clock_words", "hour_suffix", "filler")


def fold(text: str) -> str:
    """Lower case without accents or other marks (č -> c, ё -> е, ή -> η, đ -> d)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    bare = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("’", "'"))


@dataclass(frozen=True)
class PartOfDay:
    """A part of the day: its usual time (None for "am"/"pm" alone) and how a bare hour in it is read."""

    usual: time | None
    hours: str  # "am", "pm" or "night"


@dataclass(frozen=True)
class Meaning:
    """One thing a phrase can mean; ``value`` depends on ``kind``."""

    kind: str
    value: Any = None


@dataclass(frozen=True)
class TimeWords:
    """The phrase index of one language."""

    language: str
    date_order: str
    phrases: dict[tuple[str, ...], tuple[Meaning, ...]]
    month_prefixes: tuple[tuple[str, int], ...]
    words: frozenset[str]
    longest: int

    def month(self, word: str) -> int | None:
        """The month (1-12) a word names by its beginning ("studenoga", "ноября", "nov")."""
        for prefix, month in self.month_prefixes:
            if word.startswith(prefix):
                return month
        return None


def _clock(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def _part(entry: dict[str, Any]) -> PartOfDay:
    usual = entry.get("time")
    return PartOfDay(_clock(usual) if usual else None, str(entry.get("hours", "am")))


@functools.cache
def time_words(language: str) -> TimeWords:
    """The phrases of ``language`` (empty tables when it has no ``time.toml``)."""
    data = language_data("time", language)
    index: dict[tuple[str, ...], list[Meaning]] = {}

    def add(phrase: str, meaning: Meaning) -> None:
        key = tuple(fold(phrase).split())
        if key:
            index.setdefault(key, []).append(meaning)

    for kind in _LISTS:
        for phrase in data.get(kind, []):
            add(phrase, Meaning(kind))
    for phrase, days in data.get("days", {}).items():
        add(phrase, Meaning("day", int(days)))
    for phrase, days in data.get("approximate_days", {}).items():
        add(phrase, Meaning("approximate_day", int(days)))
    parts = {fold(name): _part(entry) for name, entry in data.get("parts", {}).items()}
    for name, part in parts.items():
        add(name, Meaning("part", part))
    for phrase, entry in data.get("day_parts", {}).items():
        add(phrase, Meaning("day_part", (int(entry["days"]), parts[fold(entry["part"])])))
    for number, name in enumerate(_WEEKDAYS):
        for phrase in data.get("weekdays", {}).get(name, []):
            add(phrase, Meaning("weekday", number))
    for name, delta in _UNITS.items():
        for phrase in data.get("units", {}).get(name, []):
            add(phrase, Meaning("unit", delta))
    for phrase, entry in data.get("unit_amounts", {}).items():
        add(phrase, Meaning("unit_amount", (_UNITS[entry["unit"]], float(entry["amount"]))))
    for phrase, value in data.get("numbers", {}).items():
        add(phrase, Meaning("number", float(value)))
    for phrase, value in data.get("vague_numbers", {}).items():
        add(phrase, Meaning("vague_number", float(value)))
    months = tuple(
        (fold(prefix), number + 1)
        for number, name in enumerate(_MONTHS)
        for prefix in data.get("months", {}).get(name, [])
    )
    phrases = {key: tuple(meanings) for key, meanings in index.items()}
    return TimeWords(
        language=language,
        date_order=str(data.get("date_order", "dmy")),
        phrases=phrases,
        month_prefixes=tuple(sorted(months, key=lambda item: -len(item[0]))),
        words=frozenset(word for key in phrases for word in key),
        longest=max((len(key) for key in phrases), default=1),
    )
