"""The intake API as a Starlette application (``resources/openapi.yaml``), plus ``/healthz`` and ``/metrics``.

:class:`Relay` holds what one instance runs with (configuration, database,
adapter, forwarding workers); :func:`create_app` serves it. Handlers do
their database work in Starlette's thread pool, so the event loop never
waits on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from composer_relay import store
from composer_relay.adapters import Adapter
from composer_relay.config import RelayConfig
from composer_relay.db import Database, IntegrityError, StorageUnavailable
from composer_relay.intake import idempotency_key, read_post
from composer_relay.metrics import ACCEPTED, REFUSED
from composer_relay.prefill import get_prefill
from composer_relay.problems import Problem
from composer_relay.tokens import Token, verify_token
from composer_relay.wire import PREFILL_CODE, REFERENCE, Message, RequestDocument, TicketState
from composer_relay.worker import Forwarder

__all__ = ["Relay", "create_app"]

log = logging.getLogger("composer_relay.app")
STATUS_REFRESH_SECONDS = 30.0
HOUR = 3600.0


class Relay:
    """One relay instance: its configuration, database, helpdesk adapter and forwarding workers."""

    def __init__(
        self, config: RelayConfig, database: Database, adapter: Adapter, *, forward: bool = True
    ) -> None:
        self.config = config
        self.database = database
        self.adapter = adapter
        self.forwarder = Forwarder(
            database,
            adapter,
            workers=config.server.workers,
            instance_timeout=config.server.instance_timeout_seconds,
            settle_delay=config.server.settle_delay_seconds,
        )
        self.forward = forward

    def start(self) -> None:
        self.database.migrate()
        self.config.storage.attachments.mkdir(parents=True, exist_ok=True)
        if self.forward:
            self.forwarder.start()

    def stop(self) -> None:
        if self.forward:
            self.forwarder.stop()
        self.adapter.close()
        self.database.close()


def create_app(relay: Relay) -> Starlette:
    base = relay.config.server.base_path
    api = [
        Route("/requests", _handler(relay, create_request), methods=["POST"]),
        Route("/requests/{reference}", _handler(relay, request_status), methods=["GET"]),
        Route("/requests/{reference}/messages", _handler(relay, add_message), methods=["POST"]),
        Route("/prefill/{code}", _handler(relay, prefill), methods=["GET"]),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await run_in_threadpool(relay.start)
        try:
            yield
        finally:
            await run_in_threadpool(relay.stop)

    async def healthz(_request: Request) -> Response:
        try:
            await run_in_threadpool(relay.database.schema_version)
        except Exception as exc:
            log.error("health check failed", extra={"error": type(exc).__name__})
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    async def metrics(_request: Request) -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Mount(base, routes=api) if base else Mount("", routes=api),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _handler(relay: Relay, handler: Any) -> Any:
    async def endpoint(request: Request) -> Response:
        try:
            response: Response = await handler(relay, request)
            return response
        except Problem as problem:
            return _problem(problem)
        except StorageUnavailable as exc:
            log.error("storage unavailable", extra={"path": request.url.path, "error": str(exc)})
            return _problem(
                Problem(
                    503, "storage.unavailable", "The relay cannot store requests right now", retry_after=5
                )
            )
        except Exception:
            log.exception("unexpected error", extra={"path": request.url.path})
            return _problem(Problem(500, "internal", "Something went wrong on the relay; it is logged"))

    return endpoint


def _problem(problem: Problem) -> Response:
    REFUSED.labels(code=problem.code).inc()
    headers = {"Retry-After": str(problem.retry_after)} if problem.retry_after is not None else None
    return JSONResponse(
        problem.body(), status_code=problem.status, media_type="application/problem+json", headers=headers
    )


async def _authorise(relay: Relay, request: Request) -> Token:
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise Problem(401, "auth.missing", "A bearer token is needed", detail="Ask your provider for one.")
    token = await run_in_threadpool(verify_token, relay.database, presented.strip())
    if token is None:
        await run_in_threadpool(store.audit, relay.database, "auth.refused", address=_client(request))
        raise Problem(
            401, "auth.invalid", "This token is not valid", detail="Ask your provider for a new one."
        )
    return token


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


def _status_url(relay: Relay, request: Request, reference: str) -> str:
    public = relay.config.server.public_url.rstrip("/")
    if public:
        return f"{public}/requests/{reference}"
    return _own_url(request, reference)


def _own_url(request: Request, reference: str) -> str:
    path = request.url.path
    base = path[: path.rindex("/requests")] if "/requests" in path else ""
    return str(request.url.replace(path=f"{base}/requests/{reference}", query=""))


def _json(body: dict[str, Any], status: int = 200, **headers: str) -> Response:
    return JSONResponse(body, status_code=status, headers=headers or None)


# -- POST /requests ---------------------------------------------------------------


async def create_request(relay: Relay, request: Request) -> Response:
    token = await _authorise(relay, request)
    key = idempotency_key(request)
    received = await read_post(
        request,
        part="request",
        model=RequestDocument,
        limits=relay.config.limits,
        attachments_dir=relay.config.storage.attachments,
    )
    document = received.model
    assert isinstance(document, RequestDocument)
    requester = document.request.requester.email
    database = relay.database
    try:
        existing = await run_in_threadpool(store.find_request, database, token.customer_id, key)
        if existing is not None:
            return await _replay(relay, request, existing, received.body_hash)
        if not token.allows(requester):
            await run_in_threadpool(
                store.audit,
                database,
                "request.refused",
                customer_id=token.customer_id,
                token_id=token.id,
                address=requester,
                detail="requester.not_allowed",
            )
            raise Problem(
                403,
                "requester.not_allowed",
                "This address may not file requests for this customer",
                detail="Use the address your provider has for you, or ask them to add this one.",
                errors=[
                    {"field": "request.requester.email", "message": "not one of the customer's contacts"}
                ],
            )
        await run_in_threadpool(_check_rates, relay, token, requester)
        try:
            row = await run_in_threadpool(
                lambda: store.accept_request(
                    database,
                    customer_id=token.customer_id,
                    token_id=token.id,
                    key=key,
                    body_hash=received.body_hash,
                    request_id=document.request.id,
                    requester_email=requester.strip().lower(),
                    document={
                        **received.data,
                        "relay": {
                            "customer_id": token.customer_id,
                            "verified_role": token.role_of(requester),
                        },
                    },
                    files=received.files,
                    answer_wait=relay.config.server.answer_wait_seconds,
                )
            )
        except IntegrityError:
            existing = await run_in_threadpool(store.find_request, database, token.customer_id, key)
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
    log.info("request accepted", extra={"reference": row.reference, "customer": token.customer_id})
    relay.forwarder.wake.set()
    row = await _wait_for_number(relay, row)
    answer = await run_in_threadpool(store.set_answer, database, row.id, _answer(relay, request, row))
    return _json(answer, 201, Location=answer["status_url"])


async def _wait_for_number(relay: Relay, row: store.StoredRequest) -> store.StoredRequest:
    deadline = time.monotonic() + relay.config.server.answer_wait_seconds
    while row.helpdesk_number is None and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
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
            "This Idempotency-Key was used for a different request",
            detail="Use a new key for a new request; the same key only for retries of the same one.",
        )
    answer = row.answer
    if answer is None:
        if time.time() < row.answer_deadline:
            raise Problem(
                409, "idempotency.in_progress", "The first try is still being answered", retry_after=1
            )
        answer = await run_in_threadpool(
            store.set_answer, relay.database, row.id, _answer(relay, request, row)
        )
    ACCEPTED.labels(kind="request", replayed="true").inc()
    return _json(answer, 201, Location=answer["status_url"], **{"Idempotency-Replayed": "true"})


def _check_rates(relay: Relay, token: Token, address: str) -> None:
    limits = relay.config.limits
    since = time.time() - HOUR
    checks = (
        ("token_id", token.id, limits.requests_per_hour_per_token),
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
            raise Problem(429, "rate_limited", "Too many requests in the last hour", retry_after=600)


# -- GET /requests/{reference} ----------------------------------------------------


async def _owned(relay: Relay, request: Request, token: Token) -> store.StoredRequest:
    reference = request.path_params["reference"]
    row = None
    if REFERENCE.fullmatch(reference):
        row = await run_in_threadpool(
            store.request_by_reference, relay.database, token.customer_id, reference
        )
    if row is None:
        raise Problem(404, "ticket.not_found", "No such ticket", detail=f"Nothing known as {reference}.")
    return row


async def request_status(relay: Relay, request: Request) -> Response:
    token = await _authorise(relay, request)
    row = await _owned(relay, request, token)
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
    return _json(body)


def _refresh_status(relay: Relay, row: store.StoredRequest) -> str:
    from composer_relay.adapters import HelpdeskError, HelpdeskTicket

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
    token = await _authorise(relay, request)
    key = idempotency_key(request)
    row = await _owned(relay, request, token)
    if not relay.adapter.capabilities.follow_up:
        raise Problem(
            422,
            "ticket.follow_up_unsupported",
            "This helpdesk takes no follow-ups through the relay",
            detail="Reply to the helpdesk's e-mail about this ticket instead.",
        )
    received = await read_post(
        request,
        part="message",
        model=Message,
        limits=relay.config.limits,
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
                    "This address may not write for this customer",
                    errors=[
                        {"field": "message.author_email", "message": "not one of the customer's contacts"}
                    ],
                )
            since = time.time() - HOUR
            count = await run_in_threadpool(
                store.count_since, database, "messages", "customer_id", token.customer_id, since
            )
            if count >= relay.config.limits.messages_per_hour_per_customer:
                raise Problem(429, "rate_limited", "Too many messages in the last hour", retry_after=600)
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
                409, "idempotency.conflict", "This Idempotency-Key was used for a different message"
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
    return _json(body, 201, **headers)


# -- GET /prefill/{code} ------------------------------------------------------------


async def prefill(relay: Relay, request: Request) -> Response:
    token = await _authorise(relay, request)
    code = request.path_params["code"]
    found = None
    if PREFILL_CODE.fullmatch(code):
        found = await run_in_threadpool(get_prefill, relay.database, code)
    if found is None or (found.customer_id and found.customer_id != token.customer_id):
        raise Problem(
            404, "prefill.not_found", "No such code", detail="Check the code, or ask for a new one."
        )
    if found.expires_at < time.time():
        raise Problem(410, "prefill.expired", "This code has expired", detail="Ask for a new one.")
    body: dict[str, Any] = {
        "code": found.code,
        "fields": found.fields,
        "expires_at": datetime.fromtimestamp(found.expires_at, UTC).isoformat(),
    }
    if found.staff:
        body["staff"] = found.staff
    return _json(body)
