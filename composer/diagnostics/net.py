"""Small stream helpers shared by the web and mail checks."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from typing import TypeVar

from composer.diagnostics.settings import DiagnosticsSettings
from composer.diagnostics.tls import (
    TlsOutcome,
    certificate_info,
    lenient_context,
    outcome_from_error,
    peer_certificate_info,
    tls_context,
)

__all__ = ["Stream", "close", "connect", "describe_error", "tls_outcome", "with_verification"]

T = TypeVar("T")
Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def connect(
    ip: str,
    port: int,
    *,
    timeout: float,
    context: ssl.SSLContext | None = None,
    server_hostname: str | None = None,
) -> Stream:
    """Open a TCP (or TLS) connection within ``timeout`` seconds.

    Raises:
        OSError: the connection failed (``TimeoutError`` when it took too long).
        ssl.SSLError: the TLS handshake failed; ``ssl.SSLCertVerificationError``
            when the certificate was refused.
    """
    async with asyncio.timeout(timeout):
        return await asyncio.open_connection(
            ip,
            port,
            ssl=context,
            server_hostname=server_hostname if context else None,
            ssl_handshake_timeout=timeout if context else None,
        )


async def close(writer: asyncio.StreamWriter) -> None:
    """Close a connection, ignoring whatever the peer does meanwhile."""
    writer.close()
    try:
        async with asyncio.timeout(1.0):
            await writer.wait_closed()
    except (OSError, ssl.SSLError, TimeoutError):
        pass


def tls_outcome(
    writer: asyncio.StreamWriter, verified: bool, code: int = 0, message: str = ""
) -> TlsOutcome | None:
    """The handshake's outcome with the peer's certificate, or None on a plain connection."""
    ssl_object = writer.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    try:
        if verified:
            peer = ssl_object.getpeercert()
            cert = peer_certificate_info(peer) if peer else None
        else:
            der = ssl_object.getpeercert(binary_form=True)
            cert = certificate_info(der) if der else None
    except ValueError:
        cert = None
    return TlsOutcome(verified, code, message, cert)


async def with_verification(
    settings: DiagnosticsSettings, exchange: Callable[[ssl.SSLContext, int, str], Awaitable[T]]
) -> T:
    """Run ``exchange`` with a verifying context; if the certificate is refused, once more
    with a lenient one (passing the verification error) so the certificate can be read.

    Raises:
        OSError, ssl.SSLError: whatever ``exchange`` raises on the second attempt, or
            on the first for anything but a refused certificate.
    """
    try:
        return await exchange(tls_context(settings), 0, "")
    except ssl.SSLCertVerificationError as error:
        code, message = outcome_from_error(error)
    return await exchange(lenient_context(), code, message)


def describe_error(error: BaseException) -> str:
    """A short technical reason: ``timeout``, ``connection refused``, ``TLS: ...``."""
    if isinstance(error, TimeoutError):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ssl.SSLError):
        return f"TLS: {error.reason or error}"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    if isinstance(error, asyncio.IncompleteReadError):
        return "connection closed by the server"
    return type(error).__name__
