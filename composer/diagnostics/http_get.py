"""One small HTTP GET for the registry (RDAP) and the data files, without an HTTP library.

The diagnostics read a few small JSON and text documents; a general HTTP
client would cost more to import than the whole diagnosis takes to run.
HTTP/1.0 with ``Connection: close`` keeps the protocol to "read until the
server hangs up" (a chunked answer is decoded all the same), TLS trust is
the diagnostics' own (:func:`composer.diagnostics.tls.tls_context`) and
redirects are followed a few times.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from composer import __version__
from composer.diagnostics.dns_query import lookup_addresses
from composer.diagnostics.net import close, connect
from composer.diagnostics.settings import DiagnosticsSettings
from composer.diagnostics.tls import tls_context

__all__ = ["HttpAnswer", "HttpFailure", "http_get"]

MAX_BYTES = 8 * 1024 * 1024
MAX_REDIRECTS = 3


@dataclass(frozen=True)
class HttpAnswer:
    """The final answer: status, headers (lower-case names) and body."""

    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class HttpFailure(Exception):
    """No answer: ``timeout`` is True when the server took too long."""

    def __init__(self, detail: str, *, timeout: bool = False) -> None:
        super().__init__(detail)
        self.timeout = timeout


async def http_get(url: str, settings: DiagnosticsSettings, *, accept: str = "*/*") -> HttpAnswer:
    """GET ``url``, following up to three redirects.

    Raises:
        HttpFailure: no connection, no answer in time, or not an HTTP answer.
    """
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        answer = await _get_once(current, settings, accept)
        location = answer.headers.get("location", "")
        if answer.status not in (301, 302, 303, 307, 308) or not location:
            return answer
        current = urljoin(current, location)
    return answer


async def _get_once(url: str, settings: DiagnosticsSettings, accept: str) -> HttpAnswer:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HttpFailure(f"not an http(s) URL: {url}")
    secure = parts.scheme == "https"
    host = parts.hostname
    port = parts.port or (443 if secure else 80)
    addresses, error = await lookup_addresses(host, settings)
    if not addresses:
        raise HttpFailure(f"no address for {host} ({error})")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {target} HTTP/1.0\r\nHost: {parts.netloc}\r\nAccept: {accept}\r\n"
        f"User-Agent: request-composer/{__version__}\r\nConnection: close\r\n\r\n"
    ).encode("ascii")
    try:
        reader, writer = await connect(
            addresses[0],
            port,
            timeout=settings.query_timeout,
            context=tls_context(settings) if secure else None,
            server_hostname=host,
        )
        try:
            writer.write(request)
            async with asyncio.timeout(settings.query_timeout):
                await writer.drain()
                data = await _read_answer(reader)
        finally:
            await close(writer)
    except TimeoutError:
        raise HttpFailure("timeout", timeout=True) from None
    except (OSError, ssl.SSLError) as exc:
        raise HttpFailure(f"{type(exc).__name__}: {exc}") from None
    return _parse(url, data)


async def _read_answer(reader: asyncio.StreamReader) -> bytes:
    """The whole answer: up to Content-Length when the server says it (some keep the
    connection open despite ``Connection: close``), else until the server hangs up."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        return exc.partial
    except asyncio.LimitOverrunError:
        raise HttpFailure("response headers too long") from None
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _colon, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            length = int(value.strip())
    if length is not None:
        try:
            return head + await reader.readexactly(min(length, MAX_BYTES))
        except asyncio.IncompleteReadError as exc:
            return head + exc.partial
    chunks = [head]
    while sum(map(len, chunks)) < MAX_BYTES:
        data = await reader.read(65536)
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def _parse(url: str, data: bytes) -> HttpAnswer:
    head, sep, body = data.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    version, _sp, rest = lines[0].partition(" ")
    status = rest.split(" ", 1)[0]
    if not sep or not version.startswith("HTTP/") or not status.isdigit():
        raise HttpFailure(f"not an HTTP answer: {lines[0][:60]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _unchunk(body)
    return HttpAnswer(url, int(status), headers, body)


def _unchunk(data: bytes) -> bytes:
    out: list[bytes] = []
    while data:
        size_line, _sep, data = data.partition(b"\r\n")
        try:
            size = int(size_line.split(b";", 1)[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out.append(data[:size])
        data = data[size + 2 :]
    return b"".join(out)
