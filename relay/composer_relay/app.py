"""The intake API as a Starlette application (``resources/openapi.yaml``), plus ``/healthz`` and ``/metrics``.

:func:`create_app` serves one :class:`~composer_relay.instance.Relay`; the
handlers are in :mod:`composer_relay.api_requests` (filing) and
:mod:`composer_relay.api_tickets` (status, follow-ups, pre-fill codes). They
do their database work in Starlette's thread pool, so the event loop never
waits on disk.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from composer_relay.api_requests import create_request
from composer_relay.api_tickets import add_message, confirm_page, prefill, request_status
from composer_relay.db import StorageUnavailable
from composer_relay.i18n import N_, choose_language
from composer_relay.instance import Relay
from composer_relay.metrics import REFUSED
from composer_relay.outcomes import report_outcome
from composer_relay.problems import Problem

__all__ = ["Relay", "create_app"]

log = logging.getLogger("composer_relay.app")


def create_app(relay: Relay) -> Starlette:
    base = relay.config.server.base_path
    api = [
        Route("/requests", _handler(relay, create_request), methods=["POST"]),
        Route("/requests/{reference}", _handler(relay, request_status), methods=["GET"]),
        Route("/requests/{reference}/messages", _handler(relay, add_message), methods=["POST"]),
        Route("/articles/outcomes", _handler(relay, report_outcome), methods=["POST"]),
        Route("/prefill/{code}", _handler(relay, prefill), methods=["GET"]),
        Route("/confirm/{code}", _handler(relay, confirm_page), methods=["GET"]),
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
            return _problem(problem, request)
        except StorageUnavailable as exc:
            log.error("storage unavailable", extra={"path": request.url.path, "error": str(exc)})
            return _problem(
                Problem(
                    503, "storage.unavailable", N_("The relay cannot store requests right now"), retry_after=5
                ),
                request,
            )
        except Exception:
            log.exception("unexpected error", extra={"path": request.url.path})
            return _problem(
                Problem(500, "internal", N_("Something went wrong on the relay; it is logged")), request
            )

    return endpoint


def _problem(problem: Problem, request: Request) -> Response:
    """The problem in the caller's language (``Accept-Language``; the desktop sends its UI language)."""
    REFUSED.labels(code=problem.code).inc()
    language = choose_language(request.headers.get("accept-language", ""))
    headers = {"Content-Language": language, "Vary": "Accept-Language"}
    if problem.retry_after is not None:
        headers["Retry-After"] = str(problem.retry_after)
    return JSONResponse(
        problem.body(language),
        status_code=problem.status,
        media_type="application/problem+json",
        headers=headers,
    )
