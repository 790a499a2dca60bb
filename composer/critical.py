"""Critical is for outages: a polite word when a request marked critical does not look like one.

Providers handle critical requests first, day and night; a request marked
critical that is not an outage (the whole site or all mail down) or a
security incident slows the real ones down. :func:`critical_advice` says so,
with the reason and the response target of the urgency that fits, when the
user picked critical but the category, the answers, the error text and the
checks do not support it (:func:`composer.triage.suggest_urgency`), or when
they marked many recent requests critical (:func:`recent_critical`, from the
history). Both are notes: they never block sending or lower the score.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from composer.errors import Problem
from composer.i18n import _
from composer.model import URGENCY_LABELS, Request, Urgency
from composer.policy import priority_for
from composer.profile import ProviderProfile
from composer.store import Store
from composer.triage import suggest_urgency

__all__ = ["MANY_CRITICAL", "RECENT", "critical_advice", "recent_critical"]

#: this many critical requests in :data:`RECENT` and the next one gets a word about it
MANY_CRITICAL = 3
RECENT = timedelta(days=30)


def recent_critical(store: Store, *, now: datetime) -> int:
    """How many requests sent in the last :data:`RECENT` were marked critical (disk: off the GUI thread)."""
    since = (now - RECENT).astimezone(UTC).isoformat(timespec="microseconds")
    rows = store.query(
        "SELECT COUNT(*) AS n FROM history"
        " WHERE sent_at >= ? AND json_extract(body, '$.urgency') = 'critical'",
        (since,),
    )
    return int(rows[0]["n"]) if rows else 0


def critical_advice(request: Request, profile: ProviderProfile, *, recent: int = 0) -> list[Problem]:
    """Notes for a request marked critical: ``advice.critical_unsupported`` and ``advice.critical_often``."""
    if request.urgency is not Urgency.CRITICAL:
        return []
    notes: list[Problem] = []
    suggested = suggest_urgency(request, profile)
    if suggested is not Urgency.CRITICAL:
        category = profile.category(request.category)
        priority = priority_for(profile, request.model_copy(update={"urgency": suggested}))
        target = (
            _("At {urgency}, {provider} aims to answer {response}.").format(
                urgency=_(URGENCY_LABELS[suggested]), provider=profile.provider.name, response=priority.target
            )
            if priority is not None and priority.target
            else ""
        )
        notes.append(
            Problem(
                "advice.critical_unsupported",
                "urgency",
                {
                    "category": _(category.label) if category else _("this request"),
                    "urgency": _(URGENCY_LABELS[suggested]),
                    "target": target,
                },
                blocking=False,
            )
        )
    if recent >= MANY_CRITICAL:
        notes.append(Problem("advice.critical_often", "urgency", {"count": recent}, blocking=False))
    return notes
