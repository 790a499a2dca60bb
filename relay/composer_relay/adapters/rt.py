"""Request Tracker 5 through its REST2 API.

Written from RT's own REST2 documentation, ``RT::REST2`` (the POD shipped in
``lib/RT/REST2.pm``, also at https://docs.bestpractical.com/rt/5.0.x/RT/REST2.html):

- authentication: ``Authorization: token <auth token>`` (RT::Authen::Token);
- create: ``POST /REST/2.0/ticket`` with JSON ``Queue``, ``Subject``,
  ``Requestor``, ``Content``, ``ContentType``, ``Priority``,
  ``Cc`` (the document's ``copy_to``: RT makes each a Cc watcher, who gets
  the ticket's correspondence), ``CustomFields`` (name -> value) and ``Attachments`` (a list of
  ``FileName``, ``FileType``, ``FileContent`` in MIME Base64); the answer is
  ``201`` with ``{"id", "type", "_url"}``;
- follow-up: ``POST /REST/2.0/ticket/:id/correspond`` with ``Subject``,
  ``Content``, ``ContentType`` and ``Attachments`` ("Replying/Commenting
  Tickets"); the ``Subject`` is ``Follow-up <message id>``;
- a follow-up whose outcome is unknown: ``GET /REST/2.0/ticket/:id/attachments``
  with ``fields=Subject`` ("Attachments and Messages"), page by page, looking
  for that subject (an attachment's ``Subject`` is a column of its own, so
  this needs no full-text index);
- state: ``GET /REST/2.0/ticket/:id`` (``Status``, lifecycle ``default``:
  new, open, stalled, resolved, rejected, deleted);
- search: ``GET /REST/2.0/tickets?query=<TicketSQL>`` returning ``items``.

The ticket's public number is its id (RT shows ``#<id>`` and threads mail by
``[rtname #<id>]``). A forward whose outcome is unknown is settled by a
TicketSQL search on the request-id custom field (``'CF.{Request ID}' =
'...'``, ``helpdesk.custom_fields.request_id``), not on the content:
RT's content search needs full-text indexing and,
without it, answers an empty list. With no such field configured the adapter says it
cannot search, and unknown outcomes go to the operator (``relay pending``).
"""

from __future__ import annotations

import base64
from typing import Any, Literal

import httpx
from pydantic import Field, SecretStr

from composer_relay.adapters.base import (
    Capabilities,
    HelpdeskError,
    HelpdeskTicket,
    Outgoing,
    OutgoingFile,
    OutgoingMessage,
    mentions,
)
from composer_relay.adapters.http import FieldName, HttpSettings, find_in_pages, json_body, send
from composer_relay.wire import TicketState

__all__ = ["RtAdapter", "Settings"]

STATES = {
    "new": TicketState.NEW,
    "open": TicketState.OPEN,
    "stalled": TicketState.WAITING,
    "resolved": TicketState.RESOLVED,
    "rejected": TicketState.CLOSED,
    "deleted": TicketState.CLOSED,
}


class Settings(HttpSettings):
    kind: Literal["rt"]
    token: SecretStr
    queue: str = Field("General", examples=["General"])
    queues: dict[str, str] = Field(default_factory=dict, examples=[{"mail_sending": "Mail"}])
    priorities: dict[str, int] = Field(
        default_factory=lambda: {"critical": 90, "high": 70, "normal": 50, "low": 20},
        examples=[{"critical": 90, "high": 70, "normal": 50, "low": 20}],
    )
    custom_fields: dict[FieldName, str] = Field(
        default_factory=dict, examples=[{"request_id": "Request ID", "domain": "Domain"}]
    )

    def build(self) -> RtAdapter:
        return RtAdapter(self)


class RtAdapter:
    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        # without the custom field RT cannot find a ticket by request id (content search needs
        # full-text indexing, and without it RT answers an empty list, not an error)
        self.capabilities = Capabilities(
            label="Request Tracker (REST2)",
            find_by_request_id="request_id" in settings.custom_fields,
            follow_up=True,
            status=True,
            find_message=True,
        )
        self._client = settings.client(
            "/REST/2.0/",
            headers={"Authorization": f"token {settings.token.get_secret_value()}"},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def _ticket(self, ticket_id: str) -> HelpdeskTicket:
        return self.settings.ticket(ticket_id, ticket_id)

    def create(self, ticket: Outgoing) -> HelpdeskTicket:
        fields = ticket.field_values()
        payload = {
            "Queue": self.settings.queues.get(ticket.category, self.settings.queue),
            "Subject": ticket.subject,
            "Requestor": ticket.requester_email,
            **({"Cc": list(ticket.cc)} if ticket.cc else {}),
            "Content": ticket.body,
            "ContentType": "text/plain",
            "Priority": self.settings.priorities.get(ticket.urgency, 50),
            "CustomFields": {
                name: fields[ours] for ours, name in self.settings.custom_fields.items() if fields[ours]
            },
            "Attachments": _attachments(ticket.files),
        }
        data = json_body(send(self._client, "POST", "ticket", write=True, json=payload))
        if not isinstance(data, dict) or "id" not in data:
            raise HelpdeskError("helpdesk.bad_response", "no ticket id in RT's answer", maybe_out=True)
        return self._ticket(str(data["id"]))

    def find(self, request_id: str, *, reference: str = "") -> HelpdeskTicket | None:
        quoted = request_id.replace("\\", "\\\\").replace("'", "\\'")
        field = self.settings.custom_fields.get("request_id")
        if not field:
            raise HelpdeskError("helpdesk.rejected", "no request id custom field configured", retry=False)
        query = f"'CF.{{{field}}}' = '{quoted}'"
        response = send(
            self._client,
            "GET",
            "tickets",
            write=False,
            params={"query": query, "orderby": "id", "order": "ASC"},
        )
        data = json_body(response)
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise HelpdeskError("helpdesk.bad_response", "no items in RT's search answer")
        if not items:
            return None
        return self._ticket(str(items[0]["id"]))

    def add_message(self, ticket: HelpdeskTicket, message: OutgoingMessage) -> str:
        payload = {
            "Subject": f"Follow-up {message.message_id}",
            "Content": message.body(),
            "ContentType": "text/plain",
            "Attachments": _attachments(message.files),
        }
        send(self._client, "POST", f"ticket/{ticket.id}/correspond", write=True, json=payload)
        return message.message_id

    def find_message(self, ticket: HelpdeskTicket, message_id: str) -> str | None:
        def fetch(page: int) -> tuple[list[Any], bool]:
            params = {"fields": "Subject", "per_page": "100", "page": str(page)}
            url = f"ticket/{ticket.id}/attachments"
            data = json_body(send(self._client, "GET", url, write=False, params=params))
            items = data.get("items") if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise HelpdeskError("helpdesk.bad_response", "no items in RT's attachment list")
            return items, bool(data.get("next_page"))

        return find_in_pages(
            fetch, lambda item: message_id if mentions(str(item.get("Subject") or ""), message_id) else None
        )

    def state(self, ticket: HelpdeskTicket) -> TicketState | None:
        data = json_body(send(self._client, "GET", f"ticket/{ticket.id}", write=False))
        status = str(data.get("Status", "")) if isinstance(data, dict) else ""
        return STATES.get(status.lower(), TicketState.OPEN if status else None)


def _attachments(files: tuple[OutgoingFile, ...]) -> list[dict[str, str]]:
    return [
        {
            "FileName": file.name,
            "FileType": file.media_type,
            "FileContent": base64.b64encode(file.path.read_bytes()).decode("ascii"),
        }
        for file in files
    ]
