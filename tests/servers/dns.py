"""Real DNS servers on 127.0.0.1 for the diagnostics tests and benchmark.

:class:`ZoneResolver` answers from zone-file text. As an *authoritative*
server (``zones=...``) it answers with the AA flag for names in its zones,
gives referrals (NS in the authority section, glue in the additional
section) below a delegation (but answers a DS question at the cut itself, as a
parent does), serves RRSIGs with the records they cover (signed zones come
from :mod:`tests.servers.dnssec`), NXDOMAIN or NODATA with the SOA, and REFUSED
outside its zones. As a *recursive* stand-in (``recursive=True``) it answers
every name it has from its table with RA set, following CNAMEs, like a
resolver whose cache holds exactly those records (the TTLs are what remains).

``delay`` sleeps before every answer; ``silent`` never answers; ``servfail``
names zones a validating resolver refuses (SERVFAIL), as for broken DNSSEC. Each
:class:`DnsServer` listens on UDP and TCP on the same ephemeral port; with
``udp_limit`` a UDP answer longer than that many bytes comes truncated (TC set),
as from a server without EDNS, so the client must ask again over TCP.
"""

from __future__ import annotations

import textwrap
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from dnslib import QTYPE, RCODE, RR, DNSError, DNSRecord
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer

__all__ = ["DnsServer", "ZoneResolver", "dns_server"]


def _name(label: Any) -> str:
    return str(label).lower().rstrip(".")


def _under(name: str, zone: str) -> bool:
    return name == zone or name.endswith("." + zone)


class ZoneResolver(BaseResolver):  # type: ignore[misc]
    """Answers from zone-file text; see the module docstring."""

    def __init__(
        self,
        zone_text: str,
        *,
        zones: Sequence[str] = (),
        recursive: bool = False,
        delay: float = 0.0,
        silent: bool = False,
        refuse: bool = False,
        servfail: Sequence[str] = (),
    ) -> None:
        self.records: list[RR] = RR.fromZone(textwrap.dedent(zone_text)) if zone_text.strip() else []
        # indexed by owner name, as a real server keeps its zones: a linear scan per question
        # made the bed, not the diagnostics, the slow part of a zero-latency run
        self._by_name: dict[str, list[RR]] = {}
        for rr in self.records:
            self._by_name.setdefault(_name(rr.rname), []).append(rr)
        self._names = frozenset(self._by_name)
        self.zones = [z.lower().rstrip(".") for z in zones]
        self.recursive = recursive
        self.delay = delay
        self.silent = silent
        self.refuse = refuse
        self.servfail = [z.lower().rstrip(".") for z in servfail]  # a validating resolver's verdict
        self.queries = 0
        self._lock = threading.Lock()

    def _rrs(self, name: str, rtype: int | None = None) -> list[RR]:
        return [rr for rr in self._by_name.get(name, ()) if rtype is None or rr.rtype == rtype]

    def resolve(self, request: DNSRecord, handler: Any) -> DNSRecord:
        with self._lock:
            self.queries += 1
        if self.delay:
            time.sleep(self.delay)
        if self.silent:
            raise DNSError("silent server")
        reply = request.reply()
        reply.header.aa = 0
        reply.header.ra = int(self.recursive)
        qname, qtype = _name(request.q.qname), request.q.qtype
        if self.refuse:
            reply.header.rcode = RCODE.REFUSED
            return reply
        if any(_under(qname, zone) for zone in self.servfail):
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        if self.recursive:
            self._answer(reply, qname, qtype, zone=None)
            return reply
        zone = max((z for z in self.zones if _under(qname, z)), key=len, default=None)
        if zone is None:
            reply.header.rcode = RCODE.REFUSED
            return reply
        cut = self._cut(qname, zone)
        if cut is not None and qtype == QTYPE.DS and cut == qname:
            cut = None  # the parent itself answers for the DS of a child it delegates
        if cut is not None:
            for rr in self._rrs(cut, QTYPE.NS):
                reply.add_auth(rr)
                for glue in self._rrs(_name(rr.rdata.label)):
                    if glue.rtype in (QTYPE.A, QTYPE.AAAA):
                        reply.add_ar(glue)
            return reply
        reply.header.aa = 1
        self._answer(reply, qname, qtype, zone=zone)
        return reply

    def _cut(self, qname: str, zone: str) -> str | None:
        labels = qname.split(".")
        for start in range(len(labels) - 1, -1, -1):
            name = ".".join(labels[start:])
            if name != zone and _under(name, zone) and self._rrs(name, QTYPE.NS):
                return name
        return None

    def _answer(self, reply: DNSRecord, qname: str, qtype: int, zone: str | None) -> None:
        name = qname
        for _step in range(8):
            found = self._rrs(name, qtype)
            if found:
                for rr in found:
                    reply.add_answer(rr)
                for rr in self._rrs(name, QTYPE.RRSIG):  # signed zones: the signatures come along
                    if rr.rdata.covered == qtype and qtype != QTYPE.RRSIG:
                        reply.add_answer(rr)
                return
            cnames = self._rrs(name, QTYPE.CNAME) if qtype != QTYPE.CNAME else []
            if not cnames:
                break
            reply.add_answer(cnames[0])
            name = _name(cnames[0].rdata.label)
            if zone is not None and not _under(name, zone):
                return
        if reply.rr:
            return
        exists = any(_under(owner, name) for owner in self._names)
        if not exists:
            reply.header.rcode = RCODE.NXDOMAIN
        if zone is not None:
            for soa in self._rrs(zone, QTYPE.SOA):
                reply.add_auth(soa)


class DnsServer:
    """A UDP+TCP DNS server on 127.0.0.1; ``address`` is ``"127.0.0.1:PORT"``."""

    def __init__(self, resolver: ZoneResolver, *, udp_limit: int = 0) -> None:
        self.resolver = resolver
        self.udp_limit = udp_limit
        self.port = 0
        self._servers: list[DNSServer] = []

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> DnsServer:
        logger = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data", logf=lambda *a: None)
        for _attempt in range(50):
            handler = type("LimitedHandler", (DNSHandler,), {"udplen": self.udp_limit})
            udp = DNSServer(self.resolver, address="127.0.0.1", port=0, logger=logger, handler=handler)
            port = udp.server.server_address[1]
            try:
                tcp = DNSServer(self.resolver, address="127.0.0.1", port=port, tcp=True, logger=logger)
            except OSError:
                udp.server.server_close()
                continue
            self.port = port
            self._servers = [udp, tcp]
            for server in self._servers:
                server.server.daemon_threads = True
                server.thread = threading.Thread(
                    target=server.server.serve_forever, args=(0.05,), daemon=True
                )
                server.thread.start()
            return self
        raise OSError("no free port for UDP and TCP together")

    def stop(self) -> None:
        for server in self._servers:
            server.stop()
            server.server.server_close()
            server.thread.join(5)
        self._servers = []


@contextmanager
def dns_server(zone_text: str, *, udp_limit: int = 0, **options: Any) -> Iterator[DnsServer]:
    """A running :class:`DnsServer` answering from ``zone_text``; stopped on exit."""
    server = DnsServer(ZoneResolver(zone_text, **options), udp_limit=udp_limit).start()
    try:
        yield server
    finally:
        server.stop()


def closed_port() -> int:
    """A loopback port nobody listens on (UDP and TCP), for "does not answer" cases."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
