"""Mail intake: the request as an e-mail to any helpdesk's intake address, over SMTP.

For helpdesks without an API, or a provider who prefers its mail gateway.
The message comes ``From`` the requester (so the helpdesk files it under the
customer) with the relay as ``Sender``; it carries the request id in
``X-Request-Composer-Id`` and in the body, and a ``Message-ID`` made from
it, so follow-ups thread by ``In-Reply-To``/``References`` (RFC 5322 §3.6.4),
which Zammad, Freshdesk, Zendesk and osTicket honour. The document's
``copy_to`` goes into a ``Cc`` header, for helpdesks that make it the ticket's
Cc (RT's ``ParseNewMessageForTicketCcs``, osTicket's collaborators); the SMTP
envelope still names only the intake address, so the relay itself mails no
one else. ``Content-Language`` says the language the text is in. A mailbox cannot be
searched for what arrived, so a send whose outcome is unknown (the
connection broke after DATA) is left to the operator (``unsure``), and the
reference is the relay's own: the helpdesk's number comes back by mail only.

SMTP as in RFC 5321 (reply codes §4.2), STARTTLS RFC 3207, implicit TLS RFC 8314.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from composer_relay.adapters.base import (
    AdapterSettings,
    Capabilities,
    HelpdeskError,
    HelpdeskTicket,
    Outgoing,
    OutgoingFile,
    OutgoingMessage,
)
from composer_relay.wire import TicketState

__all__ = ["MailAdapter", "Settings", "SmtpSettings", "smtp_send"]


class SmtpSettings(BaseModel):
    """Where the relay sends mail: the helpdesk's intake address, or the open intake's confirmations."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sender: str = Field(examples=["relay@example.com"])
    host: str = Field(examples=["mail.example.com"])
    port: int = Field(587, examples=[587])
    security: Literal["starttls", "tls", "none"] = Field("starttls", examples=["starttls"])
    username: str = Field("", examples=["relay@example.com"])
    password: SecretStr | None = None
    ca_file: str = Field("", examples=["/etc/ssl/certs/ca-certificates.crt"])
    timeout_seconds: float = Field(60.0, examples=[60])


class Settings(AdapterSettings, SmtpSettings):
    kind: Literal["mail"]
    to: str = Field(examples=["support@example.com"])
    message_domain: str = Field("relay.invalid", examples=["intake.example.com"])

    def build(self) -> MailAdapter:
        return MailAdapter(self)


class MailAdapter:
    capabilities: ClassVar[Capabilities] = Capabilities(
        label="Mail intake (SMTP)", find_by_request_id=False, follow_up=True, status=False
    )

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def close(self) -> None:
        pass

    def _message_id(self, key: str) -> str:
        safe = "".join(c if c.isalnum() or c in "-._" else "-" for c in key)
        return f"<{safe}@{self.settings.message_domain}>"

    def create(self, ticket: Outgoing) -> HelpdeskTicket:
        message = EmailMessage()
        message["Subject"] = f"{ticket.subject} [{ticket.reference}]"
        message["From"] = formataddr((ticket.requester_name, ticket.requester_email))
        message["Sender"] = self.settings.sender
        message["Reply-To"] = ticket.requester_email
        message["To"] = self.settings.to
        if ticket.cc:  # for the helpdesk to add as the ticket's Cc; the envelope goes to `to` alone
            message["Cc"] = ", ".join(ticket.cc)
        message_id = self._message_id(ticket.request_id)
        message["Message-ID"] = message_id
        message["X-Request-Composer-Id"] = ticket.request_id
        message["X-Request-Composer-Reference"] = ticket.reference
        for header, value in (
            ("Category", ticket.category),
            ("Urgency", ticket.urgency),
            ("Domain", ticket.domain),
        ):
            if value:
                message[f"X-Request-Composer-{header}"] = value
        message.set_content(ticket.body)
        if ticket.language:  # after set_content, which drops Content-* headers; it stays with the text
            message["Content-Language"] = ticket.language
        _attach(message, ticket.files)
        self._send(message, ticket.requester_email)
        return HelpdeskTicket(id=message_id, number=ticket.reference)

    def add_message(self, ticket: HelpdeskTicket, message: OutgoingMessage) -> str:
        mail = EmailMessage()
        mail["Subject"] = f"Re: [{ticket.number}]"
        mail["From"] = message.author_email
        mail["Sender"] = self.settings.sender
        mail["To"] = self.settings.to
        mail["Message-ID"] = self._message_id(message.message_id)
        mail["In-Reply-To"] = ticket.id
        mail["References"] = ticket.id
        mail.set_content(
            f"{message.text.rstrip()}\n\n-- \nFollow-up {message.message_id} to {ticket.number}\n"
        )
        _attach(mail, message.files)
        self._send(mail, message.author_email)
        return str(mail["Message-ID"])

    def find(self, request_id: str, *, reference: str = "") -> HelpdeskTicket | None:
        raise NotImplementedError("a mailbox cannot be searched")

    def find_message(self, ticket: HelpdeskTicket, message_id: str) -> str | None:
        raise NotImplementedError("a mailbox cannot be searched")

    def state(self, ticket: HelpdeskTicket) -> TicketState | None:
        return None

    def _send(self, message: EmailMessage, envelope_from: str) -> None:
        smtp_send(self.settings, message, to=[self.settings.to], envelope_from=envelope_from)


def smtp_send(
    settings: SmtpSettings, message: EmailMessage, *, to: list[str], envelope_from: str = ""
) -> None:
    """Send ``message`` to ``to`` through the server in ``settings``.

    Raises:
        HelpdeskError: ``helpdesk.auth_failed``, ``helpdesk.unavailable`` (4xx),
            ``helpdesk.rejected`` (5xx), ``helpdesk.unreachable``, or
            ``helpdesk.timeout`` with ``maybe_out`` when the line broke once DATA may have gone.
    """
    context = ssl.create_default_context(cafile=settings.ca_file or None)
    data_sent = False
    try:
        if settings.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout_seconds, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        with client:
            if settings.security == "starttls":
                client.starttls(context=context)
            if settings.username and settings.password is not None:
                client.login(settings.username, settings.password.get_secret_value())
            data_sent = True
            client.send_message(message, from_addr=settings.sender or envelope_from, to_addrs=to)
    except smtplib.SMTPAuthenticationError as exc:
        raise HelpdeskError("helpdesk.auth_failed", f"SMTP {exc.smtp_code}", retry=False) from None
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise HelpdeskError("helpdesk.unavailable", f"SMTP {exc.smtp_code}") from None
        raise HelpdeskError("helpdesk.rejected", f"SMTP {exc.smtp_code}", retry=False) from None
    except smtplib.SMTPRecipientsRefused:
        raise HelpdeskError("helpdesk.rejected", "recipient refused", retry=False) from None
    except ssl.SSLError as exc:
        raise HelpdeskError("helpdesk.unreachable", f"TLS: {exc.reason}") from None
    except (OSError, smtplib.SMTPException) as exc:
        if data_sent:
            raise HelpdeskError("helpdesk.timeout", type(exc).__name__, maybe_out=True) from None
        raise HelpdeskError("helpdesk.unreachable", type(exc).__name__) from None


def _attach(message: EmailMessage, files: tuple[OutgoingFile, ...]) -> None:
    for file in files:
        maintype, _, subtype = file.media_type.partition("/")
        if not subtype:
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(file.path.read_bytes(), maintype=maintype, subtype=subtype, filename=file.name)
