"""A Freshdesk API v2 stand-in: a documented-behaviour stand-in, not Freshdesk.

Freshdesk is SaaS only. This server accepts what Freshdesk's API reference
(https://developers.freshdesk.com/api/: Authentication, Create a Ticket,
View a Ticket, Filter Tickets, Create a Note, Error handling) says and
refuses the rest with Freshdesk's error shapes:

- HTTP Basic with the API key as user name and ``X`` as password, else 401
  ``{"code": "invalid_credentials", "message": ...}``;
- ``POST /api/v2/tickets`` as ``application/json``, or as
  ``multipart/form-data`` (the only way to send attachments; any other
  content type is 415 ``invalid_content_type``): ``email``, ``name``, ``subject``, ``description`` (HTML),
  ``status`` (2-5), ``priority`` (1-4), ``source``, ``group_id``,
  ``cc_emails`` (an array of addresses: ``cc_emails[]`` parts in a multipart body),
  ``custom_fields[<name>]`` for fields the admin created, and files as
  ``attachments[]``, at most 20 MB together; anything else is 400
  ``{"description": "Validation failed", "errors": [{"field", "message",
  "code"}]}``; 201 answers the ticket with its ``id``, which is the number
  agents and customers see (``#<id>``);
- ``GET /api/v2/tickets/{id}`` (``status`` as a number);
- ``GET /api/v2/search/tickets?query="cf_name:'value'"`` (the query in
  double quotes, strings in single quotes): ``{"results": [...], "total"}``;
- ``POST /api/v2/tickets/{id}/notes`` (multipart: ``body``, ``private``,
  ``incoming``, ``attachments[]``);
- ``GET /api/v2/tickets/{id}/conversations`` ("List All Conversations of a
  Ticket"): the notes, oldest first, with ``body`` (HTML) and ``body_text``,
  30 a page unless ``per_page`` (at most 100), ``page`` from 1.
"""

from __future__ import annotations

import base64
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.servers.standin import UvicornThread

API_KEY = "freshdesk-agent-key-77e1b0"
GROUPS = {7001, 7002}
CUSTOM_FIELDS = {"cf_request_id", "cf_domain", "cf_account", "cf_category", "cf_customer"}
TICKET_FIELDS = {
    "email",
    "name",
    "subject",
    "description",
    "status",
    "priority",
    "source",
    "group_id",
    "cc_emails",
}
LIMIT = 20 * 1024 * 1024


@dataclass
class Ticket:
    id: int
    fields: dict[str, str]
    custom_fields: dict[str, str]
    files: dict[str, bytes]
    notes: list[dict[str, Any]] = field(default_factory=list)
    status: int = 2


_NOT_AN_ARRAY = "\x00not an array"


def _from_json(body: Any) -> dict[str, str]:
    """A JSON body as the form values a multipart one would have (``custom_fields[<name>]``)."""
    values: dict[str, str] = {}
    for key, value in (body if isinstance(body, dict) else {}).items():
        if key == "custom_fields" and isinstance(value, dict):
            values.update({f"custom_fields[{k}]": str(v) for k, v in value.items()})
        elif key == "cc_emails":  # an array of strings; anything else Freshdesk refuses
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            values[key] = "\n".join(value) if ok else _NOT_AN_ARRAY
        elif isinstance(value, bool):
            values[key] = str(value).lower()
        else:
            values[key] = str(value)
    return values


def _invalid(*errors: tuple[str, str, str]) -> JSONResponse:
    return JSONResponse(
        {
            "description": "Validation failed",
            "errors": [{"field": f, "message": m, "code": c} for f, m, c in errors],
        },
        status_code=400,
    )


class FreshdeskStandIn(UvicornThread):
    def __init__(self) -> None:
        self.tickets: dict[int, Ticket] = {}
        self.lock = threading.Lock()
        routes = [
            Route("/api/v2/tickets", self.create, methods=["POST"]),
            Route("/api/v2/tickets/{id:int}", self.show, methods=["GET"]),
            Route("/api/v2/tickets/{id:int}/notes", self.note, methods=["POST"]),
            Route("/api/v2/tickets/{id:int}/conversations", self.conversations, methods=["GET"]),
            Route("/api/v2/search/tickets", self.search, methods=["GET"]),
        ]
        super().__init__(Starlette(routes=routes))

    @property
    def url(self) -> str:
        return self.origin

    def _authorised(self, request: Request) -> bool:
        expected = "Basic " + base64.b64encode(f"{API_KEY}:X".encode()).decode()
        return request.headers.get("authorization", "") == expected

    def _unauthorised(self) -> JSONResponse:
        return JSONResponse(
            {"code": "invalid_credentials", "message": "You have to be logged in to perform this action."},
            status_code=401,
        )

    async def _form(self, request: Request) -> tuple[dict[str, str], dict[str, bytes]] | JSONResponse:
        kind = request.headers.get("content-type", "")
        if kind.startswith("application/json"):
            return _from_json(await request.json()), {}
        if not kind.startswith("multipart/form-data"):
            return JSONResponse(
                {
                    "code": "invalid_content_type",
                    "message": f"Content-Type header is set to {kind}. It should be set to application/json",
                },
                status_code=415,
            )
        form = await request.form()
        values: dict[str, str] = {}
        files: dict[str, bytes] = {}
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name != "attachments[]":
                    return _invalid((name, "Unexpected/invalid field in request", "invalid_field"))
                files[value.filename or ""] = await value.read()
            elif name == "cc_emails[]":  # repeated, one address a part
                values["cc_emails"] = "\n".join(filter(None, (values.get("cc_emails", ""), value)))
            else:
                values[name] = value
        await form.close()
        if sum(len(d) for d in files.values()) > LIMIT:
            return _invalid(
                ("attachments", "The cumulative attachment size cannot exceed 20MB", "invalid_size")
            )
        return values, files

    async def create(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        parsed = await self._form(request)
        if isinstance(parsed, JSONResponse):
            return parsed
        values, files = parsed
        custom = {
            k[len("custom_fields[") : -1]: v for k, v in values.items() if k.startswith("custom_fields[")
        }
        plain = {k: v for k, v in values.items() if not k.startswith("custom_fields[")}
        errors = [
            (k, "Unexpected/invalid field in request", "invalid_field") for k in set(plain) - TICKET_FIELDS
        ]
        errors += [
            (f"custom_fields.{k}", "Unexpected/invalid field in request", "invalid_field")
            for k in set(custom) - CUSTOM_FIELDS
        ]
        if plain.get("cc_emails") == _NOT_AN_ARRAY:
            errors.append(("cc_emails", "It should be a/an Array", "datatype_mismatch"))
        elif any("@" not in a for a in plain.get("cc_emails", "").split("\n") if a):
            errors.append(
                ("cc_emails", "It should contain elements in the 'valid email' format", "invalid_value")
            )
        if "@" not in plain.get("email", ""):
            errors.append(("email", "It should be in the 'valid email address' format", "invalid_value"))
        for name, allowed in (("status", {"2", "3", "4", "5"}), ("priority", {"1", "2", "3", "4"})):
            if plain.get(name) not in allowed:
                errors.append(
                    (
                        name,
                        f"It should be one of these values: '{','.join(sorted(allowed))}'",
                        "invalid_value",
                    )
                )
        if "group_id" in plain and int(plain["group_id"]) not in GROUPS:
            errors.append(("group_id", "There is no group matching the given group_id", "invalid_value"))
        for name in ("subject", "description"):
            if not plain.get(name):
                errors.append((name, "It should be a/an String", "missing_field"))
        if errors:
            return _invalid(*errors)
        with self.lock:
            ticket = Ticket(len(self.tickets) + 1, plain, custom, files)
            self.tickets[ticket.id] = ticket
        return JSONResponse(self._json(ticket), status_code=201)

    def _json(self, ticket: Ticket) -> dict[str, Any]:
        return {
            "id": ticket.id,
            "subject": ticket.fields["subject"],
            "status": ticket.status,
            "priority": int(ticket.fields["priority"]),
            "group_id": int(ticket.fields["group_id"]) if "group_id" in ticket.fields else None,
            "custom_fields": ticket.custom_fields,
            "attachments": [{"name": n, "size": len(d)} for n, d in ticket.files.items()],
        }

    async def show(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        ticket = self.tickets.get(request.path_params["id"])
        if ticket is None:
            return JSONResponse({"code": "access_denied", "message": "not found"}, status_code=404)
        return JSONResponse(self._json(ticket))

    async def search(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        match = re.fullmatch(r"\"(\w+):'([^']*)'\"", request.query_params.get("query", ""))
        if match is None:
            return _invalid(("query", "It should be a valid query, in double quotes", "invalid_value"))
        name, value = match.groups()
        found = [self._json(t) for t in self.tickets.values() if t.custom_fields.get(name) == value]
        return JSONResponse({"results": found, "total": len(found)})

    async def conversations(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        ticket = self.tickets.get(request.path_params["id"])
        if ticket is None:
            return JSONResponse({"code": "access_denied", "message": "not found"}, status_code=404)
        per_page = min(100, int(request.query_params.get("per_page", "30")))
        page = int(request.query_params.get("page", "1"))
        listed = [
            {
                "id": 9001 + n,
                "body": note["body"],
                "body_text": re.sub(r"<[^>]+>", "\n", note["body"]).replace("&gt;", ">").replace("&lt;", "<"),
                "incoming": note.get("incoming") == "true",
                "private": note.get("private") == "true",
                "ticket_id": ticket.id,
            }
            for n, note in enumerate(ticket.notes)
        ]
        return JSONResponse(listed[(page - 1) * per_page : page * per_page])

    async def note(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        ticket = self.tickets.get(request.path_params["id"])
        if ticket is None:
            return JSONResponse({"code": "access_denied", "message": "not found"}, status_code=404)
        parsed = await self._form(request)
        if isinstance(parsed, JSONResponse):
            return parsed
        values, files = parsed
        if not values.get("body"):
            return _invalid(("body", "It should be a/an String", "missing_field"))
        ticket.notes.append({**values, "files": files})
        return JSONResponse({"id": 9000 + len(ticket.notes), "body": values["body"]}, status_code=201)
