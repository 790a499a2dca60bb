"""A Zammad REST API stand-in: a documented-behaviour stand-in, not Zammad.

Zammad is not in Debian and its cloud cannot be reached from a test, so this
small server accepts exactly what Zammad's API documentation says
(docs.zammad.org, ``api/intro``, ``api/ticket/index``, ``api/ticket/articles``,
``api/object``) and refuses the rest with Zammad's error shape
``{"error": ..., "error_human": ...}``:

- ``Authorization: Token token=<token>`` (else 401);
- ``POST /api/v1/tickets`` with ``title``, ``group`` (a group name that
  exists), ``customer_id`` (``guess:<email>`` creates or finds the
  customer), ``priority`` (``1 low``, ``2 normal``, ``3 high``), object
  attributes the admin created (here ``request_id``, ``domain``, ``account``,
  ``category``, ``customer_ref``) and ``article`` (``subject``, ``body``,
  ``content_type``, ``type``, ``internal``, ``attachments``: ``filename``,
  ``data`` in Base64, ``mime-type``); answers 201 with ``id`` and the visible
  ``number``; an unknown group or attribute is 422;
- ``GET /api/v1/tickets/{id}?expand=true`` (``state`` by name);
- ``GET /api/v1/tickets/search?query=...`` with ``attribute:"value"`` queries,
  answering ``{"tickets": [ids], "tickets_count", "assets"}``; like Zammad's
  search index, a new ticket becomes searchable only after
  :attr:`ZammadStandIn.index_delay` seconds;
- ``POST /api/v1/ticket_articles`` (``ticket_id``, ``body``, attachments).

A lost answer is made by :class:`tests.servers.faultproxy.FaultProxy` in front.
For "an instance dies while the helpdesk works on its request", ``holds``
is consumed one per ticket create: ``"create"`` or ``"drop"`` makes that
create read the whole request, set :attr:`ZammadStandIn.held` and wait for
:attr:`ZammadStandIn.release`, then create the ticket (its answer goes to a
client that may be gone) or create nothing (answering 503); ``"slow"``
makes it take :attr:`ZammadStandIn.slow_seconds` before it creates.
"""

from __future__ import annotations

import asyncio
import base64
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.servers.standin import UvicornThread

TOKEN = "zammad-agent-token-5f2c0a"
GROUPS = {"Users": 1, "Mail": 2}
PRIORITIES = {"1 low": 1, "2 normal": 2, "3 high": 3}
ATTRIBUTES = {"request_id", "domain", "account", "category", "customer_ref"}
TICKET_FIELDS = {"title", "group", "customer_id", "customer", "priority", "state", "article", *ATTRIBUTES}


def relay_settings(url: str, **extra: Any) -> dict[str, Any]:
    """The relay's ``[helpdesk]`` for this stand-in: its token, a group per category, its attributes."""
    return {
        "kind": "zammad",
        "url": url,
        "token": TOKEN,
        "groups": {"mail_sending": "Mail"},
        "attributes": {
            "request_id": "request_id",
            "domain": "domain",
            "account": "account",
            "category": "category",
            "customer_id": "customer_ref",
        },
        **extra,
    }


@dataclass
class Ticket:
    id: int
    number: str
    title: str
    group: str
    customer: str
    priority: str
    attributes: dict[str, str]
    articles: list[dict[str, Any]] = field(default_factory=list)
    state: str = "new"
    created: float = field(default_factory=time.monotonic)


def _error(status: int, error: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_human": error}, status_code=status)


class ZammadStandIn(UvicornThread):
    def __init__(self, *, index_delay: float = 0.0) -> None:
        self.tickets: dict[int, Ticket] = {}
        self.index_delay = index_delay
        self.lock = threading.Lock()
        self.holds: list[str] = []
        self.held = threading.Event()
        self.release = threading.Event()
        self.creates = 0  # ticket creates that reached the stand-in, held or not
        self.slow_seconds = 1.5
        routes = [
            Route("/api/v1/tickets", self.create, methods=["POST"]),
            Route("/api/v1/tickets/search", self.search, methods=["GET"]),
            Route("/api/v1/tickets/{id:int}", self.show, methods=["GET", "PUT"]),
            Route("/api/v1/ticket_articles", self.article, methods=["POST"]),
            Route("/api/v1/ticket_articles/by_ticket/{id:int}", self.articles, methods=["GET"]),
        ]
        super().__init__(Starlette(routes=routes))

    @property
    def url(self) -> str:
        return self.origin

    def _authorised(self, request: Request) -> bool:
        return request.headers.get("authorization", "") == f"Token token={TOKEN}"

    async def create(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "authentication failed")
        body = await request.json()
        with self.lock:
            self.creates += 1
            hold = self.holds.pop(0) if self.holds else ""
        if hold == "slow":
            await asyncio.sleep(self.slow_seconds)
        elif hold:
            self.held.set()
            await run_in_threadpool(self.release.wait, 120)
            if hold == "drop":
                return _error(503, "service unavailable")
        unknown = set(body) - TICKET_FIELDS
        if unknown:
            return _error(422, f"Unknown attribute '{sorted(unknown)[0]}' for Ticket")
        if body.get("group") not in GROUPS:
            return _error(422, f"No lookup value found for 'group': {body.get('group')!r}")
        if body.get("priority", "2 normal") not in PRIORITIES:
            return _error(422, f"No lookup value found for 'priority': {body.get('priority')!r}")
        customer = str(body.get("customer_id", ""))
        if not customer.startswith("guess:") or "@" not in customer:
            return _error(422, "No lookup value found for 'customer_id'")
        article = body.get("article")
        if not isinstance(article, dict) or not article.get("body") or not body.get("title"):
            return _error(422, 'Need at least article: { body: "some text" }')
        error = _check_attachments(article.get("attachments", []))
        if error:
            return _error(422, error)
        with self.lock:
            ticket_id = len(self.tickets) + 1
            ticket = Ticket(
                ticket_id,
                str(31000 + ticket_id),
                body["title"],
                body["group"],
                customer.removeprefix("guess:"),
                body.get("priority", "2 normal"),
                {k: str(v) for k, v in body.items() if k in ATTRIBUTES},
                [article],
            )
            self.tickets[ticket_id] = ticket
        return JSONResponse(self._json(ticket), status_code=201)

    def _json(self, ticket: Ticket, *, expand: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": ticket.id,
            "number": ticket.number,
            "title": ticket.title,
            "group_id": GROUPS[ticket.group],
            "priority_id": PRIORITIES[ticket.priority],
            "state_id": [
                "new",
                "open",
                "pending reminder",
                "closed",
                "merged",
                "removed",
                "pending close",
            ].index(ticket.state)
            + 1,
            "article_count": len(ticket.articles),
            **ticket.attributes,
        }
        if expand:
            data.update(
                state=ticket.state, group=ticket.group, priority=ticket.priority, customer=ticket.customer
            )
        return data

    async def show(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "authentication failed")
        ticket = self.tickets.get(request.path_params["id"])
        if ticket is None:
            return _error(404, "Couldn't find Ticket")
        if request.method == "PUT":
            ticket.state = (await request.json())["state"]
        return JSONResponse(self._json(ticket, expand=request.query_params.get("expand") == "true"))

    async def search(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "authentication failed")
        match = re.fullmatch(r'(\w+):"([^"]*)"', request.query_params.get("query", ""))
        if match is None:
            return JSONResponse({"tickets": [], "tickets_count": 0, "assets": {}})
        name, value = match.groups()
        now = time.monotonic()
        found = [
            t
            for t in self.tickets.values()
            if t.attributes.get(name) == value and now - t.created >= self.index_delay
        ]
        assets = {"Ticket": {str(t.id): self._json(t) for t in found}}
        return JSONResponse({"tickets": [t.id for t in found], "tickets_count": len(found), "assets": assets})

    async def article(self, request: Request) -> Response:
        if not self._authorised(request):
            return _error(401, "authentication failed")
        body = await request.json()
        ticket = self.tickets.get(int(body.get("ticket_id", 0)))
        if ticket is None:
            return _error(422, "No lookup value found for 'ticket_id'")
        if not body.get("body"):
            return _error(422, 'Need at least article: { body: "some text" }')
        error = _check_attachments(body.get("attachments", []))
        if error:
            return _error(422, error)
        ticket.articles.append(body)
        if ticket.state == "new":
            ticket.state = "open"
        return JSONResponse(
            {"id": 1000 + sum(len(t.articles) for t in self.tickets.values())}, status_code=201
        )

    async def articles(self, request: Request) -> Response:
        """``GET /api/v1/ticket_articles/by_ticket/{id}``: the ticket's articles, oldest first."""
        if not self._authorised(request):
            return _error(401, "authentication failed")
        ticket = self.tickets.get(request.path_params["id"])
        if ticket is None:
            return _error(404, "Couldn't find Ticket")
        return JSONResponse(
            [
                {
                    "id": 2000 * ticket.id + n,
                    "ticket_id": ticket.id,
                    "subject": a.get("subject", ""),
                    "body": a.get("body", ""),
                    "content_type": a.get("content_type", "text/plain"),
                    "internal": a.get("internal", False),
                }
                for n, a in enumerate(ticket.articles)
            ]
        )

    def files(self, ticket: Ticket) -> dict[str, bytes]:
        return {
            a["filename"]: base64.b64decode(a["data"])
            for article in ticket.articles
            for a in article.get("attachments", [])
        }


def _check_attachments(attachments: Any) -> str:
    if not isinstance(attachments, list):
        return "attachments must be a list"
    for item in attachments:
        if not isinstance(item, dict) or set(item) != {"filename", "data", "mime-type"}:
            return "attachments need filename, data and mime-type"
        try:
            base64.b64decode(item["data"], validate=True)
        except ValueError:
            return "attachment data is not Base64"
    return ""
