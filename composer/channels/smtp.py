"""One SMTP session: connect, log in, hand over one message, and say how it ended.

:func:`send_message` is the e-mail channel's transport. It speaks the
transaction itself (``MAIL``, ``RCPT``, ``DATA``, the body, the final dot)
rather than through :meth:`smtplib.SMTP.sendmail`, because only between the
body and the final dot can it call ``context.body_leaving``: the server
takes the message at the dot, so a session cut off before it made nothing,
and one cut off after it may have made a ticket (``maybe_delivered``).
Errors are classified as in :mod:`composer.channels.base`.

TLS: implicit (``tls``, port 465) or ``starttls`` (587), with the system's
trust store (``ssl.create_default_context``, which honours ``SSL_CERT_FILE``)
unless a context is given.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Sequence
from typing import Literal

from pydantic import ConfigDict, Field

from composer.basemodel import Model
from composer.channels.base import DeliveryError, FailureKind, SendContext

__all__ = ["MailSettings", "send_message"]


class MailSettings(Model):
    """The user's outgoing mail server; the password is in the keyring, never here."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str = ""
    timeout: float = Field(default=30.0, gt=0)


def send_message(
    settings: MailSettings,
    password: str | None,
    sender: str,
    to: str | Sequence[str],
    data: bytes,
    context: SendContext,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    """Deliver ``data`` (a whole message) from ``sender`` to ``to`` (one address, or several: To and Cc).

    Raises:
        DeliveryError: NETWORK (``maybe_delivered`` once the final dot was
            written), SERVER (4xx), REJECTED (5xx), AUTH (535) or CONFIG (TLS,
            ``email.unsupported``).
    """
    total = len(data)
    if context.progress is not None:
        context.progress(0, total)
    # "data" while the body is written, "dot" once its final dot has been:
    # only a try cut off after the dot may have made a ticket
    phase = "connect"
    try:
        smtp = _connect(settings, ssl_context)
        try:
            if settings.username:
                phase = "auth"
                assert password is not None
                smtp.login(settings.username, password)
            phase = "envelope"
            _envelope(smtp, sender, to)
            phase = "data"
            _write_body(smtp, data, context)
            phase = "dot"
            code, reply = smtp.getreply()
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
            phase = "done"
            smtp.quit()
        finally:
            smtp.close()
    except DeliveryError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            "delivery.auth_failed", kind=FailureKind.AUTH, host=settings.host, status=exc.smtp_code
        ) from None
    except smtplib.SMTPNotSupportedError:
        raise DeliveryError("email.unsupported", kind=FailureKind.CONFIG, host=settings.host) from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise _smtp_status(settings.host, min(codes) if codes else 550, "") from None
    except smtplib.SMTPResponseException as exc:
        if phase == "done":
            return  # the message was accepted; only the goodbye failed
        raise _smtp_status(settings.host, exc.smtp_code, _text(exc.smtp_error)) from None
    except ssl.SSLCertVerificationError as exc:
        raise DeliveryError(
            "delivery.tls",
            kind=FailureKind.CONFIG,
            host=settings.host,
            reason=str(exc.verify_message or exc.reason),
        ) from None
    except ssl.SSLError as exc:
        if phase in {"dot", "done"}:
            raise _cut_off(settings.host, exc, phase) from None
        raise DeliveryError(
            "delivery.tls", kind=FailureKind.CONFIG, host=settings.host, reason=str(exc.reason)
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        if phase == "done":
            return
        raise _cut_off(settings.host, exc, phase) from None
    if context.progress is not None:
        context.progress(total, total)


def _connect(settings: MailSettings, ssl_context: ssl.SSLContext | None) -> smtplib.SMTP:
    context = ssl_context or ssl.create_default_context()
    if settings.security == "tls":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _smtp_status(host: str, code: int, reason: str) -> DeliveryError:
    if 400 <= code < 500:
        return DeliveryError(
            "delivery.server_error", kind=FailureKind.SERVER, host=host, status=code, reason=reason
        )
    return DeliveryError(
        "delivery.rejected", kind=FailureKind.REJECTED, host=host, status=code, reason=reason
    )


def _envelope(smtp: smtplib.SMTP, sender: str, to: str | Sequence[str]) -> None:
    """MAIL FROM, RCPT TO for every recipient and DATA, up to the server's 354.

    A refused copy recipient refuses the whole message: nothing is sent
    without the owner the profile wants in copy.
    """
    code, reply = smtp.mail(sender)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    for recipient in [to] if isinstance(to, str) else to:
        code, reply = smtp.rcpt(recipient)
        if code not in {250, 251}:
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    code, reply = smtp.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)


_LINE_START_DOT = re.compile(rb"(?m)^\.")


def _write_body(smtp: smtplib.SMTP, data: bytes, context: SendContext) -> None:
    """The dot-stuffed body in pieces (with progress), then the mark, then the final dot.

    The final ``.`` is what makes the server take the message; everything
    before it is discarded if the connection ends. So "the body may be out"
    is committed (``context.body_leaving``) after the body and before the dot.
    """
    body = _LINE_START_DOT.sub(b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    total = len(data)
    for start in range(0, len(body), _PIECE):
        smtp.send(body[start : start + _PIECE])
        if context.progress is not None:
            context.progress(min(total, start + _PIECE) * 99 // 100, total)
    if context.body_leaving is not None:
        context.body_leaving()
    smtp.send(b".\r\n")


_PIECE = 64 * 1024


def _cut_off(host: str, exc: BaseException, phase: str) -> DeliveryError:
    timed_out = isinstance(exc, TimeoutError) or "timed out" in str(exc)
    return DeliveryError(
        "delivery.timeout" if timed_out else "delivery.network",
        kind=FailureKind.NETWORK,
        host=host,
        reason=type(exc).__name__,
        maybe_delivered=phase == "dot",
    )
