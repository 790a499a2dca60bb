"""The DNS check: gather the three views of a domain, then judge them.

1. The system's view: the configured resolver(s), recursive.
2. The authoritative view: the parent zone's servers are asked (recursion
   off) which nameservers it delegates the domain to; each of those, and any
   the zone itself lists, is then asked directly.
3. The public view: each public resolver, recursive.

All three start together; only the steps of the delegation walk wait for
each other. :func:`composer.diagnostics.dns_findings.evaluate` does the rest.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass

from composer.diagnostics.dns_findings import Delegation, DnsObservations, NameserverView, View, evaluate
from composer.diagnostics.dns_query import Answer, Server, ask, is_ip_address, resolve, system_resolvers
from composer.diagnostics.dnssec import DnssecState, dnssec_state
from composer.diagnostics.mailauth import parse_dmarc, report_domains
from composer.diagnostics.runner import CheckContext, CheckOutput, fan_out
from composer.diagnostics.settings import DiagnosticsSettings
from composer.diagnostics.spf import SpfTree, expand
from composer.profile import ProviderProfile

__all__ = ["check_dns", "observe", "questions"]

MAX_PARENT_SERVERS = 3
MAX_MX_HOSTS = 5
# Names users recognise for the default public resolvers.
KNOWN_RESOLVERS = {
    "1.1.1.1": "Cloudflare",
    "8.8.8.8": "Google Public DNS",
    "9.9.9.9": "Quad9",
    "1.0.0.1": "Cloudflare",
    "8.8.4.4": "Google Public DNS",
    "149.112.112.112": "Quad9",
}


def questions(domain: str, zone: str = "", selectors: Sequence[str] = ()) -> list[tuple[str, str]]:
    """What every view is asked: the zone's SOA and NS, the typed name's records, DKIM keys."""
    zone = zone or domain
    asked = [
        (zone, "SOA"),
        (zone, "NS"),
        (domain, "A"),
        (domain, "AAAA"),
        (domain, "MX"),
        (domain, "TXT"),
        (f"_dmarc.{domain}", "TXT"),
        (f"www.{domain}", "A"),
    ]
    if zone != domain:
        asked.append((f"_dmarc.{zone}", "TXT"))
    asked += [(f"{selector}._domainkey.{domain}", "TXT") for selector in selectors]
    return asked


async def check_dns(context: CheckContext) -> CheckOutput:
    """The ``dns`` check (never raises for network failures; they are findings)."""
    observations = await observe(
        context.domain, context.settings, zone=context.registrable, profile=context.profile
    )
    findings = evaluate(observations, context.profile, check=context.name)
    reached = (
        observations.system.answered
        or any(ns.view is not None and ns.view.answered for ns in observations.nameservers)
        or any(view.answered for view in observations.public)
    )
    mx = sorted(observations.system.records(context.domain, "MX"))
    return CheckOutput(findings=tuple(findings), facts={"mx": mx}, reached_network=reached)


async def observe(
    domain: str,
    settings: DiagnosticsSettings,
    *,
    zone: str = "",
    profile: ProviderProfile | None = None,
) -> DnsObservations:
    """Ask everything, concurrently where possible; ``zone`` is the registrable domain."""
    zone = zone or domain
    selectors = tuple(profile.expected.dkim_selectors) if profile else ()
    system = system_resolvers(settings)
    publics = [Server.parse(t, KNOWN_RESOLVERS.get(t, "")) for t in settings.public_resolvers]
    # the authoritative round starts once the parent has answered, not after the SPF tree
    view_ready: asyncio.Future[View] = asyncio.get_running_loop().create_future()
    system_task = _system_view_and_records(system, domain, zone, settings, selectors, view_ready)
    expected = list(profile.expected.nameservers) if profile else []
    authoritative_task = _authoritative(domain, zone, system, settings, selectors, expected, view_ready)
    public_tasks = [_view_recursive([server], domain, zone, settings) for server in publics]
    everything: list[Awaitable[object]] = [system_task, authoritative_task, *public_tasks]
    system_result, authoritative_result, *public_views = await fan_out(everything)
    if not isinstance(system_result, tuple):
        raise _unexpected(system_result)
    system_view, mx_hosts, tree, reports = system_result
    if not isinstance(authoritative_result, _Authoritative):
        raise _unexpected(authoritative_result)
    delegation = authoritative_result.delegation
    nameservers = list(authoritative_result.nameservers)
    provider_view = authoritative_result.provider
    dnssec = authoritative_result.dnssec
    observations = DnsObservations(
        domain=domain,
        zone=zone,
        delegation=delegation,
        nameservers=tuple(nameservers),
        system=system_view,
        public=tuple(v for v in public_views if isinstance(v, View)),
        public_configured=tuple(str(p) for p in publics),
        provider_view=provider_view.view if provider_view is not None else None,
        mx_hosts=mx_hosts,
        spf=tree,
        dmarc_reports=reports,
        dnssec=dnssec,
    )
    return observations


async def _system_view_and_records(
    system: Sequence[Server],
    domain: str,
    zone: str,
    settings: DiagnosticsSettings,
    selectors: Sequence[str] = (),
    view_ready: asyncio.Future[View] | None = None,
) -> tuple[View, dict[str, Answer], SpfTree | None, dict[str, Answer]]:
    """The system's view (handed to ``view_ready`` at once), then the second round:
    what the MX hosts are, and the SPF record's tree."""
    try:
        view = await _view_recursive(system, domain, zone, settings, selectors)
    except BaseException as error:
        if view_ready is not None and not view_ready.done():
            if isinstance(error, Exception):
                view_ready.set_exception(error)
                view_ready.exception()  # retrieved here: the caller sees the error from this task
            else:
                view_ready.cancel()
        raise
    if view_ready is not None and not view_ready.done():
        view_ready.set_result(view)
    mx = [r.split(" ", 1)[-1] for r in view.records(domain, "MX")]
    hosts = [h for h in mx if h and h != "." and not is_ip_address(h)][:MAX_MX_HOSTS]
    spf = [t for t in view.records(domain, "TXT") if t.lower().startswith("v=spf1")]

    async def ask_system(name: str, rtype: str) -> Answer:
        return await resolve(system, name, rtype, timeout=settings.query_timeout)

    dmarc = [t for t in view.records(f"_dmarc.{domain}", "TXT") if t.upper().startswith("V=DMARC1")]
    external = report_domains(parse_dmarc(dmarc[0])[0], zone) if len(dmarc) == 1 else []
    report_names = [f"{domain}._report._dmarc.{target}" for target in external]
    jobs: list[Awaitable[object]] = [ask_system(h, "A") for h in hosts]
    jobs += [ask_system(n, "TXT") for n in report_names]
    if len(spf) == 1:
        jobs.append(expand(domain, spf[0], ask_system))
    results = await fan_out(jobs)
    mx_hosts = {h: a for h, a in zip(hosts, results, strict=False) if isinstance(a, Answer)}
    reports = {
        target: a
        for target, a in zip(external, results[len(hosts) : len(hosts) + len(external)], strict=True)
        if isinstance(a, Answer)
    }
    tree = results[-1] if len(spf) == 1 and isinstance(results[-1], SpfTree) else None
    return view, mx_hosts, tree, reports


async def _view_recursive(
    servers: Sequence[Server],
    domain: str,
    zone: str,
    settings: DiagnosticsSettings,
    selectors: Sequence[str] = (),
) -> View:
    label = ", ".join(str(s) for s in servers)
    answers = await fan_out(
        resolve(servers, qname, rtype, timeout=settings.query_timeout)
        for qname, rtype in questions(domain, zone, selectors)
    )
    return View(label, _by_question(answers))


def _by_question(answers: Sequence[Answer | BaseException]) -> dict[tuple[str, str], Answer]:
    return {(a.qname, a.rtype): a for a in answers if isinstance(a, Answer)}


async def _delegation(
    domain: str, system: Sequence[Server], settings: DiagnosticsSettings
) -> tuple[Delegation, dict[str, str]]:
    parent = domain.split(".", 1)[1]
    if settings.parent_servers:
        servers = [Server.parse(text) for text in settings.parent_servers]
    else:
        listed = await resolve(system, parent, "NS", timeout=settings.query_timeout)
        if not listed.records:
            why = listed.error or listed.rcode or "no NS records"
            return Delegation(parent, error=f"nameservers of {parent}: {why}"), {}
        servers = await _addresses(listed.records, dict(listed.glue), system, settings)
        if not servers:
            return Delegation(parent, error=f"no address for the nameservers of {parent}"), {}
    last = ""
    for server in servers[:MAX_PARENT_SERVERS]:
        answer = await ask(server, domain, "NS", recursive=False, timeout=settings.query_timeout)
        if not answer.answered or answer.rcode in {"REFUSED", "SERVFAIL"}:
            last = f"{server}: {answer.error or answer.rcode}"
            continue
        if answer.rcode == "NXDOMAIN":
            return Delegation(parent, str(server), rcode="NXDOMAIN"), {}
        names = answer.records or answer.referral
        at = (
            f"[{server.address}]:{server.port}"
            if ":" in server.address
            else f"{server.address}:{server.port}"
        )
        return Delegation(parent, str(server), tuple(names), answer.rcode, parent_at=at), dict(answer.glue)
    return Delegation(parent, error=last or "no server of the parent zone answered"), {}


@dataclass(frozen=True)
class _Authoritative:
    delegation: Delegation
    nameservers: tuple[NameserverView, ...] = ()
    provider: NameserverView | None = None
    dnssec: DnssecState | None = None


async def _authoritative(
    domain: str,
    zone: str,
    system: Sequence[Server],
    settings: DiagnosticsSettings,
    selectors: Sequence[str],
    expected: Sequence[str],
    view_ready: asyncio.Future[View],
) -> _Authoritative:
    """The parent's delegation, then each nameserver asked directly, and the DNSSEC chain.

    The delegated nameservers are asked as soon as the parent answers; those
    only the zone itself lists (its NS records, in the system's view) when
    that view arrives.
    """
    delegation, glue = await _delegation(zone, system, settings)
    if delegation.rcode == "NXDOMAIN":
        return _Authoritative(delegation)
    delegated = list(delegation.nameservers)

    def ask_each(names: Sequence[str]) -> list[Awaitable[NameserverView]]:
        return [_ask_nameserver(name, domain, zone, glue, system, settings, selectors) for name in names]

    async def listed_in_zone() -> tuple[list[str], list[NameserverView | BaseException]]:
        view = await asyncio.shield(view_ready)
        extra = [n for n in view.records(zone, "NS") if n not in delegated]
        return extra, await fan_out(ask_each(extra))

    async def chain() -> DnssecState:
        names = delegated or (await asyncio.shield(view_ready)).records(zone, "NS")
        return await _dnssec(zone, delegation, names, glue, system, settings)

    async def provider() -> NameserverView | None:
        # does the provider's own zone already have the right address?
        view = await asyncio.shield(view_ready)
        names = delegated + [n for n in view.records(zone, "NS") if n not in delegated]
        if not expected or not set(names) - set(expected):
            return None
        return await _ask_nameserver(expected[0], domain, zone, {}, system, settings)

    first, later, signed, own = await fan_out(
        [fan_out(ask_each(delegated)), listed_in_zone(), chain(), provider()]
    )
    found: list[NameserverView | BaseException] = list(first) if isinstance(first, list) else []
    if isinstance(later, tuple):
        found += later[1]
    return _Authoritative(
        delegation,
        tuple(ns for ns in found if isinstance(ns, NameserverView)),
        own if isinstance(own, NameserverView) else None,
        signed if isinstance(signed, DnssecState) else None,
    )


async def _dnssec(
    zone: str,
    delegation: Delegation,
    names: Sequence[str],
    glue: dict[str, str],
    system: Sequence[Server],
    settings: DiagnosticsSettings,
) -> DnssecState:
    """The DNSSEC chain, asked of the parent server that answered and the first nameserver."""
    if not delegation.parent_at or not names:
        return DnssecState()
    servers = await _addresses(list(names[:1]), glue, system, settings)
    parent = Server.parse(delegation.parent_at)
    return await dnssec_state(zone, parent, servers[0] if servers else None, timeout=settings.query_timeout)


async def _addresses(
    names: Sequence[str], glue: dict[str, str], system: Sequence[Server], settings: DiagnosticsSettings
) -> list[Server]:
    """Servers for nameserver ``names``: override, else glue, else resolved."""
    servers: list[Server] = []
    missing: list[str] = []
    for name in names:
        override = settings.nameserver_addresses.get(name)
        if override:
            servers.append(Server.parse(override, label=name))
        elif name in glue:
            servers.append(Server(glue[name], 53, name))
        else:
            missing.append(name)
    found = await fan_out(resolve(system, n, "A", timeout=settings.query_timeout) for n in missing)
    for name, answer in zip(missing, found, strict=True):
        if isinstance(answer, Answer) and answer.records:
            servers.append(Server(answer.records[0], 53, name))
    return servers


async def _ask_nameserver(
    name: str,
    domain: str,
    zone: str,
    glue: dict[str, str],
    system: Sequence[Server],
    settings: DiagnosticsSettings,
    selectors: Sequence[str] = (),
) -> NameserverView:
    found = await _addresses([name], glue, system, settings)
    if not found:
        return NameserverView(name, error="unresolvable")
    server = found[0]
    answers = await fan_out(
        ask(server, qname, rtype, recursive=False, timeout=settings.query_timeout)
        for qname, rtype in questions(domain, zone, selectors)
    )
    where = server.address if server.port == 53 else f"{server.address}:{server.port}"
    return NameserverView(name, where, View(str(server), _by_question(answers)))


def _unexpected(result: object) -> BaseException:
    return result if isinstance(result, BaseException) else TypeError(repr(result))
