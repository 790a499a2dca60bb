"""The ticket's subject and body, from the document the customer reviewed.

The desktop sends the request model (``render_json``), not its rendered
text; when a document carries a top-level ``text`` (the exact text shown at
review), that text is the body, unchanged. Otherwise the body is laid out
from the fields, in the order agents read them. Every body ends with the
request id and the relay's reference: the search key that settles a forward
whose outcome is unknown, and what an agent quotes back.
"""

from __future__ import annotations

from typing import Any

from composer_relay.i18n import N_, choose_language, translate
from composer_relay.wire import RequestBody

__all__ = ["body_text", "marker", "subject"]

_FIELDS = (
    ("Domain", "domain"),
    ("Account", "account"),
    ("Category", "category"),
    ("Urgency", "urgency"),
    ("Service", "service"),
    ("Device", "device"),
    ("System", "operating_system"),
    ("Program", "client"),
    ("Program version", "client_version"),
    ("Started", "started_text"),
    ("Worked before", "worked_before"),
    ("Follows up", "follows_up"),
)


def marker(request_id: str, reference: str) -> str:
    return f"Request id: {request_id} (relay reference {reference})"


def subject(request: RequestBody, rendered: str = "") -> str:
    """The ticket's subject: the one the desktop rendered with the text (``rendered``), else our own.

    Whitespace (line breaks included) becomes single spaces: a subject ends up in mail headers.
    """
    text = rendered.strip() or request.summary.strip()
    text = text or " ".join(p for p in (request.category, request.domain) if p)
    return " ".join((text or "Support request").split())[:200]


_ROLES = {
    "owner": N_("owner"),
    "technical": N_("technical"),
    "billing": N_("billing"),
    "contact": N_("contact"),
}


def _verified(document: dict[str, Any]) -> str:
    """What the relay vouches for: an address the provider has on record for this customer, in this role.

    In the document's ``language`` (the provider's, that the desktop wrote the text in), so that
    the line reads as the rest of the text does; English when the relay has no such catalogue.
    """
    language = document.get("language")
    language = choose_language(language) if isinstance(language, str) and language else "en"
    relay = document.get("relay")
    if isinstance(relay, dict) and relay.get("open_intake"):
        return (
            translate(
                language,
                N_(
                    "Not a known contact: the sender confirmed this address"
                    " by a link mailed to it (open intake)"
                ),
            )
            + "\n"
        )
    if not isinstance(relay, dict) or not relay.get("verified_role"):
        return ""
    role = str(relay["verified_role"])
    return (
        translate(
            language,
            N_("Verified contact of customer {customer}: {role}"),
            customer=relay.get("customer_id", ""),
            role=translate(language, _ROLES[role]) if role in _ROLES else role,
        )
        + "\n"
    )


def body_text(document: dict[str, Any], request: RequestBody, reference: str) -> str:
    verified = _verified(document)
    text = document.get("text")
    if isinstance(text, str) and text.strip():
        return f"{text.rstrip()}\n\n-- \n{verified}{marker(request.id, reference)}\n"
    requester = request.requester
    lines = [f"From: {requester.name} <{requester.email}> (says: {requester.role})"]
    if verified:
        lines.append(verified.rstrip("\n"))
    for label, value in (
        ("Customer", requester.customer_id),
        ("Organisation", requester.organisation),
        ("On behalf of", requester.on_behalf_of),
        ("Phone", requester.phone),
    ):
        if value:
            lines.append(f"{label}: {value}")
    lines.append("")
    for label, name in _FIELDS:
        value = str(getattr(request, name) or "")
        if value and value != "unknown":
            lines.append(f"{label}: {value}")
    for title, value in (
        ("Error message", request.error_text),
        ("What happens", request.description),
        ("Already tried", request.tried),
    ):
        if value.strip():
            lines += ["", f"{title}:", value.rstrip()]
    if request.answers:
        lines += ["", "Answers:"] + [f"  {q}: {a}" for q, a in request.answers.items()]
    if request.attachments:
        lines += ["", "Attachments:"] + [f"  {a.name} ({a.size} bytes)" for a in request.attachments]
    lines += ["", "-- ", marker(request.id, reference)]
    return "\n".join(lines) + "\n"
