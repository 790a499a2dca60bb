"""Real mail servers on 127.0.0.1 for the diagnostics' port checks.

SMTP is aiosmtpd (STARTTLS on the "25" and "587" servers, TLS from the start
on "465"); IMAP and POP3 are small greeting servers that speak just enough to
greet, switch to TLS (STARTTLS/STLS, or TLS from the start on "993"/"995")
and say goodbye. Certificates come from :class:`tests.servers.web.Certificates`
and are picked by SNI, so one set of servers can present a good certificate
for one host name and a bad one for another (``cert_kinds``).
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from aiosmtpd.controller import Controller

from tests.servers.web import Certificates, free_port

__all__ = ["MailPorts", "mail_ports", "silent_port", "smtp_server"]


class _Sink:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def _sni_context(certificates: Certificates, cert_kinds: dict[str, str], default_host: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificates.ca.issue_cert(default_host).configure_cert(context)

    def pick(connection: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
        if name:
            connection.context = certificates.context(name.lower(), cert_kinds.get(name.lower(), "valid"))

    context.sni_callback = pick
    return context


class _LineHandler(socketserver.BaseRequestHandler):
    server: _LineServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(5)
        # as mail servers do (Dovecot sets it): without it the greeting after the TLS 1.3
        # session tickets waits for the client's delayed ACK, 40 ms of the bed's own making
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        proto = self.server.protocol
        try:
            if self.server.implicit_tls:
                sock = self.server.context.wrap_socket(sock, server_side=True)
            self._send(
                sock, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready" if proto == "imap" else "+OK POP3 ready"
            )
            buffer = b""
            while True:
                data = sock.recv(4096)
                if not data:
                    return
                buffer += data
                while b"\r\n" in buffer:
                    line, buffer = buffer.split(b"\r\n", 1)
                    command = line.decode("ascii", "replace").upper()
                    tag = line.decode("ascii", "replace").split(" ", 1)[0] if proto == "imap" else ""
                    if command.endswith("STARTTLS") or command == "STLS":
                        self._send(sock, f"{tag} OK begin TLS" if proto == "imap" else "+OK begin TLS")
                        sock = self.server.context.wrap_socket(sock, server_side=True)
                    elif command.endswith("LOGOUT") or command == "QUIT":
                        self._send(sock, f"* BYE\r\n{tag} OK" if proto == "imap" else "+OK bye")
                        return
                    elif proto == "imap" and command.endswith(" CAPABILITY"):
                        self._send(sock, f"* CAPABILITY IMAP4rev1 STARTTLS\r\n{tag} OK")
                    else:
                        self._send(sock, f"{tag} BAD" if proto == "imap" else "-ERR")
        except (OSError, ssl.SSLError):
            return
        finally:
            sock.close()

    @staticmethod
    def _send(sock: socket.socket, text: str) -> None:
        sock.sendall(text.encode() + b"\r\n")


class _LineServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, protocol: str, implicit_tls: bool, context: ssl.SSLContext) -> None:
        self.protocol = protocol
        self.implicit_tls = implicit_tls
        self.context = context
        super().__init__(("127.0.0.1", 0), _LineHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class MailPorts:
    """Mail servers for every standard port; ``port_map`` maps 25/465/... to theirs."""

    def __init__(
        self, certificates: Certificates, *, cert_kinds: dict[str, str] | None = None, starttls: bool = True
    ) -> None:
        self.certificates = certificates
        self.cert_kinds = cert_kinds or {}
        self.starttls = starttls
        self.port_map: dict[int, int] = {}
        self._stack = ExitStack()

    def start(self) -> MailPorts:
        context = _sni_context(self.certificates, self.cert_kinds, "mail.default.invalid")
        for standard in (25, 587, 465):
            port = self._start_smtp(standard, context)
            self.port_map[standard] = port
        for standard, protocol, implicit in (
            (993, "imap", True),
            (143, "imap", False),
            (995, "pop3", True),
            (110, "pop3", False),
        ):
            server = _LineServer(protocol, implicit, context)
            thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
            thread.start()
            self._stack.callback(self._stop_line_server, server, thread)
            self.port_map[standard] = int(server.server_address[1])
        return self

    def _start_smtp(self, standard: int, context: ssl.SSLContext) -> int:
        options: dict[str, Any] = {}
        if standard == 465:
            options["ssl_context"] = context
        elif self.starttls:
            options["tls_context"] = context
        for _attempt in range(20):
            port = free_port()
            controller = Controller(
                _Sink(),
                hostname="127.0.0.1",
                port=port,
                server_hostname="mail.test",
                ready_timeout=5,
                **options,
            )
            try:
                controller.start()
            except (OSError, RuntimeError):
                continue
            self._stack.callback(controller.stop)
            return port
        raise OSError("no port for the SMTP server")

    @staticmethod
    def _stop_line_server(server: _LineServer, thread: threading.Thread) -> None:
        server.shutdown()
        server.server_close()
        thread.join(5)

    def stop(self) -> None:
        self._stack.close()


@contextmanager
def mail_ports(certificates: Certificates, **options: Any) -> Iterator[MailPorts]:
    servers = MailPorts(certificates, **options).start()
    try:
        yield servers
    finally:
        servers.stop()


@contextmanager
def smtp_server(certificates: Certificates, address: str, port: int) -> Iterator[int]:
    """One SMTP server (STARTTLS) on ``address:port``: a host that answers on port 25 only."""
    context = _sni_context(certificates, {}, "mail.default.invalid")
    controller = Controller(
        _Sink(), hostname=address, port=port, server_hostname="mx.test", ready_timeout=5, tls_context=context
    )
    try:
        controller.start()
    except (OSError, RuntimeError) as exc:
        raise OSError(f"cannot listen on {address}:{port} for the port-25-only mail host: {exc}") from exc
    try:
        yield port
    finally:
        controller.stop()


@contextmanager
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never says a word.

    That is what a connection looks like through an internet provider that
    drops outgoing port 25: the client waits until its time limit.
    """
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield int(listener.getsockname()[1])
