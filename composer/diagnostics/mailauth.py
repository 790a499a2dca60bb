"""SPF and DMARC records: parsing and judging, no I/O.

Only what can be judged from the domain's own records: whether there is
exactly one SPF record, whether its terms are well formed, whether it names
the provider, and whether a DMARC policy exists. Following ``include:`` chains
(and counting their lookups) would need more queries and is left to the
provider's agent.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Any

from composer.diagnostics.findings import make_finding
from composer.model import Finding

__all__ = ["dmarc_findings", "parse_dmarc", "spf_findings", "spf_problem"]

_SPF_START = re.compile(r"^v=spf1(\s|$)", re.IGNORECASE)
_DMARC_START = re.compile(r"^v\s*=\s*DMARC1\s*(;|$)", re.IGNORECASE)
_MECHANISM = re.compile(r"^([+\-~?]?)([a-z0-9]+)(?::(.*?))?(/\d+)?(//\d+)?$", re.IGNORECASE)
_MODIFIER = re.compile(r"^([a-z][a-z0-9_.\-]*)=(.*)$", re.IGNORECASE)
_LOOKUP_TERMS = {"include", "a", "mx", "ptr", "exists", "redirect"}
MAX_SPF_LOOKUPS = 10


def spf_records(txt_records: Sequence[str]) -> list[str]:
    return [text for text in txt_records if _SPF_START.match(text.strip())]


def spf_problem(record: str) -> str:
    """What is wrong with one SPF record, in a short technical phrase; ``""`` if nothing."""
    terms = record.split()[1:]
    lookups = 0
    modifiers: dict[str, int] = {}
    for term in terms:
        modifier = _MODIFIER.match(term)
        if modifier and ":" not in modifier.group(1):
            name = modifier.group(1).lower()
            modifiers[name] = modifiers.get(name, 0) + 1
            if name == "redirect":
                lookups += 1
            if name in {"redirect", "exp"} and not modifier.group(2):
                return f"“{term}” has no domain"
            continue
        match = _MECHANISM.match(term)
        if not match:
            return f"“{term}” is not a valid term"
        mechanism, value = match.group(2).lower(), match.group(3)
        if mechanism not in {"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"}:
            return f"“{term}” is not a known mechanism"
        if mechanism in _LOOKUP_TERMS:
            lookups += 1
        if mechanism in {"include", "exists"} and not value:
            return f"“{term}” has no domain"
        if mechanism == "all" and (value or match.group(4)):
            return f"“{term}” is not a valid term"
        if mechanism in {"ip4", "ip6"}:
            problem = _address_problem(mechanism, value, match.group(4), term)
            if problem:
                return problem
    for name in ("redirect", "exp"):
        if modifiers.get(name, 0) > 1:
            return f"“{name}=” appears more than once"
    if lookups > MAX_SPF_LOOKUPS:
        return f"{lookups} terms need DNS lookups; at most {MAX_SPF_LOOKUPS} are allowed"
    return ""


def _address_problem(mechanism: str, value: str | None, prefix: str | None, term: str) -> str:
    if not value:
        return f"“{term}” has no address"
    text = value + (prefix or "")
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return f"“{term}” is not a valid address"
    if (mechanism == "ip4") != (network.version == 4):
        return f"“{term}” has an address of the wrong kind"
    return ""


def spf_findings(
    domain: str, txt_records: Sequence[str], *, include: str, provider: str, check: str
) -> list[Finding]:
    """Findings for the SPF record(s) among a domain's TXT records."""
    params: dict[str, Any] = {"domain": domain, "provider": provider, "include": include or "…"}
    records = spf_records(txt_records)
    if not records:
        return [make_finding("mail.spf_missing", check=check, **params)]
    if len(records) > 1:
        detail = "\n".join(records)
        reason = f"there are {len(records)} SPF records, only one is allowed"
        return [make_finding("mail.spf_invalid", check=check, detail=detail, reason=reason, **params)]
    record = records[0]
    problem = spf_problem(record)
    if problem:
        return [make_finding("mail.spf_invalid", check=check, detail=record, reason=problem, **params)]
    if include and not _names(record, include):
        return [make_finding("mail.spf_include_missing", check=check, detail=record, **params)]
    return [make_finding("mail.spf_ok", check=check, record=record, **params)]


def _names(record: str, include: str) -> bool:
    wanted = include.lower().rstrip(".")
    for term in record.lower().split()[1:]:
        body = term.lstrip("+-~?")
        for prefix in ("include:", "redirect="):
            if body.startswith(prefix) and body[len(prefix) :].rstrip(".") == wanted:
                return True
    return False


def parse_dmarc(record: str) -> tuple[dict[str, str], str]:
    """The tags of a DMARC record and what is wrong with it (``""`` if nothing)."""
    tags: dict[str, str] = {}
    for part in record.split(";"):
        name, sep, value = part.partition("=")
        if not part.strip():
            continue
        if not sep:
            return tags, f"“{part.strip()}” is not a tag"
        tags[name.strip().lower()] = value.strip()
    if "p" not in tags:
        return tags, "the policy tag “p=” is missing"
    if tags["p"].lower() not in {"none", "quarantine", "reject"}:
        return tags, f"“p={tags['p']}” is not a policy (none, quarantine or reject)"
    return tags, ""


def dmarc_findings(domain: str, txt_records: Sequence[str], *, check: str) -> list[Finding]:
    """Findings for the TXT records found at ``_dmarc.<domain>``."""
    records = [text for text in txt_records if _DMARC_START.match(text.strip())]
    if not records:
        return [make_finding("mail.dmarc_missing", check=check, domain=domain)]
    if len(records) > 1:
        return [
            make_finding(
                "mail.dmarc_invalid",
                check=check,
                domain=domain,
                detail="\n".join(records),
                reason=f"there are {len(records)} DMARC records",
            )
        ]
    _tags, problem = parse_dmarc(records[0])
    if problem:
        return [
            make_finding("mail.dmarc_invalid", check=check, domain=domain, detail=records[0], reason=problem)
        ]
    return [make_finding("mail.dmarc_ok", check=check, domain=domain, record=records[0])]
