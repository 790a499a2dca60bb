"""One request per problem: sent requests that are probably about the same problem as a new one.

Providers ask for one ticket per problem, with follow-ups in its thread. When
the customer is about to send a request for a domain that already has a
request of a related kind sent in the last 30 days and not known to be
closed, the app offers to add a follow-up to that one instead. "Closed" is
the helpdesk's word, asked through the intake API where the profile has one
(:mod:`composer.ticket_status`). Requests still waiting in the outbox count
too: a second one for the same problem is about to leave.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from composer.history import HistoryItem, search
from composer.model import Request
from composer.store import Store

if TYPE_CHECKING:
    from composer.channels.factory import ChannelFactory
    from composer.profile import ProviderProfile

__all__ = [
    "RELATED_GROUPS",
    "WINDOW",
    "Related",
    "find_related",
    "open_related",
    "pending_related",
    "related_categories",
]

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


def pending_related(store: Store, request: Request) -> list[HistoryItem]:
    """Requests for the same domain and a related kind still in the outbox (not sent yet), newest first.

    They are given as history items without a reference; ``sent_at`` is when
    they went into the outbox.
    """
    from composer.outbox import EntryKind, OutboxState, list_entries

    if not request.domain or not request.category:
        return []
    waiting = (OutboxState.PENDING, OutboxState.SENDING, OutboxState.FAILED, OutboxState.UNCERTAIN)
    found = [
        HistoryItem(
            request_id=entry.request_id,
            title=entry.request.title(),
            domain=entry.request.domain,
            category=entry.request.category,
            reference="",
            channel="",
            sent_at=entry.created_at,
        )
        for entry in list_entries(store, states=waiting)
        if entry.kind is EntryKind.REQUEST
        and entry.request_id != request.id
        and entry.request.domain == request.domain
        and related_categories(entry.request.category, request.category)
    ]
    return sorted(found, key=lambda item: item.sent_at, reverse=True)


@dataclass(frozen=True)
class Related:
    """What :func:`find_related` found: open sent requests, and requests still in the outbox."""

    sent: list[HistoryItem] = field(default_factory=list)
    pending: list[HistoryItem] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sent or self.pending)


def find_related(
    store: Store,
    request: Request,
    *,
    now: datetime,
    factory: ChannelFactory | None = None,
    profile: ProviderProfile | None = None,
) -> Related:
    """Everything that is probably the same problem as ``request``; closed tickets left out.

    With a ``factory`` and ``profile`` that has an intake channel, the
    helpdesk is asked for each candidate's status first (network: call it off
    the GUI thread); otherwise the last known status counts.
    """
    from composer.ticket_status import is_closed, refresh_statuses

    candidates = open_related(store, request, now=now)
    if candidates and factory is not None and profile is not None:
        refresh_statuses(store, factory, profile, request.requester.email, candidates)
    return Related(
        sent=[item for item in candidates if not is_closed(store, item)],
        pending=pending_related(store, request),
    )
