"""An HTTPS server on 127.0.0.1 that answers what a test scripts, for the shared HTTP layer's tests.

Each request takes the next :class:`Answer` (the last one repeats): a status
with headers and a JSON body, or misbehaviour: hold the answer back
(``delay``), never answer (``hang``), or stall the TLS handshake
(``stall_handshake``, set on the server). Certificates come from
:class:`tests.servers.web.Certificates` (trustme): valid, expired, for the
wrong name, or from a CA the client does not trust. ``tls=False`` serves
plain HTTP, e.g. to see what an ``https://`` client makes of it. Request
bodies are read in pieces and only counted, so a large upload costs the
server no memory either.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.servers.web import Certificates

__all__ = ["Answer", "ScriptedServer"]


@dataclass(frozen=True)
class Answer:
    status: int = 200
    body: Any = field(default_factory=lambda: {"ok": True})
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang: bool = False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        received = 0
        while received < length:
            chunk = self.rfile.read(min(65536, length - received))
            if not chunk:
                break
            received += len(chunk)
        answer = owner.next_answer(self.command, self.path, received)
        if answer.hang:
            owner.release.wait(30)
            return
        if answer.delay:
            time.sleep(answer.delay)
        data = json.dumps(answer.body).encode() if not isinstance(answer.body, bytes) else answer.body
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _answer
    do_POST = _answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: ScriptedServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that give up mid-answer are what these tests do

    def finish_request(self, request: Any, client_address: Any) -> None:
        owner = self.owner
        if owner.stall_handshake:
            owner.release.wait(30)
            return
        if owner.tls_context is None:
            super().finish_request(request, client_address)
            return
        try:
            request.settimeout(10)
            wrapped = owner.tls_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused the certificate: that is the test
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()


class ScriptedServer:
    """Use as a context manager; ``url`` is ``https://localhost:PORT`` (or ``http://``).

    Args:
        answers: what to answer, in order (the last one repeats).
        certificate: ``valid``, ``expired``, ``wrong`` or ``untrusted``.
        tls: False serves plain HTTP.
    """

    certificates = Certificates()

    def __init__(self, *answers: Answer, certificate: str = "valid", tls: bool = True) -> None:
        self.answers = list(answers) or [Answer()]
        self.tls_context = self.certificates.context("localhost", certificate) if tls else None
        self.stall_handshake = False
        self.release = threading.Event()
        self.received: list[tuple[str, str, int]] = []
        self._lock = threading.Lock()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        scheme = "https" if self.tls_context is not None else "http"
        return f"{scheme}://localhost:{self._httpd.server_address[1]}"

    def client_context(self) -> ssl.SSLContext:
        """A client context that trusts the test CA (and nothing else)."""
        return ssl.create_default_context(cadata=self.certificates.ca.cert_pem.bytes().decode())

    def next_answer(self, method: str, path: str, received: int) -> Answer:
        with self._lock:
            self.received.append((method, path, received))
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def __enter__(self) -> ScriptedServer:
        httpd = _Server(("127.0.0.1", 0), _Handler)
        httpd.owner = self
        httpd.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        assert self._httpd is not None and self._thread is not None
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)
