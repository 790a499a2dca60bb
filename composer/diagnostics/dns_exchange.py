"""One DNS question and its answer: over UDP, again over TCP when the answer comes back truncated.

What ``dns.asyncquery.udp_with_fallback`` does for one server, on the event
loop's own sockets. ``dns.asyncquery`` also brings dnspython's zone
transfers, DNS over HTTPS and QUIC and their machinery (5.7 ms of every
``diagnose`` start), and its datagram transports cost 3 ms more over the 44
questions of a diagnosis; the diagnostics ask plain questions only. dnspython
still makes the question and reads the answer (:mod:`dns.message`).
"""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import Awaitable

import dns.exception
import dns.message

__all__ = ["BadResponse", "exchange"]


class BadResponse(dns.exception.FormError):
    """A DNS query response does not respond to the question asked."""


async def exchange(
    query: dns.message.Message, address: str, port: int, *, timeout: float
) -> dns.message.Message:
    """The server's response to ``query``, each of the two tries within ``timeout`` seconds.

    The UDP socket is connected, so that "port unreachable" ends the wait at once.

    Raises:
        dns.exception.Timeout: no response in time.
        ConnectionRefusedError: nothing listens at ``address`` and ``port``.
        OSError: the server cannot be reached.
        EOFError: the server closed the TCP connection in the middle of the response.
        dns.exception.DNSException: the response is malformed, or does not answer the question
            (:class:`BadResponse`).
    """
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        wire = await _within(timeout, _udp(query, family, address, port))
        response = dns.message.from_wire(wire, raise_on_truncation=True)
    except dns.message.Truncated:
        response = dns.message.from_wire(await _within(timeout, _tcp(query, family, address, port)))
    if not query.is_response(response):
        raise BadResponse
    return response


async def _within(timeout: float, work: Awaitable[bytes]) -> bytes:
    try:
        async with asyncio.timeout(timeout):
            return await work
    except TimeoutError:
        raise dns.exception.Timeout(timeout=timeout) from None  # type: ignore[no-untyped-call]


async def _udp(query: dns.message.Message, family: int, address: str, port: int) -> bytes:
    loop = asyncio.get_running_loop()
    with _socket(family, socket.SOCK_DGRAM) as sock:
        sock.connect((address, port))
        await loop.sock_sendall(sock, query.to_wire())
        return await loop.sock_recv(sock, 65535)


async def _tcp(query: dns.message.Message, family: int, address: str, port: int) -> bytes:
    loop = asyncio.get_running_loop()
    with _socket(family, socket.SOCK_STREAM) as sock:
        await loop.sock_connect(sock, (address, port))
        wire = query.to_wire()
        await loop.sock_sendall(sock, struct.pack("!H", len(wire)) + wire)
        (length,) = struct.unpack("!H", await _read_exactly(loop, sock, 2))
        return await _read_exactly(loop, sock, length)


def _socket(family: int, kind: int) -> socket.socket:
    sock = socket.socket(family, kind)
    sock.setblocking(False)
    return sock


async def _read_exactly(loop: asyncio.AbstractEventLoop, sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = await loop.sock_recv(sock, count - len(data))
        if not chunk:
            raise EOFError("EOF")
        data += chunk
    return data
