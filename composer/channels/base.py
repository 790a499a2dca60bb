"""What every way out has in common: how a send fails, and what a channel looks like.

A channel turns one request (or one follow-up) into something the provider
receives. It either returns a :class:`~composer.model.Receipt` or raises
:class:`DeliveryError`, whose :class:`FailureKind` tells the outbox what to do
next::

    DeliveryError (ComposerError)     code + params, never a secret
        kind = NETWORK    connection refused, reset, DNS, timeout   -> retry with backoff
        kind = SERVER     HTTP 5xx, 429, SMTP 4xx                   -> retry with backoff
        kind = REJECTED   HTTP 4xx, SMTP 5xx: the content or target  -> user fixes, resends
        kind = AUTH       HTTP 401/403, SMTP 535, no credential      -> ask for the credential
        kind = CONFIG     TLS failure, plain http://, no settings    -> offer the next channel

The decision logic (:func:`is_retryable`) is kept apart from the I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from composer.errors import ComposerError
from composer.model import Attachment, Receipt, Request

if TYPE_CHECKING:
    from composer.profile import ProviderProfile
    from composer.rendered import RenderedRequest

__all__ = [
    "Channel",
    "DeliveryError",
    "FailureKind",
    "FollowUp",
    "ProgressCallback",
    "SendContext",
    "is_loopback_host",
    "is_retryable",
]

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes sent so far, bytes in total) while a request is uploaded."""


class FailureKind(StrEnum):
    """Why a send failed, which decides what happens next."""

    NETWORK = "network"
    SERVER = "server"
    REJECTED = "rejected"
    AUTH = "auth"
    CONFIG = "config"


def is_retryable(kind: FailureKind) -> bool:
    """Whether the same channel should be tried again later without asking the user."""
    return kind in {FailureKind.NETWORK, FailureKind.SERVER}


class DeliveryError(ComposerError):
    """A channel could not deliver; ``kind`` says whether to retry, ask or fall back.

    Attributes:
        kind: the :class:`FailureKind`.
        retry_after: seconds the server asked us to wait, when it said so.
        maybe_delivered: True when the failure happened after the whole request
            left the machine, so the provider may have it already (only the
            idempotency key then prevents a second ticket).
    """

    def __init__(
        self,
        code: str,
        *,
        kind: FailureKind,
        retry_after: float | None = None,
        maybe_delivered: bool = False,
        details: str = "",
        **params: Any,
    ) -> None:
        super().__init__(code, details=details, **params)
        self.kind = kind
        self.retry_after = retry_after
        self.maybe_delivered = maybe_delivered


@dataclass(frozen=True)
class FollowUp:
    """A message added to a ticket that was already sent."""

    text: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class SendContext:
    """Everything a channel needs besides the request itself.

    Attributes:
        profile: the provider profile the request was composed for.
        idempotency_key: the same for every attempt of one outbox entry.
        progress: called while bytes leave the machine.
        original: for a follow-up, the request it belongs to (with its receipt).
        body_leaving: called just before the last byte of the body is written
            (the final dot of SMTP's DATA, the end of an upload); it records
            "the body may be out" durably, so a try cut off after it is never
            resent blindly. When it raises, nothing more is written.
        rendered: the subject and text rendered at Send in the provider's
            language (:mod:`composer.rendered`), sent as they are; for a
            follow-up, the original's. None: the channel renders them itself
            (only callers outside the outbox).
    """

    profile: ProviderProfile
    idempotency_key: str
    progress: ProgressCallback | None = None
    original: Request | None = None
    body_leaving: Callable[[], None] | None = None
    rendered: RenderedRequest | None = None


class Channel(Protocol):
    """One configured way out (a helpdesk API, an SMTP server, a folder)."""

    @property
    def name(self) -> str:
        """Short stable name used in receipts and the attempt log, e.g. ``intake``."""
        ...

    def send(self, request: Request, context: SendContext) -> Receipt:
        """Deliver a new request.

        Raises:
            DeliveryError: classified by ``kind``.
        """
        ...

    def send_follow_up(self, follow_up: FollowUp, context: SendContext) -> Receipt:
        """Add a message to the ticket of ``context.original``.

        Raises:
            DeliveryError: classified by ``kind``.
        """
        ...


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine (so plain text cannot leave it)."""
    import ipaddress

    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False
