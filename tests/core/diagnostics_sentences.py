"""Every English customer sentence of the finding catalogue, with realistic parameters.

Shared by the readability test and the README's list of the hardest sentences
(``.venv/bin/python -m tests.core.diagnostics_sentences``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from composer.diagnostics.cli import INPUT_ERRORS
from composer.diagnostics.findings import CATALOGUE

# What a shop owner in Thessaloniki would see for a typical small site.
PARAMS: dict[str, object] = {
    "domain": "annas-shop.gr",
    "name": "annas-shop.gr",
    "www": "www.annas-shop.gr",
    "tld": "gr",
    "provider": "Host Hellas",
    "nameservers": "ns1.other.net, ns2.other.net",
    "expected": "ns1.hosthellas.gr, ns2.hosthellas.gr",
    "nameserver": "ns2.hosthellas.gr",
    "parent": "ns1.other.net, ns2.other.net",
    "zone": "ns1.hosthellas.gr, ns2.hosthellas.gr",
    "serials": "ns1: 2026112001, ns2: 2026111901",
    "addresses": "203.0.113.7",
    "resolver": "Google Public DNS (8.8.8.8)",
    "resolvers": "1.1.1.1, 8.8.8.8, 9.9.9.9",
    "seen": "198.51.100.4",
    "truth": "203.0.113.7",
    "rtype": "A",
    "ttl_text": "40 minutes",
    "settles": "18:46 EET",
    "mx": "mail.hosthellas.gr",
    "target": "mx.hosthellas.gr",
    "record": "v=spf1 include:spf.hosthellas.gr ~all",
    "suggestion": "v=spf1 include:spf.hosthellas.gr ~all",
    "include": "spf.hosthellas.gr",
    "count": 12,
    "names": "old-newsletter.com, shop-tool.net, gone.example",
    "term": "ip4:300.1.1.1",
    "hosts": "mx2.hosthellas.gr",
    "working": "mail.hosthellas.gr",
    "host": "mail.hosthellas.gr",
    "ports": "587, 465, 993, 995",
    "port": "587",
    "issuer": "Let's Encrypt",
    "left": "9 days",
    "protocol": "IMAP",
    "security": "SSL/TLS",
    "entered": "imap.gmail.com",
    "expires": "2026-12-10",
    "registrar": "Papaki",
    "statuses": "redemption period",
    "url": "https://annas-shop.gr/",
    "urls": "http://annas-shop.gr/, https://annas-shop.gr/",
    "https": "https://annas-shop.gr/",
    "site": "annas-shop.gr",
    "ip": "203.0.113.7",
    "status": "500 Internal Server Error",
    "chain": "https://annas-shop.gr/ → https://annas-shop.gr/home",
    "os": "Windows 11",
    "version": "1.0",
    "skew_text": "2 hours",
    "server_time": "2026-11-20 14:05 EET",
    "local_time": "2026-11-20 12:05 EET",
    "name_of_check": "DNS of annas-shop.gr",
    "seconds_text": "20 seconds",
    "ms": 180,
    "selector": "default",
    "record_name": "default._domainkey.annas-shop.gr",
    "ipv6": "2001:db8::7",
    "first": "ns1.hosthellas.gr",
    "expired": "2026-11-19",
    "second": "ns2.hosthellas.gr",
    "value": "20s",
    "path": "settings.json",
}
_SENTENCE = re.compile(r"(?<=[.!?”])\s+(?=[A-Z“{])")


def texts() -> Iterator[tuple[str, str, str]]:
    """``(code, variant, text)`` for the title, explanation and next step of every variant,
    and the ``diagnose`` command's own input errors."""
    for code, (message, next_step) in INPUT_ERRORS.items():
        for template in (message, next_step):
            yield code, "", template.format_map(PARAMS)
    for code, kind in CATALOGUE.items():
        for variant in ("", *kind.variants):
            params = {
                **PARAMS,
                "name": PARAMS["name_of_check"] if code.startswith("diagnostics.") else PARAMS["name"],
            }
            for template in kind.texts(variant):
                if template:
                    yield code, variant, template.format_map(params)


def sentences() -> Iterator[tuple[str, str, str]]:
    """``(code, variant, sentence)``: each text split into its sentences."""
    for code, variant, text in texts():
        for sentence in _SENTENCE.split(text):
            if sentence.strip():
                yield code, variant, sentence.strip()


# Host names, addresses, URLs and records are read as one name each; textstat would count
# "annas-shop.gr" or "203.0.113.7" as many syllables. They are scored as the word "Name".
_MACHINE = re.compile(r"(\w+://\S+|[\w-]+(\.[\w-]+)+|v=\S+|\S+:\S+/\S+)")


def readable(sentence: str) -> str:
    """The sentence as the readability formula should see it (machine names as one word)."""
    return _MACHINE.sub("Name", sentence)


def scored() -> list[tuple[float, str, str, str]]:
    """``(Flesch reading ease, code, variant, sentence)``, hardest first."""
    import textstat

    return sorted((textstat.flesch_reading_ease(readable(s)), c, v, s) for c, v, s in sentences())


if __name__ == "__main__":
    shown: list[str] = []
    for score, code, variant, sentence in scored():
        if sentence not in shown and len(shown) < 10:
            shown.append(sentence)
            print(f"| {score:.0f} | `{code}`{' (' + variant + ')' if variant else ''} | {sentence} |")
