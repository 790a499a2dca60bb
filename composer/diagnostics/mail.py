"""The mail checks: can this computer talk to the mail servers, and securely?

``mail.mx`` tries the domain's MX hosts on port 25 only: that is what other
mail servers use, and a provider's backup MX often answers nothing else.
``mail.<host>`` tries the provider's host for mail programs (the profile's
mail client settings) on the client ports: connect, read the greeting,
switch to TLS (STARTTLS on 587/143/110, TLS from the start on 465/993/995)
and read the certificate; when none answers, port 25 is tried to tell "mail
programs cannot connect" from "the server is down".
:mod:`composer.diagnostics.mail_findings` judges the results;
:func:`compare_mail_settings` checks what the user typed into a mail program
against the profile, offline.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Sequence
from typing import Any

from composer.diagnostics.dns_query import is_ip_address, lookup_addresses, resolve, system_resolvers
from composer.diagnostics.findings import make_finding
from composer.diagnostics.mail_findings import PortResult, client_findings, mx_port_findings
from composer.diagnostics.net import Stream, close, connect, describe_error, tls_outcome, with_verification
from composer.diagnostics.runner import CheckContext, CheckOutput, fan_out
from composer.diagnostics.settings import DiagnosticsSettings
from composer.i18n import N_, _
from composer.model import Finding, display_domain
from composer.profile import MailEndpoint, ProviderProfile

__all__ = ["PortResult", "check_client_host", "check_mx", "client_hosts", "compare_mail_settings", "probe"]

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
MAX_MX_HOSTS = 5
SECURITY_NAMES = {"tls": N_("SSL/TLS"), "starttls": N_("STARTTLS"), "none": N_("no encryption")}


def client_hosts(profile: ProviderProfile) -> dict[str, list[int]]:
    """The provider's hosts for mail programs and the client ports to try on each.

    A host gets the ports of its endpoints; when there is one host, it also
    gets the profile's ``mail_ports`` except 25 (587, 465, 993, 995 by default,
    143/110 where the profile lists them).
    """
    client = profile.expected.mail_client
    hosts: dict[str, list[int]] = {}
    for endpoint in [*client.incoming, *client.outgoing]:
        ports = hosts.setdefault(endpoint.host.lower().rstrip("."), [])
        if endpoint.port not in ports:
            ports.append(endpoint.port)
    if len(hosts) == 1:
        ports = next(iter(hosts.values()))
        ports += [p for p in profile.expected.mail_ports if p != 25 and p not in ports]
    return {h: [p for p in ports if p in PORTS and p != 25] for h, ports in hosts.items()}


async def check_mx(context: CheckContext) -> CheckOutput:
    """The ``mail.mx`` check: every MX host of the typed name on port 25."""
    settings = context.settings
    answer = await resolve(system_resolvers(settings), context.domain, "MX", timeout=settings.query_timeout)
    records = sorted(answer.records, key=lambda r: int(r.split(" ", 1)[0]) if r[:1].isdigit() else 0)
    hosts = [r.split(" ", 1)[-1] for r in records]
    hosts = [h for h in hosts if h and h != "." and not is_ip_address(h)][:MAX_MX_HOSTS]
    if not hosts:
        return CheckOutput(reached_network=answer.answered)
    probed = await fan_out(probe(host, [25], settings) for host in hosts)
    results = {
        host: found[0] if isinstance(found, list) else PortResult(25, error=describe_error(found))
        for host, found in zip(hosts, probed, strict=True)
    }
    findings = mx_port_findings(display_domain(context.domain), results, check=context.name)
    reached = answer.answered or any(r.connected for r in results.values())
    return CheckOutput(tuple(findings), {"mx": hosts}, reached_network=reached)


async def check_client_host(context: CheckContext, host: str, ports: Sequence[int]) -> CheckOutput:
    """The ``mail.<host>`` check of the provider's host for mail programs."""
    settings = context.settings
    results = await probe(host, ports, settings)
    smtp25 = None
    if not any(r.connected for r in results):
        smtp25 = (await probe(host, [25], settings))[0]
    findings = client_findings(
        host,
        results,
        check=context.name,
        warning_days=settings.cert_warning_days,
        provider=context.profile.provider.name,
        smtp25=smtp25,
    )
    reached = any(r.connected for r in results) or bool(smtp25 and smtp25.connected)
    return CheckOutput(tuple(findings), {"host": host}, reached_network=reached)


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
