"""The environment: where the checks ran from, the clock, and whether there is a network.

The ``environment`` check itself needs no network: operating system, app
version, the resolvers in use. The two analyses run after every check has
ended: :func:`clock_analysis` compares this computer's clock with the
``Date`` headers the servers sent, and :func:`offline_analysis` turns "no
server answered at all" into one clear finding instead of a dozen.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from composer import __version__
from composer.diagnostics.dns_query import system_resolvers
from composer.diagnostics.findings import make_finding
from composer.diagnostics.runner import Analysis, CheckContext, CheckOutput
from composer.diagnostics.words import human_duration, local_time
from composer.model import Finding

__all__ = [
    "check_environment",
    "clock_analysis",
    "clock_skew",
    "consequence_analysis",
    "not_found_analysis",
    "offline_analysis",
]

# finding code -> codes it makes redundant (they follow from it)
CONSEQUENCES: dict[str, tuple[str, ...]] = {
    "dns.domain_not_found": ("web.www_missing", "web.unreachable", "registration.not_registered"),
    "dns.domain_not_found_unconfirmed": ("web.www_missing", "web.unreachable"),
    "dns.no_web_address": ("web.www_missing",),
    "dns.apex_without_address": ("web.unreachable",),
    # validating resolvers answer SERVFAIL: www "has no address" only because of the signatures
    "dns.dnssec_broken": ("web.www_missing", "web.unreachable"),
    **{
        code: ("web.www_missing", "web.unreachable")
        for code in (
            "registration.expired",
            "registration.on_hold",
            "registration.redemption",
            "registration.pending_delete",
        )
    },
}
# registration findings that explain why a registered domain is missing from its parent zone
_OFF_THE_INTERNET = (
    "registration.expired",
    "registration.on_hold",
    "registration.redemption",
    "registration.pending_delete",
)
# registration findings that show the registry knows the domain
_REGISTERED = (
    "registration.ok",
    "registration.expiring_soon",
    "registration.expired",
    "registration.on_hold",
    "registration.redemption",
    "registration.pending_delete",
)


async def check_environment(context: CheckContext) -> CheckOutput:
    """The ``environment`` check: facts about this computer (no network)."""
    resolvers = [str(s) for s in system_resolvers(context.settings)] or ["?"]
    os_name = f"{platform.system()} {platform.release()}".strip() or sys.platform
    facts: dict[str, Any] = {
        "os": os_name,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "app_version": __version__,
        "resolvers": resolvers,
        "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    finding = make_finding(
        "env.info",
        check=context.name,
        detail="\n".join(f"{k}: {v}" for k, v in facts.items()),
        os=os_name,
        version=__version__,
        resolvers=", ".join(resolvers),
    )
    return CheckOutput((finding,), facts, reached_network=None)


def clock_skew(dates: Sequence[tuple[str, str, float]]) -> float | None:
    """Seconds this computer is ahead of the servers (median), from ``(url, Date, received)``."""
    skews: list[float] = []
    for _url, header, received in dates:
        try:
            server = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            continue
        if server.tzinfo is None:
            server = server.replace(tzinfo=UTC)
        skews.append(received - server.timestamp())
    return _median(skews) if skews else None


def _median(values: list[float]) -> float:
    # statistics.median, without importing the statistics module into every diagnosis for it
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def clock_analysis(tolerance: float) -> Analysis:
    """An analysis adding ``env.clock_skew`` (or ``env.clock_ok``) from the servers' clocks."""

    def analyse(outputs: Mapping[str, CheckOutput], findings: list[Finding]) -> list[Finding]:
        dates = [d for out in outputs.values() for d in out.facts.get("server_dates", [])]
        skew = clock_skew(dates)
        if skew is None:
            return findings
        detail = "\n".join(f"{url}: Date: {header}" for url, header, _r in dates)
        seconds = round(abs(skew))
        if abs(skew) <= tolerance:
            return [
                *findings,
                make_finding(
                    "env.clock_ok",
                    check="environment",
                    detail=detail,
                    skew=seconds,
                    skew_text=human_duration(max(seconds, 1)),
                ),
            ]
        now = datetime.now(UTC)
        server_time = datetime.fromtimestamp(now.timestamp() - skew, UTC).astimezone()
        added = make_finding(
            "env.clock_skew",
            check="environment",
            detail=detail,
            skew=round(skew),
            skew_text=human_duration(seconds),
            server_time=local_time(server_time, with_date=True),
            local_time=local_time(now, with_date=True),
        )
        return [*findings, added]

    return analyse


def offline_analysis(outputs: Mapping[str, CheckOutput], findings: list[Finding]) -> list[Finding]:
    """When no check reached any server, say so once and drop the consequences."""
    tried = [out.reached_network for out in outputs.values() if out.reached_network is not None]
    if not tried or any(tried):
        return findings
    kept = [f for f in findings if f.code.startswith(("env.", "diagnostics."))]
    return [*kept, make_finding("env.offline", check="environment")]


def consequence_analysis(outputs: Mapping[str, CheckOutput], findings: list[Finding]) -> list[Finding]:
    """Drop findings that only repeat a worse one (no www. when the domain has no address)."""
    codes = {f.code for f in findings}
    moot = {code for cause, effects in CONSEQUENCES.items() if cause in codes for code in effects}
    return [f for f in findings if f.code not in moot]


def not_found_analysis(outputs: Mapping[str, CheckOutput], findings: list[Finding]) -> list[Finding]:
    """Settle "your network says the domain does not exist" with what the registry said.

    The registry says it is not registered: the domain does not exist
    (``dns.domain_not_found``). The registry knows it: the user's network
    gives a wrong answer. The registry could not be asked: it stays unconfirmed.
    """
    codes = {f.code for f in findings}
    if "dns.domain_not_found" in codes and codes & set(_OFF_THE_INTERNET):
        # the registry knows it and says why it is gone: that finding tells the whole story
        return [f for f in findings if f.code != "dns.domain_not_found"]
    unconfirmed = next((f for f in findings if f.code == "dns.domain_not_found_unconfirmed"), None)
    if unconfirmed is None:
        return findings
    registration = "\n".join(f.detail for f in findings if f.code.startswith("registration."))
    if "registration.not_registered" in codes:
        replacement = make_finding(
            "dns.domain_not_found",
            check=unconfirmed.check,
            detail=f"{unconfirmed.detail}\nregistry: {registration}",
            **{k: v for k, v in unconfirmed.params.items() if k != "variant"},
        )
    elif codes & set(_REGISTERED):
        replacement = make_finding(
            "dns.domain_not_found_unconfirmed",
            check=unconfirmed.check,
            detail=f"{unconfirmed.detail}\nregistry: {registration}",
            **{**unconfirmed.params, "variant": "registry_knows"},
        )
    else:
        return findings
    return [replacement if f is unconfirmed else f for f in findings]
