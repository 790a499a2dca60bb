"""A WHMCS API stand-in: a documented-behaviour stand-in, not WHMCS.

WHMCS is commercial software that cannot run here. This server accepts what
the WHMCS API reference says (https://developers.whmcs.com/api/authentication/,
https://developers.whmcs.com/api-reference/openticket/, .../addticketreply/,
.../gettickets/, .../getticket/) and answers its way: every call is a form
``POST /includes/api.php`` with ``identifier``, ``secret``, ``action`` and
``responsetype=json``; failures, including bad credentials, arrive with
**HTTP 200** and ``{"result": "error", "message": ...}``.

- ``OpenTicket``: ``deptid`` (a department that exists), ``subject``,
  ``message``, ``name`` and ``email`` (not a client), ``priority`` (Low,
  Medium, High), ``markdown``, ``attachments``: Base64 of a JSON list of
  ``{"name", "data"}`` with ``data`` in Base64; answers ``id`` (internal),
  ``tid`` (the number the customer sees) and ``c``;
- ``AddTicketReply``: ``ticketid``, ``message``, ``email``/``name``,
  ``attachments`` as above;
- ``GetTickets``: ``subject`` (a substring), ``email``: ``tickets.ticket`` list;
- ``GetTicket``: ``ticketid``: ``status`` (Open, Answered, Customer-Reply,
  On Hold, In Progress, Closed), ``tid`` and ``replies.reply`` (the opening
  message first, then each reply with ``replyid``, ``email``, ``message``).
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.servers.standin import UvicornThread

IDENTIFIER = "whmcs-identifier-4c1d"
SECRET = "whmcs-secret-9b3e77"
DEPARTMENTS = {1, 2}


@dataclass
class Ticket:
    id: int
    tid: str
    fields: dict[str, str]
    files: dict[str, bytes]
    replies: list[dict[str, Any]] = field(default_factory=list)
    status: str = "Open"


def _error(message: str) -> JSONResponse:
    return JSONResponse({"result": "error", "message": message})  # WHMCS: errors with HTTP 200


class WhmcsStandIn(UvicornThread):
    def __init__(self) -> None:
        self.tickets: dict[int, Ticket] = {}
        self.lock = threading.Lock()
        super().__init__(Starlette(routes=[Route("/includes/api.php", self.api, methods=["POST"])]))

    @property
    def url(self) -> str:
        return self.origin

    async def api(self, request: Request) -> Response:
        form = dict((await request.form()).items())
        values = {k: str(v) for k, v in form.items()}
        if values.get("identifier") != IDENTIFIER or values.get("secret") != SECRET:
            return _error("Authentication Failed")
        if values.get("responsetype") != "json":
            return Response("result=error;message=responsetype;", media_type="text/plain")
        action = values.get("action", "")
        handler = {
            "OpenTicket": self.open_ticket,
            "AddTicketReply": self.reply,
            "GetTickets": self.get_tickets,
            "GetTicket": self.get_ticket,
        }.get(action)
        if handler is None:
            return _error("Command Not Found")
        return handler(values)

    def open_ticket(self, values: dict[str, str]) -> Response:
        if not values.get("deptid", "").isdigit() or int(values["deptid"]) not in DEPARTMENTS:
            return _error("Department ID not found")
        for name in ("subject", "message"):
            if not values.get(name):
                return _error(f"{name.capitalize()} is required")
        if "@" not in values.get("email", "") or not values.get("name"):
            return _error("Name and email address are required if not a client")
        if values.get("priority", "Medium") not in {"Low", "Medium", "High"}:
            return _error("Invalid Priority. Valid options are: Low, Medium, High")
        files = _attachments(values.get("attachments", ""))
        if files is None:
            return _error("Invalid attachments: expected base64 encoded JSON")
        with self.lock:
            ticket_id = len(self.tickets) + 1
            ticket = Ticket(ticket_id, f"{480000 + ticket_id * 7}", values, files)
            self.tickets[ticket_id] = ticket
        return JSONResponse({"result": "success", "id": ticket.id, "tid": ticket.tid, "c": "x" * 8})

    def reply(self, values: dict[str, str]) -> Response:
        ticket = self.tickets.get(int(values.get("ticketid", "0") or 0))
        if ticket is None:
            return _error("Ticket ID Not Found")
        if not values.get("message"):
            return _error("Message is required")
        files = _attachments(values.get("attachments", ""))
        if files is None:
            return _error("Invalid attachments: expected base64 encoded JSON")
        ticket.replies.append({**values, "files": files})
        ticket.status = "Customer-Reply"
        return JSONResponse({"result": "success"})

    def get_tickets(self, values: dict[str, str]) -> Response:
        wanted = values.get("subject", "")
        found = [
            {"id": t.id, "tid": t.tid, "subject": t.fields["subject"], "status": t.status}
            for t in self.tickets.values()
            if wanted in t.fields["subject"]
        ]
        return JSONResponse(
            {
                "result": "success",
                "totalresults": len(found),
                "numreturned": len(found),
                "tickets": {"ticket": found},
            }
        )

    def get_ticket(self, values: dict[str, str]) -> Response:
        ticket = self.tickets.get(int(values.get("ticketid", "0") or 0))
        if ticket is None:
            return _error("Ticket ID Not Found")
        replies = [{"replyid": "0", "email": ticket.fields["email"], "message": ticket.fields["message"]}]
        replies += [
            {"replyid": str(n + 1), "email": r.get("email", ""), "message": r["message"]}
            for n, r in enumerate(ticket.replies)
        ]
        return JSONResponse(
            {
                "result": "success",
                "ticketid": ticket.id,
                "tid": ticket.tid,
                "status": ticket.status,
                "replies": {"reply": replies},
            }
        )


def _attachments(encoded: str) -> dict[str, bytes] | None:
    if not encoded:
        return {}
    try:
        listed = json.loads(base64.b64decode(encoded, validate=True))
        return {item["name"]: base64.b64decode(item["data"], validate=True) for item in listed}
    except (ValueError, KeyError, TypeError):
        return None
