"""The real relay, seen as :class:`tests.servers.intake.IntakeServer`: for the desktop app's intake tests.

``tests/core/test_intake.py`` runs every test against both: the intake test
server, and :class:`RelayIntake`, which is the relay (``composer_relay``
under uvicorn, SQLite) forwarding into the Zammad stand-in (a
documented-behaviour helpdesk, ``tests/servers/zammad.py``), with a TCP
:class:`~tests.servers.faultproxy.FaultProxy` in front. What the tests look
at is read where it ended up: ``tickets`` are the helpdesk's tickets (by
the number the customer gets), with the document the relay stored, the
files the helpdesk holds, and the follow-ups as the relay received them
with the files the helpdesk holds.

``faults`` are made to happen for real, one per POST, as far as the relay
can be brought to them:

=====================  ==================================================================
``"500"``              the relay's storage raises an unexpected error once: the relay's
                       own ``500 internal``
``"503"``              the relay's storage is unavailable once: its ``503 storage.unavailable``
``"401"``              the next POST carries a token the relay does not know: its ``401``
``"422"``              one byte of the upload changes on the way: the relay's own
                       ``422 attachment.mismatch`` (:attr:`RelayIntake.rejection` says what)
``"drop_mid_upload"``  the proxy cuts the connection halfway through the upload
``"drop_after_create"`` the relay stores the request and answers; the proxy loses the answer
``"slow"``             the helpdesk takes ``slow_seconds`` to create the ticket, and the
                       relay waits for its number before it answers
=====================  ==================================================================

``stop()`` and ``start()`` make the relay unreachable and reachable again
(the proxy refuses connections meanwhile).
"""

from __future__ import annotations

import base64
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from composer_relay.db import StorageUnavailable
from composer_relay.prefill import create_prefill
from tests.servers.faultproxy import FaultProxy
from tests.servers.intake import SpecChecker
from tests.servers.relay import RelayServer, issue, relay_config
from tests.servers.zammad import ZammadStandIn, relay_settings

__all__ = ["RelayIntake"]

CUSTOMER = "C-1042"
CONTACTS = {"maria@example.gr": "owner", "web@studio.example": "technical"}
_STORAGE_FAULTS = {"500", "503"}
_REQUEST_FAULTS = {"401", "422"}
_PROXY_FAULTS = {"drop_mid_upload": "cut_request", "drop_after_create": "drop_response"}


@dataclass
class RelayTicket:
    """One helpdesk ticket as the intake tests look at it."""

    reference: str
    document: dict[str, Any]
    files: list[tuple[str, bytes]]
    messages: list[dict[str, Any]] = field(default_factory=list)


class _Faults:
    """``faults.append(...)`` as the intake test server takes it: one per POST, in the order given.

    The head of the queue is armed where it happens: a proxy fault in the proxy (it takes it
    with the next connection), the others in the middleware (the next POST takes it).
    """

    def __init__(self, owner: RelayIntake) -> None:
        self._owner = owner
        self._queue: list[str] = []
        self._armed = False
        self._lock = threading.RLock()

    def append(self, fault: str) -> None:
        if fault not in _PROXY_FAULTS and fault not in _STORAGE_FAULTS | _REQUEST_FAULTS | {"slow"}:
            raise ValueError(fault)
        with self._lock:
            self._queue.append(fault)
            self._arm()

    def _arm(self) -> None:
        if self._queue and self._queue[0] in _PROXY_FAULTS and not self._armed:
            self._armed = True
            self._owner.proxy.faults.append(_PROXY_FAULTS[self._queue[0]])

    def proxy_took(self, _fault: str) -> None:
        with self._lock:
            self._queue.pop(0)
            self._armed = False
            self._arm()

    def for_post(self) -> str:
        """The fault for the POST arriving now ("" for none); "slow" is armed at the helpdesk."""
        with self._lock:
            if not self._queue or self._queue[0] in _PROXY_FAULTS:
                return ""
            fault = self._queue.pop(0)
            self._arm()
        if fault == "slow":
            self._owner.helpdesk.slow_seconds = self._owner.slow_seconds
            self._owner.helpdesk.holds.append("slow")
        return fault


class RelayIntake:
    """The relay in front of the Zammad stand-in; a context manager like :class:`IntakeServer`."""

    def __init__(
        self,
        root: Path,
        *,
        prefills: dict[str, dict[str, str]] | None = None,
        slow_seconds: float = 1.5,
        tls: tuple[str, str] | None = None,
    ) -> None:
        self.root = root
        self.slow_seconds = slow_seconds
        self.helpdesk = ZammadStandIn()
        self.helpdesk.start()
        self.config = relay_config(
            root,
            relay_settings(self.helpdesk.url),
            server={"answer_wait_seconds": 5.0, "settle_delay_seconds": 0.2, "workers": 2},
        )
        self.token = issue(self.config, CUSTOMER, CONTACTS)
        self.faults = _Faults(self)
        self._storage_faults: list[str] = []  # armed by a POST, raised by its first database use
        self.violations: list[str] = []
        self.received_headers: list[dict[str, str]] = []  # of every POST, as the relay got them
        self.rejection = (
            "evidence-0.bin does not match its size or SHA-256",
            [("attachments.0", "size or sha256 differs")],
        )
        self._checker = SpecChecker()
        self.server = RelayServer(self.config, tls=tls)
        self.server.app = _Middleware(self.server.app, self)
        self.tls = tls
        self._prefills = prefills or {}
        self.proxy: FaultProxy  # in front of the relay once it listens (``__enter__``)
        self._lock = threading.Lock()

    # -- lifetime ---------------------------------------------------------------

    def __enter__(self) -> RelayIntake:
        self.server.start()
        self.proxy = FaultProxy(self.server.port).__enter__()
        self.proxy.on_fault = self.faults.proxy_took
        self._install_storage_faults()
        for code, fields in self._prefills.items():
            self._prefill(code, fields)
        return self

    def __exit__(self, *exc: object) -> None:
        self.proxy.__exit__()
        self.server.stop()
        self.helpdesk.stop()

    def stop(self) -> None:
        self.proxy.refusing = True

    def start(self) -> RelayIntake:
        self.proxy.refusing = False
        return self

    @property
    def url(self) -> str:
        host = "localhost" if self.tls else "127.0.0.1"
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{host}:{self.proxy.port}{self.config.server.base_path}"

    def _prefill(self, code: str, fields: dict[str, str]) -> None:
        database = self.server.relay.database
        made = create_prefill(database, fields, customer_id=CUSTOMER)
        with database.transaction() as cursor:
            cursor.execute("UPDATE prefills SET code = ? WHERE code = ?", (code, made))

    def _install_storage_faults(self) -> None:
        """The relay's database raises once for a handler (never for a forwarding worker)."""
        database = self.server.relay.database
        real = database.transaction
        pending = self._storage_faults

        def transaction(*args: Any, **kwargs: Any) -> Any:
            name = threading.current_thread().name
            if not name.startswith("relay-") and pending and pending[0] in _STORAGE_FAULTS:
                fault = pending.pop(0)
                if fault == "503":
                    raise StorageUnavailable("injected by the test")
                raise RuntimeError("injected by the test")
            return real(*args, **kwargs)

        database.transaction = transaction  # type: ignore[method-assign]

    # -- what arrived ---------------------------------------------------------------

    def settled(self, timeout: float = 20.0) -> None:
        """Wait until the relay has forwarded every request and follow-up it holds."""
        database = self.server.relay.database
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with database.transaction(write=False) as cursor:
                cursor.execute(
                    "SELECT (SELECT COUNT(*) FROM requests WHERE state != 'forwarded') + "
                    "(SELECT COUNT(*) FROM messages WHERE state != 'forwarded')"
                )
                if int(cursor.fetchone()[0]) == 0:
                    return
            time.sleep(0.1)
        raise AssertionError("the relay did not forward everything in time")

    @property
    def tickets(self) -> dict[str, RelayTicket]:
        """The helpdesk's tickets by the number the customer gets, once everything is forwarded."""
        self.settled()
        database = self.server.relay.database
        found: dict[str, RelayTicket] = {}
        for ticket in self.helpdesk.tickets.values():
            with database.transaction(write=False) as cursor:
                cursor.execute(
                    "SELECT id, document FROM requests WHERE helpdesk_number = ?", (ticket.number,)
                )
                row_id, document = cursor.fetchone()
                cursor.execute(
                    "SELECT message_id, text FROM messages WHERE request_ref = ? ORDER BY id", (row_id,)
                )
                messages = cursor.fetchall()
            files = [(a["filename"], base64.b64decode(a["data"])) for a in ticket.articles[0]["attachments"]]
            item = RelayTicket(ticket.number, json.loads(document), files)
            for (message_id, text), article in zip(messages, ticket.articles[1:], strict=True):
                attached = [(a["filename"], base64.b64decode(a["data"])) for a in article["attachments"]]
                item.messages.append({"text": text, "files": attached, "id": message_id})
            found[ticket.number] = item
        return found

    @property
    def article_outcomes(self) -> list[dict[str, Any]]:
        """What ``POST /articles/outcomes`` stored, once per key, in order (as ``IntakeServer``)."""
        with self.server.relay.database.transaction(write=False) as cursor:
            cursor.execute("SELECT article, outcome, category, language FROM article_outcomes ORDER BY id")
            rows = cursor.fetchall()
        names = ("article", "outcome", "category", "language")
        return [{k: v for k, v in zip(names, row, strict=True) if v} for row in rows]

    def tickets_by_request_id(self) -> dict[str, list[str]]:
        """The helpdesk's ticket numbers per request id (the one place a duplicate would show)."""
        self.settled()
        found: dict[str, list[str]] = {}
        for ticket in self.helpdesk.tickets.values():
            found.setdefault(ticket.attributes["request_id"], []).append(ticket.number)
        return found

    def check(self, method: str, path: str, status: int, body: Any) -> None:
        errors = self._checker.check_response(method, path, status, body)
        if errors:
            with self._lock:
                self.violations.append(f"{method} {path} {status}: {errors}")


class _Middleware:
    """In front of the relay's app: request faults, and every answer checked against the spec."""

    def __init__(self, app: Any, owner: RelayIntake) -> None:
        self.app = app
        self.owner = owner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] == "POST":
            self.owner.received_headers.append({k.decode(): v.decode() for k, v in scope["headers"]})
        fault = self.owner.faults.for_post() if scope["method"] == "POST" else ""
        if fault in _STORAGE_FAULTS:
            self.owner._storage_faults.append(fault)
        if fault == "401":
            headers = [(k, v) for k, v in scope["headers"] if k != b"authorization"]
            scope = {**scope, "headers": [*headers, (b"authorization", b"Bearer rct_unknown_token")]}
        if fault == "422":
            receive = _flip_a_byte(receive, scope)
        status: list[int] = []
        chunks: list[bytes] = []

        async def recording(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, recording)
        path = scope["path"].removeprefix(self.owner.config.server.base_path)
        if status and path.startswith(("/requests", "/prefill", "/articles")):
            try:
                body = json.loads(b"".join(chunks) or b"null")
            except ValueError:
                self.owner.violations.append(f"{scope['method']} {path}: not JSON")
                return
            self.owner.check(scope["method"], path, status[0], body)


def _flip_a_byte(receive: Any, scope: dict[str, Any]) -> Any:
    """The request body with the byte in its middle changed (inside the first file for these tests)."""
    length = int(dict(scope["headers"]).get(b"content-length", b"0") or 0)
    seen = [0]

    async def changed() -> dict[str, Any]:
        message: dict[str, Any] = await receive()
        body = message.get("body", b"")
        middle = length // 2
        if message["type"] == "http.request" and seen[0] <= middle < seen[0] + len(body):
            at = middle - seen[0]
            body = body[:at] + bytes([body[at] ^ 0xFF]) + body[at + 1 :]
            message = {**message, "body": body}
        seen[0] += len(message.get("body", b""))
        return message

    return changed


def tls_files(root: Path, context_maker: Any) -> tuple[str, str]:
    """A trustme leaf certificate's chain and key as files, for :class:`RelayIntake` with ``tls``."""
    chain, key = root / "cert.pem", root / "key.pem"
    context_maker.private_key_and_cert_chain_pem.write_to_path(str(chain))
    context_maker.private_key_pem.write_to_path(str(key))
    return str(chain), str(key)
