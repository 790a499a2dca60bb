"""DNSSEC: does the chain from the registry to the domain's signatures hold?

A DS record at the parent zone tells every validating resolver (Google,
Cloudflare, most internet providers) that the domain's answers are signed.
When the keys or signatures do not match it, those resolvers refuse to answer
at all: the classic "the site works for some people and not for others".
:func:`dnssec_state` asks the parent for the DS, the domain's own nameserver
for its keys (DNSKEY), its signed SOA and the records a customer relies on
(the address and the mail servers), and checks every signature with
dnspython's ``dns.dnssec.validate``: a zone edited without being signed
again has valid keys and a valid SOA but a site address that validating
resolvers throw away.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import dns.exception
import dns.message
import dns.name
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from dns.rdtypes.ANY.DNSKEY import DNSKEY
from dns.rdtypes.ANY.DS import DS
from dns.rdtypes.ANY.RRSIG import RRSIG

from composer.diagnostics.dns_query import Server, ask_raw
from composer.diagnostics.runner import fan_out

__all__ = ["DnssecState", "dnssec_state"]

# Besides the keys and the SOA: the records whose loss the customer notices.
_USED = ("A", "AAAA", "MX")


@dataclass(frozen=True)
class DnssecState:
    """``status``: ``""`` (not signed, or not known), ``ok``, ``no_keys``, ``wrong_key``,
    ``bad_signature`` or ``expired``; ``detail`` for the agent."""

    status: str = ""
    detail: str = ""
    expired_at: datetime | None = None


def _rrset(
    message: dns.message.Message, name: dns.name.Name, rdtype: int, covers: int = 0
) -> dns.rrset.RRset | None:
    for rrset in message.answer:
        if rrset.name == name and rrset.rdtype == rdtype and rrset.covers == covers:
            return rrset
    return None


async def dnssec_state(
    zone: str, parent: Server | None, nameserver: Server | None, *, timeout: float
) -> DnssecState:
    """Check the chain of ``zone``; never raises for the network (no answer is "not known")."""
    if parent is None or nameserver is None:
        return DnssecState()
    name = dns.name.from_text(zone)
    # all at once, so that a signed domain costs no extra round trip
    ds_answer, keys_answer, soa_answer, *used = await fan_out(
        [
            ask_raw(parent, zone, "DS", recursive=False, timeout=timeout, dnssec=True),
            *(
                ask_raw(nameserver, zone, rtype, recursive=False, timeout=timeout, dnssec=True)
                for rtype in ("DNSKEY", "SOA", *_USED)
            ),
        ]
    )
    if isinstance(ds_answer, BaseException) or isinstance(keys_answer, BaseException):
        return DnssecState(detail=f"DS from {parent}: {ds_answer}")
    if isinstance(soa_answer, BaseException):
        return DnssecState(detail=f"SOA from {nameserver}: {soa_answer}")
    if isinstance(ds_answer, str):
        return DnssecState(detail=f"DS from {parent}: {ds_answer}")
    ds_set = _rrset(ds_answer, name, dns.rdatatype.DS)
    if ds_set is None:
        return DnssecState(detail=f"no DS for {zone} at {parent}")
    from dns import dnssec as signing  # only for signed domains: it brings in cryptography

    ds_text = "; ".join(r.to_text() for r in ds_set)
    if isinstance(keys_answer, str) or isinstance(soa_answer, str):
        return DnssecState(detail=f"DS {ds_text}; {nameserver}: no answer")
    keys = _rrset(keys_answer, name, dns.rdatatype.DNSKEY)
    if keys is None:
        return DnssecState("no_keys", f"DS at {parent}: {ds_text}\nDNSKEY at {nameserver}: none")
    detail = f"DS at {parent}: {ds_text}\nDNSKEY at {nameserver}: " + "; ".join(
        f"{r.flags} key tag {signing.key_id(r)}" for r in keys if isinstance(r, DNSKEY)
    )
    matched = _matches(name, ds_set, keys)
    if matched is None:  # a digest this computer cannot compute: say nothing rather than guess
        return DnssecState(detail=detail + "\nDS digest type not supported here")
    if not matched:
        return DnssecState("wrong_key", detail + "\nno DNSKEY matches the DS")
    now = time.time()
    signed: list[tuple[dns.rrset.RRset | None, dns.message.Message]] = [
        (keys, keys_answer),
        (_rrset(soa_answer, name, dns.rdatatype.SOA), soa_answer),
    ]
    for rtype, answer in zip(_USED, used, strict=True):
        if not isinstance(answer, dns.message.Message):
            continue  # no answer: what the others show is the verdict
        rrset = _rrset(answer, name, dns.rdatatype.from_text(rtype))
        if rrset is not None:  # no such record: nothing to check
            signed.append((rrset, answer))
    for rrset, message in signed:
        if rrset is None:
            return DnssecState("bad_signature", detail + "\nno SOA")
        sigs = _rrset(message, name, dns.rdatatype.RRSIG, rrset.rdtype)
        if sigs is None:
            return DnssecState(
                "bad_signature", detail + f"\nno signature for {dns.rdatatype.to_text(rrset.rdtype)}"
            )
        latest = max(r.expiration for r in sigs if isinstance(r, RRSIG))
        if latest < now:
            expired = datetime.fromtimestamp(latest, UTC)
            return DnssecState("expired", detail + f"\nsignatures expired {expired.isoformat()}", expired)
        if not any(_supported(signing, r.algorithm) for r in sigs if isinstance(r, RRSIG)):
            return DnssecState(detail=detail + "\nsignature algorithm not supported here")
        try:
            signing.validate(rrset, sigs, {name: keys}, now=now, policy=signing.allow_all_policy)
        except dns.exception.UnsupportedAlgorithm:
            return DnssecState(detail=detail + "\nsignature algorithm not supported here")
        except dns.exception.ValidationFailure as exc:
            what = f"{dns.rdatatype.to_text(rrset.rdtype)} {zone}"
            return DnssecState("bad_signature", detail + f"\n{what}: signature does not match ({exc})")
    checked = ", ".join(dns.rdatatype.to_text(rrset.rdtype) for rrset, _m in signed if rrset is not None)
    return DnssecState("ok", detail + f"\nsignatures valid: {checked}")


def _supported(signing: Any, algorithm: int) -> bool:
    try:
        signing.get_algorithm_cls(algorithm)
    except dns.exception.UnsupportedAlgorithm:
        return False
    return True


def _matches(name: dns.name.Name, ds_set: dns.rrset.RRset, keys: dns.rrset.RRset) -> bool | None:
    """Whether a DNSKEY matches a DS; None when no DS digest can be computed here."""
    from dns import dnssec as signing

    computed = False
    for ds in ds_set:
        if not isinstance(ds, DS):
            continue
        for key in keys:
            if not isinstance(key, DNSKEY):
                continue
            try:
                made = signing.make_ds(name, key, ds.digest_type, policy=signing.allow_all_policy)
            except (dns.exception.UnsupportedAlgorithm, dns.exception.DNSException, ValueError):
                continue
            computed = True
            if made == ds:
                return True
    return False if computed else None
