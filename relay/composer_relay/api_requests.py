"""``POST /requests``: store first, answer 201 with the helpdesk's number when it comes in time."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from composer_relay import store
from composer_relay.adapters import HelpdeskError
from composer_relay.api_common import HOUR, authorise, json_answer
from composer_relay.db import IntegrityError
from composer_relay.i18n import N_, choose_language
from composer_relay.instance import Relay
from composer_relay.intake import idempotency_key, read_post
from composer_relay.metrics import ACCEPTED
from composer_relay.open_intake import request_language, send_confirmation
from composer_relay.problems import Problem
from composer_relay.tokens import OPEN, Token, normalise_address
from composer_relay.wire import RequestDocument

__all__ = ["create_request"]

log = logging.getLogger("composer_relay.api")


def _status_url(relay: Relay, request: Request, reference: str) -> str:
    public = relay.config.server.public_url.rstrip("/")
    if public:
        return f"{public}/requests/{reference}"
    return _own_url(request, reference)


def _own_url(request: Request, reference: str) -> str:
    path = request.url.path
    base = path[: path.rindex("/requests")] if "/requests" in path else ""
    return str(request.url.replace(path=f"{base}/requests/{reference}", query=""))


async def create_request(relay: Relay, request: Request) -> Response:
    token = await authorise(relay, request)
    key = idempotency_key(request)
    received = await read_post(
        request,
        part="request",
        model=RequestDocument,
        limits=relay.limits,
        attachments_dir=relay.config.storage.attachments,
    )
    document = received.model
    assert isinstance(document, RequestDocument)
    requester = document.request.requester.email
    database = relay.database
    if token.open and not relay.config.open_intake.enabled:
        store.discard_staged(received.files)
        raise Problem(
            401, "auth.invalid", N_("This token is not valid"), detail=N_("The open intake is switched off.")
        )
    # the open intake files each sender as a customer of their own: their keys never meet another's
    customer_id = f"open:{requester.strip().lower()}" if token.open else token.customer_id
    try:
        existing = await run_in_threadpool(store.find_request, database, customer_id, key)
        if existing is not None:
            return await _replay(relay, request, existing, received.body_hash)
        if not token.allows(requester):
            await run_in_threadpool(_audit_refusal, relay, token, requester, "requester.not_allowed")
            raise Problem(
                403,
                "requester.not_allowed",
                N_("This address may not file requests for this customer"),
                detail=N_("Use the address your provider has for you, or ask them to add this one."),
                errors=[
                    {"field": "request.requester.email", "message": N_("not one of the customer's contacts")}
                ],
            )
        refused = _foreign_copies(token, requester, document.copy_to)
        if refused:
            await run_in_threadpool(
                _audit_refusal, relay, token, requester, f"copy_to.not_allowed {len(refused)}"
            )
            raise Problem(
                422,
                "copy_to.not_allowed",
                N_("A copy can only go to this customer's own contacts"),
                detail=N_(
                    "Remove {addresses} from the copy, or ask your provider to add it to your contacts."
                ),
                errors=[
                    {"field": f"copy_to.{n}", "message": N_("not one of the customer's contacts")}
                    for n in refused
                ],
                params={"addresses": ", ".join(document.copy_to[n] for n in refused)},
            )
        await run_in_threadpool(_check_rates, relay, token, requester)
        try:
            row = await run_in_threadpool(
                lambda: store.accept_request(
                    database,
                    customer_id=customer_id,
                    token_id=token.id,
                    key=key,
                    body_hash=received.body_hash,
                    request_id=document.request.id,
                    requester_email=requester.strip().lower(),
                    document={
                        **received.data,
                        "relay": {
                            "customer_id": token.customer_id,
                            "verified_role": "" if token.open else token.role_of(requester),
                            "open_intake": token.open,
                        },
                    },
                    files=received.files,
                    answer_wait=0.0 if token.open else relay.config.server.answer_wait_seconds,
                    state="unconfirmed" if token.open else "queued",
                )
            )
        except IntegrityError:
            existing = await run_in_threadpool(store.find_request, database, customer_id, key)
            assert existing is not None
            return await _replay(relay, request, existing, received.body_hash)
    except BaseException:
        store.discard_staged(received.files)
        raise
    ACCEPTED.labels(kind="request", replayed="false").inc()
    await run_in_threadpool(
        store.audit,
        database,
        "request.accepted",
        customer_id=token.customer_id,
        token_id=token.id,
        address=requester,
        reference=row.reference,
    )
    log.info("request accepted", extra={"reference": row.reference, "customer": customer_id})
    if token.open:
        await run_in_threadpool(_confirmation, relay, request, row)
    else:
        relay.forwarder.wake.set()
        row = await _wait_for_number(relay, row)
    answer = await run_in_threadpool(store.set_answer, database, row.id, _answer(relay, request, row))
    return json_answer(answer, 201, Location=answer["status_url"])


def _confirmation(relay: Relay, request: Request, row: store.StoredRequest) -> None:
    """Mail the open intake's link; a failure leaves the request unconfirmed (``relay pending``)."""
    link_base = _status_url(relay, request, row.reference).rsplit("/requests/", 1)[0]
    try:
        send_confirmation(
            relay.database,
            relay.config.open_intake,
            request_ref=row.id,
            reference=row.reference,
            address=row.requester_email,
            link_base=link_base,
            language=choose_language(
                request_language(row.document), request.headers.get("accept-language", "")
            ),
        )
    except HelpdeskError as exc:
        log.error("confirmation not sent", extra={"reference": row.reference, "error": exc.code})
        store.audit(relay.database, "confirmation.failed", reference=row.reference, detail=exc.code)
        return
    store.audit(relay.database, "confirmation.sent", address=row.requester_email, reference=row.reference)


async def _wait_for_number(relay: Relay, row: store.StoredRequest) -> store.StoredRequest:
    deadline = time.monotonic() + relay.config.server.answer_wait_seconds
    while row.helpdesk_number is None and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        row = await run_in_threadpool(store.request_by_id, relay.database, row.id)
    return row


def _answer(relay: Relay, request: Request, row: store.StoredRequest) -> dict[str, Any]:
    reference = row.public_reference
    answer = {
        "reference": reference,
        "status_url": _status_url(relay, request, reference),
        "created_at": datetime.fromtimestamp(row.received_at, UTC).isoformat(),
    }
    if row.web_url:
        answer["web_url"] = row.web_url
    return answer


async def _replay(relay: Relay, request: Request, row: store.StoredRequest, body_hash: str) -> Response:
    if row.body_hash != body_hash:
        raise Problem(
            409,
            "idempotency.conflict",
            N_("This Idempotency-Key was used for a different request"),
            detail=N_("Use a new key for a new request; the same key only for retries of the same one."),
        )
    answer = row.answer
    if answer is None:
        if time.time() < row.answer_deadline:
            raise Problem(
                409, "idempotency.in_progress", N_("The first try is still being answered"), retry_after=1
            )
        answer = await run_in_threadpool(
            store.set_answer, relay.database, row.id, _answer(relay, request, row)
        )
    ACCEPTED.labels(kind="request", replayed="true").inc()
    return json_answer(answer, 201, Location=answer["status_url"], **{"Idempotency-Replayed": "true"})


def _audit_refusal(relay: Relay, token: Token, requester: str, detail: str) -> None:
    store.audit(
        relay.database,
        "request.refused",
        customer_id=token.customer_id,
        token_id=token.id,
        address=requester,
        detail=detail,
    )


def _foreign_copies(token: Token, requester: str, copy_to: tuple[str, ...]) -> list[int]:
    """Positions in ``copy_to`` the helpdesk must not be made to mail.

    A token holder could otherwise have the provider's helpdesk send its mail
    to anyone: a copy goes only to a contact the provider has on record for
    this customer; with the open intake only to the sender, whose address
    the confirmation link proves.
    """
    if token.open:
        allowed = {normalise_address(requester)}
    else:
        allowed = {address for address in token.roles if address != OPEN}
    return [n for n, address in enumerate(copy_to) if normalise_address(address) not in allowed]


def _check_rates(relay: Relay, token: Token, address: str) -> None:
    limits = relay.config.limits
    since = time.time() - HOUR
    per_token = (
        relay.config.open_intake.requests_per_hour if token.open else limits.requests_per_hour_per_token
    )
    checks = (
        ("token_id", token.id, per_token),
        ("requester_email", address.strip().lower(), limits.requests_per_hour_per_address),
    )
    for column, value, limit in checks:
        if store.count_since(relay.database, "requests", column, value, since) >= limit:
            store.audit(
                relay.database,
                "request.refused",
                customer_id=token.customer_id,
                token_id=token.id,
                address=address,
                detail=f"rate_limited {column}",
            )
            raise Problem(429, "rate_limited", N_("Too many requests in the last hour"), retry_after=600)
