"""Registration data: RDAP bootstrap, RDAP and WHOIS answers, dates; no I/O.

WHOIS has no standard format: :func:`parse_whois` knows the keys and date
formats of the common registries (ICANN's gTLD format, RIPE-style
``key: value`` lists, ``paid-till``, day-first dates). Ambiguous numeric
dates are read day first, as European registries write them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from composer.diagnostics.findings import make_finding
from composer.diagnostics.words import time_left
from composer.model import Finding, display_domain

__all__ = [
    "RegistrationInfo",
    "parse_bootstrap",
    "parse_date",
    "parse_rdap",
    "parse_whois",
    "rdap_base_url",
    "registration_findings",
    "whois_referral",
]

HOLD = {"clienthold", "serverhold", "inactive"}
REDEMPTION = {"redemptionperiod", "pendingrestore"}
DELETING = {"pendingdelete"}


@dataclass(frozen=True)
class RegistrationInfo:
    """What the registry said, or why it could not be asked (``error``)."""

    source: str
    found: bool = True
    expires: datetime | None = None
    created: datetime | None = None
    registrar: str = ""
    statuses: tuple[str, ...] = ()
    error: str = ""


def normalise_status(status: str) -> str:
    """``"client hold"``, ``"clientHold"``, ``"CLIENT-HOLD"`` -> ``"clienthold"``."""
    return re.sub(r"[^a-z]", "", status.split("http")[0].lower())


def parse_bootstrap(text: str) -> dict[str, str]:
    """TLD (or suffix) -> RDAP base URL ending in ``/``, from an IANA ``dns.json``.

    Raises:
        ValueError: the text is not a bootstrap file.
    """
    data = json.loads(text)
    services = data.get("services") if isinstance(data, dict) else None
    if not isinstance(services, list):
        raise ValueError("not an RDAP bootstrap file: no services")
    table: dict[str, str] = {}
    for service in services:
        suffixes, urls = service[0], service[1]
        chosen = next((u for u in urls if u.startswith("https://")), urls[0] if urls else "")
        if chosen:
            for suffix in suffixes:
                table[suffix.lower()] = chosen if chosen.endswith("/") else chosen + "/"
    return table


def rdap_base_url(table: Mapping[str, str], domain: str) -> str | None:
    """The RDAP service for ``domain``: the longest suffix in the table that matches."""
    labels = domain.lower().split(".")
    for start in range(1, len(labels)):
        suffix = ".".join(labels[start:])
        if suffix in table:
            return table[suffix]
    return None


def parse_rdap(data: Any, source: str) -> RegistrationInfo:
    """A domain object from an RDAP server (RFC 9083)."""
    if not isinstance(data, dict):
        return RegistrationInfo(source, error="the answer is not an RDAP object")
    expires = created = None
    for event in data.get("events", []):
        action = str(event.get("eventAction", "")).lower()
        when = parse_date(str(event.get("eventDate", "")))
        if action == "expiration":
            expires = when
        elif action == "registration":
            created = when
    return RegistrationInfo(
        source=source,
        expires=expires,
        created=created,
        registrar=_rdap_registrar(data.get("entities", [])),
        statuses=tuple(str(s) for s in data.get("status", [])),
    )


def _rdap_registrar(entities: Sequence[Any]) -> str:
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        if "registrar" in entity.get("roles", []):
            vcard = entity.get("vcardArray", [None, []])
            for item in vcard[1] if len(vcard) > 1 else []:
                if item and item[0] == "fn":
                    return str(item[3])
            return str(entity.get("handle", ""))
        nested = _rdap_registrar(entity.get("entities", []))
        if nested:
            return nested
    return ""


_EXPIRY_KEYS = (
    "registry expiry date",
    "registrar registration expiration date",
    "expiry date",
    "expiration date",
    "expiration time",
    "expire date",
    "expires on",
    "expires",
    "expire",
    "paid-till",
    "renewal date",
    "valid until",
    "domain expiration date",
)
_REGISTRAR_KEYS = ("registrar", "sponsoring registrar", "registrar name", "registrar organization")
_STATUS_KEYS = ("domain status", "status", "state", "eppstatus")
_NOT_FOUND = re.compile(
    r"^(no match|not found|no entries found|no data found|domain not found|"
    r"%% no entries|no object found|status:\s*(free|available))",
    re.IGNORECASE | re.MULTILINE,
)


def parse_whois(text: str, source: str) -> RegistrationInfo:
    """A WHOIS answer as registration data."""
    if _NOT_FOUND.search(text):
        return RegistrationInfo(source, found=False)
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition(":")
        if sep and value.strip() and not key.startswith(("%", "#", ">>>")):
            fields.setdefault(key.strip().lower(), []).append(value.strip())
    expires = next((parse_date(fields[key][0]) for key in _EXPIRY_KEYS if key in fields), None)
    registrar = next((fields[key][0] for key in _REGISTRAR_KEYS if key in fields), "")
    statuses = tuple(
        s.split()[0] if s.split() and "http" in s else s for key in _STATUS_KEYS for s in fields.get(key, [])
    )
    if expires is None and not registrar and not statuses:
        return RegistrationInfo(source, error="the WHOIS answer has no registration data")
    return RegistrationInfo(source, expires=expires, registrar=registrar, statuses=statuses)


def whois_referral(text: str) -> str:
    """The ``whois:`` server that whois.iana.org names for a TLD, or ``""``."""
    match = re.search(r"^(?:whois|refer):\s*(\S+)", text, re.IGNORECASE | re.MULTILINE)
    return match.group(1) if match else ""


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y.%m.%d",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%d-%b-%Y",
    "%d %b %Y",
    "%b %d %Y",
    "%d-%B-%Y",
    "%d %B %Y",
    "%B %d %Y",
    "%Y%m%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y.%m.%d %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d-%b-%Y %H:%M:%S",
    "%a %b %d %H:%M:%S %Y",
    "%Y-%m-%d %H:%M",
)


def parse_date(text: str) -> datetime | None:
    """A registry date as an aware datetime (UTC when no zone is given), or None."""
    value = text.strip()
    if not value:
        return None
    iso = value.replace("Z", "+00:00").replace(" UTC", "+00:00")
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        parsed = None
    if parsed is None:
        cleaned = re.sub(r"\s*(\(.*\)|UTC|GMT|[A-Z]{3,4}T)$", "", value).strip().rstrip(".")
        cleaned = cleaned.replace(",", "").replace("T", " ") if "T" in cleaned[8:11] else cleaned
        cleaned = cleaned.replace(",", "")
        for fmt in _DATE_FORMATS:
            try:
                parsed = datetime.strptime(cleaned, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def registration_findings(
    info: RegistrationInfo, domain: str, *, now: datetime, warning_days: int, check: str
) -> list[Finding]:
    """What the registration data means for the user, and what to do today."""
    params: dict[str, Any] = {
        "domain": display_domain(domain),
        "tld": domain.rsplit(".", 1)[-1],
        "registrar": info.registrar.rstrip(". "),
    }
    named = "" if info.registrar else "no_registrar"
    if info.error:
        variant = ""
        if info.error.startswith("no RDAP or WHOIS service"):
            variant = "no_service"
        elif not info.error.startswith("no answer"):
            variant = "unreadable"
        return [
            make_finding(
                "registration.lookup_unavailable",
                check=check,
                detail=f"{info.source}: {info.error}",
                variant=variant,
                **params,
            )
        ]
    if not info.found:
        return [make_finding("registration.not_registered", check=check, detail=info.source, **params)]
    detail = "\n".join(
        [
            f"source: {info.source}",
            f"expires: {info.expires.isoformat() if info.expires else '-'}",
            f"registrar: {info.registrar or '-'}",
            f"status: {', '.join(info.statuses) or '-'}",
        ]
    )
    params["expires"] = info.expires.date().isoformat() if info.expires else "?"
    params["statuses"] = ", ".join(info.statuses)
    statuses = {normalise_status(s) for s in info.statuses}
    findings: list[Finding] = []

    def add(code: str, variant: str = named, **extra: Any) -> None:
        findings.append(make_finding(code, check=check, detail=detail, variant=variant, **params, **extra))

    if statuses & DELETING:
        add("registration.pending_delete")
    elif statuses & REDEMPTION:
        add("registration.redemption")
    elif statuses & HOLD:
        server = "serverhold" in statuses and "clienthold" not in statuses
        add("registration.on_hold", ("server_no_registrar" if named else "server") if server else named)
    if info.expires is not None and not findings:
        left = info.expires - now
        if left.total_seconds() < 0:
            add("registration.expired")
        elif left.days < warning_days:
            add("registration.expiring_soon", days=left.days, left=time_left(left))
    if not findings:
        add("registration.ok")
    return findings
