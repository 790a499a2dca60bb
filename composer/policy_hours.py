"""Opening hours: is a contact open now, until when, and when does it open next, in the user's time.

A contact's hours are windows on weekdays in the contact's (or the
provider's) time zone; a window whose ``closes`` is at or before its
``opens`` runs past midnight (chat 09:00-01:00), and ``24:00`` is the end of
the day. Everything here is plain arithmetic on aware datetimes, so it is
tested with fixed clocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from composer.i18n import N_, _
from composer.profile_support import WEEKDAYS, Contact, Hours
from composer.profile_values import minutes

__all__ = ["DAY_NAMES", "OpenState", "describe_hours", "describe_moment", "open_state"]

DAY_NAMES = {
    "mon": N_("Mon"),
    "tue": N_("Tue"),
    "wed": N_("Wed"),
    "thu": N_("Thu"),
    "fri": N_("Fri"),
    "sat": N_("Sat"),
    "sun": N_("Sun"),
}
_LONG_DAYS = (
    N_("on Monday"),
    N_("on Tuesday"),
    N_("on Wednesday"),
    N_("on Thursday"),
    N_("on Friday"),
    N_("on Saturday"),
    N_("on Sunday"),
)


@dataclass(frozen=True)
class OpenState:
    """Whether a contact is open at a moment; the times are in the user's zone.

    ``known`` is False when the profile gives no hours for the contact.
    """

    known: bool
    open_now: bool
    closes_at: datetime | None = None
    opens_at: datetime | None = None


def _spans(window: Hours, zone: tzinfo, around: datetime) -> list[tuple[datetime, datetime]]:
    local = around.astimezone(zone)
    opens, closes = minutes(window.opens), minutes(window.closes)
    spans = []
    for offset in range(-1, 9):
        day = (local + timedelta(days=offset)).date()
        if WEEKDAYS[day.weekday()] not in window.days:
            continue
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        end = closes if closes > opens else closes + 24 * 60
        spans.append((midnight + timedelta(minutes=opens), midnight + timedelta(minutes=end)))
    return spans


def open_state(contact: Contact, zone_name: str, now: datetime, user_zone: tzinfo) -> OpenState:
    """Is ``contact`` open at ``now`` (aware)? When does it close, or open next, for the user?"""
    if contact.always:
        return OpenState(known=True, open_now=True)
    if not contact.hours:
        return OpenState(known=False, open_now=False)
    zone = ZoneInfo(contact.time_zone or zone_name)
    spans = sorted(span for window in contact.hours for span in _spans(window, zone, now))
    current = [span for span in spans if span[0] <= now < span[1]]
    if current:
        end = max(stop for _start, stop in current)
        for start, stop in spans:  # windows that touch run on (Fri 09-24, Sat 00-02)
            if start <= end < stop:
                end = stop
        return OpenState(known=True, open_now=True, closes_at=end.astimezone(user_zone))
    upcoming = [start for start, _stop in spans if start > now]
    opens_at = min(upcoming).astimezone(user_zone) if upcoming else None
    return OpenState(known=True, open_now=False, opens_at=opens_at)


def describe_moment(moment: datetime, now: datetime) -> str:
    """``today at 09:30``, ``tomorrow at 10:00`` or ``on Monday at 09:30``, in ``moment``'s zone."""
    local_now = now.astimezone(moment.tzinfo)
    days = (moment.date() - local_now.date()).days
    clock = moment.strftime("%H:%M")
    if days == 0:
        return _("today at {time}").format(time=clock)
    if days == 1:
        return _("tomorrow at {time}").format(time=clock)
    return _("{day} at {time}").format(day=_(_LONG_DAYS[moment.weekday()]), time=clock)


def describe_hours(contact: Contact, zone_name: str) -> str:
    """``Mon–Fri 09:00–01:00, Sat–Sun 10:00–00:00 (Europe/Moscow)``, or ``day and night``."""
    if contact.always:
        return _("day and night, every day")
    if not contact.hours:
        return _("hours not given")
    parts = [f"{_days(window.days)} {window.opens}–{window.closes}" for window in contact.hours]
    return "{} ({})".format(", ".join(parts), contact.time_zone or zone_name)


def _days(days: Sequence[str]) -> str:
    """Runs of consecutive days as ranges: ``Mon–Fri``, ``Sat–Sun``, ``Mon, Wed``."""
    order: list[str] = list(WEEKDAYS)
    indexes = sorted({order.index(day) for day in days})
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    names = [_(DAY_NAMES[WEEKDAYS[i]]) for i in range(7)]
    return ", ".join(names[run[0]] if len(run) == 1 else f"{names[run[0]]}–{names[run[-1]]}" for run in runs)
