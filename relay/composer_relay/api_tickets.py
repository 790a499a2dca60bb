"""After filing: ``GET /requests/{reference}``, follow-ups, ``GET /prefill/{code}``, the open link."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from html import escape
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from composer_relay import store
from composer_relay.adapters import HelpdeskError, HelpdeskTicket
from composer_relay.api_common import HOUR, authorise, json_answer, owned
from composer_relay.db import IntegrityError
from composer_relay.i18n import N_, choose_language, translate
from composer_relay.instance import Relay
from composer_relay.intake import idempotency_key, read_post
from composer_relay.metrics import ACCEPTED
from composer_relay.open_intake import confirm
from composer_relay.prefill import get_prefill
from composer_relay.problems import Problem
from composer_relay.wire import PREFILL_CODE, Message, TicketState

__all__ = ["STATUS_REFRESH_SECONDS", "add_message", "confirm_page", "prefill", "request_status"]

log = logging.getLogger("composer_relay.api")
STATUS_REFRESH_SECONDS = 30.0


async def request_status(relay: Relay, request: Request) -> Response:
    token = await authorise(relay, request)
    row = await owned(relay, request, token)
    state = row.helpdesk_status or TicketState.NEW.value
    checked = row.status_checked_at or 0.0
    if (
        row.helpdesk_id
        and relay.adapter.capabilities.status
        and time.time() - checked > STATUS_REFRESH_SECONDS
    ):
        state = await run_in_threadpool(_refresh_status, relay, row) or state
    body: dict[str, Any] = {
        "reference": row.public_reference,
        "status": state,
        "messages": await run_in_threadpool(store.count_messages, relay.database, row.id),
        "updated_at": datetime.fromtimestamp(
            max(checked, row.forwarded_at or row.received_at), UTC
        ).isoformat(),
    }
    if row.web_url:
        body["web_url"] = row.web_url
    return json_answer(body)


def _refresh_status(relay: Relay, row: store.StoredRequest) -> str:
    """Ask the helpdesk for the ticket's state and keep it; "" when it cannot say."""
    assert row.helpdesk_id is not None
    try:
        state = relay.adapter.state(HelpdeskTicket(row.helpdesk_id, row.helpdesk_number or ""))
    except HelpdeskError as exc:
        log.warning("status not read", extra={"reference": row.reference, "error": exc.code})
        return ""
    if state is None:
        return ""
    with relay.database.transaction() as cursor:
        cursor.execute(
            "UPDATE requests SET helpdesk_status = ?, status_checked_at = ? WHERE id = ?",
            (state.value, time.time(), row.id),
        )
    return state.value


# -- POST /requests/{reference}/messages ------------------------------------------


async def add_message(relay: Relay, request: Request) -> Response:
    token = await authorise(relay, request)
    key = idempotency_key(request)
    row = await owned(relay, request, token)
    if not relay.adapter.capabilities.follow_up:
        raise Problem(
            422,
            "ticket.follow_up_unsupported",
            N_("This helpdesk takes no follow-ups through the relay"),
            detail=N_("Reply to the helpdesk's e-mail about this ticket instead."),
        )
    received = await read_post(
        request,
        part="message",
        model=Message,
        limits=relay.limits,
        attachments_dir=relay.config.storage.attachments,
    )
    message = received.model
    assert isinstance(message, Message)
    database = relay.database
    try:
        existing = await run_in_threadpool(store.find_message, database, token.customer_id, key)
        if existing is None:
            author = message.author_email or row.requester_email
            if not token.allows(author):
                raise Problem(
                    403,
                    "requester.not_allowed",
                    N_("This address may not write for this customer"),
                    errors=[
                        {"field": "message.author_email", "message": N_("not one of the customer's contacts")}
                    ],
                )
            since = time.time() - HOUR
            count = await run_in_threadpool(
                store.count_since, database, "messages", "customer_id", token.customer_id, since
            )
            if count >= relay.config.limits.messages_per_hour_per_customer:
                raise Problem(429, "rate_limited", N_("Too many messages in the last hour"), retry_after=600)
            try:
                stored = await run_in_threadpool(
                    lambda: store.accept_message(
                        database,
                        request=row,
                        key=key,
                        body_hash=received.body_hash,
                        text=message.text,
                        author_email=author,
                        files=received.files,
                    )
                )
            except IntegrityError:
                existing = await run_in_threadpool(store.find_message, database, token.customer_id, key)
                assert existing is not None
        else:
            store.discard_staged(received.files)
    except BaseException:
        store.discard_staged(received.files)
        raise
    replayed = existing is not None
    if existing is not None:
        if existing.body_hash != received.body_hash or existing.request_ref != row.id:
            raise Problem(
                409, "idempotency.conflict", N_("This Idempotency-Key was used for a different message")
            )
        stored = existing
    else:
        await run_in_threadpool(
            store.audit,
            database,
            "message.accepted",
            customer_id=token.customer_id,
            token_id=token.id,
            reference=row.reference,
            detail=stored.message_id,
        )
        relay.forwarder.wake.set()
    ACCEPTED.labels(kind="message", replayed=str(replayed).lower()).inc()
    body = {
        "reference": row.public_reference,
        "message_id": stored.message_id,
        "created_at": datetime.fromtimestamp(stored.received_at, UTC).isoformat(),
    }
    headers = {"Idempotency-Replayed": "true"} if replayed else {}
    return json_answer(body, 201, **headers)


# -- GET /prefill/{code} ------------------------------------------------------------


async def prefill(relay: Relay, request: Request) -> Response:
    token = await authorise(relay, request)
    code = request.path_params["code"]
    found = None
    if PREFILL_CODE.fullmatch(code):
        found = await run_in_threadpool(get_prefill, relay.database, code)
    if found is None or (found.customer_id and found.customer_id != token.customer_id):
        raise Problem(
            404, "prefill.not_found", N_("No such code"), detail=N_("Check the code, or ask for a new one.")
        )
    if found.expires_at < time.time():
        raise Problem(410, "prefill.expired", N_("This code has expired"), detail=N_("Ask for a new one."))
    body: dict[str, Any] = {
        "code": found.code,
        "fields": found.fields,
        "expires_at": datetime.fromtimestamp(found.expires_at, UTC).isoformat(),
    }
    if found.staff:
        body["staff"] = found.staff
    if found.token:
        body["token"] = found.token
    return json_answer(body)


# -- GET /confirm/{code}: the open intake's link -------------------------------------

_PAGE = """<!doctype html>
<html lang="{language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body><h1>{title}</h1><p>{text}</p></body></html>
"""
_OUTCOMES = {
    "confirmed": (200, N_("Thank you"), N_("Your request {reference} is on its way to our support team.")),
    "expired": (410, N_("This link has expired"), N_("Please send your request again.")),
    "unknown": (404, N_("Unknown link"), N_("This link is not valid, or was used already.")),
}


async def confirm_page(relay: Relay, request: Request) -> Response:
    """The page a sender sees after following the link mailed to them (a browser, not the app).

    In the browser's language, else the language the request was written in.
    """
    outcome, reference, written_in = await run_in_threadpool(
        confirm, relay.database, request.path_params["code"]
    )
    if outcome == "confirmed":
        await run_in_threadpool(store.audit, relay.database, "request.confirmed", reference=reference)
        relay.forwarder.wake.set()
    language = choose_language(request.headers.get("accept-language", ""), written_in)
    status, title, text = _OUTCOMES[outcome]
    page = _PAGE.format(
        language=language,
        title=escape(translate(language, title)),
        text=escape(translate(language, text, reference=reference)),
    )
    return HTMLResponse(page, status_code=status, headers={"Content-Language": language})
