"""WHMCS through its API.

Written from the WHMCS API reference (https://developers.whmcs.com/api/authentication/,
https://developers.whmcs.com/api-reference/openticket/,
https://developers.whmcs.com/api-reference/addticketreply/,
https://developers.whmcs.com/api-reference/gettickets/,
https://developers.whmcs.com/api-reference/getticket/):

- every call is a form ``POST /includes/api.php`` with the API credential
  (``identifier``, ``secret``, made in Setup → Staff Management → API
  Credentials, with the IP allowed), ``action`` and ``responsetype=json``;
- **errors arrive with HTTP 200** and ``{"result": "error", "message"}``, so
  every answer is checked for ``result == "success"``;
- create: ``OpenTicket`` with ``deptid`` per category, ``subject`` (ending
  with the relay's reference in brackets, which is what the search finds),
  ``message``, ``name``, ``email``, ``priority`` (Low, Medium, High),
  ``markdown``, and ``attachments``: Base64 of a JSON list of ``{"name",
  "data"}`` with ``data`` in Base64; the answer's ``tid`` is the number the
  customer sees, ``id`` the one the API takes;
- search: ``GetTickets`` with ``subject`` = the relay's reference (WHMCS can
  filter tickets by subject, not by a custom field);
- follow-up: ``AddTicketReply`` with ``ticketid``, ``message``, ``email``;
  one whose outcome is unknown is looked for in ``GetTicket``'s
  ``replies.reply`` list, by the follow-up id in a reply's ``message``;
- state: ``GetTicket`` ``status``: Open, Customer-Reply, In Progress (open),
  Answered, On Hold (waiting for the customer), Closed.

``OpenTicket``'s documented parameters
(https://developers.whmcs.com/api-reference/openticket/) have no Cc, so a
document's ``copy_to`` is not passed on.
"""

from __future__ import annotations

import base64
import json
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
from composer_relay.adapters.http import HttpSettings, json_body, send
from composer_relay.wire import TicketState

__all__ = ["Settings", "WhmcsAdapter"]

STATES = {
    "open": TicketState.OPEN,
    "customer-reply": TicketState.OPEN,
    "in progress": TicketState.OPEN,
    "answered": TicketState.WAITING,
    "on hold": TicketState.WAITING,
    "closed": TicketState.CLOSED,
}
Priority = Literal["Low", "Medium", "High"]
DEFAULT_PRIORITIES: dict[str, Priority] = {
    "critical": "High",
    "high": "High",
    "normal": "Medium",
    "low": "Low",
}
_AUTH_MESSAGES = ("authentication failed", "invalid ip", "invalid permissions")


class Settings(HttpSettings):
    kind: Literal["whmcs"]
    identifier: SecretStr
    secret: SecretStr
    department: int = Field(examples=[1])
    departments: dict[str, int] = Field(default_factory=dict, examples=[{"billing": 2}])
    priorities: dict[str, Priority] = Field(
        default_factory=lambda: dict(DEFAULT_PRIORITIES),
        examples=[{"critical": "High", "high": "High", "normal": "Medium", "low": "Low"}],
    )

    def build(self) -> WhmcsAdapter:
        return WhmcsAdapter(self)


class WhmcsAdapter:
    capabilities = Capabilities(
        label="WHMCS (API)", find_by_request_id=True, follow_up=True, status=True, find_message=True
    )

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self._client = settings.client("/", transport=transport)

    def close(self) -> None:
        self._client.close()

    def _call(self, action: str, *, write: bool, **values: str) -> dict[str, Any]:
        form = {
            "identifier": self.settings.identifier.get_secret_value(),
            "secret": self.settings.secret.get_secret_value(),
            "action": action,
            "responsetype": "json",
            **values,
        }
        data = json_body(send(self._client, "POST", "includes/api.php", write=write, data=form))
        if not isinstance(data, dict):
            raise HelpdeskError("helpdesk.bad_response", f"{action}: not a JSON object", maybe_out=write)
        if data.get("result") != "success":
            message = str(data.get("message", "no message"))
            if message.lower().startswith(_AUTH_MESSAGES):
                raise HelpdeskError("helpdesk.auth_failed", f"{action}: {message}", retry=False)
            raise HelpdeskError("helpdesk.rejected", f"{action}: {message}", retry=False)
        return data

    def _ticket(self, ticket_id: object, tid: object) -> HelpdeskTicket:
        return self.settings.ticket(str(ticket_id), str(tid))

    def create(self, ticket: Outgoing) -> HelpdeskTicket:
        values = {
            "deptid": str(self.settings.departments.get(ticket.category, self.settings.department)),
            "subject": f"{ticket.subject} [{ticket.reference}]",
            "message": ticket.body,
            "name": ticket.requester_name or ticket.requester_email,
            "email": ticket.requester_email,
            "priority": self.settings.priorities.get(ticket.urgency, "Medium"),
            "markdown": "false",
        }
        if ticket.files:
            values["attachments"] = _attachments(ticket.files)
        data = self._call("OpenTicket", write=True, **values)
        if "id" not in data or "tid" not in data:
            raise HelpdeskError("helpdesk.bad_response", "OpenTicket: no id or tid", maybe_out=True)
        return self._ticket(data["id"], data["tid"])

    def find(self, request_id: str, *, reference: str = "") -> HelpdeskTicket | None:
        if not reference:
            raise HelpdeskError(
                "helpdesk.rejected", "WHMCS is searched by the relay's reference", retry=False
            )
        data = self._call("GetTickets", write=False, subject=f"[{reference}]", limitnum="10")
        listed = data.get("tickets", {})
        tickets = listed.get("ticket", []) if isinstance(listed, dict) else []
        if not tickets:
            return None
        first = min(tickets, key=lambda t: int(t.get("id", 0)))
        return self._ticket(first["id"], first["tid"])

    def add_message(self, ticket: HelpdeskTicket, message: OutgoingMessage) -> str:
        values = {"ticketid": ticket.id, "message": message.body(), "email": message.author_email}
        if message.files:
            values["attachments"] = _attachments(message.files)
        self._call("AddTicketReply", write=True, **values)
        return message.message_id

    def find_message(self, ticket: HelpdeskTicket, message_id: str) -> str | None:
        data = self._call("GetTicket", write=False, ticketid=ticket.id)
        replies = data.get("replies", {})
        listed = replies.get("reply", []) if isinstance(replies, dict) else []
        for reply in listed if isinstance(listed, list) else []:
            if isinstance(reply, dict) and mentions(str(reply.get("message") or ""), message_id):
                return str(reply.get("replyid", message_id))
        return None

    def state(self, ticket: HelpdeskTicket) -> TicketState | None:
        status = str(self._call("GetTicket", write=False, ticketid=ticket.id).get("status", ""))
        return STATES.get(status.lower(), TicketState.OPEN if status else None)


def _attachments(files: tuple[OutgoingFile, ...]) -> str:
    listed = [{"name": f.name, "data": base64.b64encode(f.path.read_bytes()).decode("ascii")} for f in files]
    return base64.b64encode(json.dumps(listed).encode("utf-8")).decode("ascii")
