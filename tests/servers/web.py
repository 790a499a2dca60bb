"""Real HTTP and HTTPS servers on 127.0.0.1 for the diagnostics tests.

One :class:`WebServer` serves many test domains, the way a shared hosting
server does: the TLS certificate is picked by SNI and the answer by the
``Host`` header. Certificates are minted by ``trustme``: valid, expired,
expiring soon, for the wrong name, or from a CA nobody trusts. ``delay``
holds every response back; ``date_offset`` makes the server's clock wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme

__all__ = ["Certificates", "Response", "Site", "WebServer", "web_server"]


@dataclass(frozen=True)
class Response:
    status: int = 200
    location: str = ""
    body: bytes = b"ok\n"
    content_type: str = "text/plain"

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(status, body=json.dumps(data).encode(), content_type="application/rdap+json")


@dataclass(frozen=True)
class Site:
    """A test domain on the shared server: its certificate and its answers.

    ``routes`` maps ``(scheme, path)`` to a response; by default plain HTTP
    redirects to HTTPS and HTTPS answers 200.
    """

    cert: str = "valid"  # valid | expired | soon | wrong | untrusted
    routes: dict[tuple[str, str], Response] = field(default_factory=dict)

    def respond(self, scheme: str, host: str, path: str) -> Response:
        if (scheme, path) in self.routes:
            return self.routes[(scheme, path)]
        if scheme == "http":
            return Response(301, f"https://{host}{path}")
        return Response(200)


class Certificates:
    """Certificates for test host names, minted on first use and kept."""

    def __init__(self) -> None:
        self.ca = trustme.CA()
        self.rogue_ca = trustme.CA()
        self._contexts: dict[tuple[str, str], ssl.SSLContext] = {}
        self._lock = threading.Lock()

    def ca_file(self, folder: Any) -> str:
        path = folder / "test-ca.pem"
        self.ca.cert_pem.write_to_path(str(path))
        return str(path)

    def context(self, host: str, kind: str) -> ssl.SSLContext:
        with self._lock:
            key = (host, kind)
            if key not in self._contexts:
                self._contexts[key] = self._mint(host, kind)
            return self._contexts[key]

    def _mint(self, host: str, kind: str) -> ssl.SSLContext:
        now = dt.datetime.now(dt.UTC)
        if kind == "expired":
            leaf = self.ca.issue_cert(
                host, not_before=now - dt.timedelta(days=90), not_after=now - dt.timedelta(days=2)
            )
        elif kind == "soon":
            leaf = self.ca.issue_cert(host, not_after=now + dt.timedelta(days=5))
        elif kind == "wrong":
            leaf = self.ca.issue_cert("someone-else.invalid")
        elif kind == "untrusted":
            leaf = self.rogue_ca.issue_cert(host)
        else:
            leaf = self.ca.issue_cert(host)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        leaf.configure_cert(context)
        return context


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # TCP_NODELAY, as nginx and Apache set it: the body, written after the headers, must not
    # wait for the client's delayed ACK (40 ms of the stand-in's own making)
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        owner = self.server.owner
        if owner.delay:
            time.sleep(owner.delay)
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        response = owner.responder(owner.scheme, host, self.path)
        self.send_response(response.status)
        if response.location:
            self.send_header("Location", response.location)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def date_time_string(self, timestamp: float | None = None) -> str:
        return formatdate((timestamp or time.time()) + self.server.owner.date_offset, usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: WebServer

    def finish_request(self, request: Any, client_address: Any) -> None:
        context = self.owner.tls_context
        if context is not None:
            try:
                request.settimeout(5)
                request = context.wrap_socket(request, server_side=True)
            except (OSError, ssl.SSLError):
                return  # the client refused the certificate: that is the test
        try:
            super().finish_request(request, client_address)
        finally:
            if context is not None:
                request.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up early are part of the tests


class WebServer:
    """An HTTP or HTTPS server on 127.0.0.1 (or ``host``, e.g. ``::1``), ephemeral port unless given."""

    def __init__(
        self,
        *,
        sites: dict[str, Site] | None = None,
        certificates: Certificates | None = None,
        tls: bool = False,
        responder: Callable[[str, str, str], Response] | None = None,
        delay: float = 0.0,
        date_offset: float = 0.0,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.host = host
        self.requested_port = port
        self.sites = sites or {}
        self.certificates = certificates
        self.scheme = "https" if tls else "http"
        self.responder = responder or self._respond
        self.delay = delay
        self.date_offset = date_offset
        self.tls_context: ssl.SSLContext | None = None
        if tls:
            assert certificates is not None
            self.tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            certificates.ca.issue_cert("default.invalid").configure_cert(self.tls_context)
            self.tls_context.sni_callback = self._pick_certificate
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    def _respond(self, scheme: str, host: str, path: str) -> Response:
        site = self.sites.get(host)
        return site.respond(scheme, host, path) if site else Response(404, body=b"no such site\n")

    def _pick_certificate(self, connection: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
        if name and self.certificates is not None:
            site = self.sites.get(name.lower(), Site())
            connection.context = self.certificates.context(name.lower(), site.cert)

    def start(self) -> WebServer:
        if ":" in self.host:  # IPv6, e.g. ::1: the same sites on the other address family
            server_class = type("_Server6", (_Server,), {"address_family": socket.AF_INET6})
            server = server_class((self.host, self.requested_port), _Handler)
        else:
            server = _Server((self.host, self.requested_port), _Handler)
        server.owner = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            assert self._thread is not None
            self._thread.join(5)
            self._server = None


@contextmanager
def web_server(**options: Any) -> Iterator[WebServer]:
    server = WebServer(**options).start()
    try:
        yield server
    finally:
        server.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
