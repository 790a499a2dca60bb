"""Dates, times and sizes as the user's locale writes them (Babel, CLDR data).

"21. 11. 2026. 15:04" in Croatian, "21.11.2026, 15:04" in Russian, "1,2 MB"
with a decimal comma: the screens show moments and sizes through these
functions, in the app's current language. The region comes from the
environment when it matches that language (``LC_ALL``, ``LC_TIME``, ``LANG``:
``en_US`` writes 11/21/2026), otherwise each language's usual one (English is
``en_GB``, as the app's users write dates day first). Clock times are always
24-hour. What is sent to the provider is not formatted here: the request text
keeps its own unambiguous ISO form.
"""

from __future__ import annotations

import os
from datetime import datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.units import format_unit

from composer.i18n import current_language

__all__ = [
    "format_date_time",
    "format_long_moment",
    "format_milliseconds",
    "format_size",
    "format_time",
    "locale_name",
]

_DEFAULT_REGIONS = {"en": "en_GB", "el": "el_GR", "hr": "hr_HR", "ru": "ru_RU"}
_SIZE_UNITS = (
    (1024**3, "digital-gigabyte"),
    (1024**2, "digital-megabyte"),
    (1024, "digital-kilobyte"),
)


def locale_name(language: str | None = None) -> str:
    """The Babel locale for ``language`` (the app's language when None)."""
    language = language or current_language()
    for variable in ("LC_ALL", "LC_TIME", "LANG"):
        value = os.environ.get(variable, "").split(".")[0]
        if value and value.split("_")[0].lower() == language and "_" in value:
            try:
                Locale.parse(value)
            except (ValueError, UnknownLocaleError):
                continue
            return value
    name = _DEFAULT_REGIONS.get(language, language)
    try:
        Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return _DEFAULT_REGIONS["en"]  # a language CLDR does not know is written the English way
    return name


def _glue(moment: datetime, date_skeleton: str, locale: str) -> str:
    pattern = Locale.parse(locale).datetime_formats["medium"]
    date_text = format_skeleton(date_skeleton, moment, locale=locale)
    time_text = format_skeleton("Hm", moment, locale=locale)
    return str(pattern).replace("{1}", date_text).replace("{0}", time_text)


def format_date_time(moment: datetime, *, language: str | None = None) -> str:
    """A date and a time for lists: "21/11/2026, 15:04", "21. 11. 2026. 15:04"."""
    return _glue(moment, "yMd", locale_name(language))


def format_long_moment(moment: datetime, *, language: str | None = None) -> str:
    """A moment with its weekday, to show what a typed time was read as: "Sat, 21 Nov 2026, 15:04"."""
    return _glue(moment, "yMMMEd", locale_name(language))


def format_time(moment: datetime, *, seconds: bool = False, language: str | None = None) -> str:
    """A clock time, 24-hour: "15:04" or "15:04:05"."""
    return format_skeleton("Hms" if seconds else "Hm", moment, locale=locale_name(language))


def format_size(size: int, *, language: str | None = None) -> str:
    """A file size with the locale's decimal mark and unit: "1,2 MB", "512 кБ"."""
    locale = locale_name(language)
    for factor, unit in _SIZE_UNITS:
        if size >= factor:
            return str(format_unit(size / factor, unit, length="short", locale=locale, format="#,##0.#"))
    return str(format_unit(size, "digital-byte", length="long", locale=locale))


def format_milliseconds(milliseconds: int, *, language: str | None = None) -> str:
    """How long something took: "148 ms", "148 мс"."""
    locale = locale_name(language)
    return str(format_unit(milliseconds, "duration-millisecond", length="short", locale=locale))
