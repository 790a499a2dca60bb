"""The mail checks: can this computer talk to the mail server, and securely?

For each mail host (the provider's, else the domain's first MX) every port
the profile lists is tried: connect, read the greeting, switch to TLS
(STARTTLS on 25/587/143/110, TLS from the start on 465/993/995) and read the
certificate. :func:`mail_findings` tells an internet provider that blocks
outgoing port 25 (25 fails while 587 or 465 work) from a server that is down
(nothing answers). :func:`compare_mail_settings` checks what the user typed
into a mail program against the profile, offline.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from composer.diagnostics.dns_query import lookup_addresses, resolve, system_resolvers
from composer.diagnostics.findings import make_finding
from composer.diagnostics.net import Stream, close, connect, describe_error, tls_outcome, with_verification
from composer.diagnostics.runner import CheckContext, CheckOutput, fan_out
from composer.diagnostics.settings import DiagnosticsSettings
from composer.diagnostics.tls import TlsOutcome, judge
from composer.i18n import N_, _
from composer.model import Finding, Severity
from composer.profile import MailEndpoint, ProviderProfile

__all__ = ["PortResult", "check_mail", "compare_mail_settings", "mail_findings", "probe"]

# port -> (protocol, security)
PORTS: dict[int, tuple[str, str]] = {
    25: ("smtp", "starttls"),
    587: ("smtp", "starttls"),
    465: ("smtp", "tls"),
    143: ("imap", "starttls"),
    993: ("imap", "tls"),
    110: ("pop3", "starttls"),
    995: ("pop3", "tls"),
}
SUBMISSION = (587, 465)
CERT_REASONS = {
    "expired": N_("has an expired certificate"),
    "not_yet_valid": N_("has a certificate that is not valid yet"),
    "name": N_("has a certificate for another name ({names})"),
    "untrusted": N_("has a certificate from an untrusted issuer ({issuer})"),
    "other": N_("has a certificate that cannot be verified"),
    "expiring": N_("has a certificate that expires in {days} day(s)"),
}
SECURITY_NAMES = {"tls": N_("SSL/TLS"), "starttls": N_("STARTTLS"), "none": N_("no encryption")}


@dataclass(frozen=True)
class PortResult:
    """One port of a mail host: did it answer, what did it say, how did TLS go."""

    port: int
    ip: str = ""
    greeting: str = ""
    error: str = ""
    starttls_offered: bool | None = None
    tls: TlsOutcome | None = None

    @property
    def connected(self) -> bool:
        return bool(self.greeting)


def mail_hosts(profile: ProviderProfile) -> list[str]:
    """The provider's mail hosts: the expected ones, then those of the client settings."""
    client = profile.expected.mail_client
    hosts = list(profile.expected.mail_hosts)
    for endpoint in [*client.incoming, *client.outgoing]:
        name = endpoint.host.lower().rstrip(".")
        if name not in hosts:
            hosts.append(name)
    return hosts


async def check_mail(context: CheckContext, host: str | None) -> CheckOutput:
    """The ``mail.*`` check of one host; with no host, of the domain's first MX."""
    settings = context.settings
    if host is None:
        answer = await resolve(
            system_resolvers(settings), context.domain, "MX", timeout=settings.query_timeout
        )
        records = sorted(answer.records, key=lambda r: int(r.split(" ", 1)[0]))
        hosts = [r.split(" ", 1)[1] for r in records if not r.endswith(" .")]
        if not hosts:
            return CheckOutput(reached_network=answer.answered)
        host = hosts[0]
    ports = [p for p in context.profile.expected.mail_ports if p in PORTS]
    results = await probe(host, ports, settings)
    findings = mail_findings(host, results, check=context.name, warning_days=settings.cert_warning_days)
    return CheckOutput(tuple(findings), {"host": host}, reached_network=any(r.connected for r in results))


async def probe(host: str, ports: Sequence[int], settings: DiagnosticsSettings) -> list[PortResult]:
    """Try every port of ``host`` at once."""
    addresses, error = await lookup_addresses(host, settings)
    if not addresses:
        return [PortResult(port, error=f"no address ({error})") for port in ports]
    found = await fan_out(_probe_port(host, addresses[0], port, settings) for port in ports)
    return [
        r if isinstance(r, PortResult) else PortResult(p, addresses[0], error=describe_error(r))
        for p, r in zip(ports, found, strict=True)
    ]


async def _probe_port(host: str, ip: str, port: int, settings: DiagnosticsSettings) -> PortResult:
    protocol, security = PORTS[port]
    actual = settings.port(port)

    async def exchange(ctx: ssl.SSLContext, code: int, message: str) -> PortResult:
        if security == "tls":
            stream = await connect(
                ip, actual, timeout=settings.query_timeout, context=ctx, server_hostname=host
            )
        else:
            stream = await connect(ip, actual, timeout=settings.query_timeout)
        try:
            async with asyncio.timeout(settings.query_timeout):
                return await _converse(stream, protocol, security, host, ip, port, ctx, code, message)
        finally:
            await close(stream[1])

    try:
        return await with_verification(settings, exchange)
    except (OSError, ssl.SSLError, asyncio.IncompleteReadError, ValueError) as exc:
        return PortResult(port, ip, error=describe_error(exc))


async def _converse(
    stream: Stream,
    protocol: str,
    security: str,
    host: str,
    ip: str,
    port: int,
    ctx: ssl.SSLContext,
    code: int,
    message: str,
) -> PortResult:
    reader, writer = stream
    greeting = await _reply(reader, protocol)
    starttls: bool | None = None
    if security == "starttls":
        starttls = await _start_tls(reader, writer, protocol)
        if starttls:
            await writer.start_tls(ctx, server_hostname=host)
    tls = tls_outcome(writer, verified=code == 0, code=code, message=message)
    quit_command = {"smtp": b"QUIT\r\n", "imap": b"z LOGOUT\r\n", "pop3": b"QUIT\r\n"}[protocol]
    writer.write(quit_command)
    return PortResult(port, ip, greeting.strip()[:200], starttls_offered=starttls, tls=tls)


async def _reply(reader: asyncio.StreamReader, protocol: str) -> str:
    """A complete server reply (SMTP replies may span lines: ``250-...`` until ``250 ...``)."""
    lines: list[str] = []
    while True:
        raw = await reader.readline()
        if not raw:
            raise asyncio.IncompleteReadError(b"".join(x.encode() for x in lines), None)
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        lines.append(line)
        if protocol != "smtp" or len(line) < 4 or line[3] != "-":
            break
    first = lines[0]
    ok = {
        "smtp": first[:1] in {"2", "3"},
        "imap": first.startswith(("* OK", "* PREAUTH")) or first.startswith("z OK"),
        "pop3": first.startswith("+OK"),
    }[protocol]
    if not ok:
        raise ValueError(f"unexpected reply: {first[:80]}")
    return "\n".join(lines)


async def _start_tls(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, protocol: str) -> bool:
    """Ask for STARTTLS the protocol's way; False when the server does not offer it."""
    if protocol == "smtp":
        writer.write(b"EHLO request-composer.invalid\r\n")
        capabilities = await _reply(reader, protocol)
        if "STARTTLS" not in capabilities.upper():
            return False
        writer.write(b"STARTTLS\r\n")
    elif protocol == "imap":
        writer.write(b"z STARTTLS\r\n")
    else:
        writer.write(b"STLS\r\n")
    try:
        await _reply(reader, protocol)
    except ValueError:
        return False
    return True


def mail_findings(
    host: str, results: Sequence[PortResult], *, check: str, warning_days: int, now: datetime | None = None
) -> list[Finding]:
    """What the port results of one mail host mean."""
    now = now or datetime.now(UTC)
    detail = "\n".join(
        f"{r.port}: "
        + (f"{r.greeting.splitlines()[0]}" if r.connected else f"failed ({r.error})")
        + (
            f"; STARTTLS {'offered' if r.starttls_offered else 'not offered'}"
            if r.starttls_offered is not None
            else ""
        )
        for r in results
    )
    working = [r.port for r in results if r.connected]
    failed = [r for r in results if not r.connected]
    base: dict[str, Any] = {"host": host, "ports": ", ".join(str(r.port) for r in results)}
    if not working:
        return [make_finding("mail.host_unreachable", check=check, detail=detail, **base)]
    findings: list[Finding] = []
    working_text = ", ".join(str(p) for p in working)
    for result in failed:
        if result.port == 25 and any(p in working for p in SUBMISSION):
            findings.append(
                make_finding("mail.port25_blocked", check=check, detail=detail, working=working_text, **base)
            )
        else:
            findings.append(
                make_finding(
                    "mail.port_unreachable",
                    check=check,
                    detail=detail,
                    port=result.port,
                    working=working_text,
                    reason=result.error,
                    **{**base, "host": host},
                )
            )
    for result in results:
        if result.connected and result.starttls_offered is False:
            findings.append(
                make_finding("mail.starttls_missing", check=check, detail=detail, port=result.port, **base)
            )
    findings += _cert_findings(host, results, check, warning_days, now)
    if not findings:
        findings.append(
            make_finding("mail.ports_ok", check=check, detail=detail, **{**base, "ports": working_text})
        )
    return findings


def _cert_findings(
    host: str, results: Sequence[PortResult], check: str, warning_days: int, now: datetime
) -> list[Finding]:
    by_kind: dict[str, list[PortResult]] = {}
    for result in results:
        if result.tls is not None:
            for problem in judge(result.tls, host, now=now, warning_days=warning_days):
                by_kind.setdefault(problem.kind, []).append(result)
    findings: list[Finding] = []
    for kind, affected in by_kind.items():
        tls = affected[0].tls
        cert = tls.certificate if tls else None
        values = {
            "names": ", ".join(cert.names) if cert else "?",
            "issuer": cert.issuer if cert else "?",
            "days": (cert.not_after - now).days if cert else 0,
        }
        reason = _(CERT_REASONS[kind]).format(**values)
        detail = (
            f"{cert.subject}; issuer {cert.issuer}; valid until {cert.not_after.isoformat()}" if cert else ""
        ) + (f"; {tls.verify_message}" if tls and tls.verify_message else "")
        findings.append(
            make_finding(
                "mail.cert_problem",
                check=check,
                detail=detail,
                host=host,
                reason=reason,
                port=", ".join(str(r.port) for r in affected),
                severity=Severity.WARNING if kind == "expiring" else None,
            )
        )
    return findings


def compare_mail_settings(
    entered: MailEndpoint, profile: ProviderProfile, *, check: str = "mail.client"
) -> list[Finding]:
    """Compare one server the user typed into a mail program with the profile's (no I/O).

    The profile endpoint of the same protocol is the reference; when it lists
    several, the one with the entered port (else the first) is used.
    """
    candidates = [
        e
        for e in [*profile.expected.mail_client.incoming, *profile.expected.mail_client.outgoing]
        if e.protocol == entered.protocol
    ]
    provider = profile.provider.name
    protocol = entered.protocol.upper()
    if not candidates:
        return []
    expected = next((e for e in candidates if e.port == entered.port), candidates[0])
    findings: list[Finding] = []
    base: dict[str, Any] = {"protocol": protocol, "provider": provider}
    if entered.host.strip().lower().rstrip(".") != expected.host.lower().rstrip("."):
        findings.append(
            make_finding(
                "mail.client_host_mismatch", check=check, entered=entered.host, expected=expected.host, **base
            )
        )
    if entered.port != expected.port:
        findings.append(
            make_finding(
                "mail.client_port_mismatch", check=check, entered=entered.port, expected=expected.port, **base
            )
        )
    elif entered.security != expected.security:
        findings.append(
            make_finding(
                "mail.client_security_mismatch",
                check=check,
                entered=_(SECURITY_NAMES[entered.security]),
                expected=_(SECURITY_NAMES[expected.security]),
                port=expected.port,
                **base,
            )
        )
    if not findings:
        findings.append(
            make_finding(
                "mail.client_ok",
                check=check,
                host=expected.host,
                port=expected.port,
                security=_(SECURITY_NAMES[expected.security]),
                **base,
            )
        )
    return findings
