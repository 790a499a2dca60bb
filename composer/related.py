"""One request per problem: sent requests that are probably about the same problem as a new one.

Providers ask for one ticket per problem, with follow-ups in its thread. When
the customer is about to send a request for a domain that already has a
request of a related kind sent in the last 30 days and not known to be
closed, the app offers to add a follow-up to that one instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from composer.history import HistoryItem, search
from composer.model import Request
from composer.store import Store

__all__ = ["RELATED_GROUPS", "WINDOW", "open_related", "related_categories"]

WINDOW = timedelta(days=30)

# Kinds of problem that are often the same problem seen from another side.
RELATED_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"mail_receiving", "mail_sending", "mail_client_setup", "mailbox_full"}),
    frozenset({"site_down", "web_app", "database", "certificate"}),
    frozenset({"site_not_visible", "domain_dns", "domain_registration"}),
    frozenset({"login", "ftp_ssh"}),
)


def related_categories(first: str, second: str) -> bool:
    """Whether two kinds of problem are the same or in one group ("other" matches only itself)."""
    if first == second:
        return bool(first)
    return any(first in group and second in group for group in RELATED_GROUPS)


def open_related(
    store: Store,
    request: Request,
    *,
    now: datetime,
    closed: Callable[[HistoryItem], bool] = lambda _item: False,
    limit: int = 200,
) -> list[HistoryItem]:
    """Sent requests for the same domain and a related kind in the last :data:`WINDOW`, newest first.

    ``closed`` says which of them the helpdesk reported closed (those are
    left out); follow-ups and the request itself never count.
    """
    if not request.domain or not request.category:
        return []
    since = now - WINDOW
    return [
        item
        for item in search(store, limit=limit)
        if item.domain == request.domain
        and item.request_id != request.id
        and item.sent_at >= since
        and related_categories(item.category, request.category)
        and not closed(item)
    ]
