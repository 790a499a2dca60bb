"""Which checks a diagnosis runs: a pure function of domain, profile and settings."""

from __future__ import annotations

from functools import partial

from composer.diagnostics.dns import check_dns
from composer.diagnostics.environment import (
    check_environment,
    clock_analysis,
    consequence_analysis,
    not_found_analysis,
    offline_analysis,
)
from composer.diagnostics.mail import check_client_host, check_mx, client_hosts
from composer.diagnostics.mail_findings import port25_analysis
from composer.diagnostics.registration import check_registration
from composer.diagnostics.runner import Check, DiagnosisPlan
from composer.diagnostics.settings import DiagnosticsSettings
from composer.diagnostics.suffixes import load_local
from composer.diagnostics.web import check_web
from composer.diagnostics.web_analysis import group_web_findings, https_redirect_analysis
from composer.i18n import N_
from composer.model import display_domain, normalise_domain
from composer.profile import ProviderProfile

__all__ = ["build_checks", "build_plan"]


def build_checks(
    domain: str, profile: ProviderProfile, settings: DiagnosticsSettings, *, registrable: str = ""
) -> list[Check]:
    """Every check for ``domain`` (an A-label, see :func:`composer.model.normalise_domain`).

    Names are stable: ``environment``, ``dns``, ``registration``,
    ``web.http``, ``web.https``, ``web.www_http``, ``web.www_https`` (the
    ``www.`` pair only for a registrable domain, not for ``shop.example.com``),
    ``mail.mx`` (the MX hosts on port 25) and ``mail.<host>`` per host for mail
    programs in the profile.
    """
    registrable = registrable or domain
    shown = display_domain(domain)
    checks = [
        Check("environment", N_("This computer"), check_environment),
        Check("dns", N_("DNS of {domain}"), check_dns, {"domain": shown}),
        Check(
            "registration",
            N_("Registration of {domain}"),
            check_registration,
            {"domain": display_domain(registrable)},
        ),
    ]
    sites = [("web.http", f"http://{domain}/"), ("web.https", f"https://{domain}/")]
    if domain == registrable:
        sites += [("web.www_http", f"http://www.{domain}/"), ("web.www_https", f"https://www.{domain}/")]
    for name, url in sites:
        shown_url = url.replace(domain, shown)
        checks.append(Check(name, N_("Web site {url}"), partial(check_web, url=url), {"url": shown_url}))
    checks.append(Check("mail.mx", N_("Mail servers of {domain}"), check_mx, {"domain": shown}))
    for host, ports in client_hosts(profile).items():
        if ports:
            checks.append(
                Check(
                    f"mail.{host}",
                    N_("Mail server {host}"),
                    partial(check_client_host, host=host, ports=ports),
                    {"host": host},
                )
            )
    return checks


def build_plan(domain: str, profile: ProviderProfile, settings: DiagnosticsSettings) -> DiagnosisPlan:
    """The whole diagnosis: checks plus the analyses that run after them.

    Raises:
        ValidationError: ``domain`` is not a domain name.
    """
    ascii_domain = normalise_domain(domain, known_tld=False)  # any name, also a private test zone
    registrable = load_local(settings).registrable(ascii_domain)
    return DiagnosisPlan(
        domain=ascii_domain,
        profile=profile,
        settings=settings,
        checks=tuple(build_checks(ascii_domain, profile, settings, registrable=registrable)),
        analyses=(
            clock_analysis(settings.clock_skew_tolerance),
            not_found_analysis,
            consequence_analysis,
            port25_analysis,
            https_redirect_analysis,
            group_web_findings,
            offline_analysis,
        ),
        registrable=registrable,
    )
