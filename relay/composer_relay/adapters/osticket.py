"""osTicket through its ticket API (``POST /api/tickets.json``).

Written from osTicket's own API documentation, ``setup/doc/api.md`` and
``setup/doc/api/tickets.md`` in the osTicket source
(https://github.com/osTicket/osTicket/blob/v1.18.1/setup/doc/api/tickets.md),
and checked against the real osTicket 1.18.1:

- authentication: ``X-API-Key``; a key is bound to one source IP address
  (Admin panel → Manage → API Keys), so the relay must call from that
  address; anything else is ``401 Valid API key required``;
- create: JSON ``name``, ``email``, ``subject``, ``message``, ``topicId``
  (the help topic per category, which routes to the department),
  ``priority`` (a priority id), the ticket form's fields by their variable
  names, and ``attachments``: a list of ``{"<name>": "data:<mime>;base64,..."}``
  with no charset parameter (with one, osTicket stores the Base64 text
  instead of the bytes); the answer is ``201`` whose plain-text body is the
  ticket number;
- osTicket drops files over its size limit (1 MB by default) silently and
  still answers 201: the relay refuses them before sending, already when the
  customer sends them (``413 request.too_large``, ``helpdesk.max_file_bytes``:
  set it to osTicket's limit);
- it answers ``500 Unable to create new ticket: ...`` for what it refuses
  (a missing field, an address it will not take): refused, not retried;
- there is no reply, status or search API: follow-ups are refused by the
  relay (use the mail intake for those), the status stays what the relay
  knows, and a create whose outcome is unknown is left to the operator
  (osTicket makes a second ticket for a repeated post);
- the ticket API has no Cc or collaborator field: a document's ``copy_to``
  is not passed on (an agent adds collaborators in osTicket's panel).
"""

from __future__ import annotations

import base64
from typing import Literal

import httpx
from pydantic import Field, SecretStr

from composer_relay.adapters.base import (
    Capabilities,
    HelpdeskError,
    HelpdeskTicket,
    Outgoing,
    OutgoingFile,
    OutgoingMessage,
)
from composer_relay.adapters.http import FieldName, HttpSettings, send
from composer_relay.wire import TicketState

__all__ = ["OsTicketAdapter", "Settings"]


class Settings(HttpSettings):
    kind: Literal["osticket"]
    api_key: SecretStr
    topic: int | None = Field(None, examples=[1])
    topics: dict[str, int] = Field(default_factory=dict, examples=[{"billing": 2}])
    priorities: dict[str, int] = Field(
        default_factory=dict, examples=[{"critical": 4, "high": 3, "normal": 2, "low": 1}]
    )
    fields: dict[FieldName, str] = Field(
        default_factory=dict, examples=[{"domain": "domain", "request_id": "request_id"}]
    )
    max_file_bytes: int = Field(1024 * 1024, ge=1, examples=[1048576])

    def build(self) -> OsTicketAdapter:
        return OsTicketAdapter(self)


class OsTicketAdapter:
    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self.capabilities = Capabilities(
            label="osTicket (ticket API)",
            find_by_request_id=False,
            follow_up=False,
            status=False,
            max_file_bytes=settings.max_file_bytes,
        )
        self._client = settings.client(
            "/api/", headers={"X-API-Key": settings.api_key.get_secret_value()}, transport=transport
        )

    def close(self) -> None:
        self._client.close()

    def create(self, ticket: Outgoing) -> HelpdeskTicket:
        for file in ticket.files:
            if file.size > self.settings.max_file_bytes or file.size == 0:
                raise HelpdeskError(
                    "helpdesk.rejected",
                    f"{file.name}: {file.size} bytes; osTicket drops files that are empty or over "
                    f"{self.settings.max_file_bytes} bytes without saying so",
                    retry=False,
                )
        payload: dict[str, object] = {
            "name": ticket.requester_name or ticket.requester_email,
            "email": ticket.requester_email,
            "subject": ticket.subject,
            "message": ticket.body,
            "attachments": [{file.name: _data_url(file)} for file in ticket.files],
        }
        topic = self.settings.topics.get(ticket.category, self.settings.topic)
        if topic is not None:
            payload["topicId"] = topic
        if ticket.urgency in self.settings.priorities:
            payload["priority"] = self.settings.priorities[ticket.urgency]
        values = ticket.field_values()
        for ours, name in self.settings.fields.items():
            if values[ours]:
                payload[name] = values[ours]
        try:
            response = send(self._client, "POST", "tickets.json", write=True, json=payload)
        except HelpdeskError as exc:
            if "Unable to create new ticket" in exc.detail:
                raise HelpdeskError("helpdesk.rejected", exc.detail, retry=False) from None
            raise
        number = response.text.strip()
        if not number.isalnum():
            raise HelpdeskError(
                "helpdesk.bad_response", "osTicket's answer is not a ticket number", maybe_out=True
            )
        return self.settings.ticket(number, number)

    def find(self, request_id: str, *, reference: str = "") -> HelpdeskTicket | None:
        raise HelpdeskError("helpdesk.rejected", "osTicket cannot be searched through its API", retry=False)

    def add_message(self, ticket: HelpdeskTicket, message: OutgoingMessage) -> str:
        raise HelpdeskError("helpdesk.rejected", "osTicket has no API for replies", retry=False)

    def find_message(self, ticket: HelpdeskTicket, message_id: str) -> str | None:
        raise HelpdeskError("helpdesk.rejected", "osTicket has no API for replies", retry=False)

    def state(self, ticket: HelpdeskTicket) -> TicketState | None:
        return None


def _data_url(file: OutgoingFile) -> str:
    return f"data:{file.media_type};base64,{base64.b64encode(file.path.read_bytes()).decode('ascii')}"
