"""The coach panel's words: what each step still lacks, and what happens after sending.

Readiness items name a field; :data:`FIELD_PLACES` says on which step (and
widget) it lives, so the coach can show each step's own items and a click in
the review can jump to the field.
"""

from __future__ import annotations

from datetime import datetime

from composer.errors import Problem
from composer.i18n import _
from composer.model import Request
from composer.policy import for_request
from composer.policy_hours import describe_hours
from composer.profile import ProviderProfile
from composer.quality import NOTE_CODES, Readiness, advice_text

__all__ = ["FIELD_PLACES", "coach_html", "escape", "step_of", "step_ticks", "support_hours_text"]

# Where a readiness item's field lives: (step key, widget field name).
FIELD_PLACES = {
    "requester.name": ("who", "name"),
    "requester.email": ("who", "email"),
    "requester.role": ("who", "role"),
    "summary": ("affected", "summary"),
    "category": ("affected", "category"),
    "domain": ("affected", "domain"),
    "account": ("affected", "account"),
    "device": ("affected", "device"),
    "client": ("affected", "client"),
    "error_text": ("happens", "error_text"),
    "started_at": ("happens", "started_at"),
    "worked_before": ("happens", "worked_before"),
    "description": ("happens", "description"),
    "tried": ("happens", "tried"),
    "urgency": ("happens", "urgency"),
    "attachments": ("evidence", ""),
}


def step_of(field: str) -> str:
    """The key of the step that holds a readiness item's field."""
    if field.startswith("answers."):
        return "happens"
    if field == "category":
        return "affected"
    return FIELD_PLACES.get(field, ("happens", ""))[0]


def step_ticks(readiness: Readiness, request: Request) -> set[str]:
    """The steps that have what they need (a tick in the step list).

    A form step is ticked when the agent needs something from it and nothing it
    needs is missing or wrong; information notes do not count. The checks are
    ticked once they have run, the evidence once something is attached; the
    review never is. So an empty request has no tick at all.
    """
    essential = {item.field for item in readiness.missing_essentials}
    missing = {item.field for item in readiness.problems} | essential
    ticks: set[str] = set()
    for key in ("who", "affected", "happens"):
        needed = [field for field in readiness.needed if step_of(field) == key]
        if needed and not any(step_of(field) == key for field in missing):
            ticks.add(key)
    if request.report is not None:
        ticks.add("checks")
    if request.attachments:
        ticks.add("evidence")
    return ticks


def step_items(readiness: Readiness, key: str) -> list[Problem]:
    """What the coach says on one step: gaps first, then information notes."""
    items = [i for i in (*readiness.problems, *readiness.advice) if step_of(i.field) == key]
    return sorted(items, key=lambda item: item.code in NOTE_CODES)


def coach_html(items: list[Problem], *, complete: bool = True, limit: int = 6) -> str:
    """The advice for one step, each with why the support team needs it.

    ``complete`` is whether the step is ticked: a step with nothing to ask and no
    tick (the checks before they ran) does not claim to have everything.
    """
    if not items:
        if complete:
            return _("This step has everything the support team needs.")
        return _("Nothing is missing here.")
    lines = []
    for item in items[:limit]:
        message, why = advice_text(item)
        lines.append(f"<p><b>{escape(message)}</b><br>{escape(why)}</p>")
    return "".join(lines)


def support_hours_text(profile: ProviderProfile, request: Request) -> str:
    """What happens after sending: the response target, and when people answer the phone."""
    support = profile.support
    parts = []
    now = datetime.now().astimezone()
    assert now.tzinfo is not None
    policy = for_request(profile, request, now=now, user_zone=now.tzinfo)  # the user's plan decides
    if policy.priority is not None and policy.priority.target:
        parts.append(
            _("{provider} aims to answer requests like this {response}.").format(
                provider=escape(profile.provider.name), response=escape(policy.priority.target)
            )
        )
    phone = policy.phone
    if phone is not None and phone.available and phone.contact.hours:
        hours = describe_hours(phone.contact, phone.hours_zone)
        parts.append(
            _("Phone: {phone}, {hours}.").format(phone=escape(phone.contact.address), hours=escape(hours))
        )
    if support.critical_always_open:
        parts.append(
            _(
                "Outages and security incidents are handled day and night when reported "
                "in writing, like this request."
            )
        )
    if profile.sends_directly():
        parts.append(
            _("Keep the reference code you get back: quote it whenever you call or write about this problem.")
        )
    elif support.email:
        parts.append(
            _("Save the request as a file, then send it to {email} as an attachment.").format(
                email=escape(support.email)
            )
        )
    return "".join(f"<p>{part}</p>" for part in parts)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
