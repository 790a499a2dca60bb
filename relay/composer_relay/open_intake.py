"""The open intake: requests from senders without a customer token, forwarded once they confirm their address.

For providers who publish one open token (``relay token issue --open``) in
their profile instead of issuing one per customer. A request filed with it
is stored as ``unconfirmed`` and the relay mails the requester a link
(``GET {base}/confirm/{code}``); only when it is followed does the request
go to the queue and the helpdesk. The code is 24 random bytes, stored as its
SHA-256, good for ``open_intake.confirm_hours``. The ticket says the sender
is not a known contact and confirmed the address.

The mail and the page are in the sender's language (:mod:`composer_relay.i18n`):
the mail in the request's ``language`` (else the ``Accept-Language`` of the
app that sent it), the page in the browser's ``Accept-Language`` (else the
request's).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from email.message import EmailMessage
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from composer_relay.adapters.mail import SmtpSettings, smtp_send
from composer_relay.db import Database
from composer_relay.i18n import N_, translate, translate_plural

__all__ = ["OpenIntakeSettings", "confirm", "request_language", "send_confirmation"]


class OpenIntakeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(False, examples=[True])
    confirm_hours: float = Field(48.0, gt=0, examples=[48])
    requests_per_hour: int = Field(100, ge=1, examples=[100])
    smtp: SmtpSettings | None = None


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii", "replace")).hexdigest()


def send_confirmation(
    database: Database,
    settings: OpenIntakeSettings,
    *,
    request_ref: int,
    reference: str,
    address: str,
    link_base: str,
    language: str = "en",
) -> None:
    """Store a new code for the request and mail the link to ``address``.

    Raises:
        HelpdeskError: the mail could not be sent (the request stays unconfirmed).
    """
    assert settings.smtp is not None
    code = secrets.token_urlsafe(24)
    with database.transaction() as cursor:
        cursor.execute("DELETE FROM confirmations WHERE request_ref = ?", (request_ref,))
        cursor.execute(
            "INSERT INTO confirmations (request_ref, code_hash, address, expires_at) VALUES (?, ?, ?, ?)",
            (request_ref, _hash(code), address, time.time() + settings.confirm_hours * 3600),
        )
    message = EmailMessage()
    message["Subject"] = translate(
        language, N_("Please confirm your support request {reference}"), reference=reference
    )
    message["From"] = settings.smtp.sender
    message["To"] = address
    message["Content-Language"] = language
    hours = max(1, round(settings.confirm_hours))
    lines = (
        translate(
            language, N_("We received a support request {reference} from this address."), reference=reference
        ),
        "",
        translate(language, N_("To send it to our support team, open this link:")),
        "",
        f"    {link_base}/confirm/{code}",
        "",
        translate(
            language, N_("If you did not write it, ignore this message; nothing is sent without the link.")
        ),
        translate_plural(language, "The link works for {n} hour.", "The link works for {n} hours.", hours),
    )
    message.set_content("\n".join(lines) + "\n")
    smtp_send(settings.smtp, message, to=[address])


def request_language(document: dict[str, Any]) -> str:
    """The ``language`` the customer wrote the request in (``""`` when it does not say)."""
    request = document.get("request")
    language = request.get("language") if isinstance(request, dict) else None
    return language if isinstance(language, str) else ""


def confirm(database: Database, code: str) -> tuple[str, str, str]:
    """Follow a link: (``confirmed`` | ``expired`` | ``unknown``, the request's reference, its language)."""
    now = time.time()
    with database.transaction() as cursor:
        cursor.execute(
            "SELECT c.request_ref, c.expires_at, c.confirmed_at, r.reference, r.document "
            "FROM confirmations c JOIN requests r ON r.id = c.request_ref WHERE c.code_hash = ?",
            (_hash(code),),
        )
        row = cursor.fetchone()
        if row is None or row[2] is not None:
            return "unknown", "", ""
        language = request_language(json.loads(row[4]))
        if float(row[1]) < now:
            return "expired", str(row[3]), language
        cursor.execute("UPDATE confirmations SET confirmed_at = ? WHERE request_ref = ?", (now, row[0]))
        cursor.execute(
            "UPDATE requests SET state = 'queued', next_attempt_at = ? "
            "WHERE id = ? AND state = 'unconfirmed'",
            (now, row[0]),
        )
    return "confirmed", str(row[3]), language
