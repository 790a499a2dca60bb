"""When did it start? Times as people say them, in any of the app's languages.

"yesterday around 15:00", "вчера около трёх", "jučer oko 15 h", "χθες το
απόγευμα", "2 hours ago", "prije pola sata", numeric dates in the local order
("31.12.2026.", "20/11") and ISO dates are understood. The words are data
(``resources/lang/<language>/time.toml``, see :mod:`composer.timewords`); this
module only knows how the pieces combine. Whatever is vague (a part of the
day, "around", a bare hour, a day without a time) is marked approximate, and
the request shows both the user's own words and the moment they were read as.

A date is never changed behind the user's back: a typed year is kept (a date
ahead of now is refused, not moved a year back); only a date typed without a
year is read as the last such day, and :attr:`ParsedTime.assumed_year` says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from composer.errors import ValidationError
from composer.i18n import current_language
from composer.langdata import data_languages
from composer.timewords import Meaning, PartOfDay, TimeWords, fold, time_words

__all__ = ["ParsedTime", "parse_started"]


@dataclass(frozen=True)
class ParsedTime:
    when: datetime
    approximate: bool
    assumed_year: bool = False


_TOKEN = re.compile(
    r"(?P<clock>\d{1,2}:\d{2})(?::\d{2})?"
    r"|(?P<dotted>\d{1,4}[./-]\d{1,2}(?:[./-]\d{2,4})?\.?|\d{1,2}\.\d{1,2}\.)"
    r"|(?P<number>\d+\.?)"
    r"|(?P<word>[^\W\d_]+(?:['.\-][^\W\d_]+)*\.?|~)"
)
_SPACED_DATE = re.compile(r"\b(\d{1,2})\.\s+(\d{1,2})\.(?:\s*(\d{4})\b)?")


@dataclass
class _Item:
    kind: str  # clock, dotted, number, phrase
    text: str
    meanings: tuple[Meaning, ...] = ()

    def has(self, kind: str) -> bool:
        return any(meaning.kind == kind for meaning in self.meanings)

    def value(self, kind: str) -> Any:
        return next(meaning.value for meaning in self.meanings if meaning.kind == kind)


def parse_started(text: str, *, now: datetime, languages: Iterable[str] | None = None) -> ParsedTime | None:
    """Read ``text`` as a moment at or before ``now`` (which must be time-zone aware).

    ``languages`` are tried in order (default: the app's language, then every
    other language with time phrases); numbers and dates read the same in all.
    Returns None for empty text.

    Raises:
        ValidationError: ``started_at.unparsed`` when the text is not understood,
            ``started_at.future`` when it lies ahead of ``now``.
    """
    raw = text.strip()
    if not raw:
        return None
    if now.tzinfo is None:
        raise ValueError("now must be time-zone aware")
    result = _parse_iso(raw, now.tzinfo)
    for language in languages if languages is not None else _languages():
        if result is not None:
            break
        result = _parse_in(time_words(language), raw, now)
    if result is None:
        raise ValidationError("started_at.unparsed", value=raw)
    if result.when > now + timedelta(minutes=5):
        raise ValidationError("started_at.future", value=raw)
    return result


def _languages() -> list[str]:
    """The app's language first, then every other language with time phrases."""
    current = current_language()
    return [current, *[code for code in data_languages() if code != current]]


def _parse_iso(text: str, zone: tzinfo) -> ParsedTime | None:
    if not re.match(r"^\d{4}-\d\d-\d\d", text):
        return None
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return ParsedTime(value, approximate=len(text) == 10)


def _items(words: TimeWords, text: str) -> list[_Item] | None:
    """The text as numbers, dates and known phrases (longest first); None if a word is unknown."""
    text = _SPACED_DATE.sub(lambda m: f"{m.group(1)}.{m.group(2)}.{m.group(3) or ''}", fold(text))
    tokens: list[tuple[str, str]] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "word"
        token = match.group(0)
        if kind == "word" and token.endswith(".") and token not in words.words:
            token = token[:-1]
        tokens.append((kind, token))
    leftover = _TOKEN.sub(" ", text)
    if re.search(r"[^\s,;!?()\-–—]", leftover):
        return None
    items: list[_Item] = []
    index = 0
    while index < len(tokens):
        kind, token = tokens[index]
        if kind != "word":
            items.append(_Item(kind, token))
            index += 1
            continue
        for length in range(min(words.longest, len(tokens) - index), 0, -1):
            run = tokens[index : index + length]
            key = tuple(t for _k, t in run)
            if all(k == "word" for k, _t in run) and key in words.phrases:
                items.append(_Item("phrase", " ".join(key), words.phrases[key]))
                index += length
                break
        else:
            month = words.month(token)
            if month is None:
                return None
            items.append(_Item("phrase", token, (Meaning("month", month),)))
            index += 1
    return items


def _parse_in(words: TimeWords, text: str, now: datetime) -> ParsedTime | None:
    items = _items(words, text)
    if not items:
        return None
    vague = any(item.has("around") for item in items)
    if all(item.has("now") or item.has("filler") for item in items) and any(i.has("now") for i in items):
        return ParsedTime(now, approximate=vague)
    if any(item.has("ago_before") or item.has("ago_after") for item in items):
        return _relative(items, now, vague)
    return _absolute(words, items, now, vague)


def _relative(items: list[_Item], now: datetime, vague: bool) -> ParsedTime | None:
    """ "2 hours ago", "prije pola sata", "πριν από λίγα λεπτά"."""
    amount, unit = 1.0, None
    for item in items:
        if item.kind == "number" and item.text.isdigit():
            amount *= int(item.text)
        elif item.has("unit_amount"):
            unit, part = item.value("unit_amount")
            amount *= part
        elif item.has("unit") and unit is None:
            unit = item.value("unit")
        elif item.has("number"):
            amount *= float(item.value("number"))
        elif item.has("vague_number"):
            amount *= float(item.value("vague_number"))
            vague = True
        elif not any(item.has(k) for k in ("ago_before", "ago_after", "filler", "around")):
            return None
    if not isinstance(unit, timedelta):
        return None
    return ParsedTime(now - unit * amount, approximate=vague)


def _absolute(words: TimeWords, items: list[_Item], now: datetime, vague: bool) -> ParsedTime | None:
    today = now.date()
    day: date | None = None
    day_vague = False
    assumed_year = False
    clock: time | None = None
    hour: int | None = None
    part: PartOfDay | None = None
    month = day_of_month = year = None
    has_date = any(
        item.kind == "dotted" and item.text.count(".") + item.text.count("/") > 1 for item in items
    )

    def hour_context(position: int) -> bool:
        before = items[position - 1] if position else None
        after = items[position + 1] if position + 1 < len(items) else None
        return bool(
            (before and (before.has("clock_words") or before.has("around")))
            or (after and (after.has("hour_suffix") or after.has("part")))
        )

    for position, item in enumerate(items):
        neighbours_month = any(
            0 <= p < len(items) and items[p].has("month") for p in (position - 1, position + 1)
        )
        if item.kind == "clock":
            clock = _valid_clock(item.text, ":")
            if clock is None:
                return None
        elif item.kind == "dotted":
            as_clock = _valid_clock(item.text, ".") if re.fullmatch(r"\d{1,2}\.\d{2}", item.text) else None
            if as_clock is not None and (has_date or hour_context(position)):
                clock = as_clock
                continue
            parsed = _numeric_date(item.text, words.date_order, today)
            if parsed is None:
                if as_clock is None:
                    return None
                clock = as_clock
                continue
            day, assumed_year = parsed
        elif item.kind == "number":
            number = int(item.text.rstrip("."))
            if neighbours_month and len(item.text.rstrip(".")) == 4:
                year = number
            elif neighbours_month and 1 <= number <= 31:
                day_of_month = number
            elif hour_context(position) and number <= 24 and not item.text.endswith("."):
                hour = number
            else:
                return None
        elif item.has("number") and hour_context(position):
            hour = int(float(item.value("number")))
        elif item.has("day"):
            day = today - timedelta(days=int(item.value("day")))
        elif item.has("approximate_day"):
            day = today - timedelta(days=int(item.value("approximate_day")))
            day_vague = True
        elif item.has("day_part"):
            back, part = item.value("day_part")
            day = today - timedelta(days=back)
        elif item.has("part"):
            part = item.value("part")
        elif item.has("weekday"):
            back = (today.weekday() - int(item.value("weekday"))) % 7 or 7
            day = today - timedelta(days=back)
        elif item.has("month"):
            month = int(item.value("month"))
        elif not any(item.has(k) for k in ("filler", "clock_words", "around", "hour_suffix")):
            return None

    if month is not None:
        if day_of_month is None:
            return None
        try:
            day = date(year or today.year, month, day_of_month)
        except ValueError:
            return None
        if year is None and day > today:
            try:
                day, assumed_year = day.replace(year=day.year - 1), True
            except ValueError:  # 29 February
                return None
    approximate = vague or day_vague
    moment_time: time | None
    if clock is not None:
        moment_time = clock
    elif hour is not None:
        moment_time, approximate = _read_hour(hour, part), True
    elif part is not None and part.usual is not None:
        moment_time, approximate = part.usual, True
    elif day is not None:
        moment_time, approximate = time(0, 0), True
    else:
        return None
    if moment_time is None:
        return None
    moment = datetime.combine(day or today, moment_time, tzinfo=now.tzinfo)
    if day is None and moment > now:
        moment -= timedelta(days=1)  # "15:00" said in the morning means yesterday
    return ParsedTime(moment, approximate=approximate, assumed_year=assumed_year)


def _valid_clock(text: str, separator: str) -> time | None:
    hour_text, minute_text = text.split(separator)[:2]
    hour, minute = int(hour_text), int(minute_text)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _read_hour(hour: int, part: PartOfDay | None) -> time | None:
    """A bare hour: "3" in the afternoon is 15:00; with no part of the day, 1-6 are read as afternoon."""
    if hour > 24:
        return None
    if hour <= 12:
        mode = part.hours if part is not None else ("pm" if 1 <= hour <= 6 else "am")
        if (mode == "pm" and hour < 12) or (mode == "night" and 6 <= hour < 12):
            hour += 12
        elif mode in {"am", "night"} and hour == 12:
            hour = 0
    return time(hour % 24, 0)


def _numeric_date(text: str, order: str, today: date) -> tuple[date, bool] | None:
    """A numeric date in the language's order; (date, year assumed) or None when impossible."""
    parts = [int(p) for p in re.split(r"[./-]", text.strip(".")) if p]
    if len(parts) == 3 and parts[0] > 31:
        year, month, day_n = parts
        return _date(year, month, day_n, today, year_given=True)
    if len(parts) not in (2, 3):
        return None
    first, second = parts[0], parts[1]
    day_n, month = (second, first) if order == "mdy" else (first, second)
    if month > 12 and day_n <= 12:
        day_n, month = month, day_n  # 12/31/2026 can only be month first
    if len(parts) == 3:
        year = parts[2] + 2000 if parts[2] < 100 else parts[2]
        return _date(year, month, day_n, today, year_given=True)
    return _date(today.year, month, day_n, today, year_given=False)


def _date(year: int, month: int, day_n: int, today: date, *, year_given: bool) -> tuple[date, bool] | None:
    try:
        value = date(year, month, day_n)
    except ValueError:
        return None
    if not year_given and value > today:
        try:
            return value.replace(year=value.year - 1), True  # "20/12" said in January
        except ValueError:  # 29 February
            return None
    return value, False
