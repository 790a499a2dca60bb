"""The helpdesk's status of a sent request, asked through the intake API and remembered.

One request per problem (:mod:`composer.related`) must not offer a follow-up
to a ticket the helpdesk has already closed. Where the profile has an intake
channel, :func:`refresh_statuses` asks ``GET /requests/{reference}`` for each
candidate (off the GUI thread) and keeps the answer in the store, so the
last known state still counts when the relay cannot be reached.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import httpx

from composer.channels.base import DeliveryError, FailureKind
from composer.channels.factory import ChannelFactory
from composer.channels.intake import IntakeClient
from composer.credentials import identity
from composer.history import HistoryItem
from composer.profile import ProviderProfile
from composer.store import Store

__all__ = [
    "CLOSED_STATES",
    "STATUS_TIMEOUT",
    "intake_client",
    "is_closed",
    "known_status",
    "refresh_statuses",
    "remember",
]

#: states of the intake API's ``Status`` schema after which a ticket takes no follow-up
CLOSED_STATES = frozenset({"resolved", "closed"})
#: asked while the user waits for Send to go on: an unreachable relay must not hold it long
STATUS_TIMEOUT = httpx.Timeout(5.0)


def intake_client(
    factory: ChannelFactory, profile: ProviderProfile, email: str, *, timeout: httpx.Timeout | None = None
) -> IntakeClient | None:
    """A client of the profile's intake API with the user's token, or None (no intake, no token).

    ``timeout`` replaces the factory's for quick questions the user waits for.
    """
    settings = next((c for c in profile.channels if getattr(c, "helpdesk", "") == "intake"), None)
    url = str(getattr(settings, "url", "") or "")
    if not url or not email:
        return None
    token = factory.credentials.get(profile.provider.id, identity("intake", email))
    if not token:
        return None
    try:
        return IntakeClient(
            url,
            token=token,
            verify=factory.trust(url),
            transport=factory.http_transport,
            timeout=timeout or factory.http_timeout,
        )
    except DeliveryError:
        return None


def remember(store: Store, request_id: str, status: str, *, at: datetime | None = None) -> None:
    """Keep the helpdesk's latest status of a sent request."""
    moment = (at or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    with store.transaction() as db:
        db.execute(
            "INSERT INTO ticket_status(request_id, status, checked_at) VALUES (?, ?, ?)"
            " ON CONFLICT(request_id) DO UPDATE"
            " SET status = excluded.status, checked_at = excluded.checked_at",
            (request_id, status, moment),
        )


def known_status(store: Store, request_id: str) -> str:
    """The last status the helpdesk gave for a sent request ('' when never asked)."""
    rows = store.query("SELECT status FROM ticket_status WHERE request_id = ?", (request_id,))
    return str(rows[0]["status"]) if rows else ""


def is_closed(store: Store, item: HistoryItem) -> bool:
    """Whether the helpdesk last said this request is resolved or closed."""
    return known_status(store, item.request_id) in CLOSED_STATES


def refresh_statuses(
    store: Store, factory: ChannelFactory, profile: ProviderProfile, email: str, items: Iterable[HistoryItem]
) -> None:
    """Ask the intake API for the status of each item sent through it; remember what it says.

    A request the relay does not answer for (network, no token, 404) keeps
    its last known status: the offer then errs on the side of asking.
    """
    client = intake_client(factory, profile, email, timeout=STATUS_TIMEOUT)
    if client is None:
        return
    with client:
        for item in items:
            if item.channel != "intake" or not item.reference:
                continue
            try:
                status = str(client.get_status(item.reference).get("status", ""))
            except DeliveryError as error:
                if error.kind is FailureKind.NETWORK:
                    return  # the relay is out of reach: the others would only wait as long
                continue
            if status:
                remember(store, item.request_id, status)
