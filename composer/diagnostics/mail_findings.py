"""What mail port results mean; no I/O.

Two kinds of host are judged differently. The domain's **MX hosts** are what
other mail servers deliver to: only port 25 matters, and a backup MX that
answers nothing else is healthy. The provider's **host for mail programs**
(the profile's mail client settings) must answer on the client ports; when
it refuses all of them but answers on 25, mail programs cannot connect at
all, which is one problem, not four port warnings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from composer.diagnostics.findings import make_finding
from composer.diagnostics.tls import TlsOutcome, judge
from composer.diagnostics.words import time_left
from composer.model import Finding, Severity

__all__ = ["PortResult", "client_findings", "mx_port_findings", "port25_analysis", "port_detail"]


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


def port_detail(host: str, results: Sequence[PortResult]) -> str:
    """The technical lines for the agent: each port's greeting or error."""
    lines = []
    for r in results:
        text = r.greeting.splitlines()[0] if r.connected else f"failed ({r.error})"
        if r.starttls_offered is not None:
            text += f"; STARTTLS {'offered' if r.starttls_offered else 'not offered'}"
        lines.append(f"{host}:{r.port} {r.ip}: {text}")
    return "\n".join(lines)


def _ports(results: Sequence[PortResult]) -> str:
    return ", ".join(str(r.port) for r in results)


def mx_port_findings(
    name: str,
    results: Mapping[str, PortResult],
    *,
    check: str,
) -> list[Finding]:
    """The MX hosts on port 25: all answer, some do not (a backup carries the mail), or none."""
    if not results:
        return []
    detail = "\n".join(port_detail(host, [r]) for host, r in results.items())
    working = [h for h, r in results.items() if r.connected]
    failed = [h for h, r in results.items() if not r.connected]
    base: dict[str, Any] = {"name": name}
    findings: list[Finding] = []
    if failed and working:
        findings.append(
            make_finding(
                "mail.mx_unreachable",
                check=check,
                detail=detail,
                severity=Severity.WARNING,
                hosts=", ".join(failed),
                working=", ".join(working),
                variant="backup_works",
                **base,
            )
        )
    elif failed:
        timed_out = all(results[h].error == "timeout" for h in failed)
        findings.append(
            make_finding(
                "mail.mx_unreachable",
                check=check,
                detail=detail,
                hosts=", ".join(failed),
                all_failed=True,
                timed_out=timed_out,
                **base,
            )
        )
    # Servers deliver to an MX with TLS when they can and do not insist on a valid certificate
    # (RFC 3207 is opportunistic), so an MX certificate is no fault here; it is in the detail.
    if not findings:
        findings.append(
            make_finding("mail.mx_ok", check=check, detail=detail, hosts=", ".join(working), **base)
        )
    return findings


def client_findings(
    host: str,
    results: Sequence[PortResult],
    *,
    check: str,
    warning_days: int,
    provider: str,
    smtp25: PortResult | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """The host for mail programs on the client ports (``smtp25``: port 25, asked when all failed)."""
    now = now or datetime.now(UTC)
    detail = port_detail(host, [*results, *([smtp25] if smtp25 else [])])
    working = [r for r in results if r.connected]
    failed = [r for r in results if not r.connected]
    base: dict[str, Any] = {"host": host, "provider": provider, "ports": _ports(results)}
    if not working:
        if smtp25 is not None and smtp25.connected:
            return [make_finding("mail.client_ports_closed", check=check, detail=detail, **base)]
        if all(r.error.startswith("no address") for r in results):  # the name, not the server, failed
            return [
                make_finding(
                    "mail.host_unreachable",
                    check=check,
                    detail=detail,
                    severity=Severity.WARNING,
                    variant="no_address",
                    **base,
                )
            ]
        return [make_finding("mail.host_unreachable", check=check, detail=detail, **base)]
    findings: list[Finding] = []
    if failed:
        findings.append(
            make_finding(
                "mail.port_unreachable",
                check=check,
                detail=detail,
                **{**base, "ports": _ports(failed), "working": _ports(working)},
            )
        )
    for result in working:
        if result.starttls_offered is False:
            findings.append(
                make_finding("mail.starttls_missing", check=check, detail=detail, port=result.port, **base)
            )
    findings += cert_findings(host, results, check, warning_days, now)
    if not findings:
        findings.append(
            make_finding("mail.ports_ok", check=check, detail=detail, **{**base, "ports": _ports(working)})
        )
    return findings


def cert_findings(
    host: str, results: Sequence[PortResult], check: str, warning_days: int, now: datetime
) -> list[Finding]:
    """One ``mail.cert_problem`` per kind of certificate fault, listing its ports."""
    by_kind: dict[str, list[PortResult]] = {}
    for result in results:
        if result.tls is not None:
            for problem in judge(result.tls, host, now=now, warning_days=warning_days):
                by_kind.setdefault(problem.kind, []).append(result)
    findings: list[Finding] = []
    for kind, affected in by_kind.items():
        tls = affected[0].tls
        cert = tls.certificate if tls else None
        detail = (
            f"{cert.subject}; issuer {cert.issuer}; valid until {cert.not_after.isoformat()}" if cert else ""
        ) + (f"; {tls.verify_message}" if tls and tls.verify_message else "")
        findings.append(
            make_finding(
                "mail.cert_problem",
                check=check,
                detail=detail,
                host=host,
                port=_ports(affected),
                names=", ".join(cert.names) if cert else "?",
                issuer=cert.issuer if cert else "?",
                left=time_left(cert.not_after - now) if cert else "?",
                variant="" if kind == "expired" else kind,
                severity=Severity.WARNING if kind == "expiring" else None,
            )
        )
    return findings


def port25_analysis(outputs: Mapping[str, Any], findings: list[Finding]) -> list[Finding]:
    """No MX host answered on 25 (time-outs) while other servers did: the network blocks 25.

    Refused connections are a mail server that is down; silent time-outs on
    every MX while sites and other ports answer are the signature of an
    internet provider that blocks outgoing port 25.
    """
    others = any(
        out.reached_network
        for name, out in outputs.items()
        if name != "mail.mx" and name.startswith(("web.", "mail."))
    )
    if not others:
        return findings
    result: list[Finding] = []
    for finding in findings:
        if (
            finding.code == "mail.mx_unreachable"
            and finding.params.get("all_failed")
            and finding.params.get("timed_out")
        ):
            result.append(
                make_finding(
                    "mail.port25_blocked",
                    check=finding.check,
                    detail=finding.detail,
                    hosts=finding.params["hosts"],
                )
            )
        else:
            result.append(finding)
    return result
