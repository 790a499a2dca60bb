"""What every helpdesk adapter provides, and what the forwarding worker gives it.

An adapter is synchronous (the workers are threads): :meth:`Adapter.create`
opens a ticket and returns its public number, :meth:`Adapter.find` looks for a
ticket by the request id, or where the helpdesk can only search subjects by
the relay's reference it put there (how a forward whose outcome is unknown is
settled), :meth:`Adapter.add_message` adds a follow-up and
:meth:`Adapter.find_message` looks for one on its ticket by the follow-up id
that every follow-up's text ends with (how a follow-up whose outcome is
unknown is settled), :meth:`Adapter.state` reads the
ticket's state mapped onto the intake API's. Failures are
:class:`HelpdeskError` with one of these codes:

=============================  ======================================================
``helpdesk.unreachable``       no connection; nothing reached the helpdesk (retry)
``helpdesk.timeout``           sent, no answer: the outcome is unknown (search, retry)
``helpdesk.unavailable``       5xx or 429: try again later (``retry_after`` if given)
``helpdesk.auth_failed``       the agent credential was refused: the operator must fix it
``helpdesk.rejected``          the helpdesk refused the ticket (a queue, field, size);
                               the operator must fix the configuration, then ``relay retry``
``helpdesk.bad_response``      an answer the adapter cannot read
=============================  ======================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, SecretStr

from composer_relay.wire import TicketState

__all__ = [
    "Adapter",
    "AdapterSettings",
    "Capabilities",
    "HelpdeskError",
    "HelpdeskTicket",
    "Outgoing",
    "OutgoingFile",
    "OutgoingMessage",
    "mentions",
]


class AdapterSettings(BaseModel):
    """The ``[helpdesk]`` section; each adapter subclasses it with ``kind: Literal[...]``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str

    @classmethod
    def secret_fields(cls) -> list[str]:
        """Fields holding agent credentials: never logged, never in a response."""
        return [
            name
            for name, info in cls.model_fields.items()
            if info.annotation in (SecretStr, SecretStr | None)
        ]

    def build(self) -> Adapter:
        """The adapter these settings configure."""
        raise NotImplementedError


@dataclass(frozen=True)
class Capabilities:
    """What an adapter can do; the worker and ``relay check-config`` read it."""

    label: str
    find_by_request_id: bool
    follow_up: bool
    status: bool
    find_message: bool = False
    # the helpdesk's own limits, so that the relay refuses at once (413) what it would refuse later
    max_file_bytes: int | None = None
    max_files_bytes: int | None = None  # all files of one request or follow-up together


@dataclass(frozen=True)
class OutgoingFile:
    name: str
    media_type: str
    size: int
    path: Path


@dataclass(frozen=True)
class Outgoing:
    """A stored request, ready for a helpdesk: what the customer reviewed, and who sent it."""

    reference: str
    request_id: str
    subject: str
    body: str
    requester_name: str
    requester_email: str
    customer_id: str
    category: str
    urgency: str
    domain: str
    account: str
    files: tuple[OutgoingFile, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    # the language ``subject`` and ``body`` are in (the provider's), "" when the desktop did not say
    language: str = ""
    # addresses for the ticket's Cc: checked contacts of the customer, never the requester again
    cc: tuple[str, ...] = ()

    def field_values(self) -> dict[str, str]:
        """The values that go into the helpdesk's own fields, by our names (``custom_fields`` keys)."""
        return {
            "request_id": self.request_id,
            "domain": self.domain,
            "account": self.account,
            "category": self.category,
            "customer_id": self.customer_id,
        }


@dataclass(frozen=True)
class OutgoingMessage:
    message_id: str
    text: str
    author_email: str
    files: tuple[OutgoingFile, ...] = ()

    def body(self) -> str:
        """The text for the helpdesk, signed with who wrote it (the API user posts it) and its id."""
        return f"{self.text.rstrip()}\n\n-- \nFrom {self.author_email}, {marker(self.message_id)}\n"


def marker(message_id: str) -> str:
    """What every follow-up's text ends with: the search key for :meth:`Adapter.find_message`."""
    return f"follow-up {message_id}"


def mentions(text: str, message_id: str) -> bool:
    """Whether ``text`` (a helpdesk's copy of a follow-up) carries ``message_id``'s marker.

    ``RC-X-M1`` must not match ``RC-X-M10``: the id has to end where a word ends. Case does
    not matter (a subject says ``Follow-up RC-X-M1``).
    """
    pattern = re.escape(marker(message_id)) + r"(?![A-Za-z0-9])"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


@dataclass(frozen=True)
class HelpdeskTicket:
    """A ticket in the helpdesk: its id for the API, and the number its people and customers see."""

    id: str
    number: str
    web_url: str = ""


class HelpdeskError(Exception):
    def __init__(
        self,
        code: str,
        detail: str = "",
        *,
        maybe_out: bool = False,
        retry: bool = True,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
        self.maybe_out = maybe_out
        self.retry = retry
        self.retry_after = retry_after


class Adapter(Protocol):
    @property
    def capabilities(self) -> Capabilities: ...

    def create(self, ticket: Outgoing) -> HelpdeskTicket: ...

    def find(self, request_id: str, *, reference: str = "") -> HelpdeskTicket | None: ...

    def add_message(self, ticket: HelpdeskTicket, message: OutgoingMessage) -> str: ...

    def find_message(self, ticket: HelpdeskTicket, message_id: str) -> str | None: ...

    def state(self, ticket: HelpdeskTicket) -> TicketState | None: ...

    def close(self) -> None: ...
