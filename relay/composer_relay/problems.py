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
``copy_to.not_allowed``        422     an address in ``copy_to`` is not one of the
                                       token's customer's contacts (the open
                                       intake: not the sender); ``errors`` names them
``ticket.follow_up_unsupported`` 422   the helpdesk takes no follow-ups by API
                                       (osTicket): reply to its e-mail instead
``ticket.not_found``           404     no such reference for this customer
``prefill.not_found``          404     no such pre-fill code
``prefill.expired``            410     the code is past its expiry
``storage.unavailable``        503     the database cannot be written now
``internal``                   500     a defect; the log has the details
=============================  ======  ==========================================

``title``, ``detail`` and each ``errors[].message`` are for people (the
desktop shows them to the customer): they are written as catalogue strings
(:func:`composer_relay.i18n.N_`) with ``{name}`` placeholders and rendered
in the caller's language by :meth:`Problem.body`. The ``code`` never changes
with the language. Messages of the schema validator are left in English
(they name a field the desktop itself filled in, not something the customer typed).
"""

from __future__ import annotations

from typing import Any

from composer_relay.i18n import translate

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
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {title}")
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.errors = errors or []
        self.retry_after = retry_after
        self.params = params or {}

    def body(self, language: str = "en") -> dict[str, Any]:
        """The problem document in ``language`` (one of :data:`composer_relay.i18n.LANGUAGES`)."""
        body: dict[str, Any] = {
            "title": translate(language, self.title, **self.params),
            "status": self.status,
            "code": self.code,
        }
        if self.detail:
            body["detail"] = translate(language, self.detail, **self.params)
        if self.errors:
            body["errors"] = [
                {**error, "message": translate(language, error.get("message", ""))} for error in self.errors
            ]
        return body
