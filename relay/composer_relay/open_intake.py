"""The open intake: requests from senders without a customer token, forwarded once they confirm their address.

For providers who publish one open token (``relay token issue --open``) in
their profile instead of issuing one per customer. A request filed with it
is stored as ``unconfirmed`` and the relay mails the requester a link
(``GET {base}/confirm/{code}``); only when it is followed does the request
go to the queue and the helpdesk. The code is 24 random bytes, stored as its
SHA-256, good for ``open_intake.confirm_hours``. The ticket says the sender
is not a known contact and confirmed the address.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from email.message import EmailMessage

from pydantic import BaseModel, ConfigDict, Field

from composer_relay.adapters.mail import SmtpSettings, smtp_send
from composer_relay.db import Database

__all__ = ["OpenIntakeSettings", "confirm", "send_confirmation"]


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
    message["Subject"] = f"Please confirm your support request {reference}"
    message["From"] = settings.smtp.sender
    message["To"] = address
    message.set_content(
        f"We received a support request {reference} from this address.\n\n"
        f"To send it to our support team, open this link:\n\n    {link_base}/confirm/{code}\n\n"
        f"If you did not write it, ignore this message; nothing is sent without the link.\n"
        f"The link works for {settings.confirm_hours:g} hours.\n"
    )
    smtp_send(settings.smtp, message, to=[address])


def confirm(database: Database, code: str) -> tuple[str, str]:
    """Follow a link: (``confirmed`` | ``expired`` | ``unknown``, the request's reference)."""
    now = time.time()
    with database.transaction() as cursor:
        cursor.execute(
            "SELECT c.request_ref, c.expires_at, c.confirmed_at, r.reference FROM confirmations c "
            "JOIN requests r ON r.id = c.request_ref WHERE c.code_hash = ?",
            (_hash(code),),
        )
        row = cursor.fetchone()
        if row is None or row[2] is not None:
            return "unknown", ""
        if float(row[1]) < now:
            return "expired", str(row[3])
        cursor.execute("UPDATE confirmations SET confirmed_at = ? WHERE request_ref = ?", (now, row[0]))
        cursor.execute(
            "UPDATE requests SET state = 'queued', next_attempt_at = ? "
            "WHERE id = ? AND state = 'unconfirmed'",
            (now, row[0]),
        )
    return "confirmed", str(row[3])
