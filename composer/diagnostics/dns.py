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

from collections.abc import Awaitable, Sequence

from composer.diagnostics.dns_findings import Delegation, DnsObservations, NameserverView, View, evaluate
from composer.diagnostics.dns_query import Answer, Server, ask, resolve, system_resolvers
from composer.diagnostics.runner import CheckContext, CheckOutput, fan_out
from composer.diagnostics.settings import DiagnosticsSettings

__all__ = ["check_dns", "observe", "questions"]

MAX_PARENT_SERVERS = 3
# Names users recognise for the default public resolvers.
KNOWN_RESOLVERS = {
    "1.1.1.1": "Cloudflare",
    "8.8.8.8": "Google Public DNS",
    "9.9.9.9": "Quad9",
    "1.0.0.1": "Cloudflare",
    "8.8.4.4": "Google Public DNS",
    "149.112.112.112": "Quad9",
}


def questions(domain: str) -> list[tuple[str, str]]:
    """What every view is asked about ``domain``."""
    return [
        (domain, "SOA"),
        (domain, "NS"),
        (domain, "A"),
        (domain, "AAAA"),
        (domain, "MX"),
        (domain, "TXT"),
        (f"_dmarc.{domain}", "TXT"),
        (f"www.{domain}", "A"),
    ]


async def check_dns(context: CheckContext) -> CheckOutput:
    """The ``dns`` check (never raises for network failures; they are findings)."""
    observations = await observe(context.domain, context.settings)
    findings = evaluate(observations, context.profile, check=context.name)
    reached = (
        observations.system.answered
        or any(ns.view is not None and ns.view.answered for ns in observations.nameservers)
        or any(view.answered for view in observations.public)
    )
    mx = sorted(observations.system.records(context.domain, "MX"))
    return CheckOutput(findings=tuple(findings), facts={"mx": mx}, reached_network=reached)


async def observe(domain: str, settings: DiagnosticsSettings) -> DnsObservations:
    """Ask everything, concurrently where possible."""
    system = system_resolvers(settings)
    publics = [Server.parse(t, KNOWN_RESOLVERS.get(t, "")) for t in settings.public_resolvers]
    system_task = _view_recursive(system, domain, settings)
    delegation_task = _delegation(domain, system, settings)
    public_tasks = [_view_recursive([server], domain, settings) for server in publics]
    everything: list[Awaitable[object]] = [system_task, delegation_task, *public_tasks]
    system_view, delegation_result, *public_views = await fan_out(everything)
    if not isinstance(system_view, View):
        raise _unexpected(system_view)
    if not isinstance(delegation_result, tuple):
        raise _unexpected(delegation_result)
    delegation, glue = delegation_result
    names = list(delegation.nameservers)
    names += [n for n in system_view.records(domain, "NS") if n not in names]
    nameservers: list[NameserverView] = []
    if delegation.rcode != "NXDOMAIN":
        found = await fan_out(_ask_nameserver(name, domain, glue, system, settings) for name in names)
        nameservers = [ns for ns in found if isinstance(ns, NameserverView)]
    return DnsObservations(
        domain=domain,
        delegation=delegation,
        nameservers=tuple(nameservers),
        system=system_view,
        public=tuple(v for v in public_views if isinstance(v, View)),
    )


async def _view_recursive(servers: Sequence[Server], domain: str, settings: DiagnosticsSettings) -> View:
    label = ", ".join(str(s) for s in servers)
    answers = await fan_out(
        resolve(servers, qname, rtype, timeout=settings.query_timeout) for qname, rtype in questions(domain)
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
        return Delegation(parent, str(server), tuple(names), answer.rcode), dict(answer.glue)
    return Delegation(parent, error=last or "no server of the parent zone answered"), {}


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
    glue: dict[str, str],
    system: Sequence[Server],
    settings: DiagnosticsSettings,
) -> NameserverView:
    found = await _addresses([name], glue, system, settings)
    if not found:
        return NameserverView(name, error="unresolvable")
    server = found[0]
    answers = await fan_out(
        ask(server, qname, rtype, recursive=False, timeout=settings.query_timeout)
        for qname, rtype in questions(domain)
    )
    where = server.address if server.port == 53 else f"{server.address}:{server.port}"
    return NameserverView(name, where, View(str(server), _by_question(answers)))


def _unexpected(result: object) -> BaseException:
    return result if isinstance(result, BaseException) else TypeError(repr(result))
