"""The DNS exchanges of the diagnostics: thin I/O that returns plain answers.

Every function here returns an :class:`Answer` (or a list of addresses) and
never raises for a network failure: a server that does not answer is data
(``Answer.error``), which :mod:`composer.diagnostics.dns_findings` turns into
findings. Queries to authoritative servers go out with recursion off, so a
server that is not an authority for the domain shows as such.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from dns.rdtypes.ANY.CNAME import CNAME
from dns.rdtypes.ANY.MX import MX
from dns.rdtypes.ANY.NS import NS
from dns.rdtypes.ANY.PTR import PTR
from dns.rdtypes.ANY.SOA import SOA
from dns.rdtypes.ANY.TXT import TXT
from dns.rdtypes.IN.A import A
from dns.rdtypes.IN.AAAA import AAAA

from composer.diagnostics.dns_exchange import exchange
from composer.diagnostics.runner import fan_out, shared
from composer.diagnostics.settings import DiagnosticsSettings, split_host_port

__all__ = [
    "Answer",
    "Server",
    "ask",
    "ask_raw",
    "is_ip_address",
    "lookup_addresses",
    "resolve",
    "system_resolvers",
]

MAX_CNAME_CHAIN = 10


@dataclass(frozen=True)
class Server:
    """A DNS server to ask: its address, port and a name to show (e.g. its hostname)."""

    address: str
    port: int = 53
    label: str = ""

    @classmethod
    def parse(cls, text: str, label: str = "") -> Server:
        """``"IP[:PORT]"`` as a server.

        Raises:
            ValueError: the port is not a number.
        """
        host, port = split_host_port(text, 53)
        return cls(host, port, label)

    def __str__(self) -> str:
        where = self.address if self.port == 53 else f"{self.address}:{self.port}"
        return f"{self.label} ({where})" if self.label else where


@dataclass(frozen=True)
class Answer:
    """One server's answer to one question, reduced to what the findings need.

    ``records`` are text forms, sorted: addresses, host names without the
    final dot, ``"10 mx.example.com"`` for MX, the joined strings for TXT,
    ``"mname rname serial"`` for SOA. ``rcode`` is empty when no response came
    (then ``error`` says why). ``referral`` and ``glue`` come from the
    authority and additional sections of a non-recursive answer.
    """

    server: str
    qname: str
    rtype: str
    rcode: str = ""
    records: tuple[str, ...] = ()
    ttl: int | None = None
    authoritative: bool = False
    chain: tuple[str, ...] = ()
    error: str = ""
    referral: tuple[str, ...] = ()
    glue: tuple[tuple[str, str], ...] = field(default=())

    @property
    def answered(self) -> bool:
        return bool(self.rcode)


def is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def system_resolvers(settings: DiagnosticsSettings) -> list[Server]:
    """The resolvers that stand for "this computer's view": configured, else the system's."""
    if settings.resolvers:
        return [Server.parse(text) for text in settings.resolvers]
    import dns.resolver  # only to read the system's configuration (2 ms of imports a --resolver run spares)

    try:
        configured = dns.resolver.Resolver(configure=True)
    except dns.resolver.NoResolverConfiguration:
        return []
    return [Server(str(address)) for address in configured.nameservers]


async def ask(server: Server, qname: str, rtype: str, *, recursive: bool, timeout: float) -> Answer:
    """Ask ``server`` one question (UDP, TCP when truncated); failures become ``Answer.error``."""
    response = await ask_raw(server, qname, rtype, recursive=recursive, timeout=timeout)
    if isinstance(response, str):
        return Answer(str(server), qname, rtype, error=response)
    return _reduce(response, str(server), qname, rtype)


async def ask_raw(
    server: Server, qname: str, rtype: str, *, recursive: bool, timeout: float, dnssec: bool = False
) -> dns.message.Message | str:
    """The whole response to one question (with DNSSEC records when ``dnssec``), or why none came."""
    query = dns.message.make_query(qname, rtype, want_dnssec=dnssec)
    if not recursive:
        query.flags &= ~dns.flags.RD
    try:
        response = await exchange(query, server.address, server.port, timeout=timeout)
    except dns.exception.Timeout:
        return "timeout"
    except ConnectionRefusedError:
        return "refused"
    except OSError as exc:
        return f"unreachable: {exc.strerror or exc}"
    except dns.exception.DNSException as exc:
        return f"malformed: {exc}"
    return response


async def resolve(servers: Sequence[Server], qname: str, rtype: str, *, timeout: float) -> Answer:
    """Ask recursive ``servers`` in turn until one responds (any rcode counts as a response).

    Within one diagnosis the same question to the same resolvers is asked once.
    """
    key = ("resolve", tuple(servers), qname.lower(), rtype)
    return await shared(key, lambda: _resolve(servers, qname, rtype, timeout=timeout))


async def _resolve(servers: Sequence[Server], qname: str, rtype: str, *, timeout: float) -> Answer:
    answer = Answer("", qname, rtype, error="no resolver configured")
    for server in servers:
        answer = await ask(server, qname, rtype, recursive=True, timeout=timeout)
        if answer.answered:
            break
    return answer


async def lookup_addresses(host: str, settings: DiagnosticsSettings) -> tuple[list[str], str]:
    """The addresses a program on this computer would connect to for ``host``, and an error.

    With configured resolvers they are asked (A and AAAA together); otherwise the
    operating system's own lookup is used (hosts file, VPN and all). IPv4 first.
    """
    if is_ip_address(host):
        return [host], ""
    if settings.resolvers:
        servers = system_resolvers(settings)
        found = await fan_out(
            resolve(servers, host, rtype, timeout=settings.query_timeout) for rtype in ("A", "AAAA")
        )
        answers = [a for a in found if isinstance(a, Answer)]
        addresses = [r for a in answers for r in a.records]
        if addresses:
            return addresses, ""
        errors = {a.error or a.rcode for a in answers}
        return [], ", ".join(sorted(e for e in errors if e)) or "NOERROR"
    return await shared(("getaddrinfo", host), lambda: _getaddrinfo(host, settings))


async def _getaddrinfo(host: str, settings: DiagnosticsSettings) -> tuple[list[str], str]:
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(settings.query_timeout):
            infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except TimeoutError:
        return [], "timeout"
    except socket.gaierror as exc:
        return [], str(exc.strerror or exc)
    ordered = sorted({str(info[4][0]) for info in infos}, key=lambda a: ":" in a)
    return ordered, ""


def _reduce(response: dns.message.Message, server: str, qname: str, rtype: str) -> Answer:
    rdtype = dns.rdatatype.from_text(rtype)
    name = dns.name.from_text(qname)
    chain: list[str] = []
    records: tuple[str, ...] = ()
    ttl: int | None = None
    for _step in range(MAX_CNAME_CHAIN):
        rrset = _find(response.answer, name, rdtype)
        if rrset is not None:
            records = tuple(sorted(_text(rdata) for rdata in rrset))
            ttl = rrset.ttl
            break
        cname = _find(response.answer, name, dns.rdatatype.CNAME)
        if cname is None:
            break
        name = cname[0].target
        chain.append(_host(name))
    referral: list[str] = []
    for rrset in response.authority:
        if rrset.rdtype == dns.rdatatype.NS:
            referral.extend(_text(rdata) for rdata in rrset)
        elif rrset.rdtype == dns.rdatatype.SOA and ttl is None and not records:
            ttl = min(rrset.ttl, rrset[0].minimum)  # negative caching time
    glue = [
        (_host(rrset.name), rdata.address)
        for rrset in response.additional
        if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA)
        for rdata in rrset
    ]
    return Answer(
        server=server,
        qname=qname,
        rtype=rtype,
        rcode=dns.rcode.to_text(response.rcode()),
        records=records,
        ttl=ttl,
        authoritative=bool(response.flags & dns.flags.AA),
        chain=tuple(chain),
        referral=tuple(sorted(set(referral))),
        glue=tuple(glue),
    )


def _find(
    section: list[dns.rrset.RRset], name: dns.name.Name, rdtype: dns.rdatatype.RdataType
) -> dns.rrset.RRset | None:
    for rrset in section:
        if rrset.name == name and rrset.rdtype == rdtype and rrset.rdclass == dns.rdataclass.IN:
            return rrset
    return None


def _host(name: dns.name.Name) -> str:
    return name.to_text(omit_final_dot=True).lower()


def _text(rdata: dns.rdata.Rdata) -> str:
    if isinstance(rdata, A | AAAA):
        return str(rdata.address)
    if isinstance(rdata, NS | CNAME | PTR):
        return _host(rdata.target)
    if isinstance(rdata, MX):
        return f"{rdata.preference} {_host(rdata.exchange)}"
    if isinstance(rdata, TXT):
        return b"".join(rdata.strings).decode("utf-8", "replace")
    if isinstance(rdata, SOA):
        return f"{_host(rdata.mname)} {_host(rdata.rname)} {rdata.serial}"
    return str(rdata.to_text())
