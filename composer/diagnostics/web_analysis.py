"""Analyses over the four web checks: one finding per fault, and HTTP that stays HTTP.

The checks ask ``http://``, ``https://``, ``http://www.`` and ``https://www.``
independently; one fault (a server that is down) then shows four times.
:func:`group_web_findings` makes it one finding that lists the addresses.
:func:`https_redirect_analysis` notices plain HTTP that never sends the
visitor on to an HTTPS that works.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from composer.diagnostics.findings import make_finding
from composer.diagnostics.runner import CheckOutput
from composer.model import Finding, Severity, display_domain

__all__ = ["group_web_findings", "https_redirect_analysis"]

PAIRS = (("web.http", "web.https"), ("web.www_http", "web.www_https"))


def _key(finding: Finding) -> tuple[Any, ...]:
    p = finding.params
    return (finding.code, p.get("variant", ""), p.get("status", ""), p.get("ip", ""), p.get("issuer", ""))


def group_web_findings(outputs: Mapping[str, CheckOutput], findings: list[Finding]) -> list[Finding]:
    """Merge findings of the same kind (all but good news) from the web checks into one."""
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    order: list[Finding | tuple[Any, ...]] = []
    for finding in findings:
        if not finding.check.startswith("web.") or finding.severity is Severity.OK:
            order.append(finding)
            continue
        key = _key(finding)
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(finding)
    merged: list[Finding] = []
    for item in order:
        if isinstance(item, Finding):
            merged.append(item)
            continue
        members = groups[item]
        if len(members) == 1:
            merged.append(members[0])
            continue
        first = members[0]
        urls = _unique(u for f in members for u in str(f.params.get("urls", "")).split(", ") if u)
        sites = _unique(str(f.params.get("site", "")) for f in members if f.params.get("site"))
        hosts = _unique(str(f.params.get("host", "")) for f in members if f.params.get("host"))
        params = {**first.params, "urls": ", ".join(urls), "site": ", ".join(sites)}
        if hosts:
            params["host"] = ", ".join(hosts)
        detail = "\n".join(_unique(f.detail for f in members if f.detail))
        merged.append(
            make_finding(first.code, check=first.check, detail=detail, severity=first.severity, **params)
        )
    return merged


def _unique(items: Any) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def https_redirect_analysis(outputs: Mapping[str, CheckOutput], findings: list[Finding]) -> list[Finding]:
    """``web.no_https_redirect`` where HTTP answers without redirecting while HTTPS works."""
    added: list[Finding] = []
    for plain_name, secure_name in PAIRS:
        plain, secure = outputs.get(plain_name), outputs.get(secure_name)
        if plain is None or secure is None:
            continue
        final = str(plain.facts.get("final_url", ""))
        if not final.startswith("http://") or not 200 <= int(plain.facts.get("final_status", 0)) < 400:
            continue
        if not 200 <= int(secure.facts.get("final_status", 0)) < 400 or secure.facts.get("loop"):
            continue
        if any(f.check == secure_name and f.severity.rank >= Severity.WARNING.rank for f in findings):
            continue  # HTTPS does not work properly: that finding says what to fix first
        url = str(plain.facts.get("url", ""))
        host = display_domain(urlsplit(url).hostname or "")
        added.append(
            make_finding(
                "web.no_https_redirect",
                check=plain_name,
                detail=f"{url} -> {final} [{plain.facts.get('final_status')}]",
                site=host,
                url=f"http://{host}/",
                https=f"https://{host}/",
                urls=f"http://{host}/",
            )
        )
    return [*findings, *added]
