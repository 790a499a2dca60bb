"""SPF and DMARC records: parsing and judging, no I/O.

What can be judged from the records themselves: exactly one SPF record, its
terms well formed, the provider named, and (from the tree that
:mod:`composer.diagnostics.spf` follows) the lookup limits; a DMARC policy
and where its reports go. Problems are variant keys of the finding code, so
every sentence is translated whole.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from typing import Any

from composer.diagnostics.findings import make_finding
from composer.diagnostics.spf import MAX_LOOKUPS, MAX_VOID, SpfTree
from composer.model import Finding

__all__ = [
    "dkim_findings",
    "dmarc_findings",
    "parse_dmarc",
    "report_domains",
    "spf_findings",
    "spf_problem",
    "spf_records",
]

_SPF_START = re.compile(r"^v=spf1(\s|$)", re.IGNORECASE)
_DMARC_START = re.compile(r"^v\s*=\s*DMARC1\s*(;|$)", re.IGNORECASE)
_MECHANISM = re.compile(r"^([+\-~?]?)([a-z0-9]+)(?::(.*?))?(/\d+)?(//\d+)?$", re.IGNORECASE)
_MODIFIER = re.compile(r"^([a-z][a-z0-9_.\-]*)=(.*)$", re.IGNORECASE)
_LOOKUP_TERMS = {"include", "a", "mx", "ptr", "exists", "redirect"}
MAX_SPF_LOOKUPS = MAX_LOOKUPS


def spf_records(txt_records: Sequence[str]) -> list[str]:
    return [text for text in txt_records if _SPF_START.match(text.strip())]


def spf_problem(record: str) -> tuple[str, str]:
    """What is wrong with one SPF record: ``(variant, term)``, or ``("", "")`` if nothing.

    The variant is one of ``mail.spf_invalid``'s (``bad_term``, ``unknown_term``,
    ``no_domain``, ``bad_address``, ``repeated``).
    """
    modifiers: dict[str, int] = {}
    for term in record.split()[1:]:
        modifier = _MODIFIER.match(term)
        if modifier and ":" not in modifier.group(1):
            name = modifier.group(1).lower()
            modifiers[name] = modifiers.get(name, 0) + 1
            if name in {"redirect", "exp"} and not modifier.group(2):
                return "no_domain", term
            if modifiers[name] > 1 and name in {"redirect", "exp"}:
                return "repeated", f"{name}="
            continue
        match = _MECHANISM.match(term)
        if not match:
            return "bad_term", term
        mechanism, value = match.group(2).lower(), match.group(3)
        if mechanism not in {"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"}:
            return "unknown_term", term
        if mechanism in {"include", "exists"} and not value:
            return "no_domain", term
        if mechanism == "all" and (value or match.group(4)):
            return "bad_term", term
        if mechanism in {"ip4", "ip6"} and _address_problem(mechanism, value, match.group(4)):
            return "bad_address", term
    return "", ""


def _address_problem(mechanism: str, value: str | None, prefix: str | None) -> bool:
    if not value:
        return True
    try:
        network = ipaddress.ip_network(value + (prefix or ""), strict=False)
    except ValueError:
        return True
    return (mechanism == "ip4") != (network.version == 4)


def own_lookups(record: str) -> int:
    """Lookup terms in the record itself (without following includes)."""
    count = 0
    for term in record.split()[1:]:
        body = term.lstrip("+-~?").lower()
        head = re.split(r"[:=/]", body, maxsplit=1)[0]
        count += head in _LOOKUP_TERMS
    return count


def spf_findings(
    name: str,
    txt_records: Sequence[str],
    *,
    include: str,
    provider: str,
    check: str,
    tree: SpfTree | None = None,
) -> list[Finding]:
    """Findings for the SPF record(s) among a name's TXT records."""
    suggestion = f"v=spf1 include:{include} ~all" if include else "v=spf1 mx a ~all"
    params: dict[str, Any] = {
        "name": name,
        "provider": provider,
        "include": include,
        "suggestion": suggestion,
    }
    records = spf_records(txt_records)
    if not records:
        return [make_finding("mail.spf_missing", check=check, **params)]
    if len(records) > 1:
        detail = "\n".join(records)
        return [
            make_finding(
                "mail.spf_invalid",
                check=check,
                detail=detail,
                variant="several",
                count=len(records),
                **params,
            )
        ]
    record = records[0]
    variant, term = spf_problem(record)
    if variant:
        return [
            make_finding("mail.spf_invalid", check=check, detail=record, variant=variant, term=term, **params)
        ]
    tree_text = tree.text() if tree else record
    lookups = tree.lookups if tree else own_lookups(record)
    findings: list[Finding] = []
    if lookups > MAX_LOOKUPS:
        findings.append(
            make_finding("mail.spf_too_many_lookups", check=check, detail=tree_text, count=lookups, **params)
        )
    if tree is not None and len(tree.void) > MAX_VOID:
        findings.append(
            make_finding(
                "mail.spf_void_lookups",
                check=check,
                detail=tree_text,
                count=len(tree.void),
                names=", ".join(tree.void),
                **params,
            )
        )
    if include and not _names(record, include):
        findings.append(make_finding("mail.spf_include_missing", check=check, detail=tree_text, **params))
    if not findings:
        findings.append(make_finding("mail.spf_ok", check=check, detail=tree_text, record=record, **params))
    return findings


def _names(record: str, include: str) -> bool:
    wanted = include.lower().rstrip(".")
    for term in record.lower().split()[1:]:
        body = term.lstrip("+-~?")
        for prefix in ("include:", "redirect="):
            if body.startswith(prefix) and body[len(prefix) :].rstrip(".") == wanted:
                return True
    return False


def parse_dmarc(record: str) -> tuple[dict[str, str], str, str]:
    """The tags of a DMARC record and what is wrong: ``(tags, variant, term)``."""
    tags: dict[str, str] = {}
    for part in record.split(";"):
        tag, sep, value = part.partition("=")
        if not part.strip():
            continue
        if not sep:
            return tags, "not_a_tag", part.strip()
        tags[tag.strip().lower()] = value.strip()
    if "p" not in tags:
        return tags, "no_policy", ""
    if tags["p"].lower() not in {"none", "quarantine", "reject"}:
        return tags, "bad_policy", tags["p"]
    if "sp" in tags and tags["sp"].lower() not in {"none", "quarantine", "reject"}:
        return tags, "bad_policy", tags["sp"]
    return tags, "", ""


def report_domains(tags: dict[str, str], domain: str) -> list[str]:
    """The domains outside ``domain`` that the ``rua``/``ruf`` reports go to."""
    found: list[str] = []
    for key in ("rua", "ruf"):
        for uri in tags.get(key, "").split(","):
            address = uri.strip().removeprefix("mailto:").split("!", 1)[0]
            target = address.rsplit("@", 1)[-1].lower().rstrip(".") if "@" in address else ""
            inside = target == domain or target.endswith("." + domain) or domain.endswith("." + target)
            if target and not inside and target not in found:
                found.append(target)
    return found


def dmarc_findings(
    name: str,
    txt_records: Sequence[str],
    *,
    check: str,
    reports: Mapping[str, Sequence[str]] | None = None,
    zone: str = "",
) -> list[Finding]:
    """Findings for the TXT records found at ``_dmarc.<name>``.

    ``reports`` maps each outside domain the reports go to, as asked, to its TXT
    records at ``<name>._report._dmarc.<domain>`` (RFC 7489 7.1): without a
    ``v=DMARC1`` record there, receivers send it no reports.
    """
    records = [text for text in txt_records if _DMARC_START.match(text.strip())]
    if not records:
        return [make_finding("mail.dmarc_missing", check=check, name=name)]
    if len(records) > 1:
        return [
            make_finding(
                "mail.dmarc_invalid",
                check=check,
                name=name,
                detail="\n".join(records),
                variant="several",
                count=len(records),
            )
        ]
    tags, variant, term = parse_dmarc(records[0])
    if variant:
        return [
            make_finding(
                "mail.dmarc_invalid", check=check, name=name, detail=records[0], variant=variant, term=term
            )
        ]
    findings: list[Finding] = []
    for target, found in (reports or {}).items():
        if not any(_DMARC_START.match(t.strip()) for t in found):
            record = f"{name}._report._dmarc.{target}"
            findings.append(
                make_finding(
                    "mail.dmarc_reports_refused",
                    check=check,
                    name=name,
                    detail=f"{records[0]}\n{record}: no v=DMARC1 record",
                    addresses=target,
                    record=f"{record} TXT “v=DMARC1”",
                )
            )
    policy = tags["p"].lower()
    sub = tags.get("sp", policy).lower()
    detail = f"{records[0]}\npolicy: {policy}; subdomains: {sub}"
    findings.append(
        make_finding(
            "mail.dmarc_ok", check=check, name=name, detail=detail, record=records[0], variant=policy
        )
    )
    if _STRENGTH.index(sub) < _STRENGTH.index(policy):  # forged mail "from" shop.<name> still arrives
        findings.append(
            make_finding(
                "mail.dmarc_subdomains_open",
                check=check,
                name=name,
                detail=detail,
                variant="quarantine" if sub == "quarantine" else "",
            )
        )
    return findings


# DMARC policies from the weakest to the strongest (RFC 7489 6.3).
_STRENGTH = ("none", "quarantine", "reject")


def dkim_findings(
    name: str, selector: str, txt_records: Sequence[str], *, record_name: str, provider: str, check: str
) -> list[Finding]:
    """The DKIM key the provider signs with: published, missing, or without a key (revoked)."""
    params: dict[str, Any] = {
        "name": name,
        "selector": selector,
        "record_name": record_name,
        "provider": provider,
    }
    keys = [t for t in txt_records if "p=" in t.replace(" ", "") or t.lower().startswith("v=dkim1")]
    if not keys:
        return [make_finding("mail.dkim_missing", check=check, detail=f"{record_name}: no record", **params)]
    tags = dict(
        (part.split("=", 1)[0].strip().lower(), part.split("=", 1)[1].strip())
        for part in keys[0].split(";")
        if "=" in part
    )
    if not tags.get("p"):
        return [make_finding("mail.dkim_invalid", check=check, detail=f"{record_name}: {keys[0]}", **params)]
    return [make_finding("mail.dkim_ok", check=check, detail=f"{record_name}: {keys[0]}", **params)]
