"""What the gathered DNS answers mean: findings from observations, no I/O.

:class:`DnsObservations` holds the three views (the system's resolver, the
domain's authoritative nameservers as delegated by the parent zone, and the
public resolvers); :func:`evaluate` compares them with each other and with the
provider profile. Registration and delegation concern the registrable domain
(``zone``); addresses and mail the name the user typed (``name``). Tests build
observations by hand.

A domain is "not found" only when the parent zone says so. When only the
user's own resolver says so, the finding says exactly that and that it could
not be confirmed (a captive portal or a hijacking resolver answers "no such
name" for everything).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from composer.diagnostics.dns_query import Answer
from composer.diagnostics.dns_records import address_findings, mx_findings, propagation_findings
from composer.diagnostics.dnssec import DnssecState
from composer.diagnostics.findings import make_finding
from composer.diagnostics.mailauth import dkim_findings, dmarc_findings, spf_findings
from composer.diagnostics.spf import SpfTree
from composer.diagnostics.words import join
from composer.i18n import _
from composer.model import Finding, display_domain
from composer.profile import ProviderProfile

__all__ = ["Delegation", "DnsObservations", "NameserverView", "View", "evaluate"]

Make = Callable[..., Finding]


@dataclass(frozen=True)
class View:
    """One server's (or resolver group's) answers, by (name, type)."""

    server: str
    answers: Mapping[tuple[str, str], Answer] = field(default_factory=dict)

    def get(self, qname: str, rtype: str) -> Answer | None:
        return self.answers.get((qname, rtype))

    def records(self, qname: str, rtype: str) -> tuple[str, ...]:
        answer = self.get(qname, rtype)
        return answer.records if answer else ()

    @property
    def answered(self) -> bool:
        return any(a.answered for a in self.answers.values())


@dataclass(frozen=True)
class Delegation:
    """What the parent zone says: the nameservers, or NXDOMAIN, or why it could not be asked."""

    parent_zone: str
    parent_server: str = ""
    nameservers: tuple[str, ...] = ()
    rcode: str = ""
    error: str = ""
    parent_at: str = ""  # "IP:PORT" of the parent server that answered


@dataclass(frozen=True)
class NameserverView:
    """One of the domain's nameservers: where it was asked and what it said."""

    name: str
    address: str = ""
    view: View | None = None
    error: str = ""

    def failure(self, zone: str) -> str:
        """Why it does not serve the zone (a variant of ``dns.nameserver_unreachable``), or ``""``."""
        if self.error:
            return self.error
        if self.view is None or not self.view.answered:
            errors = [a.error for a in self.view.answers.values()] if self.view else []
            return "refused" if "refused" in errors else "timeout"
        soa = self.view.get(zone, "SOA")
        if soa is None or not soa.answered:
            return "timeout"
        if soa.rcode in {"REFUSED", "SERVFAIL"}:
            return soa.rcode
        if not soa.authoritative:
            return "lame"
        return ""


@dataclass(frozen=True)
class DnsObservations:
    """Everything the DNS check saw. ``domain`` is the typed name, ``zone`` its registrable domain."""

    domain: str
    delegation: Delegation
    nameservers: tuple[NameserverView, ...]
    system: View
    public: tuple[View, ...] = ()
    observed_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    zone: str = ""
    public_configured: tuple[str, ...] = ()
    mx_hosts: Mapping[str, Answer] = field(default_factory=dict)
    provider_view: View | None = None
    spf: SpfTree | None = None
    dmarc_reports: Mapping[str, Answer] = field(default_factory=dict)
    dnssec: DnssecState | None = None

    def __post_init__(self) -> None:
        if not self.zone:
            object.__setattr__(self, "zone", self.domain)

    def authority(self) -> View | None:
        """The first nameserver view that answered as an authority: the truth."""
        for ns in self.nameservers:
            if ns.view is not None and not ns.failure(self.zone):
                return ns.view
        return None


def evaluate(obs: DnsObservations, profile: ProviderProfile, *, check: str = "dns") -> list[Finding]:
    """All DNS findings for one name."""
    domain, zone = obs.domain, obs.zone
    base: dict[str, Any] = {
        "domain": display_domain(zone),
        "name": display_domain(domain),
        "tld": zone.rsplit(".", 1)[-1],
        "provider": profile.provider.name,
    }

    def finding(code: str, detail: str = "", **params: Any) -> Finding:
        return make_finding(code, check=check, detail=detail, **{**base, **params})

    findings: list[Finding] = []
    if domain != zone:
        findings.append(finding("dns.registrable_domain", f"registrable domain: {zone}"))
    if not obs.system.answered:
        resolver = obs.system.server or _("none configured")
        errors = sorted({a.error for a in obs.system.answers.values() if a.error})
        findings.append(finding("dns.resolver_unreachable", "; ".join(errors), resolver=resolver))
    not_found = _not_found(obs)
    if not_found == "confirmed":
        detail = f"parent {obs.delegation.parent_server}: NXDOMAIN for {zone}"
        return [*findings, finding("dns.domain_not_found", detail)]
    if not_found == "unconfirmed":
        detail = (
            f"{obs.system.server}: NXDOMAIN for {zone}\n"
            f"parent zone: {obs.delegation.error or 'not asked'}\n"
            f"public resolvers: {', '.join(v.server for v in obs.public if v.answered) or 'no answer'}"
        )
        return [*findings, finding("dns.domain_not_found_unconfirmed", detail, resolver=obs.system.server)]

    nameserver_findings = _nameserver_findings(obs, profile, finding)
    findings += nameserver_findings
    findings += _dnssec_findings(obs.dnssec, finding)
    authority = obs.authority()
    truth = authority or (obs.system if obs.system.answered else None)
    if truth is None:
        return findings
    ns_mismatch = any(f.code == "dns.nameservers_mismatch" for f in nameserver_findings)
    findings += address_findings(obs, truth, profile, finding, nameservers_elsewhere=ns_mismatch)
    if authority is not None:
        findings += propagation_findings(obs, authority, finding)
    findings += mx_findings(obs, truth, profile, finding)
    findings += spf_findings(
        base["name"],
        truth.records(domain, "TXT"),
        include=profile.expected.spf_include,
        provider=profile.provider.name,
        check=check,
        tree=obs.spf,
    )
    dmarc = truth.records(f"_dmarc.{domain}", "TXT")
    if not dmarc and domain != zone:  # receivers fall back to the registrable domain's policy
        dmarc = truth.records(f"_dmarc.{zone}", "TXT")
    findings += dmarc_findings(
        base["name"],
        dmarc,
        check=check,
        reports={d: a.records for d, a in obs.dmarc_reports.items() if a.answered},
        zone=zone,
    )
    for selector in profile.expected.dkim_selectors:
        record_name = f"{selector}._domainkey.{domain}"
        findings += dkim_findings(
            base["name"],
            selector,
            truth.records(record_name, "TXT"),
            record_name=display_domain(record_name),
            provider=profile.provider.name,
            check=check,
        )
    return findings


def _dnssec_findings(state: DnssecState | None, finding: Make) -> list[Finding]:
    if state is None or not state.status:
        return []
    if state.status == "ok":
        return [finding("dns.dnssec_ok", state.detail)]
    expired = state.expired_at.date().isoformat() if state.expired_at else ""
    variant = "" if state.status == "bad_signature" else state.status
    return [finding("dns.dnssec_broken", state.detail, variant=variant, expired=expired)]


def _not_found(obs: DnsObservations) -> str:
    """``"confirmed"`` (the parent zone says NXDOMAIN), ``"unconfirmed"`` (only resolvers do), ``""``."""
    if obs.delegation.rcode == "NXDOMAIN":
        return "confirmed"
    if obs.delegation.nameservers:
        return ""
    answers = [obs.system.get(obs.zone, t) for t in ("SOA", "NS")]
    if any(a is not None and a.rcode == "NXDOMAIN" for a in answers):
        return "unconfirmed"
    return ""


def _nameserver_findings(obs: DnsObservations, profile: ProviderProfile, finding: Make) -> list[Finding]:
    findings: list[Finding] = []
    zone = obs.zone
    authority = obs.authority()
    zone_ns = sorted(authority.records(zone, "NS")) if authority else []
    delegated = sorted(obs.delegation.nameservers) or zone_ns or sorted(obs.system.records(zone, "NS"))
    expected = profile.expected.nameservers
    detail = f"delegation of {zone} ({obs.delegation.parent_server or 'unavailable'}): {join(delegated)}"
    if delegated:
        if not expected:
            findings.append(finding("dns.nameservers_found", detail, nameservers=join(delegated)))
        elif set(delegated) - set(expected):
            findings.append(
                finding(
                    "dns.nameservers_mismatch", detail, nameservers=join(delegated), expected=join(expected)
                )
            )
        else:
            findings.append(finding("dns.nameservers_ok", detail, nameservers=join(delegated)))
    if obs.delegation.error:
        findings.append(finding("dns.delegation_unavailable", obs.delegation.error))
    elif obs.delegation.nameservers and zone_ns and set(zone_ns) != set(obs.delegation.nameservers):
        findings.append(
            finding(
                "dns.delegation_mismatch",
                f"parent: {join(delegated)}\nzone: {join(zone_ns)}",
                parent=join(sorted(obs.delegation.nameservers)),
                zone=join(zone_ns),
            )
        )
    serials: dict[str, str] = {}
    for ns in obs.nameservers:
        failure = ns.failure(zone)
        if failure:
            where = f"{ns.name} ({ns.address or 'no address'})"
            variant = failure if failure in {"refused", "REFUSED", "SERVFAIL", "lame", "unresolvable"} else ""
            findings.append(
                finding(
                    "dns.nameserver_unreachable", f"{where}: {failure}", nameserver=ns.name, variant=variant
                )
            )
        elif ns.view is not None:
            soa = ns.view.records(zone, "SOA")
            if soa:
                serials[ns.name] = soa[0].rsplit(" ", 1)[-1]
    text = ", ".join(f"{name}: {serial}" for name, serial in sorted(serials.items()))
    differences = _authorities_differ(obs)
    if differences:
        (qname, _rtype), answers = differences[0]
        (first, first_records), (second, second_records) = list(answers.items())[:2]
        detail = "\n".join(
            f"{q} {t}: " + "; ".join(f"{ns} = {join(r)}" for ns, r in by_ns.items())
            for (q, t), by_ns in differences
        )
        findings.append(
            finding(
                "dns.nameservers_disagree",
                f"{detail}\nSOA serials: {text}",
                first=first,
                second=second,
                seen=join(first_records),
                truth=join(second_records),
                name=display_domain(qname),
                serials=text,
            )
        )
    elif len(set(serials.values())) > 1:
        findings.append(finding("dns.soa_serial_mismatch", text, serials=text))
    return findings


def _authorities_differ(
    obs: DnsObservations,
) -> list[tuple[tuple[str, str], dict[str, tuple[str, ...]]]]:
    """Questions the domain's working nameservers answer differently, with each one's answer."""
    working = [ns for ns in obs.nameservers if ns.view is not None and not ns.failure(obs.zone)]
    found: list[tuple[tuple[str, str], dict[str, tuple[str, ...]]]] = []
    for qname, rtype in (
        (obs.domain, "A"),
        (obs.domain, "AAAA"),
        (obs.domain, "MX"),
        (f"www.{obs.domain}", "A"),
    ):
        by_ns: dict[str, tuple[str, ...]] = {}
        for ns in working:
            answer = ns.view.get(qname, rtype) if ns.view else None
            if answer is not None and answer.answered and answer.rcode in {"NOERROR", "NXDOMAIN"}:
                by_ns[ns.name] = tuple(sorted(answer.records))
        if len(set(by_ns.values())) > 1:
            found.append(((qname, rtype), by_ns))
    return found
