"""A test server of the intake API (``resources/openapi.yaml``) on 127.0.0.1.

It honours ``Idempotency-Key`` as the spec says (a replay answers the first
response and creates nothing), checks every request it receives against the
spec and records what does not conform in :attr:`IntakeServer.violations`,
and can be told to misbehave: drop the connection mid-upload, answer 500,
answer too late, or be down for a while.

Run alone (for benchmarks and the kill test): ``python -m tests.servers.intake``
prints the base URL and serves until its standard input closes.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import re
import socket
import ssl
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parents[2] / "resources" / "openapi.yaml"
SPEC_URI = "urn:request-composer:intake"
TOKEN = "test-intake-token-1c6f"


class SpecChecker:
    """Validates requests and responses against the OpenAPI 3.1 document."""

    def __init__(self, path: Path = SPEC_PATH) -> None:
        self.spec: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(self.spec, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self._routes = [
            (re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", p) + "$"), p) for p in self.spec["paths"]
        ]

    def schema_errors(self, pointer: str, value: Any) -> list[str]:
        """Errors of ``value`` against the schema at ``pointer`` (a JSON pointer in the spec)."""
        validator = Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry)
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(value)]

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any], dict[str, str]] | None:
        for pattern, template in self._routes:
            match = pattern.match(path)
            if match and method.lower() in self.spec["paths"][template]:
                return template, self.spec["paths"][template][method.lower()], match.groupdict()
        return None

    def check_request(
        self, method: str, path: str, headers: dict[str, str], parts: dict[str, list[Part]] | None
    ) -> list[str]:
        """Everything in a request that the spec does not allow."""
        found = self.operation(method, path)
        if found is None:
            return [f"{method} {path}: no such operation"]
        _template, operation, path_values = found
        problems: list[str] = []
        params = [self._deref(p) for p in operation.get("parameters", [])]
        for param in params:
            where, name = param["in"], param["name"]
            value = headers.get(name.lower()) if where == "header" else path_values.get(name)
            if value is None:
                if param.get("required"):
                    problems.append(f"missing {where} parameter {name}")
                continue
            problems += [f"{name}: {e}" for e in self._value_errors(param["schema"], value)]
        if operation.get("security", self.spec.get("security")) and not headers.get(
            "authorization", ""
        ).startswith("Bearer "):
            problems.append("no bearer token")
        body = operation.get("requestBody")
        if body is not None:
            content_type = headers.get("content-type", "").split(";")[0].strip()
            if content_type not in body["content"]:
                return [*problems, f"content type {content_type!r} not allowed"]
            media = body["content"][content_type]
            if parts is None:
                return [*problems, "body is not valid multipart"]
            schema = self._deref(media["schema"])
            for name in schema.get("required", []):
                if name not in parts:
                    problems.append(f"missing part {name}")
            for name, items in parts.items():
                if name not in schema["properties"]:
                    problems.append(f"unknown part {name}")
                    continue
                wanted = media.get("encoding", {}).get(name, {}).get("contentType", "")
                for part in items:
                    if wanted == "application/json":
                        if part.content_type != "application/json":
                            problems.append(f"part {name}: content type {part.content_type}")
                        try:
                            value = json.loads(part.data)
                        except ValueError:
                            problems.append(f"part {name}: not JSON")
                            continue
                        ref = schema["properties"][name]["$ref"].lstrip("#")
                        problems += [f"part {name}: {e}" for e in self.schema_errors(ref, value)]
                if schema["properties"][name].get("type") != "array" and len(items) > 1:
                    problems.append(f"part {name} repeated")
        return problems

    def check_response(self, method: str, path: str, status: int, body: Any) -> list[str]:
        found = self.operation(method, path)
        if found is None:
            return []
        response = found[1]["responses"].get(str(status))
        if response is None:
            return [f"{method} {path}: status {status} not in the spec"]
        response = self._deref(response)
        for media in response.get("content", {}).values():
            ref = media["schema"]["$ref"].lstrip("#")
            return self.schema_errors(ref, body)
        return []

    def _value_errors(self, schema: dict[str, Any], value: str) -> list[str]:
        return [e.message for e in Draft202012Validator(schema).iter_errors(value)]

    def _deref(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.spec
            for key in node["$ref"].lstrip("#/").split("/"):
                target = target[key]
            node = target
        return node


@dataclass
class Part:
    name: str
    content_type: str
    data: bytes
    filename: str = ""


def parse_multipart(content_type: str, body: bytes) -> dict[str, list[Part]] | None:
    """A strict multipart/form-data parser for test traffic (whole body in memory)."""
    match = re.search(r'boundary="?([^";]+)"?', content_type)
    if not match:
        return None
    delimiter = b"--" + match.group(1).encode()
    if not body.startswith(delimiter) or not body.endswith(delimiter + b"--\r\n"):
        return None
    parts: dict[str, list[Part]] = {}
    inner = body[len(delimiter) : -len(delimiter) - 4]
    if not inner.endswith(b"\r\n"):
        return None
    for chunk in inner[:-2].split(b"\r\n" + delimiter):
        if not chunk.startswith(b"\r\n"):
            return None
        head, sep, data = chunk[2:].partition(b"\r\n\r\n")
        if not sep:
            return None
        headers = dict(
            (k.strip().lower(), v.strip())
            for k, _, v in (line.partition(":") for line in head.decode().split("\r\n"))
        )
        disposition = headers.get("content-disposition", "")
        name = re.search(r'\bname="([^"]*)"', disposition)
        filename = re.search(r'filename="([^"]*)"', disposition)
        if name is None:
            return None
        parts.setdefault(name.group(1), []).append(
            Part(
                name.group(1),
                headers.get("content-type", "text/plain"),
                data,
                filename.group(1).replace("%22", '"') if filename else "",
            )
        )
    return parts


@dataclass
class Ticket:
    reference: str
    document: dict[str, Any]
    files: list[tuple[str, bytes]]
    idempotency_key: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    #: what GET /requests/{reference} answers; a test closes a ticket by setting it
    status: str = "open"


class IntakeServer:
    """The intake API on ``127.0.0.1``; use as a context manager.

    Attributes:
        faults: what to do to the next POSTs, consumed one per POST:
            ``"drop_mid_upload"``, ``"500"``, ``"503"``, ``"slow"`` (answer
            after ``slow_seconds``, having created the ticket),
            ``"drop_after_create"``, ``"422"``, ``"401"``.
        tickets: created tickets by reference.
        posts: how many POSTs arrived (including replays and faults).
        violations: requests that did not conform to the spec.
    """

    def __init__(
        self,
        *,
        tokens: set[str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        slow_seconds: float = 1.5,
        read_delay: float = 0.0,
        prefills: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.tokens = {TOKEN} if tokens is None else tokens
        self.token = TOKEN  # what a client sends (the relay's stand-in in the same tests has its own)
        # what a "422" fault answers: the reason and the fields the client shows
        self.rejection = ("The domain is not ours", [("domain", "not hosted here")])
        self.ssl_context = ssl_context
        self.slow_seconds = slow_seconds
        self.read_delay = read_delay
        self.prefills = prefills or {}
        # code -> the signed pre-fill staff stored with it (answered as "token")
        self.prefill_tokens: dict[str, str] = {}
        self.faults: list[str] = []
        self.tickets: dict[str, Ticket] = {}
        self.posts = 0
        self.violations: list[str] = []
        self.received_headers: list[dict[str, str]] = []
        self.checker = SpecChecker()
        self._keys: dict[str, tuple[int, dict[str, Any]]] = {}
        self._in_progress: set[str] = set()
        #: what POST /articles/outcomes received (once per idempotency key)
        self.article_outcomes: list[dict[str, Any]] = []
        self._counter = itertools.count(1)
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        host = "localhost" if self.ssl_context else "127.0.0.1"
        return f"{scheme}://{host}:{self.port}/api/v1"

    def start(self) -> IntakeServer:
        handler = type("Handler", (_Handler,), {"server_state": self})
        httpd = _QuietServer(("127.0.0.1", self.port), handler)
        httpd.daemon_threads = True
        if self.ssl_context is not None:
            httpd.socket = self.ssl_context.wrap_socket(httpd.socket, server_side=True)
        self.port = httpd.server_address[1]
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening (the port stays reserved for :meth:`start` to come back on)."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            assert self._thread is not None
            self._thread.join(5)
            self._httpd = None

    def __enter__(self) -> IntakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def tickets_by_request_id(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for ticket in self.tickets.values():
            found.setdefault(ticket.document["request"]["id"], []).append(ticket.reference)
        return found

    def next_fault(self) -> str:
        with self._lock:
            return self.faults.pop(0) if self.faults else ""


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # clients that were killed or timed out hang up mid-answer: expected here
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: IntakeServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -- helpers ----------------------------------------------------------

    def _send(self, status: int, body: dict[str, Any], *, problem: bool = False) -> None:
        state = self.server_state
        path = self.path.split("?")[0].removeprefix("/api/v1")
        errors = state.checker.check_response(self.command, path, status, body)
        if errors:
            state.violations.append(f"response {self.command} {path} {status}: {errors}")
        data = json.dumps(body).encode()
        self.send_response(status)
        ctype = "application/problem+json" if problem else "application/json"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if status == 503:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(data)

    def _problem(self, status: int, title: str, code: str = "", **extra: Any) -> None:
        self._send(status, {"title": title, "status": status, "code": code, **extra}, problem=True)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _read_body(self, fault: str) -> bytes | None:
        length = int(self.headers.get("Content-Length", "0"))
        chunks, remaining = [], length
        while remaining:
            if fault == "drop_mid_upload" and remaining <= length // 2:
                self._drop()
                return None
            chunk = self.rfile.read(min(remaining, 65536))
            if not chunk:
                return None
            chunks.append(chunk)
            remaining -= len(chunk)
            if self.server_state.read_delay:
                time.sleep(self.server_state.read_delay)
        return b"".join(chunks)

    # -- routes -----------------------------------------------------------

    def do_GET(self) -> None:
        state = self.server_state
        path = self.path.split("?")[0].removeprefix("/api/v1")
        headers = {k.lower(): v for k, v in self.headers.items()}
        problems = state.checker.check_request("GET", path, headers, None)
        if problems:
            state.violations.append(f"GET {path}: {problems}")
        if not self._authorised(headers):
            return
        if match := re.fullmatch(r"/requests/([^/]+)", path):
            ticket = state.tickets.get(match.group(1))
            if ticket is None:
                return self._problem(404, "No such ticket", "ticket.not_found")
            return self._send(
                200,
                # like a helpdesk: "new" until something happened on the ticket
                {
                    "reference": ticket.reference,
                    "status": ticket.status
                    if ticket.status != "open"
                    else ("open" if ticket.messages else "new"),
                    "messages": len(ticket.messages),
                },
            )
        if match := re.fullmatch(r"/prefill/([^/]+)", path):
            fields = state.prefills.get(match.group(1))
            if fields is None:
                return self._problem(404, "No such code", "prefill.not_found")
            answer: dict[str, Any] = {"code": match.group(1), "fields": fields}
            if match.group(1) in state.prefill_tokens:
                answer["token"] = state.prefill_tokens[match.group(1)]
            return self._send(200, answer)
        self._problem(404, "Not found")

    def do_POST(self) -> None:
        state = self.server_state
        with state._lock:
            state.posts += 1
        path = self.path.split("?")[0].removeprefix("/api/v1")
        headers = {k.lower(): v for k, v in self.headers.items()}
        state.received_headers.append(headers)
        fault = state.next_fault()
        body = self._read_body(fault)
        if body is None:
            return
        parts = parse_multipart(headers.get("content-type", ""), body)
        problems = state.checker.check_request("POST", path, headers, parts)
        if problems:
            state.violations.append(f"POST {path}: {problems}")
        if fault in {"500", "503"}:
            return self._problem(int(fault), "Temporary failure", "server.unavailable")
        if fault == "401" or not self._authorised(headers):
            return self._problem(401, "Bad token", "auth.invalid")
        if fault == "422":
            return self._problem(
                422,
                "Invalid request",
                "request.invalid",
                detail="The domain is not ours",
                errors=[{"field": "domain", "message": "not hosted here"}],
            )
        if problems or parts is None:
            return self._problem(400, "Malformed request", "request.malformed", detail=str(problems))
        key = headers["idempotency-key"]
        with state._lock:
            if key in state._keys:
                status, answer = state._keys[key]
                replay = True
            elif key in state._in_progress:
                replay, status, answer = False, 0, {}
            else:
                state._in_progress.add(key)
                replay, status, answer = False, -1, {}
        if replay:
            return self._send(status, answer)
        if status == 0:
            return self._problem(409, "Still working on it", "idempotency.in_progress")
        try:
            status, answer = self._create(path, parts, key)
        finally:
            with state._lock:
                state._in_progress.discard(key)
        if fault == "drop_after_create":
            return self._drop()
        if fault == "slow":
            time.sleep(state.slow_seconds)
        self._send(status, answer)

    def _authorised(self, headers: dict[str, str]) -> bool:
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self.server_state.tokens:
            self._problem(401, "Bad token", "auth.invalid")
            return False
        return True

    def _create(self, path: str, parts: dict[str, list[Part]], key: str) -> tuple[int, dict[str, Any]]:
        state = self.server_state
        files = [(p.filename, p.data) for p in parts.get("attachments", [])]
        if path == "/requests":
            document = json.loads(parts["request"][0].data)
            listed = document["request"]["attachments"]
            if len(listed) != len(files) or any(
                hashlib.sha256(data).hexdigest() != a["sha256"]
                for a, (_, data) in zip(listed, files, strict=False)
            ):
                return 422, {"title": "Attachments do not match", "status": 422}
            reference = f"EX-{next(state._counter):05d}"
            with state._lock:
                state.tickets[reference] = Ticket(reference, document, files, key)
            answer = {
                "reference": reference,
                "status_url": f"{state.url}/requests/{reference}",
                "created_at": datetime.now(UTC).isoformat(),
            }
        elif path == "/articles/outcomes":
            outcome = json.loads(parts["outcome"][0].data)
            with state._lock:
                state.article_outcomes.append(outcome)
                counted = sum(1 for o in state.article_outcomes if o == outcome)
            answer = {"counted": counted}
        else:
            reference = path.split("/")[2]
            ticket = state.tickets.get(reference)
            if ticket is None:
                return 404, {"title": "No such ticket", "status": 404}
            message = json.loads(parts["message"][0].data)
            message_id = f"{reference}-m{len(ticket.messages) + 1}"
            ticket.messages.append({**message, "files": files, "id": message_id, "key": key})
            answer = {"reference": reference, "message_id": message_id}
        with state._lock:
            state._keys[key] = (201, answer)
        return 201, answer


def main() -> None:
    server = IntakeServer(read_delay=float(sys.argv[1]) if len(sys.argv) > 1 else 0.0).start()
    print(server.url, flush=True)
    try:
        sys.stdin.read()
    finally:
        server.stop()


if __name__ == "__main__":
    main()


# -- data for tests and benchmarks ---------------------------------------------


def make_profile(*channels: dict[str, Any], provider_id: str = "example") -> Any:
    """A provider profile whose fallback chain is ``channels`` (dicts as in TOML)."""
    from composer.profile import ProviderProfile

    return ProviderProfile.model_validate(
        {
            "provider": {"id": provider_id, "name": "Example Hosting"},
            "support": {"changes_require_admin_address": True},
            "channels": list(channels) or [{"kind": "file"}],
        }
    )


def make_request(store: Any, *, sizes: tuple[int, ...] = (1000,), seed: int = 0, **fields: Any) -> Any:
    """A complete request with attachments of ``sizes`` bytes (random content) in ``store``."""
    import random

    from composer.model import Request, Requester

    rng = random.Random(seed)
    attachments = tuple(
        store.add_attachment_bytes(
            f"evidence-{i}.bin", rng.randbytes(size), media_type="application/octet-stream"
        )
        for i, size in enumerate(sizes)
    )
    values: dict[str, Any] = {
        "provider": "example",
        "requester": Requester(name="Maria Papadopoulou", email="maria@example.gr"),
        "category": "mail_sending",
        "domain": "example.gr",
        "account": "sales@example.gr",
        "error_text": "550 5.7.1 Relaying denied",
        "description": "Since yesterday no mail leaves the office.",
        "summary": f"Mail cannot be sent ({seed})",
        "attachments": attachments,
    }
    values.update(fields)
    return Request(**values)
