"""``POST /articles/outcomes``: what the provider's knowledge-base articles did, counted once per key.

The desktop reports, without personal data, that an article solved a
problem before any ticket was written ("solved") or that the customer
followed it and still filed ("not_helped"). The relay keeps one row per
(customer, Idempotency-Key) in ``article_outcomes``, so a replay is answered
as the first and counted once; the provider reads the counts in its database
(or in Prometheus, ``relay_article_outcomes_total``). Who may report, and how
often, is decided as for filing a request: the customer's bearer token and
its hourly limit.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from composer_relay import store
from composer_relay.api_common import HOUR, authorise, json_answer
from composer_relay.db import Database, IntegrityError
from composer_relay.i18n import N_
from composer_relay.instance import Relay
from composer_relay.intake import idempotency_key, read_post
from composer_relay.metrics import ARTICLE_OUTCOMES
from composer_relay.problems import Problem
from composer_relay.tokens import Token
from composer_relay.wire import ArticleOutcome

__all__ = ["counts", "report_outcome"]


async def report_outcome(relay: Relay, request: Request) -> Response:
    token = await authorise(relay, request)
    key = idempotency_key(request)
    if token.open and not relay.config.open_intake.enabled:
        raise Problem(
            401, "auth.invalid", N_("This token is not valid"), detail=N_("The open intake is switched off.")
        )
    received = await read_post(
        request,
        part="outcome",
        model=ArticleOutcome,
        limits=relay.limits,
        attachments_dir=relay.config.storage.attachments,
    )
    store.discard_staged(received.files)  # none: an outcome lists no files, so any sent was refused
    outcome = received.model
    assert isinstance(outcome, ArticleOutcome)
    customer_id = f"open:{token.id}" if token.open else token.customer_id
    database = relay.database
    found = await run_in_threadpool(_find, database, customer_id, key)
    if found is None:
        await run_in_threadpool(_check_rate, relay, token)
        try:
            counted = await run_in_threadpool(
                _insert, database, customer_id, token.id, key, received.body_hash, outcome
            )
        except IntegrityError:
            found = await run_in_threadpool(_find, database, customer_id, key)
            assert found is not None
        else:
            ARTICLE_OUTCOMES.labels(outcome=outcome.outcome).inc()
            return json_answer({"counted": counted}, 201)
    body_hash, counted = found
    if body_hash != received.body_hash:
        raise Problem(
            409,
            "idempotency.conflict",
            N_("This Idempotency-Key was used for a different request"),
            detail=N_("Use a new key for a new request; the same key only for retries of the same one."),
        )
    return json_answer({"counted": counted}, 201, **{"Idempotency-Replayed": "true"})


def _find(database: Database, customer_id: str, key: str) -> tuple[str, int] | None:
    with database.transaction(write=False) as cursor:
        cursor.execute(
            "SELECT body_hash, counted FROM article_outcomes WHERE customer_id = ? AND idempotency_key = ?",
            (customer_id, key),
        )
        row = cursor.fetchone()
    return (str(row[0]), int(row[1])) if row else None


def _insert(
    database: Database, customer_id: str, token_id: str, key: str, body_hash: str, outcome: ArticleOutcome
) -> int:
    """Store one outcome; returns how often this article had this outcome, this one included."""
    with database.transaction() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM article_outcomes WHERE article = ? AND outcome = ?",
            (outcome.article, outcome.outcome),
        )
        counted = int(cursor.fetchone()[0]) + 1
        cursor.execute(
            "INSERT INTO article_outcomes (customer_id, token_id, idempotency_key, body_hash, article, "
            "outcome, category, language, counted, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                customer_id,
                token_id,
                key,
                body_hash,
                outcome.article,
                outcome.outcome,
                outcome.category,
                outcome.language,
                counted,
                time.time(),
            ),
        )
    return counted


def _check_rate(relay: Relay, token: Token) -> None:
    """The token's hourly limit for requests bounds its reports too (they are smaller, not free)."""
    limit = (
        relay.config.open_intake.requests_per_hour
        if token.open
        else relay.config.limits.requests_per_hour_per_token
    )
    with relay.database.transaction(write=False) as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM article_outcomes WHERE token_id = ? AND received_at > ?",
            (token.id, time.time() - HOUR),
        )
        reported = int(cursor.fetchone()[0])
    if reported >= limit:
        store.audit(
            relay.database,
            "outcome.refused",
            customer_id=token.customer_id,
            token_id=token.id,
            detail="rate_limited article_outcomes",
        )
        raise Problem(429, "rate_limited", N_("Too many requests in the last hour"), retry_after=600)


def counts(database: Database) -> dict[tuple[str, str], int]:
    """Every article's outcomes: (article, outcome) -> how often, for the provider's reports."""
    with database.transaction(write=False) as cursor:
        cursor.execute("SELECT article, outcome, COUNT(*) FROM article_outcomes GROUP BY article, outcome")
        rows: list[Any] = cursor.fetchall()
    return {(str(a), str(o)): int(n) for a, o, n in rows}
