"""DNS findings about records: web addresses, what resolvers see, mail servers; no I/O.

Called by :func:`composer.diagnostics.dns_findings.evaluate` with the view it
takes as the truth (the authoritative one when there is one).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from composer.diagnostics.dns_query import is_ip_address
from composer.diagnostics.words import human_duration, join, local_time
from composer.model import Finding, display_domain
from composer.profile import ProviderProfile

if TYPE_CHECKING:
    from composer.diagnostics.dns_findings import DnsObservations, View

__all__ = ["address_findings", "mx_findings", "propagation_findings"]

Make = Callable[..., Finding]
COMPARED = (("", "A"), ("", "AAAA"), ("", "MX"), ("www.", "A"))
_UNUSABLE = {"REFUSED", "SERVFAIL", "NOTIMP"}


def address_findings(
    obs: DnsObservations, truth: View, profile: ProviderProfile, finding: Make, *, nameservers_elsewhere: bool
) -> list[Finding]:
    """Where the typed name points, against the profile; apex without address while www has one."""
    name = obs.domain
    addresses = [*truth.records(name, "A"), *truth.records(name, "AAAA")]
    www = truth.get(f"www.{name}", "A")
    chain = f"www.{name} -> {' -> '.join(www.chain)}" if www and www.chain else ""
    detail = "\n".join(x for x in (f"{name}: {join(addresses)} (from {truth.server})", chain) if x)
    if not addresses:
        www_addresses = list(www.records) if www else []
        if www_addresses and not (www and www.chain and www.chain[-1] == name):
            return [
                finding(
                    "dns.apex_without_address",
                    detail + f"\nwww.{name}: {join(www_addresses)}",
                    www=display_domain(f"www.{name}"),
                    addresses=join(www_addresses),
                )
            ]
        return [finding("dns.no_web_address", detail)]
    expected = profile.expected.web_ips
    if not expected:
        return [finding("dns.web_address_found", detail, addresses=join(addresses))]
    if set(addresses) - set(expected):
        variant = ""
        if nameservers_elsewhere and obs.provider_view is not None:
            ready = set(obs.provider_view.records(name, "A")) | set(obs.provider_view.records(name, "AAAA"))
            if ready and ready <= set(expected):
                variant = "provider_zone_ready"
                detail += f"\n{obs.provider_view.server}: {join(sorted(ready))}"
        return [
            finding(
                "dns.web_address_mismatch",
                detail,
                addresses=join(addresses),
                expected=join(expected),
                variant=variant,
            )
        ]
    return [finding("dns.web_address_ok", detail, addresses=join(addresses))]


def usable(view: View, truth: View, zone: str) -> bool:
    """Whether a resolver's answers can be compared: it answered, and not "refused"/"no such name"."""
    answered = [a for a in view.answers.values() if a.answered]
    if not answered or all(a.rcode in _UNUSABLE for a in answered):
        return False
    seen, real = view.get(zone, "SOA"), truth.get(zone, "SOA")
    # a resolver that says "no such name" for a zone that exists is hijacked or cut off
    return not (seen is not None and seen.rcode == "NXDOMAIN" and real is not None and real.records)


def propagation_findings(obs: DnsObservations, truth: View, finding: Make) -> list[Finding]:
    """One finding per resolver that still has old answers; one when none could be asked."""
    findings: list[Finding] = []
    compared: list[str] = []
    for view in (obs.system, *obs.public):
        if not usable(view, truth, obs.zone):
            continue
        compared.append(view.server)
        differences: list[tuple[str, str, tuple[str, ...], tuple[str, ...], int]] = []
        for prefix, rtype in COMPARED:
            name = f"{prefix}{obs.domain}"
            seen, real = view.get(name, rtype), truth.get(name, rtype)
            if seen is None or real is None or not seen.answered or not real.answered:
                continue
            if {seen.rcode, real.rcode} & _UNUSABLE:
                continue
            if set(seen.records) == set(real.records) and seen.rcode == real.rcode:
                continue
            ttl = seen.ttl if seen.ttl is not None else (real.ttl or 0)
            differences.append((name, rtype, seen.records, real.records, ttl))
        if not differences:
            continue
        name, rtype, seen_records, real_records, _ttl = differences[0]
        longest = max(d[4] for d in differences)
        settles = obs.observed_at + timedelta(seconds=longest)
        detail = "\n".join(
            f"{view.server}: {n} {t} = {join(s)} (TTL {ttl}); {truth.server}: {join(r)}"
            for n, t, s, r, ttl in differences
        )
        findings.append(
            finding(
                "dns.resolvers_disagree",
                detail,
                resolver=view.server,
                name=display_domain(name),
                rtype=rtype,
                seen=join(seen_records),
                truth=join(real_records),
                ttl=longest,
                ttl_text=human_duration(longest),
                settles=local_time(settles, with_date=longest >= 20 * 3600),
            )
        )
    public_used = [v.server for v in obs.public if v.server in compared]
    if obs.public_configured and not public_used:
        findings.append(
            finding(
                "dns.public_comparison_unavailable",
                "\n".join(f"{v.server}: {_view_errors(v)}" for v in obs.public) or "no answer",
                resolvers=join(list(obs.public_configured)),
            )
        )
    if not findings and compared:
        findings.append(finding("dns.resolvers_agree", "", resolvers=join(compared)))
    return findings


def _view_errors(view: View) -> str:
    return ", ".join(sorted({a.error or a.rcode for a in view.answers.values()})) or "no answer"


def mx_findings(obs: DnsObservations, truth: View, profile: ProviderProfile, finding: Make) -> list[Finding]:
    """The mail servers of the typed name: missing, null, an address, an alias, or elsewhere."""
    records = truth.records(obs.domain, "MX")
    ordered = sorted(records, key=lambda r: int(r.split(" ", 1)[0]) if r.split(" ", 1)[0].isdigit() else 0)
    hosts = [r.split(" ", 1)[-1] for r in ordered]
    expected = profile.expected.mail_hosts
    detail = f"MX: {join(list(records))}"
    if hosts == ["."] or hosts == [""]:
        return [finding("dns.null_mx", detail)]
    hosts = [h for h in hosts if h and h != "."]
    if not hosts:
        return [finding("dns.no_mx", detail, expected=join(expected) if expected else "MX")]
    findings: list[Finding] = []
    for host in hosts:
        if is_ip_address(host):
            findings.append(
                finding("dns.mx_is_address", detail, mx=host, expected=join(expected) if expected else "mail")
            )
            continue
        answer = obs.mx_hosts.get(host)
        if answer is not None and answer.chain:
            findings.append(finding("dns.mx_is_cname", detail, mx=host, target=answer.chain[-1]))
    if not expected:
        return [*findings, finding("dns.mx_found", detail, mx=join(hosts))]
    if set(hosts) - set(expected):
        return [*findings, finding("dns.mx_mismatch", detail, mx=join(hosts), expected=join(expected))]
    return [*findings, finding("dns.mx_ok", detail, mx=join(hosts))]
