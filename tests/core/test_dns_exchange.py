"""One DNS question and its answer (composer/diagnostics/dns_exchange.py), against servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dns.exception
import dns.flags
import dns.message
import pytest

from composer.diagnostics.dns_exchange import BadResponse, exchange
from composer.diagnostics.dns_query import Server, ask
from tests.servers.dns import closed_port, dns_server

# an SPF record as long as a big provider's: its answer does not fit 512 bytes
LONG = " ".join(f"include:_spf{i}.mail-provider.example" for i in range(20))
ZONE = f"""
big.test. 300 IN TXT "{LONG[:250]}" "{LONG[250:500]}" "{LONG[500:]}"
big.test. 300 IN A 192.0.2.7
"""


def _ask(port: int, name: str, rtype: str, timeout: float = 2.0) -> dns.message.Message:
    return asyncio.run(exchange(dns.message.make_query(name, rtype), "127.0.0.1", port, timeout=timeout))


def _txt(response: dns.message.Message) -> str:
    return "".join(b"".join(rdata.strings).decode() for rrset in response.answer for rdata in rrset)


def test_a_truncated_answer_is_asked_again_over_tcp() -> None:
    with dns_server(ZONE, recursive=True, udp_limit=512) as server:
        response = _ask(server.port, "big.test", "TXT")
        assert not response.flags & dns.flags.TC
        assert _txt(response) == LONG
        assert len(response.to_wire()) > 512
        small = _ask(server.port, "big.test", "A")  # fits: UDP alone
        assert [str(r) for rrset in small.answer for r in rrset] == ["192.0.2.7"]


def test_nothing_listening_is_refused_at_once() -> None:
    with pytest.raises(ConnectionRefusedError):
        _ask(closed_port(), "big.test", "A", timeout=5.0)


def test_a_silent_server_times_out() -> None:
    with dns_server(ZONE, recursive=True, silent=True) as server, pytest.raises(dns.exception.Timeout):
        _ask(server.port, "big.test", "A", timeout=0.3)


@contextmanager
def _wrong_id_server() -> Iterator[int]:
    """A UDP server that answers every question with another message's id."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)

    def serve() -> None:
        try:
            wire, peer = sock.recvfrom(65535)
        except OSError:
            return
        query = dns.message.from_wire(wire)
        reply = dns.message.make_response(query)
        reply.id = (query.id + 1) % 65536
        sock.sendto(reply.to_wire(), peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        thread.join(5)
        sock.close()


def test_an_answer_to_another_question_is_refused() -> None:
    with _wrong_id_server() as port, pytest.raises(BadResponse):
        _ask(port, "big.test", "A")


def test_ask_turns_each_failure_into_data() -> None:
    """What the findings read: the same words as when dnspython's own exchange did this."""
    with dns_server(ZONE, recursive=True, silent=True) as silent, _wrong_id_server() as wrong:

        async def three() -> list[str]:
            servers = (
                Server("127.0.0.1", closed_port()),
                Server("127.0.0.1", silent.port),
                Server("127.0.0.1", wrong),
            )
            answers = [ask(s, "big.test", "A", recursive=True, timeout=0.3) for s in servers]
            return [a.error for a in await asyncio.gather(*answers)]

        refused, timeout, wrong_id = asyncio.run(three())
    assert (refused, timeout) == ("refused", "timeout")
    assert wrong_id == "malformed: A DNS query response does not respond to the question asked."
