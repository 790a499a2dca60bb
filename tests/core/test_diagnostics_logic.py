"""The decision logic of the diagnostics, offline: answers in, findings out."""

from __future__ import annotations

import ast
import asyncio
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from composer.diagnostics import (
    CATALOGUE,
    CancelToken,
    Check,
    CheckContext,
    CheckOutput,
    DiagnosisPlan,
    DiagnosticsSettings,
    build_checks,
    compare_mail_settings,
    retranslate,
    run_plan,
)
from composer.diagnostics.dns_findings import Delegation, DnsObservations, NameserverView, View, evaluate
from composer.diagnostics.dns_query import Answer
from composer.diagnostics.environment import clock_skew
from composer.diagnostics.mail_findings import PortResult, client_findings, mx_port_findings
from composer.diagnostics.mailauth import dmarc_findings, spf_findings, spf_problem
from composer.diagnostics.registration_parse import (
    RegistrationInfo,
    parse_bootstrap,
    parse_date,
    parse_rdap,
    parse_whois,
    rdap_base_url,
    registration_findings,
    whois_referral,
)
from composer.diagnostics.settings import split_host_port
from composer.diagnostics.tls import CertificateInfo, TlsOutcome, hostname_matches, judge
from composer.i18n import set_language
from composer.model import CheckStatus
from composer.profile import MailClientSettings, MailEndpoint
from composer.resources import resource_path
from tests.core.test_diagnostics_network import SCENARIOS
from tests.servers.diagnostics_bed import bed_profile

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

# --- SPF and DMARC ---------------------------------------------------------------


@pytest.mark.parametrize(
    "record",
    [
        "v=spf1 -all",
        "v=spf1 include:spf.example.com ~all",
        "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx/24 ?all",
        "v=spf1 redirect=_spf.example.com",
        "v=spf1 a:mail.example.com exp=explain.example.com -all",
    ],
)
def test_valid_spf_records(record: str) -> None:
    assert spf_problem(record) == ("", "")


@pytest.mark.parametrize(
    ("record", "variant"),
    [
        ("v=spf1 include -all", "no_domain"),
        ("v=spf1 ip4:300.1.1.1 -all", "bad_address"),
        ("v=spf1 ip4:2001:db8::1 -all", "bad_address"),
        ("v=spf1 allow:everything -all", "unknown_term"),
        ("v=spf1 redirect=a.example redirect=b.example", "repeated"),
    ],
)
def test_broken_spf_records(record: str, variant: str) -> None:
    assert spf_problem(record)[0] == variant
    finding = spf_findings("example.com", [record], include="", provider="P", check="dns")[0]
    assert finding.code == "mail.spf_invalid" and finding.params["variant"] == variant
    assert "{" not in finding.explanation


def test_too_many_lookups_in_the_record_itself() -> None:
    record = "v=spf1 " + " ".join(f"include:s{i}.example" for i in range(11)) + " -all"
    finding = spf_findings("example.com", [record], include="", provider="P", check="dns")[0]
    assert (finding.code, finding.params["count"]) == ("mail.spf_too_many_lookups", 11)


def test_a_missing_spf_record_gets_a_record_that_can_be_copied() -> None:
    with_include = spf_findings("example.com", [], include="spf.p.example", provider="P", check="dns")[0]
    assert with_include.next_step.endswith("v=spf1 include:spf.p.example ~all")
    without = spf_findings("example.com", [], include="", provider="P", check="dns")[0]
    assert "…" not in without.next_step and "..." not in without.next_step
    assert without.next_step.endswith("v=spf1 mx a ~all")


def test_spf_findings() -> None:
    def codes(records: list[str], include: str = "") -> list[str]:
        return [
            f.code for f in spf_findings("example.com", records, include=include, provider="P", check="dns")
        ]

    assert codes(["google-site-verification=x"]) == ["mail.spf_missing"]
    assert codes(["v=spf1 -all", "v=spf1 mx -all"]) == ["mail.spf_invalid"]
    assert codes(["V=SPF1 include:spf.p.example ~all"], "spf.p.example") == ["mail.spf_ok"]
    assert codes(["v=spf1 mx ~all"], "spf.p.example") == ["mail.spf_include_missing"]


def test_dmarc_findings() -> None:
    def codes(records: list[str]) -> list[str]:
        return [f.code for f in dmarc_findings("example.com", records, check="dns")]

    assert codes([]) == ["mail.dmarc_missing"]
    assert codes(["v=DMARC1; p=reject; rua=mailto:d@example.com"]) == ["mail.dmarc_ok"]
    assert codes(["v=DMARC1; rua=mailto:d@example.com"]) == ["mail.dmarc_invalid"]
    assert codes(["v=DMARC1; p=none", "v=DMARC1; p=reject"]) == ["mail.dmarc_invalid"]


# --- DNS observations -------------------------------------------------------------


def _view(server: str, records: dict[tuple[str, str], tuple[str, ...]], *, aa: bool, ttl: int = 300) -> View:
    answers = {
        key: Answer(server, key[0], key[1], "NOERROR", value, ttl, aa) for key, value in records.items()
    }
    return View(server, answers)


GOOD_RECORDS = {
    ("example.com", "SOA"): ("ns1.p.example hostmaster.p.example 5",),
    ("example.com", "NS"): ("ns1.p.example", "ns2.p.example"),
    ("example.com", "A"): ("192.0.2.10",),
    ("example.com", "AAAA"): (),
    ("example.com", "MX"): ("10 mail.p.example",),
    ("example.com", "TXT"): ("v=spf1 include:spf.p.example ~all",),
    ("_dmarc.example.com", "TXT"): ("v=DMARC1; p=none",),
    ("www.example.com", "A"): ("192.0.2.10",),
}


def _observations(**changes: object) -> DnsObservations:
    auth = _view("ns1", GOOD_RECORDS, aa=True)
    base = DnsObservations(
        domain="example.com",
        delegation=Delegation("com", "a.gtld", ("ns1.p.example", "ns2.p.example"), "NOERROR"),
        nameservers=(
            NameserverView("ns1.p.example", "192.0.2.1", auth),
            NameserverView("ns2.p.example", "192.0.2.2", auth),
        ),
        system=_view("system", GOOD_RECORDS, aa=False),
        public=(_view("8.8.8.8", GOOD_RECORDS, aa=False),),
        observed_at=NOW,
    )
    return DnsObservations(**{**base.__dict__, **changes})


PROFILE = bed_profile(
    nameservers=["ns1.p.example", "ns2.p.example"],
    web_ips=["192.0.2.10"],
    mail_hosts=["mail.p.example"],
    spf_include="spf.p.example",
)


def test_healthy_observations_give_only_good_news() -> None:
    findings = evaluate(_observations(), PROFILE)
    assert {f.severity.value for f in findings} == {"ok"}


def test_a_public_resolver_with_an_old_answer() -> None:
    stale = dict(GOOD_RECORDS)
    stale[("example.com", "A")] = ("198.51.100.7",)
    findings = evaluate(_observations(public=(_view("8.8.8.8", stale, aa=False, ttl=5400),)), PROFILE)
    finding = next(f for f in findings if f.code == "dns.resolvers_disagree")
    assert finding.params["ttl"] == 5400
    assert finding.params["ttl_text"] == "90 minutes"
    local = (NOW + timedelta(seconds=5400)).astimezone()
    assert finding.params["settles"] == f"{local:%H:%M} {local.tzname()}"  # the zone is shown


def test_a_lame_nameserver() -> None:
    lame = _view("ns2", GOOD_RECORDS, aa=False)
    obs = _observations(
        nameservers=(_observations().nameservers[0], NameserverView("ns2.p.example", "192.0.2.2", lame))
    )
    finding = next(f for f in evaluate(obs, PROFILE) if f.code == "dns.nameserver_unreachable")
    assert "does not hold" in finding.explanation


def test_an_unknown_domain_says_only_that() -> None:
    obs = _observations(delegation=Delegation("com", "a.gtld", rcode="NXDOMAIN"), nameservers=())
    assert [f.code for f in evaluate(obs, PROFILE)] == ["dns.domain_not_found"]


def test_a_null_mx_is_no_mail_server() -> None:
    records = {**GOOD_RECORDS, ("example.com", "MX"): ("0 .",)}
    auth = _view("ns1", records, aa=True)
    obs = _observations(
        nameservers=(NameserverView("ns1.p.example", "192.0.2.1", auth),),
        system=_view("s", records, aa=False),
        public=(),
    )
    assert "dns.null_mx" in {f.code for f in evaluate(obs, PROFILE)}


def test_only_the_parent_zone_can_say_a_domain_does_not_exist() -> None:
    nx = {key: () for key in GOOD_RECORDS}
    lying = View("192.0.2.53", {k: Answer("192.0.2.53", k[0], k[1], "NXDOMAIN") for k in nx})
    obs = _observations(
        delegation=Delegation("com", error="nameservers of com: NXDOMAIN"),
        nameservers=(),
        system=lying,
        public=(),
    )
    findings = evaluate(obs, PROFILE)
    assert [f.code for f in findings] == ["dns.domain_not_found_unconfirmed"]
    assert findings[0].severity.value == "warning"
    assert "192.0.2.53" in findings[0].explanation


def test_public_resolvers_that_refuse_are_one_sentence() -> None:
    refused = View("8.8.8.8", {k: Answer("8.8.8.8", k[0], k[1], "REFUSED") for k in GOOD_RECORDS})
    silent = View("1.1.1.1", {k: Answer("1.1.1.1", k[0], k[1], error="timeout") for k in GOOD_RECORDS})
    obs = _observations(public=(refused, silent), public_configured=("8.8.8.8", "1.1.1.1"))
    findings = evaluate(obs, PROFILE)
    assert [f.code for f in findings if f.code.startswith("dns.resolvers")] == []
    assert [f.code for f in findings].count("dns.public_comparison_unavailable") == 1
    assert {f.severity.value for f in findings} <= {"ok", "info"}


@pytest.mark.parametrize(
    ("name", "registrable"),
    [
        ("shop.example.com", "example.com"),
        ("www.example.co.uk", "example.co.uk"),
        ("example.com.gr", "example.com.gr"),
        ("a.b.example.gr", "example.gr"),
        ("xn--hxajbheg2az3al.xn--qxam", "xn--hxajbheg2az3al.xn--qxam"),
        ("shop.good.test", "good.test"),
        ("someone.github.io", "github.io"),  # a private suffix is not what a registry sells
    ],
)
def test_the_registrable_domain_comes_from_the_public_suffix_list(name: str, registrable: str) -> None:
    from composer.diagnostics.suffixes import load_local

    assert load_local(DiagnosticsSettings()).registrable(name) == registrable


# --- registration -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20T10:00:00Z", datetime(2026, 11, 20, 10, tzinfo=UTC)),
        ("2026-11-20T10:00:00.123Z", datetime(2026, 11, 20, 10, 0, 0, 123000, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
        ("2026.11.20", datetime(2026, 11, 20, tzinfo=UTC)),
        ("20.11.2026", datetime(2026, 11, 20, tzinfo=UTC)),
        ("20/11/2026", datetime(2026, 11, 20, tzinfo=UTC)),
        ("20-Nov-2026", datetime(2026, 11, 20, tzinfo=UTC)),
        ("2026-11-20 10:00:00 UTC", datetime(2026, 11, 20, 10, tzinfo=UTC)),
        ("2026-11-20 10:00:00 (UTC+2)", datetime(2026, 11, 20, 10, tzinfo=UTC)),
        ("20 November 2026", datetime(2026, 11, 20, tzinfo=UTC)),
        ("nonsense", None),
    ],
)
def test_registry_dates(text: str, expected: datetime | None) -> None:
    assert parse_date(text) == expected


def test_whois_formats() -> None:
    gtld = parse_whois(
        "Domain Name: EXAMPLE.COM\nRegistrar: Example Registrar, LLC\n"
        "Registry Expiry Date: 2027-08-13T04:00:00Z\n"
        "Domain Status: clientHold https://icann.org/epp#clientHold\n",
        "w",
    )
    assert gtld.expires == datetime(2027, 8, 13, 4, tzinfo=UTC)
    assert gtld.statuses == ("clientHold",)
    ru = parse_whois(
        "domain: EXAMPLE.RU\nstate: REGISTERED, DELEGATED\npaid-till: 2027-03-01T21:00:00Z\n", "w"
    )
    assert ru.expires == datetime(2027, 3, 1, 21, tzinfo=UTC)
    assert not parse_whois('No match for "NOPE.COM".\n', "w").found
    assert parse_whois("% hello\n", "w").error
    assert whois_referral("domain: GR\nwhois:        whois.ics.forth.gr\n") == "whois.ics.forth.gr"


def test_the_shipped_bootstrap_is_in_iana_format() -> None:
    table = parse_bootstrap(resource_path("rdap-dns.json").read_text(encoding="utf-8"))
    assert rdap_base_url(table, "example.com") == "https://rdap.verisign.com/com/v1/"
    assert rdap_base_url(table, "shop.example.co.uk") == "https://rdap.nominet.uk/uk/"
    assert rdap_base_url(table, "example.gr") is None


def test_rdap_objects() -> None:
    info = parse_rdap(
        {
            "status": ["server hold"],
            "events": [{"eventAction": "expiration", "eventDate": "2027-01-01T00:00:00Z"}],
            "entities": [
                {"roles": ["registrar"], "vcardArray": ["vcard", [["fn", {}, "text", "Registrar One"]]]}
            ],
        },
        "rdap",
    )
    assert (info.registrar, info.expires) == ("Registrar One", datetime(2027, 1, 1, tzinfo=UTC))
    codes = [
        f.code
        for f in registration_findings(info, "example.com", now=NOW, warning_days=30, check="registration")
    ]
    assert codes == ["registration.on_hold"]
    held = registration_findings(info, "example.com", now=NOW, warning_days=30, check="registration")[0]
    assert held.params["variant"] == "server" and "registry of .com" in held.explanation


@pytest.mark.parametrize(
    ("status", "code"),
    [
        ("redemptionPeriod", "registration.redemption"),
        ("pending restore", "registration.redemption"),
        ("pendingDelete", "registration.pending_delete"),
        ("clientHold", "registration.on_hold"),
    ],
)
def test_each_registry_status_says_what_to_do_today(status: str, code: str) -> None:
    info = RegistrationInfo("rdap", expires=NOW - timedelta(days=40), statuses=(status,))
    found = registration_findings(info, "example.com", now=NOW, warning_days=30, check="registration")
    assert [f.code for f in found] == [code]
    assert "today" in found[0].next_step
    assert "your registrar" not in found[0].next_step  # no registrar known: said in a whole sentence


def test_registration_deadlines() -> None:
    def codes(days: float) -> list[str]:
        info = RegistrationInfo("rdap", expires=NOW + timedelta(days=days))
        return [
            f.code
            for f in registration_findings(
                info, "example.com", now=NOW, warning_days=30, check="registration"
            )
        ]

    assert codes(-1) == ["registration.expired"]
    assert codes(29) == ["registration.expiring_soon"]
    assert codes(31) == ["registration.ok"]
    soon = registration_findings(
        RegistrationInfo("rdap", expires=NOW + timedelta(days=9.3)),
        "example.com",
        now=NOW,
        warning_days=30,
        check="r",
    )[0]
    assert "runs out in 9 days." in soon.explanation
    assert "day(s)" not in soon.explanation


# --- TLS, mail, clock ---------------------------------------------------------------


def test_hostname_matching() -> None:
    assert hostname_matches("www.example.com", ("*.example.com",))
    assert not hostname_matches("a.b.example.com", ("*.example.com",))
    assert not hostname_matches("example.com", ("*.example.com",))
    assert hostname_matches("EXAMPLE.com.", ("example.com",))


def test_certificate_judgement() -> None:
    cert = CertificateInfo("CN=x", "CA", ("example.com",), NOW - timedelta(days=80), NOW + timedelta(days=3))
    assert [p.kind for p in judge(TlsOutcome(True, certificate=cert), "example.com", now=NOW)] == ["expiring"]
    untrusted = TlsOutcome(False, 20, "unable to get local issuer certificate", cert)
    assert {p.kind for p in judge(untrusted, "other.example", now=NOW)} == {"name", "untrusted"}


def _port(port: int, working: bool, error: str = "connection refused") -> PortResult:
    return PortResult(port, greeting="220 hi" if working else "", error="" if working else error)


def test_client_port_logic() -> None:
    def codes(*working: int, on25: bool = False) -> list[str]:
        results = [_port(p, p in working) for p in (465, 587, 993, 995)]
        smtp25 = _port(25, on25) if not working else None
        found = client_findings(
            "mail.example", results, check="m", warning_days=14, provider="P", smtp25=smtp25
        )
        return [f.code for f in found]

    assert codes() == ["mail.host_unreachable"]
    assert codes(on25=True) == ["mail.client_ports_closed"]
    assert codes(465, 587, 993, 995) == ["mail.ports_ok"]
    assert codes(587, 993) == ["mail.port_unreachable"]  # one finding for both closed ports


def test_mx_port_logic() -> None:
    def codes(**hosts: bool) -> list[str]:
        results = {h: _port(25, up) for h, up in hosts.items()}
        return [f.code for f in mx_port_findings("example.com", results, check="mail.mx")]

    assert codes(mx1=True, mx2=True) == ["mail.mx_ok"]
    assert codes(mx1=True, mx2=False) == ["mail.mx_unreachable"]
    assert codes(mx1=False) == ["mail.mx_unreachable"]


def test_mail_client_settings_are_compared_with_the_profile() -> None:
    profile = bed_profile().model_copy(
        update={
            "expected": bed_profile().expected.model_copy(
                update={
                    "mail_client": MailClientSettings(
                        incoming=[MailEndpoint(protocol="imap", host="mail.p.example", port=993)],
                        outgoing=[
                            MailEndpoint(
                                protocol="smtp", host="mail.p.example", port=587, security="starttls"
                            )
                        ],
                    )
                }
            )
        }
    )

    def codes(protocol: str, host: str, port: int, security: str) -> list[str]:
        entered = MailEndpoint(protocol=protocol, host=host, port=port, security=security)
        return [f.code for f in compare_mail_settings(entered, profile)]

    assert codes("imap", "Mail.P.example", 993, "tls") == ["mail.client_ok"]
    assert codes("imap", "imap.gmail.com", 993, "tls") == ["mail.client_host_mismatch"]
    assert codes("smtp", "mail.p.example", 25, "none") == ["mail.client_port_mismatch"]
    assert codes("smtp", "mail.p.example", 587, "tls") == ["mail.client_security_mismatch"]


def test_clock_skew_is_the_median() -> None:
    received = NOW.timestamp()
    dates = [
        ("a", "Fri, 20 Nov 2026 11:00:00 GMT", received),
        ("b", "Fri, 20 Nov 2026 11:00:02 GMT", received),
        ("c", "garbage", received),
        ("d", "Fri, 20 Nov 2026 12:00:00 GMT", received),
    ]
    assert clock_skew(dates) == pytest.approx(3598)
    assert clock_skew([]) is None


def test_split_host_port() -> None:
    assert split_host_port("192.0.2.1", 53) == ("192.0.2.1", 53)
    assert split_host_port("192.0.2.1:5353", 53) == ("192.0.2.1", 5353)
    assert split_host_port("[2001:db8::1]:853", 53) == ("2001:db8::1", 853)
    assert split_host_port("2001:db8::1", 53) == ("2001:db8::1", 53)


# --- the runner ------------------------------------------------------------------------


def _plan(*checks: Check, timeout: float = 5.0) -> DiagnosisPlan:
    return DiagnosisPlan("example.com", bed_profile(), DiagnosticsSettings(timeout=timeout), checks)


async def _ok(context: CheckContext) -> CheckOutput:
    return CheckOutput()


async def _slow(context: CheckContext) -> CheckOutput:
    await asyncio.sleep(30)
    return CheckOutput()


async def _broken(context: CheckContext) -> CheckOutput:
    raise RuntimeError("bug")


def test_one_failing_check_never_stops_the_others() -> None:
    report = run_plan(
        _plan(Check("a", "A", _broken), Check("b", "B", _ok), Check("c", "C", _slow), timeout=0.2)
    )
    statuses = {c.name: c.status for c in report.checks}
    assert statuses == {"a": CheckStatus.FAILED, "b": CheckStatus.DONE, "c": CheckStatus.TIMEOUT}
    error = next(f for f in report.findings if f.code == "diagnostics.error")
    assert "RuntimeError: bug" in error.detail


def test_cancelling_stops_running_checks_and_skips_the_rest() -> None:
    token = CancelToken()
    threading.Timer(0.1, token.cancel).start()
    report = run_plan(
        _plan(Check("slow", "S", _slow), Check("late", "L", _ok)), cancel=token, sequential=True
    )
    assert [c.status for c in report.checks] == [CheckStatus.CANCELLED, CheckStatus.CANCELLED]


def test_a_broken_progress_listener_is_ignored() -> None:
    def listener(event: object) -> None:
        raise ValueError("listener bug")

    report = run_plan(_plan(Check("b", "B", _ok)), on_progress=listener)
    assert report.checks[0].status is CheckStatus.DONE


def test_the_plan_is_a_pure_function_of_its_inputs() -> None:
    names = [c.name for c in build_checks("example.com", bed_profile(), DiagnosticsSettings())]
    assert names == [
        "environment",
        "dns",
        "registration",
        "web.http",
        "web.https",
        "web.www_http",
        "web.www_https",
        "mail.mx",
        "mail.mail.provider.test",
    ]
    sub = build_checks("shop.example.com", bed_profile(), DiagnosticsSettings(), registrable="example.com")
    assert "web.www_http" not in [c.name for c in sub]


# --- texts, documentation, boundaries ------------------------------------------------------


def test_findings_can_be_retranslated_after_a_language_switch() -> None:
    finding = spf_findings("example.com", [], include="x", provider="P", check="dns")[0]
    set_language("en")
    assert retranslate(finding) == finding


def test_every_code_is_documented() -> None:
    docs = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    missing = [code for code in CATALOGUE if f"`{code}`" not in docs]
    assert missing == []


# Codes produced elsewhere than in SCENARIOS (network tests by name, or the tests above).
PRODUCED_BY_OTHER_TESTS = {
    "dns.nameservers_ok",
    "dns.web_address_ok",
    "dns.resolvers_agree",
    "dns.mx_ok",
    "mail.spf_ok",
    "mail.dmarc_ok",
    "registration.ok",
    "web.ok",
    "web.cert_ok",
    "mail.ports_ok",
    "mail.mx_ok",
    "env.info",
    "env.clock_ok",
    "dns.resolver_unreachable",
    "dns.domain_not_found_unconfirmed",
    "dns.public_comparison_unavailable",
    "dns.registrable_domain",
    "dns.web_address_mismatch",
    "mail.mx_unreachable",
    "mail.client_ports_closed",
    "mail.spf_too_many_lookups",
    "mail.dkim_ok",
    "dns.dnssec_ok",
    "mail.dkim_missing",
    "mail.dkim_invalid",
    "mail.spf_invalid",
    "dns.delegation_unavailable",
    "dns.nameservers_found",
    "dns.web_address_found",
    "dns.mx_found",
    "mail.spf_include_missing",
    "registration.lookup_unavailable",
    "mail.host_unreachable",
    "mail.port25_blocked",
    "mail.port_unreachable",
    "mail.cert_problem",
    "mail.starttls_missing",
    "mail.client_ok",
    "mail.client_host_mismatch",
    "mail.client_port_mismatch",
    "mail.client_security_mismatch",
    "env.clock_skew",
    "env.offline",
    "diagnostics.timeout",
    "diagnostics.error",
}


def test_every_code_is_produced_by_a_test() -> None:
    covered = {code for code, _domain, _settings in SCENARIOS} | PRODUCED_BY_OTHER_TESTS
    assert set(CATALOGUE) - covered == set()
    assert covered - set(CATALOGUE) == set()


def test_no_qt_under_diagnostics() -> None:
    for path in (ROOT / "composer" / "diagnostics").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] in {"PySide6", "PyQt6", "shiboken6"} for n in names), path


@pytest.mark.parametrize(
    "text",
    [
        "Jan  5 09:34:43 2018 GMT",
        "Feb 29 00:00:00 2024 GMT",
        "Dec 31 23:59:59 2049 GMT",
        "Jun 30 23:59:60 2016 GMT",  # a leap second: left to ssl's own reading
        "JUN 30 12:00:00 2016 GMT",
    ],
)
def test_certificate_dates_read_as_ssl_reads_them(text: str) -> None:
    import ssl

    from composer.diagnostics.tls import _certificate_time

    assert _certificate_time(text) == datetime.fromtimestamp(ssl.cert_time_to_seconds(text), UTC)


@pytest.mark.parametrize("text", ["", "Foo  5 09:34:43 2018 GMT", "Jan 32 00:00:00 2020 GMT", "2018-01-05"])
def test_a_certificate_date_ssl_refuses_is_refused(text: str) -> None:
    from composer.diagnostics.tls import _certificate_time

    with pytest.raises(ValueError):
        _certificate_time(text)


@pytest.mark.parametrize(
    ("skews", "median"), [([3.0], 3.0), ([5.0, 1.0, 3.0], 3.0), ([4.0, 1.0, 2.0, 3.0], 2.5)]
)
def test_clock_skew_of_any_count_is_the_median(skews: list[float], median: float) -> None:
    dates = [("https://x.test/", "Thu, 01 Jan 2026 00:00:00 GMT", 1767225600.0 + s) for s in skews]
    assert clock_skew(dates) == median
