"""What every intake API handler shares: the bearer token, the customer's ticket, JSON answers."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from composer_relay import store
from composer_relay.i18n import N_
from composer_relay.instance import Relay
from composer_relay.problems import Problem
from composer_relay.tokens import Token, verify_token
from composer_relay.wire import REFERENCE

__all__ = ["HOUR", "authorise", "client_address", "json_answer", "owned"]

HOUR = 3600.0  # the rate limits count the last hour


async def authorise(relay: Relay, request: Request) -> Token:
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise Problem(
            401, "auth.missing", N_("A bearer token is needed"), detail=N_("Ask your provider for one.")
        )
    token = await run_in_threadpool(verify_token, relay.database, presented.strip())
    if token is None:
        await run_in_threadpool(store.audit, relay.database, "auth.refused", address=client_address(request))
        raise Problem(
            401, "auth.invalid", N_("This token is not valid"), detail=N_("Ask your provider for a new one.")
        )
    return token


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def json_answer(body: dict[str, Any], status: int = 200, **headers: str) -> Response:
    return JSONResponse(body, status_code=status, headers=headers or None)


async def owned(relay: Relay, request: Request, token: Token) -> store.StoredRequest:
    """The token's customer's request named in the path (any open-intake request for the open token)."""
    reference = request.path_params["reference"]
    row = None
    customer = "open:*" if token.open else token.customer_id
    if REFERENCE.fullmatch(reference):
        row = await run_in_threadpool(store.request_by_reference, relay.database, customer, reference)
    if row is None:
        raise Problem(
            404,
            "ticket.not_found",
            N_("No such ticket"),
            detail=N_("Nothing is known as {reference}."),
            params={"reference": reference},
        )
    return row
