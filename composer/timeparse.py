"""When did it start? Times as people say them, turned into a moment with a time zone.

"yesterday around 15:00", "2 hours ago", "this morning", "since Monday",
"20.11.2026 14:30" and ISO dates are understood. Whatever is vague ("this
morning", "around", a day without a time) is marked approximate, and the
request shows both the user's own words and the moment they were read as.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from composer.errors import ValidationError

__all__ = ["ParsedTime", "parse_started"]


@dataclass(frozen=True)
class ParsedTime:
    when: datetime
    approximate: bool


_FILLER = re.compile(
    r"\b(since|from|around|about|approximately|approx\.?|roughly|at|on|started|starting|"
    r"it|ca\.?|circa|maybe|about|the)\b|~",
)
_VAGUE = re.compile(r"\b(around|about|approximately|approx|roughly|ca|circa|maybe)\b|~")

_PARTS_OF_DAY = {
    "morning": time(9, 0),
    "noon": time(12, 0),
    "midday": time(12, 0),
    "lunchtime": time(12, 30),
    "afternoon": time(15, 0),
    "evening": time(19, 0),
    "night": time(22, 0),
    "midnight": time(0, 0),
}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_UNITS = {
    "minute": timedelta(minutes=1),
    "min": timedelta(minutes=1),
    "mins": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "hr": timedelta(hours=1),
    "hrs": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "few": 3,
    "couple": 2,
    "several": 3,
    "half": 0.5,
}


def parse_started(text: str, *, now: datetime) -> ParsedTime | None:
    """Read ``text`` as a moment at or before ``now`` (which must be time-zone aware).

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
    result = _parse_iso(raw, now.tzinfo) or _parse_words(raw.lower(), now)
    if result is None:
        raise ValidationError("started_at.unparsed", value=raw)
    if result.when > now + timedelta(minutes=5):
        raise ValidationError("started_at.future", value=raw)
    return result


def _parse_iso(text: str, zone: tzinfo) -> ParsedTime | None:
    try:
        value = datetime.fromisoformat(
            text.replace(" ", "T", 1) if re.match(r"^\d{4}-\d\d-\d\d \d", text) else text
        )
    except ValueError:
        return None
    if "T" not in text and " " not in text and ":" not in text:
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        return ParsedTime(value, approximate=True)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return ParsedTime(value, approximate=False)


def _parse_words(text: str, now: datetime) -> ParsedTime | None:
    approximate = bool(_VAGUE.search(text))
    text = re.sub(r"\ba (few|couple)( of)?\b", r"\1", text)
    text = _FILLER.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.")
    if text in {"now", "just now", "right now", "a moment ago", "moments ago"}:
        return ParsedTime(now, approximate=False)

    ago = re.fullmatch(r"(?:(\d+(?:\.\d+)?)|([a-z]+))(?: of an| an)? ?([a-z]+?)s? ago", text)
    if ago:
        amount = float(ago.group(1)) if ago.group(1) else _NUMBER_WORDS.get(ago.group(2) or "")
        unit = _UNITS.get(ago.group(3))
        if amount is None or unit is None:
            return None
        vague = approximate or ago.group(2) in {"few", "couple", "several"}
        return ParsedTime(now - unit * amount, approximate=vague)

    clock, text = _take_clock(text)
    part_of_day = None
    for word, day_time in _PARTS_OF_DAY.items():
        if re.search(rf"\b{word}\b", text):
            part_of_day = day_time
            text = re.sub(rf"\b(this |last |in the )?{word}\b", " ", text).strip()
            break
    if re.fullmatch(r"(last night)", text):
        text = "yesterday"
    day = _take_day(text.strip(" ,"), now)
    if day is None:
        return None
    chosen_day, day_vague = day
    if "last night" in _FILLER.sub(" ", text):
        chosen_day = now.date() - timedelta(days=1)
    if clock is not None:
        when_time, clock_vague = clock
    elif part_of_day is not None:
        when_time, clock_vague = part_of_day, True
    else:
        when_time, clock_vague = (time(0, 0), True) if day_vague is not None else (now.timetz(), True)
    moment = datetime.combine(chosen_day, when_time.replace(tzinfo=None), tzinfo=now.tzinfo)
    if day_vague is None and moment > now:
        moment -= timedelta(days=1)  # "15:00" said in the morning means yesterday
    if day_vague is None and clock is None and part_of_day is None:
        return None
    return ParsedTime(moment, approximate=approximate or clock_vague or bool(day_vague))


def _take_clock(text: str) -> tuple[tuple[time, bool] | None, str]:
    pattern = r"(?<![\d.:/-])(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?(?=\s|$|,)"
    for match in re.finditer(pattern, text):
        hour_text, minute_text, meridiem = match.group(1), match.group(2), match.group(3)
        if minute_text is None and meridiem is None:
            continue  # a bare number is a day or an amount, not a time
        hour, minute = int(hour_text), int(minute_text or 0)
        if meridiem:
            if not 1 <= hour <= 12:
                return None, text
            hour = hour % 12 + (12 if meridiem.startswith("p") else 0)
        if hour > 23 or minute > 59:
            return None, text
        rest = (text[: match.start()] + " " + text[match.end() :]).strip()
        return (time(hour, minute), minute_text is None), rest
    return None, text


def _take_day(text: str, now: datetime) -> tuple[date, bool | None] | None:
    """The day ``text`` names, and whether it is vague (None when no day was named)."""
    today = now.date()
    text = text.strip()
    if text in {"", "this", "in the"}:
        return today, None
    if text in {"today", "this"}:
        return today, False
    if text in {"yesterday", "last night"}:
        return today - timedelta(days=1), False
    if text in {"day before yesterday"}:
        return today - timedelta(days=2), False
    if text in {"last week"}:
        return today - timedelta(days=7), True
    weekday = re.fullmatch(r"(?:last |this |since )?([a-z]+)", text)
    if weekday:
        name = weekday.group(1)
        for index, day_name in enumerate(_WEEKDAYS):
            if name in {day_name, day_name[:3]}:
                back = (today.weekday() - index) % 7 or 7
                return today - timedelta(days=back), False
    numeric = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})(?:[./-](\d{2,4}))?", text)
    if numeric:
        day_n, month_n = int(numeric.group(1)), int(numeric.group(2))
        year = _year(numeric.group(3), today)
        return _safe_date(year, month_n, day_n, today)
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if iso:
        return _safe_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), today)
    named = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+)\.?(?: (\d{4}))?", text) or re.fullmatch(
        r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,?(?: (\d{4}))?", text
    )
    if named:
        first, second, year_text = named.groups()
        day_text, month_text = (first, second) if first.isdigit() else (second, first)
        month_n = next((i + 1 for i, m in enumerate(_MONTHS) if month_text.startswith(m)), 0)
        if not month_n:
            return None
        return _safe_date(_year(year_text, today), month_n, int(day_text), today)
    return None


def _year(text: str | None, today: date) -> int:
    if not text:
        return today.year
    year = int(text)
    return year + 2000 if year < 100 else year


def _safe_date(year: int, month: int, day: int, today: date) -> tuple[date, bool] | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    if value > today and value.replace(year=value.year - 1) <= today and value.year == today.year:
        value = value.replace(year=value.year - 1)  # "20/12" said in January
    return value, False
