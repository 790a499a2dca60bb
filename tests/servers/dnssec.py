"""Signed zones for the test DNS server, made in the test with dnspython.

:func:`signed_zone` turns zone-file text into the same zone with an Ed25519
key (DNSKEY) and signatures (RRSIG), and returns the DS record the parent
zone must publish. ``mode`` makes the faults the diagnostics must find:

- ``valid``: signed, the DS matches;
- ``expired``: the signatures ran out yesterday;
- ``unsigned``: the parent has a DS, the zone has no keys or signatures;
- ``wrong_ds``: signed, but the parent's DS is of another key;
- ``no_signatures``: the key the DS names is published, but nothing is signed;
- ``stale``: signed, then the apex address (A) was edited without signing
  again: the keys and the SOA check out, the site's address does not.

The text is in the form :class:`tests.servers.dns.ZoneResolver` reads
(base64 without spaces), which then serves the RRSIGs with the records
they cover.
"""

from __future__ import annotations

import time

import dns.dnssec
import dns.name
import dns.rdatatype
import dns.zone
from cryptography.hazmat.primitives.asymmetric import ed25519

__all__ = ["signed_zone"]

DAY = 86400


def _key() -> tuple[ed25519.Ed25519PrivateKey, dns.dnssec.DNSKEY]:
    private = ed25519.Ed25519PrivateKey.generate()
    dnskey = dns.dnssec.make_dnskey(private.public_key(), dns.dnssec.Algorithm.ED25519, flags=257)
    return private, dnskey


def _compact(rdtype: int, text: str) -> str:
    """Zone text of one rdata with its base64 in one piece, as dnslib's parser wants it."""
    tokens = text.split()
    fixed = {dns.rdatatype.DNSKEY: 3, dns.rdatatype.RRSIG: 8}.get(rdtype)
    if fixed is None:
        return text
    return " ".join([*tokens[:fixed], "".join(tokens[fixed:])])


def signed_zone(zone_text: str, origin: str, mode: str = "valid") -> tuple[str, str]:
    """``(zone text, DS line for the parent)`` for ``origin`` in the given ``mode``."""
    name = dns.name.from_text(origin)
    private, dnskey = _key()
    ds_key = _key()[1] if mode == "wrong_ds" else dnskey
    ds = dns.dnssec.make_ds(name, ds_key, "SHA256")
    ds_line = f"{origin}. 3600 IN DS {ds.to_text()}"
    if mode == "unsigned":
        return zone_text, ds_line
    apex_a = f"{origin}. 300 IN A "
    signed_text = zone_text
    if mode == "stale":  # signed with another address; the served zone has the real one (below)
        signed_text = zone_text.replace(apex_a + "127.0.0.1", apex_a + "127.0.0.9")
    zone = dns.zone.from_text(signed_text, origin=name, relativize=False, check_origin=False)
    now = time.time()
    inception, expiration = (now - 10 * DAY, now - DAY) if mode == "expired" else (now - DAY, now + 30 * DAY)
    with zone.writer() as txn:
        txn.add(name, 300, dnskey)
        if mode != "no_signatures":
            dns.dnssec.sign_zone(
                zone,
                txn=txn,
                keys=[(private, dnskey)],
                inception=inception,
                expiration=expiration,
                add_dnskey=False,
            )
    text = _text(zone, name)
    if mode == "stale":  # the edit after signing: the signature still covers the old address
        text = text.replace(apex_a + "127.0.0.9", apex_a + "127.0.0.1")
    return text, ds_line


def _text(zone: dns.zone.Zone, name: dns.name.Name) -> str:
    lines = []
    for owner, node in zone.nodes.items():
        for rdataset in node.rdatasets:
            for rdata in rdataset:
                text = _compact(rdataset.rdtype, rdata.to_text(origin=name, relativize=False))
                lines.append(
                    f"{owner.to_text()} {rdataset.ttl} IN {dns.rdatatype.to_text(rdataset.rdtype)} {text}"
                )
    return "\n".join(lines)
