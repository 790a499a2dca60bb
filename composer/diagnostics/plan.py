"""Which checks a diagnosis runs: a pure function of domain, profile and settings."""

from __future__ import annotations

from functools import partial

from composer.diagnostics.dns import check_dns
from composer.diagnostics.environment import (
    check_environment,
    clock_analysis,
    consequence_analysis,
    offline_analysis,
)
from composer.diagnostics.mail import check_mail, mail_hosts
from composer.diagnostics.registration import check_registration
from composer.diagnostics.runner import Check, DiagnosisPlan
from composer.diagnostics.settings import DiagnosticsSettings
from composer.diagnostics.web import check_web
from composer.i18n import N_
from composer.model import display_domain, normalise_domain
from composer.profile import ProviderProfile

__all__ = ["build_checks", "build_plan"]


def build_checks(domain: str, profile: ProviderProfile, settings: DiagnosticsSettings) -> list[Check]:
    """Every check for ``domain`` (an A-label, see :func:`composer.model.normalise_domain`).

    Names are stable: ``environment``, ``dns``, ``registration``,
    ``web.http``, ``web.https``, ``web.www_http``, ``web.www_https``, and
    ``mail.<host>`` per mail host (or ``mail.mx`` when the profile names none).
    """
    shown = display_domain(domain)
    checks = [
        Check("environment", N_("This computer"), check_environment),
        Check("dns", N_("DNS of {domain}"), check_dns, {"domain": shown}),
        Check("registration", N_("Registration of {domain}"), check_registration, {"domain": shown}),
    ]
    for name, url in (
        ("web.http", f"http://{domain}/"),
        ("web.https", f"https://{domain}/"),
        ("web.www_http", f"http://www.{domain}/"),
        ("web.www_https", f"https://www.{domain}/"),
    ):
        shown_url = url.replace(domain, shown)
        checks.append(Check(name, N_("Web site {url}"), partial(check_web, url=url), {"url": shown_url}))
    hosts = mail_hosts(profile)
    if hosts:
        checks += [
            Check(f"mail.{host}", N_("Mail server {host}"), partial(check_mail, host=host), {"host": host})
            for host in hosts
        ]
    else:
        checks.append(
            Check("mail.mx", N_("Mail server of {domain}"), partial(check_mail, host=None), {"domain": shown})
        )
    return checks


def build_plan(domain: str, profile: ProviderProfile, settings: DiagnosticsSettings) -> DiagnosisPlan:
    """The whole diagnosis: checks plus the analyses that run after them.

    Raises:
        ValidationError: ``domain`` is not a domain name.
    """
    ascii_domain = normalise_domain(domain, known_tld=False)  # any name, also a private test zone
    return DiagnosisPlan(
        domain=ascii_domain,
        profile=profile,
        settings=settings,
        checks=tuple(build_checks(ascii_domain, profile, settings)),
        analyses=(
            clock_analysis(settings.clock_skew_tolerance),
            consequence_analysis,
            offline_analysis,
        ),
    )
