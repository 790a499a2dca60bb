"""Zendesk Support through its REST API.

Written from Zendesk's API reference (https://developer.zendesk.com/api-reference/):
Security and authentication (API token: Basic ``{email}/token:{token}``),
Ticketing → Attachments ("Upload Files", ``POST /api/v2/uploads?filename=``,
answering an upload ``token``), Ticketing → Tickets ("Create Ticket",
"Show Ticket", "Update Ticket", "List Tickets" by ``external_id``), and
https://developer.zendesk.com/documentation/ticketing/managing-tickets/adding-ticket-attachments-with-the-api/:

- every file is uploaded first and its token goes into the ticket's first
  comment (``comment.uploads``). Tokens expire (Zendesk deletes uploads not
  attached in time), so files are uploaded right before each create, never
  kept from an earlier try;
- create: ``POST /api/v2/tickets`` with ``subject``, ``comment`` (``body``,
  ``public: true``, ``uploads``), ``requester`` (``name``, ``email``),
  ``priority`` (urgent, high, normal, low), ``group_id`` per category,
  ``custom_fields`` (``id``/``value``) and ``external_id`` = the request id;
  the ticket ``id`` is the number people see; the document's ``copy_to`` as
  ``email_ccs`` (``[{"user_email", "action": "put"}]``, "Setting email CCs" in
  https://developer.zendesk.com/documentation/ticketing/managing-tickets/creating-and-updating-tickets/,
  the form for accounts with CCs and Followers, which Zendesk prefers over the
  older ``collaborators``);
- search: ``GET /api/v2/tickets?external_id=...`` (no custom field needed);
- follow-up: ``PUT /api/v2/tickets/{id}`` with a public ``comment``; one
  whose outcome is unknown is looked for in Ticket Comments, "List Comments"
  (``GET /api/v2/tickets/{id}/comments``, following ``next_page``), by the
  follow-up id in the comment's ``body``;
- state: ``status`` new, open, pending, hold, solved, closed;
- errors: 401 ``{"error": "Couldn't authenticate you"}``, 422
  ``RecordInvalid`` with ``details``, 429 with ``Retry-After``.
"""

from __future__ import annotations

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

__all__ = ["Settings", "ZendeskAdapter"]

STATES = {
    "new": TicketState.NEW,
    "open": TicketState.OPEN,
    "hold": TicketState.OPEN,
    "pending": TicketState.WAITING,
    "solved": TicketState.RESOLVED,
    "closed": TicketState.CLOSED,
}


class Settings(HttpSettings):
    kind: Literal["zendesk"]
    email: str = Field(examples=["relay@example.com"])
    api_token: SecretStr
    group_id: int | None = Field(None, examples=[360001])
    groups: dict[str, int] = Field(default_factory=dict, examples=[{"mail_sending": 360002}])
    priorities: dict[str, str] = Field(
        default_factory=lambda: {"critical": "urgent", "high": "high", "normal": "normal", "low": "low"},
        examples=[{"critical": "urgent", "high": "high", "normal": "normal", "low": "low"}],
    )
    custom_fields: dict[FieldName, int] = Field(
        default_factory=dict, examples=[{"domain": 9002, "account": 9003}]
    )

    def build(self) -> ZendeskAdapter:
        return ZendeskAdapter(self)


class ZendeskAdapter:
    capabilities = Capabilities(
        label="Zendesk (REST API)",
        find_by_request_id=True,
        follow_up=True,
        status=True,
        find_message=True,
    )

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self._client = settings.client(
            "/api/v2/",
            auth=(f"{settings.email}/token", settings.api_token.get_secret_value()),
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def _ticket(self, data: object) -> HelpdeskTicket:
        ticket = data.get("ticket") if isinstance(data, dict) else None
        if not isinstance(ticket, dict) or "id" not in ticket:
            raise HelpdeskError("helpdesk.bad_response", "no ticket id in Zendesk's answer", maybe_out=True)
        return self.settings.ticket(str(ticket["id"]), str(ticket["id"]))

    def _upload(self, files: tuple[OutgoingFile, ...]) -> list[str]:
        tokens = []
        for file in files:
            with file.path.open("rb") as stream:
                response = send(
                    self._client,
                    "POST",
                    "uploads",
                    write=False,  # an upload alone makes no ticket
                    params={"filename": file.name},
                    content=stream.read(),
                    headers={"Content-Type": file.media_type},
                )
            upload = json_body(response).get("upload", {})
            if not upload.get("token"):
                raise HelpdeskError("helpdesk.bad_response", "no upload token in Zendesk's answer")
            tokens.append(str(upload["token"]))
        return tokens

    def create(self, ticket: Outgoing) -> HelpdeskTicket:
        values = ticket.field_values()
        body: dict[str, object] = {
            "subject": ticket.subject,
            "comment": {"body": ticket.body, "public": True, "uploads": self._upload(ticket.files)},
            "requester": {
                "name": ticket.requester_name or ticket.requester_email,
                "email": ticket.requester_email,
            },
            "priority": self.settings.priorities.get(ticket.urgency, "normal"),
            "external_id": ticket.request_id,
            "custom_fields": [
                {"id": field_id, "value": values[ours]}
                for ours, field_id in self.settings.custom_fields.items()
                if values[ours]
            ],
        }
        group = self.settings.groups.get(ticket.category, self.settings.group_id)
        if group is not None:
            body["group_id"] = group
        if ticket.cc:
            body["email_ccs"] = [{"user_email": address, "action": "put"} for address in ticket.cc]
        return self._ticket(
            json_body(send(self._client, "POST", "tickets", write=True, json={"ticket": body}))
        )

    def find(self, request_id: str, *, reference: str = "") -> HelpdeskTicket | None:
        data = json_body(
            send(self._client, "GET", "tickets", write=False, params={"external_id": request_id})
        )
        tickets = data.get("tickets") if isinstance(data, dict) else None
        if not isinstance(tickets, list):
            raise HelpdeskError("helpdesk.bad_response", "no tickets in Zendesk's answer")
        if not tickets:
            return None
        return self._ticket({"ticket": min(tickets, key=lambda t: int(t.get("id", 0)))})

    def add_message(self, ticket: HelpdeskTicket, message: OutgoingMessage) -> str:
        comment = {"body": message.body(), "public": True, "uploads": self._upload(message.files)}
        send(self._client, "PUT", f"tickets/{ticket.id}", write=True, json={"ticket": {"comment": comment}})
        return message.message_id

    def find_message(self, ticket: HelpdeskTicket, message_id: str) -> str | None:
        url: str = f"tickets/{ticket.id}/comments"
        while url:
            data = json_body(send(self._client, "GET", url, write=False))
            comments = data.get("comments") if isinstance(data, dict) else None
            if not isinstance(comments, list):
                raise HelpdeskError("helpdesk.bad_response", "no comments in Zendesk's answer")
            for comment in comments:
                if isinstance(comment, dict) and mentions(str(comment.get("body") or ""), message_id):
                    return str(comment.get("id", message_id))
            following = str(data.get("next_page") or "")
            # the agent credential goes along: follow Zendesk's own pages only
            url = following if following.startswith(self.settings.url.rstrip("/") + "/") else ""
        return None

    def state(self, ticket: HelpdeskTicket) -> TicketState | None:
        data = json_body(send(self._client, "GET", f"tickets/{ticket.id}", write=False))
        status = str(data.get("ticket", {}).get("status", "")) if isinstance(data, dict) else ""
        return STATES.get(status, TicketState.OPEN if status else None)
