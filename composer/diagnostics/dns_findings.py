"""What the gathered DNS answers mean: findings from observations, no I/O.

:class:`DnsObservations` holds the three views (the system's resolver, the
domain's authoritative nameservers as delegated by the parent zone, and the
public resolvers); :func:`evaluate` compares them with each other and with the
provider profile. Tests build observations by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from composer.diagnostics.dns_query import Answer
from composer.diagnostics.findings import make_finding
from composer.diagnostics.mailauth import dmarc_findings, spf_findings
from composer.i18n import N_, _, ngettext
from composer.model import Finding, display_domain
from composer.profile import ProviderProfile

__all__ = [
    "Delegation",
    "DnsObservations",
    "NameserverView",
    "View",
    "evaluate",
    "human_duration",
]

NOT_ANSWERING = {
    "timeout": N_("does not answer at all"),
    "refused": N_("refuses connections"),
    "REFUSED": N_("refuses to answer for the domain"),
    "SERVFAIL": N_("fails to answer for the domain"),
    "lame": N_("answers, but does not hold the domain's settings"),
    "unresolvable": N_("has no address that can be found"),
}
COMPARED = (("", "A"), ("", "AAAA"), ("", "MX"), ("", "NS"), ("www.", "A"))


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


@dataclass(frozen=True)
class NameserverView:
    """One of the domain's nameservers: where it was asked and what it said."""

    name: str
    address: str = ""
    view: View | None = None
    error: str = ""

    def failure(self, domain: str) -> str:
        """Why it does not serve the domain (a key of ``NOT_ANSWERING``), ``""`` if it does."""
        if self.error:
            return self.error
        if self.view is None or not self.view.answered:
            errors = [a.error for a in self.view.answers.values()] if self.view else []
            return "refused" if "refused" in errors else "timeout"
        soa = self.view.get(domain, "SOA")
        if soa is None or not soa.answered:
            return "timeout"
        if soa.rcode in {"REFUSED", "SERVFAIL"}:
            return soa.rcode
        if not soa.authoritative:
            return "lame"
        return ""


@dataclass(frozen=True)
class DnsObservations:
    domain: str
    delegation: Delegation
    nameservers: tuple[NameserverView, ...]
    system: View
    public: tuple[View, ...] = ()
    observed_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def authority(self) -> View | None:
        """The first nameserver view that answered as an authority: the truth."""
        for ns in self.nameservers:
            if ns.view is not None and not ns.failure(self.domain):
                return ns.view
        return None


def human_duration(seconds: int) -> str:
    if seconds < 120:
        return ngettext("{n} second", "{n} seconds", seconds).format(n=seconds)
    if seconds < 2 * 3600:
        minutes = round(seconds / 60)
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    if seconds < 2 * 86400:
        hours = round(seconds / 3600)
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    days = round(seconds / 86400)
    return ngettext("{n} day", "{n} days", days).format(n=days)


def _join(items: Sequence[str]) -> str:
    return ", ".join(items) if items else _("nothing")


def evaluate(obs: DnsObservations, profile: ProviderProfile, *, check: str = "dns") -> list[Finding]:
    """All DNS findings for one domain."""
    domain = obs.domain
    base: dict[str, Any] = {
        "domain": display_domain(domain),
        "tld": domain.rsplit(".", 1)[-1],
        "provider": profile.provider.name,
    }

    def finding(code: str, detail: str = "", **params: Any) -> Finding:
        return make_finding(code, check=check, detail=detail, **{**base, **params})

    findings: list[Finding] = []
    if not obs.system.answered:
        resolver = obs.system.server or _("none configured")
        errors = sorted({a.error for a in obs.system.answers.values() if a.error})
        findings.append(finding("dns.resolver_unreachable", "; ".join(errors), resolver=resolver))
    if _not_found(obs):
        detail = f"parent {obs.delegation.parent_server or '-'}: {obs.delegation.rcode or '-'}"
        return [*findings, finding("dns.domain_not_found", detail)]

    findings += _nameserver_findings(obs, profile, finding)
    truth = obs.authority() or (obs.system if obs.system.answered else None)
    if truth is None:
        return findings
    findings += _address_findings(obs, truth, profile, finding)
    if obs.authority() is not None:
        findings += _propagation_findings(obs, obs.authority() or truth, finding)
    findings += _mx_findings(domain, truth, profile, finding)
    findings += spf_findings(
        base["domain"],
        truth.records(domain, "TXT"),
        include=profile.expected.spf_include,
        provider=profile.provider.name,
        check=check,
    )
    findings += dmarc_findings(base["domain"], truth.records(f"_dmarc.{domain}", "TXT"), check=check)
    return findings


def _not_found(obs: DnsObservations) -> bool:
    if obs.delegation.rcode == "NXDOMAIN":
        return True
    if obs.delegation.nameservers:
        return False
    answers = [obs.system.get(obs.domain, t) for t in ("SOA", "NS", "A")]
    return any(a is not None and a.rcode == "NXDOMAIN" for a in answers)


def _nameserver_findings(obs: DnsObservations, profile: ProviderProfile, finding: Any) -> list[Finding]:
    findings: list[Finding] = []
    domain = obs.domain
    authority = obs.authority()
    zone_ns = sorted(authority.records(domain, "NS")) if authority else []
    delegated = sorted(obs.delegation.nameservers) or zone_ns or sorted(obs.system.records(domain, "NS"))
    expected = profile.expected.nameservers
    detail = f"delegation ({obs.delegation.parent_server or 'unavailable'}): {_join(delegated)}"
    if delegated:
        if not expected:
            findings.append(finding("dns.nameservers_found", detail, nameservers=_join(delegated)))
        elif set(delegated) - set(expected):
            findings.append(
                finding(
                    "dns.nameservers_mismatch", detail, nameservers=_join(delegated), expected=_join(expected)
                )
            )
        else:
            findings.append(finding("dns.nameservers_ok", detail, nameservers=_join(delegated)))
    if obs.delegation.error:
        findings.append(finding("dns.delegation_unavailable", obs.delegation.error))
    elif obs.delegation.nameservers and zone_ns and set(zone_ns) != set(obs.delegation.nameservers):
        findings.append(
            finding(
                "dns.delegation_mismatch",
                f"parent: {_join(delegated)}\nzone: {_join(zone_ns)}",
                parent=_join(sorted(obs.delegation.nameservers)),
                zone=_join(zone_ns),
            )
        )
    serials: dict[str, str] = {}
    for ns in obs.nameservers:
        failure = ns.failure(domain)
        if failure:
            where = f"{ns.name} ({ns.address or 'no address'})"
            findings.append(
                finding(
                    "dns.nameserver_unreachable",
                    f"{where}: {failure}",
                    nameserver=ns.name,
                    reason=_(NOT_ANSWERING.get(failure, NOT_ANSWERING["timeout"])),
                )
            )
        elif ns.view is not None:
            soa = ns.view.records(domain, "SOA")
            if soa:
                serials[ns.name] = soa[0].rsplit(" ", 1)[-1]
    if len(set(serials.values())) > 1:
        text = ", ".join(f"{name}: {serial}" for name, serial in sorted(serials.items()))
        findings.append(finding("dns.soa_serial_mismatch", text, serials=text))
    return findings


def _address_findings(
    obs: DnsObservations, truth: View, profile: ProviderProfile, finding: Any
) -> list[Finding]:
    domain = obs.domain
    addresses = [*truth.records(domain, "A"), *truth.records(domain, "AAAA")]
    www = truth.get(f"www.{domain}", "A")
    chain = f"www.{domain} -> {' -> '.join(www.chain)}" if www and www.chain else ""
    detail = "\n".join(x for x in (f"{domain}: {_join(addresses)} (from {truth.server})", chain) if x)
    if not addresses:
        return [finding("dns.no_web_address", detail)]
    expected = profile.expected.web_ips
    if not expected:
        return [finding("dns.web_address_found", detail, addresses=_join(addresses))]
    if set(addresses) - set(expected):
        return [
            finding("dns.web_address_mismatch", detail, addresses=_join(addresses), expected=_join(expected))
        ]
    return [finding("dns.web_address_ok", detail, addresses=_join(addresses))]


def _propagation_findings(obs: DnsObservations, truth: View, finding: Any) -> list[Finding]:
    findings: list[Finding] = []
    compared: list[str] = []
    for view in (obs.system, *obs.public):
        if not view.answered:
            continue
        compared.append(view.server)
        for prefix, rtype in COMPARED:
            name = f"{prefix}{obs.domain}"
            seen, real = view.get(name, rtype), truth.get(name, rtype)
            if seen is None or real is None or not seen.answered or not real.answered:
                continue
            if "SERVFAIL" in {seen.rcode, real.rcode}:
                continue
            if set(seen.records) == set(real.records) and seen.rcode == real.rcode:
                continue
            ttl = seen.ttl if seen.ttl is not None else (real.ttl or 0)
            settles = (obs.observed_at + timedelta(seconds=ttl)).astimezone()
            fmt = "%H:%M" if ttl < 20 * 3600 else "%Y-%m-%d %H:%M"
            findings.append(
                finding(
                    "dns.resolvers_disagree",
                    f"{view.server}: {name} {rtype} = {_join(seen.records)} (TTL {ttl}); "
                    f"{truth.server}: {_join(real.records)}",
                    resolver=view.server,
                    name=display_domain(name),
                    rtype=rtype,
                    seen=_join(seen.records),
                    truth=_join(real.records),
                    ttl=ttl,
                    ttl_text=human_duration(ttl),
                    settles=settles.strftime(fmt),
                )
            )
    if not findings and compared:
        findings.append(finding("dns.resolvers_agree", "", resolvers=_join(compared)))
    return findings


def _mx_findings(domain: str, truth: View, profile: ProviderProfile, finding: Any) -> list[Finding]:
    records = truth.records(domain, "MX")
    hosts = [r.split(" ", 1)[-1] for r in sorted(records, key=lambda r: int(r.split(" ", 1)[0]))]
    hosts = [h for h in hosts if h and h != "."]  # "0 ." is a null MX: no mail by design
    expected = profile.expected.mail_hosts
    detail = f"MX: {_join(list(records))}"
    if not hosts:
        return [finding("dns.no_mx", detail, expected=_join(expected) if expected else "MX")]
    if not expected:
        return [finding("dns.mx_found", detail, mx=_join(hosts))]
    if set(hosts) - set(expected):
        return [finding("dns.mx_mismatch", detail, mx=_join(hosts), expected=_join(expected))]
    return [finding("dns.mx_ok", detail, mx=_join(hosts))]
