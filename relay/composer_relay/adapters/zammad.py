"""Zammad through its REST API.

Written from Zammad's API documentation (https://docs.zammad.org/en/latest/api/intro.html,
https://docs.zammad.org/en/latest/api/ticket/index.html,
https://docs.zammad.org/en/latest/api/ticket/articles.html,
https://docs.zammad.org/en/latest/api/object.html):

- authentication: ``Authorization: Token token=<access token>`` of an agent
  with ``ticket.agent`` on the groups used;
- create: ``POST /api/v1/tickets`` with ``title``, ``group`` (by name),
  ``customer_id: "guess:<email>"`` (finds or creates the customer),
  ``priority`` (``1 low`` / ``2 normal`` / ``3 high``), the ticket object
  attributes the admin created (Admin → Objects → Ticket) and ``article``
  (``subject``, ``body``, ``content_type``, ``type``, ``internal: false``,
  ``attachments`` of ``filename``, ``data`` in Base64, ``mime-type``); the
  answer is 201 with ``id`` (for the API) and ``number`` (what people see);
- follow-up: ``POST /api/v1/ticket_articles`` with ``ticket_id``; one whose
  outcome is unknown is looked for in ``GET
  /api/v1/ticket_articles/by_ticket/{ticket_id}`` (the ticket's articles, by
  the follow-up id in their subject and body);
- state: ``GET /api/v1/tickets/{id}?expand=true`` (``state`` by name: new,
  open, pending reminder, pending close, closed, merged, removed);
- search: ``GET /api/v1/tickets/search?query=request_id:"..."`` (the object
  attribute holding the request id); the answer lists ``tickets`` ids with
  their ``assets``. Zammad's search runs on its index, which lags a new
  ticket by a moment: the worker waits ``server.settle_delay_seconds`` after
  an unknown outcome before it searches.

Errors arrive as ``{"error": ..., "error_human": ...}`` with 401, 403, 404 or
422 (an unknown group, priority or attribute).

A document's ``copy_to`` is not passed on: in Zammad's Articles API
(https://docs.zammad.org/en/latest/api/ticket/articles.html) ``to`` and ``cc``
belong to e-mail articles, while the relay files the customer's ``web``
article, and a ticket has no Cc of its own.
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
    mentions,
)
from composer_relay.adapters.http import FieldName, HttpSettings, json_body, send
from composer_relay.wire import TicketState

__all__ = ["Settings", "ZammadAdapter"]

STATES = {
    "new": TicketState.NEW,
    "open": TicketState.OPEN,
    "pending reminder": TicketState.WAITING,
    "pending close": TicketState.RESOLVED,
    "closed": TicketState.CLOSED,
    "merged": TicketState.CLOSED,
    "removed": TicketState.CLOSED,
}


class Settings(HttpSettings):
    kind: Literal["zammad"]
    token: SecretStr
    group: str = Field("Users", examples=["Users"])
    groups: dict[str, str] = Field(default_factory=dict, examples=[{"mail_sending": "Mail"}])
    priorities: dict[str, str] = Field(
        default_factory=lambda: {
            "critical": "3 high",
            "high": "3 high",
            "normal": "2 normal",
            "low": "1 low",
        },
        examples=[{"critical": "3 high", "high": "3 high", "normal": "2 normal", "low": "1 low"}],
    )
    attributes: dict[FieldName, str] = Field(
        default_factory=dict, examples=[{"request_id": "request_id", "domain": "domain"}]
    )

    def build(self) -> ZammadAdapter:
        return ZammadAdapter(self)


class ZammadAdapter:
    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self.capabilities = Capabilities(
            label="Zammad (REST API)",
            find_by_request_id="request_id" in settings.attributes,
            follow_up=True,
            status=True,
            find_message=True,
        )
        self._client = settings.client(
            "/api/v1/",
            headers={"Authorization": f"Token token={settings.token.get_secret_value()}"},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def _ticket(self, data: object) -> HelpdeskTicket:
        if not isinstance(data, dict) or "id" not in data or "number" not in data:
            raise HelpdeskError(
                "helpdesk.bad_response", "no ticket id or number in Zammad's answer", maybe_out=True
            )
        return self.settings.ticket(str(data["id"]), str(data["number"]))

    def create(self, ticket: Outgoing) -> HelpdeskTicket:
        values = ticket.field_values()
        payload: dict[str, object] = {
            "title": ticket.subject,
            "group": self.settings.groups.get(ticket.category, self.settings.group),
            "customer_id": f"guess:{ticket.requester_email}",
            "priority": self.settings.priorities.get(ticket.urgency, "2 normal"),
            "article": {
                "subject": ticket.subject,
                "body": ticket.body,
                "content_type": "text/plain",
                "type": "web",
                "internal": False,
                "attachments": _attachments(ticket.files),
            },
        }
        for ours, attribute in self.settings.attributes.items():
            if values[ours]:
                payload[attribute] = values[ours]
        return self._ticket(json_body(send(self._client, "POST", "tickets", write=True, json=payload)))

    def find(self, request_id: str, *, reference: str = "") -> HelpdeskTicket | None:
        attribute = self.settings.attributes.get("request_id")
        if not attribute:
            raise HelpdeskError("helpdesk.rejected", "no request id attribute configured", retry=False)
        quoted = request_id.replace("\\", "\\\\").replace('"', '\\"')
        data = json_body(
            send(
                self._client,
                "GET",
                "tickets/search",
                write=False,
                params={"query": f'{attribute}:"{quoted}"'},
            )
        )
        ids = data.get("tickets") if isinstance(data, dict) else None
        if not isinstance(ids, list):
            raise HelpdeskError("helpdesk.bad_response", "no tickets in Zammad's search answer")
        if not ids:
            return None
        first = min(ids)
        return self._ticket(data.get("assets", {}).get("Ticket", {}).get(str(first)))

    def add_message(self, ticket: HelpdeskTicket, message: OutgoingMessage) -> str:
        payload = {
            "ticket_id": int(ticket.id),
            "subject": f"Follow-up {message.message_id}",
            "body": message.body(),
            "content_type": "text/plain",
            "type": "web",
            "internal": False,
            "attachments": _attachments(message.files),
        }
        data = json_body(send(self._client, "POST", "ticket_articles", write=True, json=payload))
        return str(data.get("id", message.message_id)) if isinstance(data, dict) else message.message_id

    def find_message(self, ticket: HelpdeskTicket, message_id: str) -> str | None:
        data = json_body(send(self._client, "GET", f"ticket_articles/by_ticket/{ticket.id}", write=False))
        if not isinstance(data, list):
            raise HelpdeskError("helpdesk.bad_response", "no article list in Zammad's answer")
        for article in data:
            if isinstance(article, dict) and mentions(
                f"{article.get('subject') or ''}\n{article.get('body') or ''}", message_id
            ):
                return str(article.get("id", message_id))
        return None

    def state(self, ticket: HelpdeskTicket) -> TicketState | None:
        data = json_body(
            send(self._client, "GET", f"tickets/{ticket.id}", write=False, params={"expand": "true"})
        )
        state = str(data.get("state", "")) if isinstance(data, dict) else ""
        return STATES.get(state.lower(), TicketState.OPEN if state else None)


def _attachments(files: tuple[OutgoingFile, ...]) -> list[dict[str, str]]:
    return [
        {
            "filename": file.name,
            "data": base64.b64encode(file.path.read_bytes()).decode("ascii"),
            "mime-type": file.media_type,
        }
        for file in files
    ]
