"""The web checks: HTTP and HTTPS to the domain and to www., as a browser would.

Each check resolves the host the way this computer does, connects to the
address (and says which one it used), sends a plain ``GET`` and follows
redirects itself, so that loops, the time taken and every certificate on the
way are seen. Only the status line and headers are read; the page is not.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from composer import __version__
from composer.diagnostics.dns_query import lookup_addresses
from composer.diagnostics.findings import make_finding
from composer.diagnostics.net import close, connect, describe_error, tls_outcome, with_verification
from composer.diagnostics.runner import CheckContext, CheckOutput
from composer.diagnostics.settings import DiagnosticsSettings
from composer.diagnostics.tls import TlsOutcome, judge
from composer.diagnostics.words import time_left
from composer.model import Finding, display_domain

__all__ = ["Hop", "check_web", "fetch_chain", "web_findings"]

MAX_HEADER_BYTES = 64 * 1024
CERT_CODES = {
    "expired": "web.cert_expired",
    "not_yet_valid": "web.cert_expired",
    "name": "web.cert_name_mismatch",
    "untrusted": "web.cert_untrusted",
    "other": "web.cert_untrusted",
    "expiring": "web.cert_expiring_soon",
}


@dataclass(frozen=True)
class Hop:
    """One request of a redirect chain and what came back (``error`` when nothing did)."""

    url: str
    ip: str = ""
    status: int = 0
    reason: str = ""
    location: str = ""
    date: str = ""
    received_at: float = 0.0
    elapsed_ms: int = 0
    tls: TlsOutcome | None = None
    error: str = ""
    no_address: bool = False


@dataclass(frozen=True)
class Chain:
    hops: tuple[Hop, ...] = ()
    loop: bool = False
    extra: dict[str, str] = field(default_factory=dict)


async def check_web(context: CheckContext, url: str) -> CheckOutput:
    """The ``web.*`` check of one URL (never raises for network failures)."""
    chain = await fetch_chain(url, context.settings)
    findings = web_findings(
        chain, domain=context.domain, check=context.name, warning_days=context.settings.cert_warning_days
    )
    findings += await _ipv6_findings(chain, context)
    dates = [(h.url, h.date, h.received_at) for h in chain.hops if h.date]
    reached = None if chain.hops and chain.hops[0].no_address else any(h.status for h in chain.hops)
    last = chain.hops[-1] if chain.hops else Hop(url)
    facts = {
        "server_dates": dates,
        "final_url": last.url,
        "final_status": last.status,
        "loop": chain.loop,
        "url": url,
    }
    return CheckOutput(tuple(findings), facts, reached)


async def fetch_chain(url: str, settings: DiagnosticsSettings) -> Chain:
    """Request ``url`` and follow its redirects, up to ``settings.max_redirects``."""
    hops: list[Hop] = []
    seen: set[str] = set()
    current = url
    for _number in range(settings.max_redirects + 1):
        if current in seen:
            return Chain(tuple(hops), loop=True)
        seen.add(current)
        hop = await _request(current, settings)
        hops.append(hop)
        if not hop.location or not 300 <= hop.status < 400:
            return Chain(tuple(hops))
        current = urljoin(current, hop.location)
    return Chain(tuple(hops), loop=True)


async def _ipv6_findings(chain: Chain, context: CheckContext) -> list[Finding]:
    """The first address answered over IPv4: does its IPv6 address (AAAA) answer too?"""
    first = chain.hops[0] if chain.hops else None
    if first is None or not first.status or ":" in first.ip:
        return []
    host = urlsplit(first.url).hostname or ""
    addresses, _error = await lookup_addresses(host, context.settings)
    ipv6 = [a for a in addresses if ":" in a]
    if not ipv6 or not _has_ipv6_route(ipv6[0]):
        return []  # this computer has no IPv6: nothing can be said about the site's
    hop = await _request(first.url, context.settings, only=ipv6[0])
    if hop.status:
        return []
    return [
        make_finding(
            "web.ipv6_unreachable",
            check=context.name,
            detail=f"{first.url}: IPv4 {first.ip} [{first.status}]; IPv6 {ipv6[0]}: {hop.error}",
            site=display_domain(host),
            host=display_domain(host),
            ipv6=ipv6[0],
            ip=ipv6[0],
            url=_shown(first.url),
            urls=_shown(first.url),
        )
    ]


def _has_ipv6_route(address: str) -> bool:
    """Whether this computer can send to ``address`` at all (a UDP connect sends nothing)."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe:
            probe.connect((address, 9))
    except OSError:
        return False
    return True


async def _request(url: str, settings: DiagnosticsSettings, *, only: str = "") -> Hop:
    parts = urlsplit(url)
    host = parts.hostname or ""
    secure = parts.scheme == "https"
    port = parts.port or settings.port(443 if secure else 80)
    addresses, lookup_error = ([only], "") if only else await lookup_addresses(host, settings)
    if not addresses:
        return Hop(url, error=f"no address ({lookup_error})", no_address=True)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: request-composer/{__version__}\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n"
    ).encode("ascii")
    error, last_ip = "", addresses[0]
    for ip in addresses[:2]:
        try:
            if secure:

                async def exchange(ctx: ssl.SSLContext, code: int, message: str, ip: str = ip) -> Hop:
                    return await _exchange(url, ip, port, host, request, settings, ctx, code, message)

                return await with_verification(settings, exchange)
            return await _exchange(url, ip, port, host, request, settings, None, 0, "")
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError, ValueError) as exc:
            error = describe_error(exc)
            last_ip = ip
    return Hop(url, ip=last_ip, error=error)


async def _exchange(
    url: str,
    ip: str,
    port: int,
    host: str,
    request: bytes,
    settings: DiagnosticsSettings,
    context: ssl.SSLContext | None,
    code: int,
    message: str,
) -> Hop:
    started = time.monotonic()
    reader, writer = await connect(
        ip, port, timeout=settings.query_timeout, context=context, server_hostname=host
    )
    try:
        tls = tls_outcome(writer, verified=code == 0, code=code, message=message)
        writer.write(request)
        async with asyncio.timeout(settings.query_timeout):
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.LimitOverrunError:
        raise ValueError("response headers too long") from None
    finally:
        await close(writer)
    received = time.time()
    lines = head.decode("iso-8859-1").split("\r\n")
    version, _sp, rest = lines[0].partition(" ")
    status_text, _sp, reason = rest.partition(" ")
    if not version.startswith("HTTP/") or not status_text.isdigit():
        raise ValueError(f"not an HTTP response: {lines[0][:60]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return Hop(
        url=url,
        ip=ip,
        status=int(status_text),
        reason=reason,
        location=headers.get("location", ""),
        date=headers.get("date", ""),
        received_at=received,
        elapsed_ms=round((time.monotonic() - started) * 1000),
        tls=tls,
    )


def _shown(url: str) -> str:
    parts = urlsplit(url)
    host = display_domain(parts.hostname or "")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path or '/'}"


def web_findings(
    chain: Chain, *, domain: str, check: str, warning_days: int, now: datetime | None = None
) -> list[Finding]:
    """What a redirect chain means for the visitor."""
    now = now or datetime.now(UTC)
    if not chain.hops:
        return []
    first, last = chain.hops[0], chain.hops[-1]
    url = _shown(first.url)
    site = display_domain(urlsplit(first.url).hostname or domain)
    base: dict[str, Any] = {"url": url, "urls": url, "site": site, "domain": display_domain(domain)}
    steps = " -> ".join(f"{_shown(h.url)} [{h.status or h.error}]" for h in chain.hops)
    findings: list[Finding] = []
    for hop in chain.hops:
        if hop.tls is not None:
            findings += _cert_findings(hop, check, warning_days, now)
    if first.no_address:
        host = urlsplit(first.url).hostname or ""
        if host.startswith("www."):
            findings.append(
                make_finding(
                    "web.www_missing", check=check, detail=first.error, host=display_domain(host), **base
                )
            )
        return findings
    if chain.loop:
        findings.append(
            make_finding(
                "web.redirect_loop",
                check=check,
                detail=steps,
                chain=" → ".join(_shown(h.url) for h in chain.hops),
                **base,
            )
        )
    elif last.error:
        findings.append(
            make_finding(
                "web.unreachable",
                check=check,
                detail=steps,
                ip=last.ip or "?",
                variant=_unreachable_variant(last.error),
                **{**base, "url": _shown(last.url), "urls": _shown(last.url)},
            )
        )
    elif last.status >= 400:
        findings.append(
            make_finding(
                "web.http_error",
                check=check,
                detail=steps,
                status=f"{last.status} {last.reason}".strip(),
                **base,
            )
        )
    else:
        total = sum(h.elapsed_ms for h in chain.hops)
        findings.append(
            make_finding(
                "web.ok",
                check=check,
                detail=steps,
                ip=first.ip,
                status=f"{last.status} {last.reason}".strip(),
                ms=total,
                **base,
            )
        )
    return findings


def _unreachable_variant(error: str) -> str:
    if error.startswith("connection refused"):
        return "refused"
    if error.startswith("TLS"):
        return "tls"
    if error.startswith("connection closed"):
        return "closed"
    return ""


def _cert_findings(hop: Hop, check: str, warning_days: int, now: datetime) -> list[Finding]:
    assert hop.tls is not None
    host = urlsplit(hop.url).hostname or ""
    cert = hop.tls.certificate
    params: dict[str, Any] = {
        "host": display_domain(host),
        "site": display_domain(host),
        "expires": cert.not_after.date().isoformat() if cert else "?",
        "issuer": cert.issuer if cert else "?",
        "names": ", ".join(cert.names) if cert else "?",
    }
    detail = (
        f"subject: {cert.subject}\nissuer: {cert.issuer}\nnames: {params['names']}\n"
        f"valid: {cert.not_before.isoformat()} .. {cert.not_after.isoformat()}"
        if cert
        else "no certificate"
    )
    if hop.tls.verify_message:
        detail += f"\nverification: {hop.tls.verify_message}"
    problems = judge(hop.tls, host, now=now, warning_days=warning_days)
    if not problems:
        return [make_finding("web.cert_ok", check=check, detail=detail, **params)]
    return [
        make_finding(
            CERT_CODES[p.kind],
            check=check,
            detail=detail,
            days=p.days_left,
            left=time_left(cert.not_after - now) if cert else "?",
            **params,
        )
        for p in problems
    ]
