"""Errors the intake API answers, as ``application/problem+json`` (RFC 9457) with a stable code.

Codes are API: the desktop app, providers' scripts and the README rely on
them. Every one the relay can answer:

=============================  ======  ==========================================
code                           status  meaning
=============================  ======  ==========================================
``auth.missing``               401     no ``Authorization: Bearer`` header
``auth.invalid``               401     unknown or revoked token
``requester.not_allowed``      403     the requester's address is not one of the
                                       token's customer's contacts
``request.malformed``          400     not multipart, no JSON part, bad JSON
``idempotency.key_missing``    400     no or malformed ``Idempotency-Key``
``request.invalid``            422     the document does not follow the schema
                                       (``errors`` lists the fields)
``attachment.mismatch``        422     files do not match ``request.attachments``
``attachment.type_not_allowed`` 415    a media type the provider does not take
``request.too_large``          413     body or a file over the provider's limit
``idempotency.in_progress``    409     the first POST with this key is still
                                       being answered; retry later
``idempotency.conflict``       409     the key was used for a different body
``rate_limited``               429     too many requests for this token or
                                       address; ``Retry-After`` says when
``ticket.follow_up_unsupported`` 422   the helpdesk takes no follow-ups by API
                                       (osTicket): reply to its e-mail instead
``ticket.not_found``           404     no such reference for this customer
``prefill.not_found``          404     no such pre-fill code
``prefill.expired``            410     the code is past its expiry
``storage.unavailable``        503     the database cannot be written now
``internal``                   500     a defect; the log has the details
=============================  ======  ==========================================
"""

from __future__ import annotations

from typing import Any

__all__ = ["Problem"]


class Problem(Exception):
    """An answer that is not a success, with what the client needs to act on it."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        *,
        detail: str = "",
        errors: list[dict[str, str]] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {title}")
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"title": self.title, "status": self.status, "code": self.code}
        if self.detail:
            body["detail"] = self.detail
        if self.errors:
            body["errors"] = self.errors
        return body
