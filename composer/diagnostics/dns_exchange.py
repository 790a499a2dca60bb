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
        return await _udp(query, family, address, port, timeout)
    except dns.message.Truncated:
        return await _tcp(query, family, address, port, timeout)


async def _udp(
    query: dns.message.Message, family: int, address: str, port: int, timeout: float
) -> dns.message.Message:
    loop = asyncio.get_running_loop()
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        sock.connect((address, port))
        try:
            async with asyncio.timeout(timeout):
                await loop.sock_sendall(sock, query.to_wire())
                wire = await loop.sock_recv(sock, 65535)
        except TimeoutError:
            raise dns.exception.Timeout(timeout=timeout) from None  # type: ignore[no-untyped-call]
    return _answer(query, dns.message.from_wire(wire, raise_on_truncation=True))


async def _tcp(
    query: dns.message.Message, family: int, address: str, port: int, timeout: float
) -> dns.message.Message:
    loop = asyncio.get_running_loop()
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setblocking(False)
        try:
            async with asyncio.timeout(timeout):
                await loop.sock_connect(sock, (address, port))
                wire = query.to_wire()
                await loop.sock_sendall(sock, struct.pack("!H", len(wire)) + wire)
                (length,) = struct.unpack("!H", await _read_exactly(loop, sock, 2))
                answer = await _read_exactly(loop, sock, length)
        except TimeoutError:
            raise dns.exception.Timeout(timeout=timeout) from None  # type: ignore[no-untyped-call]
    return _answer(query, dns.message.from_wire(answer))


async def _read_exactly(loop: asyncio.AbstractEventLoop, sock: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = await loop.sock_recv(sock, count - len(data))
        if not chunk:
            raise EOFError("EOF")
        data += chunk
    return data


def _answer(query: dns.message.Message, response: dns.message.Message) -> dns.message.Message:
    if not query.is_response(response):
        raise BadResponse
    return response
