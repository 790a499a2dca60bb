"""Counts, durations, times and lists as people say them, in the current language."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from composer.i18n import _, ngettext

__all__ = ["human_duration", "join", "local_time", "time_left"]


def human_duration(seconds: float) -> str:
    """``"40 minutes"``, ``"3 hours"``, ``"9 days"``: the largest unit that reads naturally."""
    if 0 < seconds < 120:
        value = math.ceil(seconds)  # "took 0.5 s" is "1 second", never "0 seconds"
        return ngettext("{n} second", "{n} seconds", value).format(n=value)
    value = max(0, round(seconds))
    if value < 120:
        return ngettext("{n} second", "{n} seconds", value).format(n=value)
    if value < 2 * 3600:
        minutes = round(value / 60)
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    if value < 2 * 86400:
        hours = round(value / 3600)
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    days = round(value / 86400)
    return ngettext("{n} day", "{n} days", days).format(n=days)


def time_left(left: timedelta) -> str:
    """How long until a date, in whole days as people count them (9.3 days is "9 days",
    4.99 days "5 days")."""
    seconds = left.total_seconds()
    if seconds < 86400:
        return human_duration(seconds)
    days = int(seconds / 86400 + 0.5)
    return ngettext("{n} day", "{n} days", days).format(n=days)


def local_time(moment: datetime, *, with_date: bool = False) -> str:
    """A moment in this computer's time zone, with the zone: ``"18:46 EET"``."""
    local = moment.astimezone()
    zone = local.tzname() or local.strftime("UTC%z")
    text = local.strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")
    return f"{text} {zone}"


def join(items: Sequence[str]) -> str:
    """Items as a list: ``"a, b"``; ``"nothing"`` when empty."""
    return ", ".join(items) if items else _("nothing")
