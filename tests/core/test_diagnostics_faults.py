"""Faults that used to be misreported: false alarms, missed outages, noise, silent gaps.

Each test runs the diagnostics against the loopback bed (``tests/servers``)
and failed before the fix it describes.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer.diagnostics import run_diagnostics
from composer.diagnostics.cli import register
from composer.model import Report, Severity
from tests.servers.diagnostics_bed import (
    PROFILE_TOML,
    Bed,
    bed_profile,
    closed_address,
    diagnostics_bed,
    fresh_suffix_list,
    ipv6_loopback,
    resolver_table,
)
from tests.servers.dns import dns_server
from tests.servers.web import web_server


@pytest.fixture(scope="module")
def bed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bed]:
    with diagnostics_bed(tmp_path_factory.mktemp("bed")) as started:
        yield started


def diagnose(bed: Bed, domain: str, **settings: Any) -> Report:
    return run_diagnostics(domain, bed.profile, bed.settings.model_copy(update=settings))


def codes(report: Report) -> set[str]:
    return {f.code for f in report.findings}


def _empty_bootstrap(folder: Path) -> str:
    path = folder / "no-rdap.json"
    path.write_text(json.dumps({"services": [], "version": "1.0"}), encoding="utf-8")
    return str(path)


def test_a_resolver_that_says_no_such_name_for_everything_is_not_a_missing_domain(
    bed: Bed, tmp_path: Path
) -> None:
    """A captive portal or hijacking resolver, with the rest of the internet out of reach."""
    dead = closed_address()
    with dns_server("", recursive=True) as liar:  # knows nothing: NXDOMAIN for every name
        report = diagnose(
            bed,
            "good.test",
            resolvers=(liar.address,),
            public_resolvers=(dead,),
            nameserver_addresses={},
            rdap_bootstrap=_empty_bootstrap(tmp_path),
            whois_server=dead,
            whois_referral_server=dead,
        )
    assert report.worst().rank < Severity.PROBLEM.rank
    finding = next(f for f in report.findings if f.code == "dns.domain_not_found_unconfirmed")
    assert liar.address in finding.explanation
    assert "could not ask the registry" in finding.explanation
    assert "dns.domain_not_found" not in codes(report)


def test_a_lying_resolver_is_told_when_the_registry_knows_the_domain(bed: Bed) -> None:
    dead = closed_address()
    with dns_server("", recursive=True) as liar:
        report = diagnose(
            bed, "good.test", resolvers=(liar.address,), public_resolvers=(dead,), nameserver_addresses={}
        )
    finding = next(f for f in report.findings if f.code == "dns.domain_not_found_unconfirmed")
    assert finding.params["variant"] == "registry_knows"
    assert "wrong answer" in finding.explanation
    assert "registration.ok" in codes(report)


def test_a_domain_the_parent_zone_does_not_know_is_not_found(bed: Bed) -> None:
    report = diagnose(bed, "missing.test")
    assert [f.code for f in report.findings if f.severity is Severity.CRITICAL] == ["dns.domain_not_found"]


def test_one_fault_on_four_addresses_is_one_finding(bed: Bed) -> None:
    report = diagnose(bed, "down.test")
    down = [f for f in report.findings if f.code == "web.unreachable"]
    assert len(down) == 1
    assert down[0].params["urls"].split(", ") == [
        "http://down.test/",
        "https://down.test/",
        "http://www.down.test/",
        "https://www.down.test/",
    ]
    assert "refuses to connect" in down[0].explanation


def test_unreachable_public_resolvers_are_said_once(bed: Bed) -> None:
    dead = [closed_address() for _ in range(3)]
    with dns_server("", recursive=True, refuse=True) as refusing:
        report = diagnose(bed, "good.test", public_resolvers=(*dead, refusing.address))
    assert [f.code for f in report.findings].count("dns.public_comparison_unavailable") == 1
    assert "dns.resolvers_disagree" not in codes(report)
    assert report.worst().rank < Severity.WARNING.rank


def test_a_check_that_runs_out_of_time_is_a_warning_that_says_what_is_unknown(bed: Bed) -> None:
    with dns_server("", recursive=True, silent=True) as silent:
        report = diagnose(bed, "good.test", resolvers=(silent.address,), timeout=0.5, query_timeout=5.0)
    late = next(f for f in report.findings if f.code == "diagnostics.timeout" and f.check == "dns")
    assert late.severity is Severity.WARNING
    assert "DNS settings" in late.explanation
    assert "0.5 seconds" not in late.explanation and "1 second" in late.explanation


def test_a_subdomain_is_registered_as_its_registrable_domain(bed: Bed) -> None:
    report = diagnose(bed, "shop.good.test")
    said = next(f for f in report.findings if f.code == "dns.registrable_domain")
    assert "good.test" in said.title and "shop.good.test" in said.explanation
    registration = next(f for f in report.findings if f.code == "registration.ok")
    assert registration.check == "registration"
    assert "dns.domain_not_found" not in codes(report)
    assert {c.name for c in report.checks} >= {"web.http", "web.https", "mail.mx"}
    assert "web.www_http" not in {c.name for c in report.checks}


def test_no_change_the_a_record_when_the_providers_zone_has_it(bed: Bed) -> None:
    report = diagnose(bed, "wrongaddr.test")
    finding = next(f for f in report.findings if f.code == "dns.web_address_mismatch")
    assert "change the A record" not in finding.next_step
    assert "already have the right address" in finding.next_step


def test_spf_includes_are_followed_and_counted(bed: Bed) -> None:
    report = diagnose(bed, "spfdeep.test")
    finding = next(f for f in report.findings if f.code == "mail.spf_too_many_lookups")
    assert finding.params["count"] == 11
    assert "s10.provider.test: v=spf1 ip4:127.0.0.10 -all" in finding.detail  # the tree, joined strings


# --- the command line -------------------------------------------------------------


def _run(bed: Bed, tmp_path: Path, *extra: str, profile_text: str | None = PROFILE_TOML) -> int:
    profile = tmp_path / "profile.toml"
    if profile_text is not None:
        profile.write_text(profile_text, encoding="utf-8")
    fresh_suffix_list(tmp_path)
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--data-dir", type=Path, default=tmp_path)
    register(parser.add_subparsers(dest="command"))
    s = bed.settings
    base = ["--profile", str(profile), "--rdap-bootstrap", s.rdap_bootstrap, "--whois-server", s.whois_server]
    args = parser.parse_args(["diagnose", *extra, *base])
    result: int = args.handler(args)
    return result


@pytest.mark.parametrize(
    ("options", "code"),
    [
        (["good.test", "--timeout", "0"], "diagnose.timeout_invalid"),
        (["good.test", "--timeout", "-1"], "diagnose.timeout_invalid"),
        (["good.test", "--timeout", "soon"], "diagnose.timeout_invalid"),
        (["good.test", "--resolver", "127.0.0.1:99999"], "diagnose.resolver_invalid"),
        (["good.test", "--public-resolver", "dns.example"], "diagnose.resolver_invalid"),
        (["not a domain"], "domain.invalid"),
    ],
)
def test_bad_input_is_a_clear_error_in_json_too(
    bed: Bed, tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], code: str
) -> None:
    assert _run(bed, tmp_path, *options, "--json") == 2
    captured = capsys.readouterr()
    error = json.loads(captured.out)["error"]
    assert error["code"] == code and error["message"] and error["next_step"]
    assert "Traceback" not in captured.err
    assert _run(bed, tmp_path, *options) == 2
    text = capsys.readouterr()
    assert text.out == "" and "Error:" in text.err and "Traceback" not in text.err


@pytest.mark.parametrize(
    ("profile_text", "code"),
    [(None, "profile.not_found"), ("[provider\n", "profile.syntax"), ("format = 2\n", "profile.invalid")],
)
def test_an_unusable_profile_is_a_clear_error_in_json_too(
    bed: Bed, tmp_path: Path, capsys: pytest.CaptureFixture[str], profile_text: str | None, code: str
) -> None:
    assert _run(bed, tmp_path, "good.test", "--json", profile_text=profile_text) == 2
    captured = capsys.readouterr()
    error = json.loads(captured.out)["error"]
    assert error["code"] == code and error["message"] and error["next_step"]
    assert _run(bed, tmp_path, "good.test", profile_text=profile_text) == 2
    text = capsys.readouterr()
    assert text.out == "" and "Error:" in text.err and "Traceback" not in text.err


def test_an_unfinished_check_changes_the_exit_code(
    bed: Bed, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with dns_server("", recursive=True, silent=True) as silent, dns_server("", recursive=True) as empty:
        result = _run(
            bed,
            tmp_path,
            "good.test",
            "--resolver",
            silent.address,
            "--public-resolver",
            empty.address,
            "--timeout",
            "0.5",
            "--json",
        )
    output = json.loads(capsys.readouterr().out)
    statuses = {c["name"]: c["status"] for c in output["checks"]}
    assert statuses["dns"] == "timeout"
    assert result in (3, 4)
    if not any(f["severity"] in ("problem", "critical") for f in output["findings"]):
        assert result == 4


def test_ipv6_is_checked_where_the_site_has_an_ipv6_address(bed: Bed) -> None:
    """AAAA present, nothing answers there, IPv4 works: one finding; then the site answers on ::1 too."""
    loopback = ipv6_loopback()  # fails with what to do, rather than skipping, on a machine without ::1
    broken = diagnose(bed, "v6.test")
    v6 = [f for f in broken.findings if f.code == "web.ipv6_unreachable"]
    assert len(v6) == 1 and v6[0].params["ipv6"] == "::1"  # http and https: one finding
    assert "IPv4 127.0.0.1" in v6[0].detail
    sites = bed.https.sites
    with (
        web_server(sites=sites, certificates=bed.certificates, tls=True, host=loopback, port=bed.https.port),
        web_server(sites=sites, host=loopback, port=bed.http.port),
    ):
        profile = bed_profile(web_ips=["127.0.0.1", "::1"])
        working = run_diagnostics("v6.test", profile, bed.settings)
    assert "web.ipv6_unreachable" not in codes(working)
    assert working.worst().rank < Severity.WARNING.rank


@pytest.mark.parametrize(
    ("domain", "code"),
    [
        ("dkim.test", "mail.dkim_ok"),
        ("good.test", "mail.dkim_missing"),
        ("dkimrevoked.test", "mail.dkim_invalid"),
    ],
)
def test_the_profiles_dkim_key_is_published(bed: Bed, domain: str, code: str) -> None:
    report = run_diagnostics(domain, bed_profile(dkim_selectors=["rc1"]), bed.settings)
    dkim = [f for f in report.findings if f.code.startswith("mail.dkim")]
    assert [f.code for f in dkim] == [code]
    assert f"rc1._domainkey.{domain}" in dkim[0].detail


def test_dmarc_reports_to_another_domain_need_its_consent(bed: Bed) -> None:
    refused = diagnose(bed, "dmarcreports.test")
    finding = next(f for f in refused.findings if f.code == "mail.dmarc_reports_refused")
    assert finding.params["addresses"] == "reports.elsewhere.test"
    assert "dmarcreports.test._report._dmarc.reports.elsewhere.test" in finding.next_step
    agreed = diagnose(bed, "dmarcok.test")
    assert "mail.dmarc_reports_refused" not in codes(agreed)
    policy = next(f for f in agreed.findings if f.code == "mail.dmarc_ok")
    assert "goes to spam" in policy.explanation


def test_a_dmarc_policy_that_leaves_subdomains_open_is_told(bed: Bed) -> None:
    """p=reject with sp=none: forged mail from news.<domain> is still delivered."""
    report = diagnose(bed, "dmarcsp.test")
    finding = next(f for f in report.findings if f.code == "mail.dmarc_subdomains_open")
    assert "news.dmarcsp.test" in finding.explanation and "still delivered" in finding.explanation
    assert "sp=" in finding.next_step and "subdomains: none" in finding.detail
    assert "mail.dmarc_subdomains_open" not in codes(diagnose(bed, "dmarcok.test"))  # no sp: all guarded


@pytest.mark.parametrize(
    ("domain", "variant", "words"),
    [
        ("sigexpired.test", "expired", "ran out on"),
        ("dsbroken.test", "no_keys", "no signing key"),
        ("dswrong.test", "wrong_key", "do not use"),
        ("signone.test", "", "do not check out"),
        ("sigstale.test", "", "do not check out"),
    ],
)
def test_a_broken_dnssec_chain_is_found(bed: Bed, domain: str, variant: str, words: str) -> None:
    report = diagnose(bed, domain)
    broken = next(f for f in report.findings if f.code == "dns.dnssec_broken")
    assert (broken.severity, broken.params["variant"]) == (Severity.CRITICAL, variant)
    assert words in broken.explanation and "for some people and not for others" in broken.explanation
    assert "DS" in broken.detail


def test_a_record_changed_after_signing_is_named_in_the_detail(bed: Bed) -> None:
    """The keys and the SOA check out, but the site's address was edited without signing it again."""
    broken = next(f for f in diagnose(bed, "sigstale.test").findings if f.code == "dns.dnssec_broken")
    assert "A sigstale.test" in broken.detail and "signature" in broken.detail.lower()


def test_a_signed_domain_validates(bed: Bed) -> None:
    report = diagnose(bed, "signed.test")
    assert "dns.dnssec_ok" in codes(report)
    assert report.worst().rank < Severity.WARNING.rank
    assert "dns.dnssec_ok" not in codes(diagnose(bed, "good.test"))  # unsigned: nothing to say


def test_a_domain_taken_off_the_internet_is_told_by_the_registry_not_called_missing(bed: Bed) -> None:
    report = diagnose(bed, "regdelete.test")  # in redemption: the registry has removed it from .test
    critical = [f.code for f in report.findings if f.severity is Severity.CRITICAL]
    assert critical == ["registration.redemption"]


def test_broken_dnssec_behind_a_validating_resolver_is_one_finding(bed: Bed) -> None:
    """Google or Cloudflare answer SERVFAIL for the domain: www 'has no address' only because of it."""
    with dns_server(resolver_table(), recursive=True, servfail=["sigexpired.test"]) as validating:
        report = diagnose(bed, "sigexpired.test", resolvers=(validating.address,))
    problems = [f.code for f in report.findings if f.severity.rank >= Severity.WARNING.rank]
    assert problems == ["dns.dnssec_broken"]


def test_an_rdap_server_that_keeps_the_connection_open_is_read_by_its_length() -> None:
    """Some servers ignore "Connection: close": the answer is complete at Content-Length."""
    import asyncio
    import socket
    import threading
    import time

    from composer.diagnostics import DiagnosticsSettings
    from composer.diagnostics.http_get import http_get

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    held: list[socket.socket] = []

    def serve() -> None:
        connection, _address = listener.accept()
        connection.recv(4096)
        connection.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n{"found": 1}\n')
        held.append(connection)  # and never closes it

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings = DiagnosticsSettings(query_timeout=5.0)
    port = listener.getsockname()[1]
    start = time.monotonic()
    answer = asyncio.run(http_get(f"http://127.0.0.1:{port}/domain/x.test", settings))
    assert (answer.status, answer.text) == (200, '{"found": 1}\n')
    assert time.monotonic() - start < 2.0
    thread.join(timeout=5)  # the client may finish before the server thread keeps its end
    for connection in held:
        connection.close()
    listener.close()


def test_the_json_carries_every_line_the_text_shows(bed: Bed) -> None:
    from composer.diagnostics.cli import render_text, report_json

    report = diagnose(bed, "nomail.test")
    body = report_json(report)
    values = {body["shown_domain"], *(str(v) for f in body["findings"] for v in f.values())}
    marks = {f["severity"] for f in body["findings"]}
    for line in render_text(report).splitlines()[2:]:
        text = line.strip()
        if text.startswith("["):
            mark, text = text[1:].split("] ", 1)
            assert mark.lower() in marks
        assert text in values, text


def test_the_shipped_lists_are_refreshed_into_the_data_folder_and_bad_downloads_are_not_kept(
    bed: Bed, tmp_path: Path
) -> None:
    """The RDAP bootstrap and the Public Suffix List, a week old, are fetched again (here from a
    loopback server); a download that is not the list (a captive portal's page) is not kept."""
    import os

    from composer.diagnostics.registration import CACHE_NAME as BOOTSTRAP_NAME
    from composer.diagnostics.suffixes import CACHE_NAME, SNAPSHOT
    from tests.servers.web import Response, Site

    bootstrap = Path(bed.settings.rdap_bootstrap).read_bytes()
    suffixes = b"// refreshed from the loopback server\n" + SNAPSHOT.read_bytes()
    cache = tmp_path / "cache"
    served = {
        ("http", "/dns.json"): Response(body=bootstrap, content_type="application/json"),
        ("http", "/psl.dat"): Response(body=suffixes),
        ("http", "/portal"): Response(body=b"<html>Log in to the Wi-Fi</html>", content_type="text/html"),
    }
    with web_server(sites={"127.0.0.1": Site(routes=served)}) as server:
        base = f"http://127.0.0.1:{server.port}"
        settings = {"rdap_bootstrap": "", "rdap_cache_dir": cache}
        urls = {"rdap_refresh_url": f"{base}/dns.json", "suffix_list_url": f"{base}/psl.dat"}
        report = diagnose(bed, "good.test", **settings, **urls)
        assert "registration.ok" in codes(report)  # the registry was found through the fetched bootstrap
        assert (cache / BOOTSTRAP_NAME).read_bytes() == bootstrap
        assert (cache / CACHE_NAME).read_bytes() == suffixes
        week_ago = os.stat(cache / CACHE_NAME).st_mtime - 8 * 86400
        for name in (BOOTSTRAP_NAME, CACHE_NAME):
            os.utime(cache / name, (week_ago, week_ago))
        portal = f"{base}/portal"
        diagnose(bed, "good.test", **settings, rdap_refresh_url=portal, suffix_list_url=portal)
    assert (cache / BOOTSTRAP_NAME).read_bytes() == bootstrap  # the old copies stay
    assert (cache / CACHE_NAME).read_bytes() == suffixes
