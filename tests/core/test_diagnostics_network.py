"""The diagnostics against real servers on 127.0.0.1: one misconfiguration per domain."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer.diagnostics import CancelToken, ProgressEvent, run_diagnostics
from composer.diagnostics.cli import register
from composer.model import CheckStatus, Report, Severity
from composer.profile import MailClientSettings, MailEndpoint, ProviderProfile
from tests.servers.diagnostics_bed import Bed, bed_profile, closed_address, diagnostics_bed, fresh_suffix_list
from tests.servers.dns import dns_server
from tests.servers.mailports import mail_ports, silent_port
from tests.servers.web import Site, web_server

PROBLEM_CODES_ON_HEALTHY = ("warning", "problem", "critical")


@pytest.fixture(scope="module")
def bed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bed]:
    with diagnostics_bed(tmp_path_factory.mktemp("bed")) as started:
        yield started


def diagnose(bed: Bed, domain: str, *, profile: ProviderProfile | None = None, **settings: Any) -> Report:
    chosen = bed.settings.model_copy(update=settings) if settings else bed.settings
    return run_diagnostics(domain, profile or bed.profile, chosen)


def codes(report: Report) -> set[str]:
    return {f.code for f in report.findings}


def closed_ports(*ports: int) -> dict[int, int]:
    return {port: int(closed_address().rsplit(":", 1)[1]) for port in ports}


# --- healthy ---------------------------------------------------------------


@pytest.mark.parametrize("domain", ["good.test", "παράδειγμα.test", "https://Good.Test/page"])
def test_a_healthy_domain_shows_only_good_news(bed: Bed, domain: str) -> None:
    report = diagnose(bed, domain)
    assert [f.code for f in report.findings if f.severity.value in PROBLEM_CODES_ON_HEALTHY] == []
    assert {
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
        "env.info",
        "env.clock_ok",
    } <= codes(report)
    assert all(c.status is CheckStatus.DONE for c in report.checks)
    assert report.worst() is Severity.OK or report.worst() is Severity.INFO


def test_idn_domains_are_queried_as_a_labels_and_shown_as_u_labels(bed: Bed) -> None:
    report = diagnose(bed, "παράδειγμα.test")
    assert report.domain == "xn--hxajbheg2az3al.test"
    web = next(f for f in report.findings if f.code == "dns.web_address_ok")
    assert "παράδειγμα.test" in web.explanation


def test_the_web_check_reports_the_address_used_and_the_redirects(bed: Bed) -> None:
    report = diagnose(bed, "good.test")
    http = next(f for f in report.findings if f.code == "web.ok" and f.check == "web.http")
    assert http.params["ip"] == "127.0.0.1"
    assert "[301] -> https://good.test/ [200]" in http.detail


# --- one misconfiguration each ------------------------------------------------

SCENARIOS: list[tuple[str, str, dict[str, Any]]] = [
    ("dns.domain_not_found", "missing.test", {}),
    ("registration.not_registered", "unregistered.test", {}),
    ("dns.nameservers_mismatch", "elsewhere.test", {}),
    ("dns.delegation_mismatch", "split.test", {}),
    ("dns.nameserver_unreachable", "lame.test", {}),
    ("dns.web_address_mismatch", "moved.test", {}),
    ("dns.no_web_address", "noweb.test", {}),
    ("dns.resolvers_disagree", "stale.test", {}),
    ("dns.no_mx", "nomail.test", {}),
    ("dns.mx_mismatch", "othermail.test", {}),
    ("dns.soa_serial_mismatch", "unsync.test", {}),
    ("mail.spf_missing", "nomail.test", {}),
    ("mail.spf_invalid", "othermail.test", {}),
    ("mail.dmarc_missing", "nomail.test", {}),
    ("mail.dmarc_invalid", "baddmarc.test", {}),
    ("registration.expired", "regexpired.test", {}),
    ("registration.on_hold", "reghold.test", {}),
    ("registration.expiring_soon", "regsoon.test", {}),
    ("registration.redemption", "regdelete.test", {}),
    ("registration.pending_delete", "regpending.test", {}),
    ("dns.mx_is_cname", "mxcname.test", {}),
    ("dns.mx_is_address", "mxip.test", {}),
    ("dns.null_mx", "nullmx.test", {}),
    ("dns.apex_without_address", "wwwonly.test", {}),
    ("mail.spf_void_lookups", "spfvoid.test", {}),
    ("web.no_https_redirect", "plainhttp.test", {}),
    ("web.ipv6_unreachable", "v6.test", {}),
    ("mail.dmarc_reports_refused", "dmarcreports.test", {}),
    ("mail.dmarc_subdomains_open", "dmarcsp.test", {}),
    ("dns.nameservers_disagree", "differ.test", {}),
    ("dns.dnssec_broken", "sigexpired.test", {}),
    ("web.unreachable", "down.test", {}),
    ("web.http_error", "broken.test", {}),
    ("web.redirect_loop", "loop.test", {}),
    ("web.cert_expired", "certexpired.test", {}),
    ("web.cert_expiring_soon", "certsoon.test", {}),
    ("web.cert_name_mismatch", "certwrong.test", {}),
    ("web.cert_untrusted", "certrogue.test", {}),
    ("web.www_missing", "nowww.test", {}),
]


@pytest.mark.parametrize(("code", "domain", "settings"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_each_misconfiguration_is_found(bed: Bed, code: str, domain: str, settings: dict[str, Any]) -> None:
    report = diagnose(bed, domain, **settings)
    assert code in codes(report)
    finding = next(f for f in report.findings if f.code == code)
    assert finding.title and finding.explanation and finding.check
    assert "{" not in finding.title + finding.explanation + finding.next_step


def test_a_stale_public_resolver_says_when_it_will_settle(bed: Bed) -> None:
    report = diagnose(bed, "stale.test")
    finding = next(f for f in report.findings if f.code == "dns.resolvers_disagree")
    assert finding.params["seen"] == "127.0.0.5"
    assert finding.params["truth"] == "127.0.0.1"
    assert 2300 <= finding.params["ttl"] <= 2400
    assert "40 minutes" in finding.explanation


def test_a_nameserver_that_does_not_answer(bed: Bed) -> None:
    addresses = {**bed.settings.nameserver_addresses, "ns2.provider.test": closed_address()}
    report = diagnose(bed, "good.test", nameserver_addresses=addresses)
    down = [f for f in report.findings if f.code == "dns.nameserver_unreachable"]
    assert [f.params["nameserver"] for f in down] == ["ns2.provider.test"]
    assert "web.ok" in codes(report)


def test_a_resolver_that_does_not_answer(bed: Bed) -> None:
    report = diagnose(bed, "good.test", resolvers=(closed_address(),))
    assert "dns.resolver_unreachable" in codes(report)


def test_a_parent_zone_that_cannot_be_asked(bed: Bed) -> None:
    addresses = {**bed.settings.nameserver_addresses, "ns.tld.test": closed_address()}
    report = diagnose(bed, "good.test", nameserver_addresses=addresses)
    assert "dns.delegation_unavailable" in codes(report)
    assert "dns.nameservers_ok" in codes(report)  # found through the resolver instead


def test_without_expectations_the_facts_are_told(bed: Bed) -> None:
    profile = bed_profile(nameservers=[], web_ips=[], mail_hosts=[], spf_include="")
    report = diagnose(bed, "good.test", profile=profile)
    assert {"dns.nameservers_found", "dns.web_address_found", "dns.mx_found"} <= codes(report)
    mail = next(f for f in report.findings if f.code == "mail.mx_ok")
    assert (mail.check, mail.params["hosts"]) == ("mail.mx", "mail.provider.test")  # the MX host


def test_an_spf_record_without_the_provider(bed: Bed) -> None:
    report = diagnose(bed, "good.test", profile=bed_profile(spf_include="spf.other.test"))
    assert "mail.spf_include_missing" in codes(report)


# --- registration --------------------------------------------------------------


def test_whois_is_used_for_tlds_without_rdap(bed: Bed) -> None:
    report = diagnose(bed, "example.gr")
    finding = next(f for f in report.findings if f.code == "registration.ok")
    assert finding.params["expires"] == "2030-11-20"
    assert "Hellenic Names" in finding.explanation


def test_registration_lookup_unavailable(bed: Bed) -> None:
    report = diagnose(bed, "example.zz", whois_server=closed_address())
    assert "registration.lookup_unavailable" in codes(report)


# --- mail ports ------------------------------------------------------------------


def test_a_blocked_port_25_is_told_apart_from_a_down_server(bed: Bed) -> None:
    with silent_port() as dropped:  # what an internet provider's block looks like: no answer at all
        blocked = diagnose(
            bed, "good.test", port_map={**bed.settings.port_map, 25: dropped}, query_timeout=0.5
        )
    assert "mail.port25_blocked" in codes(blocked)
    assert {"mail.host_unreachable", "mail.mx_unreachable"} & codes(blocked) == set()
    down = diagnose(
        bed, "good.test", port_map={**bed.settings.port_map, **closed_ports(25, 465, 587, 993, 995, 143, 110)}
    )
    assert {"mail.host_unreachable", "mail.mx_unreachable"} <= codes(down)
    assert "mail.port25_blocked" not in codes(down)


def test_a_backup_mx_that_answers_only_on_port_25_is_healthy(bed: Bed) -> None:
    profile = bed_profile(mail_hosts=["mail.provider.test", "mx2.provider.test"])
    report = diagnose(bed, "backupmx.test", profile=profile)
    assert [f.code for f in report.findings if f.severity.rank >= Severity.WARNING.rank] == []
    mx = next(f for f in report.findings if f.code == "mail.mx_ok")
    assert mx.params["hosts"] == "mail.provider.test, mx2.provider.test"


def test_mail_programs_that_cannot_connect_are_one_problem(bed: Bed) -> None:
    client = MailClientSettings(
        incoming=[MailEndpoint(protocol="imap", host="smtponly.provider.test", port=993)],
        outgoing=[
            MailEndpoint(protocol="smtp", host="smtponly.provider.test", port=587, security="starttls")
        ],
    )
    report = diagnose(bed, "good.test", profile=bed_profile(mail_client=client))
    mail = [f for f in report.findings if f.check == "mail.smtponly.provider.test"]
    assert [f.code for f in mail] == ["mail.client_ports_closed"]
    assert mail[0].severity is Severity.PROBLEM
    assert "not on your computer" in mail[0].next_step


def test_one_closed_mail_port(bed: Bed) -> None:
    report = diagnose(bed, "good.test", port_map={**bed.settings.port_map, **closed_ports(993, 995)})
    closed = [f for f in report.findings if f.code == "mail.port_unreachable"]
    assert [f.params["ports"] for f in closed] == ["993, 995"]


def test_a_mail_server_with_an_expired_certificate(bed: Bed) -> None:
    client = MailClientSettings(
        incoming=[MailEndpoint(protocol="imap", host="mail-expired.provider.test", port=993)]
    )
    report = diagnose(bed, "good.test", profile=bed_profile(mail_client=client))
    finding = next(f for f in report.findings if f.code == "mail.cert_problem")
    assert "ran out" in finding.explanation
    assert finding.params["port"] == "993, 465, 587, 995, 143, 110"


def test_a_mail_server_without_starttls(bed: Bed) -> None:
    with mail_ports(bed.certificates, starttls=False) as plain:
        report = diagnose(bed, "good.test", port_map={**bed.settings.port_map, 587: plain.port_map[587]})
    finding = next(f for f in report.findings if f.code == "mail.starttls_missing")
    assert finding.params["port"] == 587


# --- environment ------------------------------------------------------------------


def test_a_wrong_clock_is_found_from_the_servers_dates(bed: Bed) -> None:
    sites = {"good.test": Site(), "www.good.test": Site()}
    with (
        web_server(sites=sites, certificates=bed.certificates, tls=True, date_offset=-3600) as https,
        web_server(sites=sites, date_offset=-3600) as http,
    ):
        report = diagnose(
            bed,
            "good.test",
            rdap_bootstrap=str(_no_rdap(bed.folder)),
            whois_server=closed_address(),
            port_map={**bed.settings.port_map, 80: http.port, 443: https.port},
        )
    finding = next(f for f in report.findings if f.code == "env.clock_skew")
    assert 3590 <= finding.params["skew"] <= 3610
    assert "60 minutes" in finding.title


def _no_rdap(folder: Path) -> Path:
    path = folder / "empty-bootstrap.json"
    path.write_text(json.dumps({"services": [], "version": "1.0"}), encoding="utf-8")
    return path


def test_no_connectivity_at_all(bed: Bed, tmp_path: Path) -> None:
    dead = closed_address()
    report = diagnose(
        bed,
        "good.test",
        resolvers=(dead,),
        public_resolvers=(dead,),
        nameserver_addresses={},
        rdap_bootstrap=str(_no_rdap(tmp_path)),
        whois_server=dead,
        whois_referral_server=dead,
        port_map={**closed_ports(80, 443, 25, 465, 587, 993, 995, 143, 110)},
    )
    assert codes(report) == {"env.offline", "env.info"}


# --- runner behaviour with real servers --------------------------------------------


def test_progress_is_reported_check_by_check(bed: Bed) -> None:
    events: list[ProgressEvent] = []
    report = run_diagnostics("good.test", bed.profile, bed.settings, on_progress=events.append)
    ended = [e for e in events if e.status is not CheckStatus.RUNNING]
    assert sorted(e.check for e in ended) == sorted(c.name for c in report.checks)
    assert ended[-1].done == ended[-1].total == len(report.checks)


def test_a_diagnosis_can_be_cancelled_from_another_thread(bed: Bed) -> None:
    with dns_server("", recursive=True, silent=True) as silent:
        token = CancelToken()
        settings = bed.settings.model_copy(update={"resolvers": (silent.address,), "query_timeout": 30.0})
        timer = threading.Timer(0.3, token.cancel)
        timer.start()
        report = run_diagnostics("good.test", bed.profile, settings, cancel=token)
        timer.join()
    statuses = {c.name: c.status for c in report.checks}
    assert statuses["dns"] is CheckStatus.CANCELLED
    assert statuses["environment"] is CheckStatus.DONE
    assert report.finished_at is not None


def test_a_check_that_takes_too_long_times_out(bed: Bed) -> None:
    with dns_server("", recursive=True, silent=True) as silent:
        settings = bed.settings.model_copy(
            update={"resolvers": (silent.address,), "timeout": 0.5, "query_timeout": 5.0}
        )
        report = run_diagnostics("good.test", bed.profile, settings)
    statuses = {c.name: c.status for c in report.checks}
    assert statuses["dns"] is CheckStatus.TIMEOUT
    assert "diagnostics.timeout" in codes(report)
    assert statuses["registration"] is CheckStatus.DONE


# --- command line -----------------------------------------------------------------


def test_the_diagnose_command_prints_json(
    bed: Bed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    from composer.profile import PROFILE_FORMAT  # noqa: F401 - the profile module is importable

    profile_file = tmp_path / "profile.toml"
    from tests.servers.diagnostics_bed import PROFILE_TOML

    profile_file.write_text(PROFILE_TOML, encoding="utf-8")
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--data-dir", type=Path, default=fresh_suffix_list(tmp_path))
    register(parser.add_subparsers(dest="command"))
    s = bed.settings
    argv = [
        "diagnose",
        "nomail.test",
        "--profile",
        str(profile_file),
        "--json",
        "--resolver",
        s.resolvers[0],
        "--public-resolver",
        s.public_resolvers[0],
        "--rdap-bootstrap",
        s.rdap_bootstrap,
        "--whois-server",
        s.whois_server,
        "--timeout",
        "10",
    ]
    args = parser.parse_args(argv)
    exit_code = args.handler(args)
    output = json.loads(capsys.readouterr().out)
    assert exit_code == 3
    assert output["domain"] == "nomail.test"
    assert {"dns.no_mx", "mail.spf_missing"} <= {f["code"] for f in output["findings"]}
    assert set(output["findings"][0]) >= {"code", "severity", "title", "explanation", "next_step", "detail"}
    no_mx = next(f for f in output["findings"] if f["code"] == "dns.no_mx")
    assert no_mx["explanation"] and no_mx["next_step"]
    assert {c["name"] for c in output["checks"]} >= {"dns", "registration", "web.https"}


def test_cancelling_at_once_reports_every_check_as_cancelled(bed: Bed) -> None:
    """Even checks whose task never started are in the report, none raises."""
    token = CancelToken()
    token.cancel()
    report = run_diagnostics("good.test", bed.profile, bed.settings, cancel=token)
    assert report.checks and all(c.status is CheckStatus.CANCELLED for c in report.checks)


def test_a_verified_certificate_is_read_without_cryptography_and_says_the_same(bed: Bed) -> None:
    """``diagnose`` reads verified certificates from OpenSSL's own parse (no cryptography import)."""
    import socket

    from composer.diagnostics.tls import certificate_info, peer_certificate_info, tls_context

    context = tls_context(bed.settings)
    with (
        socket.create_connection(("127.0.0.1", bed.https.port), timeout=5) as raw,
        context.wrap_socket(raw, server_hostname="good.test") as tls,
    ):
        peer, der = tls.getpeercert(), tls.getpeercert(binary_form=True)
    assert peer and der
    fast, full = peer_certificate_info(peer), certificate_info(der)
    assert (fast.names, fast.issuer, fast.not_before, fast.not_after) == (
        full.names,
        full.issuer,
        full.not_before,
        full.not_after,
    )
    assert fast.subject == full.subject or not full.subject
