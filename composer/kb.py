"""What the provider's knowledge-base articles did: solved the problem, or were followed without help.

Providers ask customers to read the knowledge base first, and to link the
article in the request when it did not help. "This solved it" ends the
request before anything is sent; "I followed it, it did not help" puts the
article's link into the request (in "Already tried"). Both are counted in
the local database (``kb_outcomes``) and, where the profile has the intake
API, reported to the provider (``POST /articles/outcomes`` in
``resources/openapi.yaml``: the article, the outcome, the kind of problem
and the language; nothing personal).
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from composer.channels.base import DeliveryError
from composer.i18n import _
from composer.model import Request
from composer.profile import Article, ProviderProfile
from composer.store import Store

if TYPE_CHECKING:
    from composer.channels.factory import ChannelFactory

__all__ = ["Outcome", "counts", "followed", "record", "report"]


class Outcome(StrEnum):
    SOLVED = "solved"
    NOT_HELPED = "not_helped"


def record(
    store: Store,
    article: Article,
    outcome: Outcome,
    *,
    category: str = "",
    draft_id: str = "",
    now: datetime | None = None,
) -> str:
    """Count an outcome locally; the id is also the idempotency key of its report."""
    outcome_id = uuid.uuid4().hex
    moment = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    with store.transaction() as db:
        db.execute(
            "INSERT INTO kb_outcomes(id, article, title, category, outcome, draft_id, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (outcome_id, str(article.url), article.title, category, outcome.value, draft_id, moment),
        )
    return outcome_id


def counts(store: Store) -> Counter[tuple[str, str]]:
    """How often each (article address, outcome) was recorded on this computer."""
    rows = store.query("SELECT article, outcome, COUNT(*) AS n FROM kb_outcomes GROUP BY article, outcome")
    return Counter({(str(row["article"]), str(row["outcome"])): int(row["n"]) for row in rows})


def report(store: Store, factory: ChannelFactory, profile: ProviderProfile, email: str, language: str) -> int:
    """Send every outcome not yet counted by the provider through its intake API; how many went.

    Network: call it off the GUI thread. With no intake channel or no token
    nothing is sent; one that fails stays ``failed`` and goes with the next
    (its idempotency key is its id, so the provider counts it once).
    """
    from composer.ticket_status import intake_client

    rows = store.query(
        "SELECT id, article, category, outcome FROM kb_outcomes WHERE reported IN ('', 'failed') ORDER BY at"
    )
    client = intake_client(factory, profile, email)
    if not rows or client is None:
        return 0
    sent = 0
    with client:
        for row in rows:
            document = {"article": row["article"], "outcome": row["outcome"], "language": language}
            if row["category"]:
                document["category"] = row["category"]
            try:
                client.report_article_outcome(document, idempotency_key=f"kb-{row['id']}")
                state = "sent"
                sent += 1
            except DeliveryError:
                state = "failed"
            with store.transaction() as db:
                db.execute("UPDATE kb_outcomes SET reported = ? WHERE id = ?", (state, row["id"]))
            if state == "failed":
                break  # the others would fail the same way now
    return sent


def followed(request: Request, article: Article) -> Request:
    """``request`` with the article's link in "Already tried" (once)."""
    url = str(article.url)
    if url in request.tried:
        return request
    line = _("Followed the article “{title}” ({url}); it did not help.").format(title=article.title, url=url)
    tried = f"{request.tried.rstrip()}\n{line}" if request.tried.strip() else line
    return request.model_copy(update={"tried": tried})
