"""A Zendesk Support API stand-in: a documented-behaviour stand-in, not Zendesk.

Zendesk is SaaS only. This server accepts what Zendesk's API reference says
(https://developer.zendesk.com/api-reference/: Security and authentication,
Attachments / Upload Files, Tickets: Create, Show, Update, List by external
id; Errors) and refuses the rest with Zendesk's error shapes:

- HTTP Basic ``{email}/token:{api_token}``, else 401
  ``{"error": "Couldn't authenticate you"}``;
- ``POST /api/v2/uploads?filename=...`` with the raw bytes and their
  ``Content-Type``: 201 ``{"upload": {"token", "expires_at", "attachment"}}``;
  a token expires (:attr:`ZendeskStandIn.token_lifetime`) and an expired or
  unknown token in a comment is 422;
- ``POST /api/v2/tickets`` with ``{"ticket": {"subject", "comment":
  {"body", "public", "uploads"}, "requester": {"name", "email"},
  "priority" (urgent, high, normal, low), "group_id", "external_id",
  "custom_fields": [{"id", "value"}], "email_ccs": [{"user_id" | "user_email",
  "user_name", "action": "put" | "delete"}]}}`` ("Setting email CCs" in Creating
  and updating tickets): 201 ``{"ticket": {"id", ...}}``;
  the ``id`` is the number people see;
- ``GET /api/v2/tickets?external_id=...``: ``{"tickets": [...], "count"}``;
- ``GET /api/v2/tickets/{id}`` (``status``: new, open, pending, hold,
  solved, closed) and ``PUT /api/v2/tickets/{id}`` with a ``comment``;
- ``GET /api/v2/tickets/{id}/comments`` ("List Comments"): ``{"comments":
  [{"id", "body", "plain_body", "public"}], "next_page", "count"}``, oldest first;
- ``faults``: ``"503"`` answers the next ticket create with 503, creating nothing;
- refusals are 422 ``{"error": "RecordInvalid", "description": "Record
  validation errors", "details": {field: [{"description": ...}]}}``.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.servers.standin import UvicornThread

EMAIL = "relay@example-hosting.example"
API_TOKEN = "zendesk-api-token-1d9a44"
GROUPS = {360001, 360002}
FIELD_IDS = {9001, 9002, 9003, 9004, 9005}
PRIORITIES = {"urgent", "high", "normal", "low"}
TICKET_KEYS = {
    "subject",
    "comment",
    "requester",
    "priority",
    "group_id",
    "external_id",
    "custom_fields",
    "email_ccs",
}


@dataclass
class Upload:
    name: str
    content_type: str
    data: bytes
    expires: float


@dataclass
class Ticket:
    id: int
    data: dict[str, Any]
    comments: list[dict[str, Any]] = field(default_factory=list)
    status: str = "new"


def _invalid(name: str, description: str) -> JSONResponse:
    return JSONResponse(
        {
            "error": "RecordInvalid",
            "description": "Record validation errors",
            "details": {name: [{"description": description}]},
        },
        status_code=422,
    )


class ZendeskStandIn(UvicornThread):
    def __init__(self, *, token_lifetime: float = 3600.0) -> None:
        self.token_lifetime = token_lifetime
        self.faults: list[str] = []
        self.uploads: dict[str, Upload] = {}
        self.tickets: dict[int, Ticket] = {}
        self.lock = threading.Lock()
        routes = [
            Route("/api/v2/uploads", self.upload, methods=["POST"]),
            Route("/api/v2/tickets", self.tickets_route, methods=["GET", "POST"]),
            Route("/api/v2/tickets/{id:int}", self.ticket_route, methods=["GET", "PUT"]),
            Route("/api/v2/tickets/{id:int}/comments", self.comments, methods=["GET"]),
        ]
        super().__init__(Starlette(routes=routes))

    @property
    def url(self) -> str:
        return self.origin

    def _authorised(self, request: Request) -> bool:
        expected = "Basic " + base64.b64encode(f"{EMAIL}/token:{API_TOKEN}".encode()).decode()
        return request.headers.get("authorization", "") == expected

    def _unauthorised(self) -> JSONResponse:
        return JSONResponse({"error": "Couldn't authenticate you"}, status_code=401)

    async def upload(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        name = request.query_params.get("filename", "")
        if not name:
            return _invalid("filename", "filename is required")
        token = secrets.token_hex(12)
        self.uploads[token] = Upload(
            name,
            request.headers.get("content-type", ""),
            await request.body(),
            time.monotonic() + self.token_lifetime,
        )
        return JSONResponse(
            {
                "upload": {
                    "token": token,
                    "attachment": {"file_name": name},
                    "attachments": [{"file_name": name}],
                }
            },
            status_code=201,
        )

    def _comment(self, comment: Any) -> tuple[dict[str, Any], JSONResponse | None]:
        if not isinstance(comment, dict) or not comment.get("body"):
            return {}, _invalid("comment", "Comment: body can't be blank")
        files = []
        for token in comment.get("uploads", []):
            upload = self.uploads.get(token)
            if upload is None or upload.expires < time.monotonic():
                return {}, _invalid("uploads", f"Upload token {token} is invalid or expired")
            files.append(upload)
        return {**comment, "files": files}, None

    async def tickets_route(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        if request.method == "GET":
            wanted = request.query_params.get("external_id")
            found = [self._json(t) for t in self.tickets.values() if t.data.get("external_id") == wanted]
            return JSONResponse({"tickets": found, "count": len(found)})
        with self.lock:
            fault = self.faults.pop(0) if self.faults else ""
        if fault == "503":
            return JSONResponse({"error": "ServiceUnavailable"}, status_code=503)
        body = (await request.json()).get("ticket")
        if not isinstance(body, dict):
            return _invalid("ticket", "ticket is required")
        unknown = set(body) - TICKET_KEYS
        if unknown:
            return _invalid(sorted(unknown)[0], "is not a ticket property")
        if body.get("priority", "normal") not in PRIORITIES:
            return _invalid("priority", "Priority: is not valid")
        if "group_id" in body and body["group_id"] not in GROUPS:
            return _invalid("group_id", "Group: is invalid")
        if any(f.get("id") not in FIELD_IDS for f in body.get("custom_fields", [])):
            return _invalid("custom_fields", "Custom field: is invalid")
        ccs = body.get("email_ccs", [])
        if not isinstance(ccs, list) or any(
            not isinstance(c, dict)
            or set(c) - {"user_id", "user_email", "user_name", "action"}
            or c.get("action", "put") not in {"put", "delete"}
            or ("user_id" not in c and "@" not in str(c.get("user_email", "")))
            for c in ccs
        ):
            return _invalid("email_ccs", "Email CCs: is invalid")
        requester = body.get("requester", {})
        if "@" not in str(requester.get("email", "")):
            return _invalid("requester", "Requester: Email is invalid")
        comment, error = self._comment(body.get("comment"))
        if error is not None:
            return error
        with self.lock:
            ticket = Ticket(len(self.tickets) + 1, body, [comment])
            self.tickets[ticket.id] = ticket
        return JSONResponse({"ticket": self._json(ticket)}, status_code=201)

    def _json(self, ticket: Ticket) -> dict[str, Any]:
        return {
            "id": ticket.id,
            "subject": ticket.data.get("subject", ""),
            "status": ticket.status,
            "priority": ticket.data.get("priority"),
            "external_id": ticket.data.get("external_id"),
        }

    async def ticket_route(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        ticket = self.tickets.get(request.path_params["id"])
        if ticket is None:
            return JSONResponse({"error": "RecordNotFound", "description": "Not found"}, status_code=404)
        if request.method == "PUT":
            body = (await request.json()).get("ticket", {})
            comment, error = self._comment(body.get("comment"))
            if error is not None:
                return error
            ticket.comments.append(comment)
            if ticket.status == "new":
                ticket.status = "open"
        return JSONResponse({"ticket": self._json(ticket)})

    async def comments(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        ticket = self.tickets.get(request.path_params["id"])
        if ticket is None:
            return JSONResponse({"error": "RecordNotFound", "description": "Not found"}, status_code=404)
        listed = [
            {"id": 7000 + n, "body": c["body"], "plain_body": c["body"], "public": c.get("public", True)}
            for n, c in enumerate(ticket.comments)
        ]
        return JSONResponse(
            {"comments": listed, "next_page": None, "previous_page": None, "count": len(listed)}
        )

    def files(self, ticket: Ticket) -> dict[str, bytes]:
        return {f.name: f.data for comment in ticket.comments for f in comment["files"]}
