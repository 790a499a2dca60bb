"""A whole small internet on 127.0.0.1 for the diagnostics tests and benchmark.

- a ``.test`` registry: its nameserver (referrals, glue), RDAP and WHOIS;
- the provider's nameservers ns1/ns2.provider.test, and another provider's;
- a resolver standing for "this computer's" view, and a public resolver whose
  cache still holds an old address for stale.test;
- a shared web server (HTTP and HTTPS, certificates by SNI) and mail servers.

Every test domain is one real misconfiguration (see ``DOMAINS``); good.test
and its IDN sibling παράδειγμα.test are healthy. Nameserver host names are
mapped to their loopback ports through ``nameserver_addresses``; web and
mail ports through ``port_map``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from composer.diagnostics import DiagnosticsSettings
from composer.profile import ProviderProfile, load_profile_text
from tests.servers.dns import DnsServer, closed_port, dns_server
from tests.servers.dnssec import signed_zone
from tests.servers.mailports import MailPorts, mail_ports, smtp_server
from tests.servers.registry import (
    RdapServer,
    WhoisServer,
    bootstrap_file,
    rdap_domain,
    rdap_server,
    whois_server,
)
from tests.servers.web import Certificates, Response, Site, WebServer, web_server

__all__ = [
    "IDN",
    "PROFILE_TOML",
    "Bed",
    "bed_profile",
    "diagnostics_bed",
    "fresh_suffix_list",
    "resolver_table",
]

IDN = "xn--hxajbheg2az3al.test"  # παράδειγμα.test
GOOD = ("good.test", IDN)
SERIAL = 2026010101

PROFILE_TOML = """
format = 1
[provider]
id = "test-hosting"
name = "Test Hosting"
[expected]
nameservers = ["ns1.provider.test", "ns2.provider.test"]
web_ips = ["127.0.0.1"]
mail_hosts = ["mail.provider.test"]
spf_include = "spf.provider.test"
mail_ports = [25, 465, 587, 993, 995, 143, 110]
[[expected.mail_client.incoming]]
protocol = "imap"
host = "mail.provider.test"
port = 993
[[expected.mail_client.outgoing]]
protocol = "smtp"
host = "mail.provider.test"
port = 587
security = "starttls"
"""
# mx2.provider.test and smtponly.provider.test live on 127.0.0.2, where only port 25 answers:
# a provider's backup MX, and a host for mail programs whose client ports are all shut.
ONLY_25 = "127.0.0.2"


def bed_profile(**expected: object) -> ProviderProfile:
    """The bed's provider profile; ``expected`` replaces fields of ``[expected]``."""
    profile = load_profile_text(PROFILE_TOML)
    if expected:
        profile = profile.model_copy(update={"expected": profile.expected.model_copy(update=expected)})
    return profile


def _child_zone(
    domain: str,
    *,
    serial: int = SERIAL,
    ns: tuple[str, ...] = ("ns1", "ns2"),
    a: str | None = "127.0.0.1",
    mx: str | None = "mail.provider.test",
    txt: tuple[str, ...] = ("v=spf1 include:spf.provider.test ~all",),
    dmarc: str | None = "v=DMARC1; p=none",
    www: bool = True,
    extra: tuple[str, ...] = (),
) -> str:
    lines = [f"{domain}. 300 IN SOA ns1.provider.test. hostmaster.provider.test. {serial} 3600 600 86400 300"]
    lines += [f"{domain}. 300 IN NS {n if '.' in n else n + '.provider.test'}." for n in ns]
    if a:
        lines.append(f"{domain}. 300 IN A {a}")
        if www:
            lines.append(f"www.{domain}. 300 IN CNAME {domain}.")
    if mx:
        lines += [f"{domain}. 300 IN MX {10 * (i + 1)} {m}." for i, m in enumerate(mx.split(","))]
    lines += [f'{domain}. 300 IN TXT "{t}"' for t in txt]
    if dmarc:
        lines.append(f'_dmarc.{domain}. 300 IN TXT "{dmarc}"')
    lines += [line.replace("@", f"{domain}.") for line in extra]
    return "\n".join(lines)


WEB_DOMAINS = (
    "certexpired.test",
    "certsoon.test",
    "certwrong.test",
    "certrogue.test",
    "loop.test",
    "broken.test",
    "down.test",
    "plainhttp.test",
)
# longer than one TXT string can hold: published as two strings, which receivers join
_DEEP_SPF = (
    " ".join(f"include:s{i}.provider.test" for i in range(6))
    + '" " '
    + " ".join(f"include:s{i}.provider.test" for i in range(6, 11))
)
# domain -> zone text on the provider's nameservers
DOMAINS: dict[str, str] = {
    "good.test": _child_zone(
        "good.test", extra=("shop.@ 300 IN A 127.0.0.1", "shop.@ 300 IN MX 10 mail.provider.test.")
    ),
    IDN: _child_zone(IDN),
    "backupmx.test": _child_zone("backupmx.test", mx="mail.provider.test,mx2.provider.test"),
    "mxcname.test": _child_zone("mxcname.test", mx="alias.provider.test"),
    "mxip.test": _child_zone("mxip.test", mx="127.0.0.1"),
    "unregistered.test": _child_zone("unregistered.test"),
    # an IPv6 address nothing answers on (the bed's web servers listen on 127.0.0.1 only)
    "v6.test": _child_zone("v6.test", extra=("@ 300 IN AAAA ::1",)),
    "dkim.test": _child_zone(
        "dkim.test", extra=('rc1._domainkey.@ 300 IN TXT "v=DKIM1; k=rsa; p=MIIBIjANBg"',)
    ),
    "dmarcreports.test": _child_zone(
        "dmarcreports.test", dmarc="v=DMARC1; p=reject; rua=mailto:d@reports.elsewhere.test"
    ),
    "dmarcsp.test": _child_zone("dmarcsp.test", dmarc="v=DMARC1; p=reject; sp=none"),
    "dmarcok.test": _child_zone(
        "dmarcok.test", dmarc="v=DMARC1; p=quarantine; rua=mailto:d@reports.elsewhere.test"
    ),
    "dkimrevoked.test": _child_zone("dkimrevoked.test", extra=('rc1._domainkey.@ 300 IN TXT "v=DKIM1; p="',)),
    "nullmx.test": _child_zone("nullmx.test", mx=None, extra=("@ 300 IN MX 0 .",)),
    "wwwonly.test": _child_zone("wwwonly.test", a=None, extra=("www.@ 300 IN A 127.0.0.1",)),
    "spfdeep.test": _child_zone("spfdeep.test", txt=(f"v=spf1 {_DEEP_SPF} -all",)),
    "spfvoid.test": _child_zone(
        "spfvoid.test",
        txt=("v=spf1 include:spf.provider.test include:gone1.test include:gone2.test a:gone3.test ~all",),
    ),
    "split.test": _child_zone("split.test", ns=("ns1", "ns2", "ns3")),
    "lame.test": _child_zone("lame.test"),
    "moved.test": _child_zone("moved.test", a="127.0.0.3"),
    "noweb.test": _child_zone("noweb.test", a=None),
    "stale.test": _child_zone("stale.test"),
    "nomail.test": _child_zone("nomail.test", mx=None, txt=(), dmarc=None),
    "othermail.test": _child_zone(
        "othermail.test",
        mx="mx.elsewhere-mail.test",
        txt=("v=spf1 include:spf.provider.test ~all", "v=spf1 mx -all"),
    ),
    "unsync.test": _child_zone("unsync.test"),
    "differ.test": _child_zone("differ.test"),
    "baddmarc.test": _child_zone("baddmarc.test", dmarc="v=DMARC1; p=maybe"),
    "nowww.test": _child_zone("nowww.test", www=False),
    **{d: _child_zone(d, a="127.0.0.3" if d == "down.test" else "127.0.0.1") for d in WEB_DOMAINS},
}
# DNSSEC: zones signed in the test (tests/servers/dnssec.py), each with its DS at the registry
SIGNED = {
    domain: signed_zone(_child_zone(domain), domain, mode)
    for domain, mode in (
        ("signed.test", "valid"),
        ("sigexpired.test", "expired"),
        ("dsbroken.test", "unsigned"),
        ("dswrong.test", "wrong_ds"),
        ("signone.test", "no_signatures"),
        ("sigstale.test", "stale"),
    )
}
DOMAINS.update({domain: text for domain, (text, _ds) in SIGNED.items()})
PROVIDER_ZONE = "\n".join(
    [
        f"provider.test. 300 IN SOA ns1.provider.test. hostmaster.provider.test. {SERIAL} 3600 600 86400 300",
        "provider.test. 300 IN NS ns1.provider.test.",
        "provider.test. 300 IN NS ns2.provider.test.",
        *(f"{h}.provider.test. 300 IN A 127.0.0.1" for h in ("ns1", "ns2", "ns3", "mail", "mail-expired")),
        f"mx2.provider.test. 300 IN A {ONLY_25}",
        f"smtponly.provider.test. 300 IN A {ONLY_25}",
        "alias.provider.test. 300 IN CNAME mail.provider.test.",
        'spf.provider.test. 300 IN TXT "v=spf1 ip4:127.0.0.0/8 -all"',
        *(f's{i}.provider.test. 300 IN TXT "v=spf1 ip4:127.0.0.{i} -all"' for i in range(11)),
    ]
)
ELSEWHERE_ZONE = "\n".join(
    [
        "elsewhere.test. 300 IN SOA ns1.elsewhere-dns.test. admin.elsewhere-dns.test. 7 3600 600 86400 300",
        "elsewhere.test. 300 IN NS ns1.elsewhere-dns.test.",
        "elsewhere.test. 300 IN A 127.0.0.1",
        "ns1.elsewhere-dns.test. 300 IN A 127.0.0.1",
        # wrongaddr.test is delegated here, with an old address; the provider's zone has the right one
        "wrongaddr.test. 300 IN SOA ns1.elsewhere-dns.test. admin.elsewhere-dns.test. 7 3600 600 86400 300",
        "wrongaddr.test. 300 IN NS ns1.elsewhere-dns.test.",
        "wrongaddr.test. 300 IN A 127.0.0.3",
        'dmarcok.test._report._dmarc.reports.elsewhere.test. 300 IN TXT "v=DMARC1"',
    ]
)
PROVIDER_READY = {"wrongaddr.test": _child_zone("wrongaddr.test")}


def _tld_zone() -> str:
    lines = [
        "test. 3600 IN SOA ns.tld.test. hostmaster.tld.test. 1 3600 600 86400 300",
        "test. 3600 IN NS ns.tld.test.",
        "ns.tld.test. 3600 IN A 127.0.0.1",
    ]
    for domain in [*DOMAINS, "provider.test"]:
        lines += [f"{domain}. 3600 IN NS {n}.provider.test." for n in ("ns1", "ns2")]
    lines += [
        "elsewhere.test. 3600 IN NS ns1.elsewhere-dns.test.",
        "wrongaddr.test. 3600 IN NS ns1.elsewhere-dns.test.",
        *(ds for _text, ds in SIGNED.values()),
        "elsewhere-dns.test. 3600 IN NS ns1.elsewhere-dns.test.",
        "ns1.elsewhere-dns.test. 3600 IN A 127.0.0.1",
        *(f"{h}.provider.test. 3600 IN A 127.0.0.1" for h in ("ns1", "ns2")),
    ]
    return "\n".join(lines)


def resolver_table(stale: bool = False) -> str:
    """What the bed's resolvers know (``stale``: the public one's old address for stale.test)."""
    lines = [
        "test. 3600 IN NS ns.tld.test.",
        "ns.tld.test. 3600 IN A 127.0.0.1",
        PROVIDER_ZONE,
        ELSEWHERE_ZONE,
        *DOMAINS.values(),
    ]
    text = "\n".join(lines)
    if stale:  # an old address still cached, 40 minutes to go
        text = text.replace("stale.test. 300 IN A 127.0.0.1", "stale.test. 2400 IN A 127.0.0.5")
    return text


@dataclass
class Bed:
    settings: DiagnosticsSettings
    profile: ProviderProfile
    certificates: Certificates
    tld: DnsServer
    ns1: DnsServer
    ns2: DnsServer
    resolver: DnsServer
    public: DnsServer
    https: WebServer
    http: WebServer
    rdap: RdapServer
    whois: WhoisServer
    mail: MailPorts
    folder: Path

    def dns_servers(self) -> list[DnsServer]:
        return [self.tld, self.ns1, self.ns2, self.resolver, self.public]


def _sites() -> dict[str, Site]:
    sites = {name: Site() for d in [*DOMAINS, "elsewhere.test"] for name in (d, f"www.{d}")}
    sites.update(
        {
            "certexpired.test": Site(cert="expired"),
            "certsoon.test": Site(cert="soon"),
            "certwrong.test": Site(cert="wrong"),
            "certrogue.test": Site(cert="untrusted"),
            "loop.test": Site(
                routes={
                    ("https", "/"): Response(302, "https://loop.test/home"),
                    ("https", "/home"): Response(301, "https://loop.test/"),
                }
            ),
            "broken.test": Site(routes={("https", "/"): Response(500, body=b"boom")}),
            "plainhttp.test": Site(routes={("http", "/"): Response(200)}),
            "shop.good.test": Site(),
            "wrongaddr.test": Site(),
        }
    )
    return sites


def _registrations() -> dict[str, dict[str, object]]:
    now = datetime.now(UTC)
    year = now + timedelta(days=400)
    entries = {d: rdap_domain(d, expires=year) for d in [*DOMAINS, *PROVIDER_READY, "elsewhere.test"]}
    del entries["unregistered.test"]  # in the DNS, but the registry has no record of it
    entries["regexpired.test"] = rdap_domain(
        "regexpired.test", expires=now - timedelta(days=3), statuses=("active",)
    )
    entries["reghold.test"] = rdap_domain(
        "reghold.test", expires=year, statuses=("client hold", "client transfer prohibited")
    )
    entries["regsoon.test"] = rdap_domain("regsoon.test", expires=now + timedelta(days=12))
    entries["regdelete.test"] = rdap_domain(
        "regdelete.test", expires=now - timedelta(days=40), statuses=("redemption period",)
    )
    entries["regpending.test"] = rdap_domain(
        "regpending.test", expires=now - timedelta(days=70), statuses=("pending delete",)
    )
    entries["regserverhold.test"] = rdap_domain("regserverhold.test", expires=year, statuses=("server hold",))
    return entries


WHOIS_ANSWERS = {
    "example.gr": (
        "Domain Name: example.gr\r\nRegistrar: Hellenic Names S.A.\r\n"
        "Status: clientTransferProhibited\r\nExpiration Date: 20/11/2030\r\n"
    ),
    "παράδειγμα.gr": "Domain Name: παράδειγμα.gr\r\nRegistrar: Hellenic Names S.A.\r\n"
    "Expiration Date: 2029-05-01\r\n",
}


@contextmanager
def diagnostics_bed(folder: Path, *, delay: float = 0.0) -> Iterator[Bed]:
    """Start every server of the bed; ``delay`` holds back every DNS and HTTP response."""
    with ExitStack() as stack:
        tld = stack.enter_context(dns_server(_tld_zone(), zones=["test"], delay=delay))
        zones = [*DOMAINS, *PROVIDER_READY, "provider.test"]
        ns1_text = "\n".join([PROVIDER_ZONE, *DOMAINS.values(), *PROVIDER_READY.values()])
        soa = "unsync.test. 300 IN SOA ns1.provider.test. hostmaster.provider.test."
        ns2_text = ns1_text.replace(f"{soa} {SERIAL}", f"{soa} {SERIAL + 1}")  # out of step
        differ = "differ.test. 300 IN SOA ns1.provider.test. hostmaster.provider.test."
        ns2_text = ns2_text.replace(f"{differ} {SERIAL}", f"{differ} {SERIAL + 1}")
        ns2_text = ns2_text.replace("differ.test. 300 IN A 127.0.0.1", "differ.test. 300 IN A 127.0.0.9")
        ns1 = stack.enter_context(dns_server(ns1_text, zones=zones, delay=delay))
        ns2 = stack.enter_context(
            dns_server(ns2_text, zones=[z for z in zones if z != "lame.test"], delay=delay)
        )
        other = stack.enter_context(
            dns_server(
                ELSEWHERE_ZONE, zones=["elsewhere.test", "elsewhere-dns.test", "wrongaddr.test"], delay=delay
            )
        )
        resolver = stack.enter_context(dns_server(resolver_table(False), recursive=True, delay=delay))
        public = stack.enter_context(dns_server(resolver_table(True), recursive=True, delay=delay))
        certificates = Certificates()
        sites = _sites()
        https = stack.enter_context(web_server(sites=sites, certificates=certificates, tls=True, delay=delay))
        http = stack.enter_context(web_server(sites=sites, delay=delay))
        rdap = stack.enter_context(rdap_server(_registrations(), delay=delay))
        whois = stack.enter_context(whois_server(WHOIS_ANSWERS))
        mail = stack.enter_context(
            mail_ports(certificates, cert_kinds={"mail-expired.provider.test": "expired"})
        )
        stack.enter_context(smtp_server(certificates, ONLY_25, mail.port_map[25]))
        bootstrap = bootstrap_file(folder, ["test"], rdap.base_url)
        settings = DiagnosticsSettings(
            resolvers=(resolver.address,),
            public_resolvers=(public.address,),
            nameserver_addresses={
                "ns.tld.test": tld.address,
                "ns1.provider.test": ns1.address,
                "ns2.provider.test": ns2.address,
                "ns3.provider.test": ns1.address,
                "ns1.elsewhere-dns.test": other.address,
            },
            rdap_bootstrap=str(bootstrap),
            whois_server=whois.address,
            timeout=15.0,
            query_timeout=1.0,
            port_map={80: http.port, 443: https.port, **mail.port_map},
            ca_file=certificates.ca_file(folder),
        )
        yield Bed(
            settings,
            bed_profile(),
            certificates,
            tld,
            ns1,
            ns2,
            resolver,
            public,
            https,
            http,
            rdap,
            whois,
            mail,
            folder,
        )


def fresh_suffix_list(data_dir: Path) -> Path:
    """A data folder whose public suffix list is fresh, so no test ever fetches one."""
    from composer.diagnostics.suffixes import CACHE_NAME, SNAPSHOT

    cache = data_dir / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / CACHE_NAME).write_text(SNAPSHOT.read_text(encoding="utf-8"), encoding="utf-8")
    return data_dir


def closed_address() -> str:
    """``127.0.0.1:PORT`` where nothing listens."""
    return f"127.0.0.1:{closed_port()}"


def ipv6_loopback() -> str:
    """``"::1"``; a failed test (never a skip) that says what to do when this machine lacks it.

    The IPv6 checks can only be tested on a machine where ``::1`` works: without
    it the app rightly says nothing about a site's IPv6, and a passing test
    would prove nothing.
    """
    import socket

    import pytest

    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError as error:
        pytest.fail(
            f"This test needs the IPv6 loopback address ::1, which this machine does not have ({error}). "
            "Enable IPv6 on the loopback interface (sysctl -w net.ipv6.conf.lo.disable_ipv6=0; in Docker: "
            "--sysctl net.ipv6.conf.all.disable_ipv6=0) and run it again."
        )
    return "::1"
