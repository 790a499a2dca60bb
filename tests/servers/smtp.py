"""A real SMTP server (aiosmtpd) on 127.0.0.1 with STARTTLS or implicit TLS and AUTH.

Certificates are minted by ``trustme``; :attr:`SmtpServer.ca` is the CA to
trust. Messages that arrive are kept in :attr:`SmtpServer.messages` with
their envelope; those a fault refused, in :attr:`SmtpServer.refused`.
``faults`` makes the next DATA commands fail: ``"451"`` (temporary),
``"554"`` (rejected). ``security="none"`` serves plain SMTP
without AUTH (loopback only), so a proxy can watch the protocol.
"""

from __future__ import annotations

import socket
import ssl
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, Literal

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

USER = "maria@example.gr"
PASSWORD = "pa55-Word-7d1e9c"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, smtp: SMTP, session: Session, envelope: Envelope) -> str:
        with self.server.lock:
            fault = self.server.faults.pop(0) if self.server.faults else ""
        content = envelope.original_content or b""
        assert isinstance(content, bytes)
        received = Received(str(envelope.mail_from), list(envelope.rcpt_tos), content)
        if fault in {"451", "554"}:
            self.server.refused.append(received)
        if fault == "451":
            return "451 4.3.0 Try again later"
        if fault == "554":
            return "554 5.7.1 Message refused"
        self.server.messages.append(received)
        return "250 2.0.0 OK"


class SmtpServer:
    """Use as a context manager; ``security`` is ``starttls``, ``tls`` or ``none``."""

    handler_class: type[_Handler] = _Handler

    def __init__(
        self,
        *,
        security: Literal["starttls", "tls", "none"] = "starttls",
        user: str = USER,
        password: str = PASSWORD,
    ) -> None:
        self.security = security
        self.user = user
        self.password = password
        self.ca = trustme.CA()
        self.messages: list[Received] = []
        self.refused: list[Received] = []
        self.faults: list[str] = []
        self.auth_attempts: list[tuple[str, bool]] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self._controller: Controller | None = None

    def client_context(self) -> ssl.SSLContext:
        """A client TLS context that trusts this server's CA."""
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = data.login.decode()
        ok = login == self.user and data.password.decode() == self.password
        self.auth_attempts.append((login, ok))
        return AuthResult(success=ok, handled=False)

    def start(self) -> SmtpServer:
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("localhost", "127.0.0.1").configure_cert(server_context)
        options: dict[str, Any] = {
            "authenticator": self._authenticate,
            "auth_required": True,
            "auth_require_tls": True,
        }
        if self.security == "none":
            options.update(auth_required=False, auth_require_tls=False)
        elif self.security == "tls":
            # aiosmtpd does not count implicit TLS as TLS for AUTH; the whole session is TLS here
            options.update(ssl_context=server_context, auth_required=False, auth_require_tls=False)
        else:
            options["tls_context"] = server_context
            options["require_starttls"] = True
        self._controller = Controller(
            self.handler_class(self), hostname="127.0.0.1", port=self.port, ready_timeout=10, **options
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
