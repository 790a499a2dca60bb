"""The catalogue of finding codes: severity and plain-language texts.

Codes are stable API (tests, translations and providers' scripts rely on
them) and every one is documented in ``docs/diagnostics.md``. Texts are
marked with ``N_`` here and translated with ``_`` when a finding is made or
re-rendered after a language switch (:func:`retranslate`). Parameters go in
``{braces}``; a missing parameter is shown as the brace itself rather than
failing, so a translation can never crash a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from composer.i18n import N_, _
from composer.model import Finding, Severity

__all__ = ["CATALOGUE", "FindingKind", "make_finding", "retranslate", "sort_findings"]

OK, INFO, WARNING, PROBLEM, CRITICAL = (
    Severity.OK,
    Severity.INFO,
    Severity.WARNING,
    Severity.PROBLEM,
    Severity.CRITICAL,
)


@dataclass(frozen=True)
class FindingKind:
    """What a finding code means: its severity and its untranslated texts."""

    code: str
    severity: Severity
    title: str
    explanation: str
    next_step: str = ""


_KINDS: tuple[FindingKind, ...] = (
    # --- DNS -------------------------------------------------------------
    FindingKind(
        "dns.domain_not_found",
        CRITICAL,
        N_("The domain {domain} does not exist on the internet"),
        N_(
            "The registry of .{tld} domains does not know {domain}. Nobody can reach a site "
            "or send mail to it."
        ),
        N_(
            "Check the spelling. If it is right, the domain may have expired or never been "
            "registered: contact the company you registered it with."
        ),
    ),
    FindingKind(
        "dns.resolver_unreachable",
        PROBLEM,
        N_("Your computer's name service does not answer"),
        N_(
            "The service that turns names into addresses for your computer ({resolver}) did "
            "not answer, so no site can be found by name from here."
        ),
        N_("Restart your router. If it keeps happening, tell your internet provider."),
    ),
    FindingKind(
        "dns.nameservers_ok",
        OK,
        N_("The domain uses {provider}'s nameservers"),
        N_("{domain} is pointed at the right nameservers: {nameservers}."),
    ),
    FindingKind(
        "dns.nameservers_found",
        INFO,
        N_("The domain uses the nameservers {nameservers}"),
        N_("This is where the internet looks up the addresses of {domain}."),
    ),
    FindingKind(
        "dns.nameservers_mismatch",
        PROBLEM,
        N_("The domain is not pointed at {provider}'s nameservers"),
        N_(
            "{domain} uses the nameservers {nameservers}, but {provider} expects "
            "{expected}. Until this changes, visitors and mail go elsewhere."
        ),
        N_(
            "At the company where you registered the domain, set the nameservers to "
            "{expected}. The change takes up to 48 hours to reach everyone."
        ),
    ),
    FindingKind(
        "dns.delegation_mismatch",
        WARNING,
        N_("The domain's nameserver lists do not match"),
        N_(
            "The registry of .{tld} lists {parent}, but the domain's own settings list "
            "{zone}. Some visitors may be sent to a server that does not know the domain."
        ),
        N_(
            "Make both lists the same: the nameservers at your registrar and the NS records "
            "in the domain's DNS settings."
        ),
    ),
    FindingKind(
        "dns.delegation_unavailable",
        INFO,
        N_("The registry's nameserver list could not be read"),
        N_(
            "The app could not ask the registry of .{tld} which nameservers {domain} uses; "
            "the other DNS results are still valid."
        ),
    ),
    FindingKind(
        "dns.nameserver_unreachable",
        PROBLEM,
        N_("The nameserver {nameserver} does not answer for the domain"),
        N_(
            "{nameserver} is one of the domain's nameservers, but it {reason}. Visitors "
            "whose lookup lands there cannot find the site, or find it only slowly."
        ),
        N_(
            "Tell {provider}'s support which nameserver does not answer, or remove it from "
            "the domain's nameserver list at your registrar."
        ),
    ),
    FindingKind(
        "dns.soa_serial_mismatch",
        WARNING,
        N_("The domain's nameservers are not in step"),
        N_(
            "The nameservers hold different versions of the domain's settings "
            "({serials}). Recent changes are not visible everywhere yet."
        ),
        N_("Wait an hour. If it stays like this, tell your provider's support."),
    ),
    FindingKind(
        "dns.web_address_ok",
        OK,
        N_("The web address points to {provider}'s server"),
        N_("{domain} points to {addresses}."),
    ),
    FindingKind(
        "dns.web_address_found",
        INFO,
        N_("The domain points to {addresses}"),
        N_("This is the server visitors of {domain} reach."),
    ),
    FindingKind(
        "dns.web_address_mismatch",
        PROBLEM,
        N_("The site's address points to another server"),
        N_(
            "{domain} points to {addresses}, but {provider}'s server for it is {expected}. "
            "Visitors reach the other server, not your site here."
        ),
        N_(
            "In the domain's DNS settings, change the A record to {expected}, or ask "
            "{provider}'s support to do it."
        ),
    ),
    FindingKind(
        "dns.no_web_address",
        CRITICAL,
        N_("The domain has no web address"),
        N_("{domain} exists, but points to no server, so a browser cannot open a site for it."),
        N_(
            "Add an A record for the domain pointing to your hosting server, or ask your "
            "provider's support to do it."
        ),
    ),
    FindingKind(
        "dns.resolvers_agree",
        OK,
        N_("Every DNS server sees the same addresses"),
        N_(
            "The domain's own nameservers, your computer and the public resolvers "
            "({resolvers}) all give the same answers."
        ),
    ),
    FindingKind(
        "dns.resolvers_disagree",
        WARNING,
        N_("Not everyone sees the same address for {name} yet"),
        N_(
            "{resolver} still gives {seen} for {name} ({rtype}), while the domain's "
            "nameservers say {truth}. It keeps the old answer for up to {ttl_text}, "
            "until about {settles}."
        ),
        N_(
            "Usually nothing to do: wait until {settles}. If the old answer is still there "
            "after that, mention this in your request."
        ),
    ),
    FindingKind(
        "dns.mx_ok",
        OK,
        N_("Mail for the domain goes to {provider}"),
        N_("The mail servers of {domain} are {mx}."),
    ),
    FindingKind(
        "dns.mx_found",
        INFO,
        N_("Mail for the domain goes to {mx}"),
        N_("These are the servers that receive mail for {domain}."),
    ),
    FindingKind(
        "dns.no_mx",
        PROBLEM,
        N_("The domain has no mail server"),
        N_("{domain} has no MX record, so other people's mail to addresses at {domain} may not arrive."),
        N_("Add the MX record your provider gives you ({expected}), or ask its support to do it."),
    ),
    FindingKind(
        "dns.mx_mismatch",
        PROBLEM,
        N_("Mail for the domain goes to another provider"),
        N_(
            "Mail for {domain} is delivered to {mx}, not to {provider}'s mail servers "
            "({expected}). Mailboxes at {provider} will not receive it."
        ),
        N_("If your mail should be at {provider}, change the MX records to {expected}."),
    ),
    FindingKind(
        "mail.spf_ok",
        OK,
        N_("The domain says which servers may send its mail (SPF)"),
        N_("The SPF record is: {record}"),
    ),
    FindingKind(
        "mail.spf_missing",
        WARNING,
        N_("The domain does not say which servers may send its mail"),
        N_(
            "{domain} has no SPF record. Receivers such as Gmail then often treat mail "
            "from {domain} as spam or refuse it."
        ),
        N_("Add the TXT record your provider recommends, for example “v=spf1 include:{include} ~all”."),
    ),
    FindingKind(
        "mail.spf_invalid",
        PROBLEM,
        N_("The domain's SPF record is broken"),
        N_(
            "The record that says which servers may send mail for {domain} is not valid: "
            "{reason}. Receivers ignore it or refuse the mail."
        ),
        N_(
            "Keep exactly one TXT record starting with “v=spf1” and correct it, or ask "
            "your provider's support to."
        ),
    ),
    FindingKind(
        "mail.spf_include_missing",
        WARNING,
        N_("The SPF record does not name {provider}'s mail servers"),
        N_(
            "Mail you send through {provider} may be treated as forged, because the SPF "
            "record of {domain} does not include {include}."
        ),
        N_("Add “include:{include}” to the SPF record, before its “all” at the end."),
    ),
    FindingKind(
        "mail.dmarc_ok", OK, N_("The domain has a DMARC policy"), N_("The DMARC record is: {record}")
    ),
    FindingKind(
        "mail.dmarc_missing",
        WARNING,
        N_("The domain has no DMARC policy"),
        N_(
            "Large mail services (Gmail, Yahoo, Microsoft) expect a DMARC record for "
            "domains that send mail; without one, mail from {domain} may land in spam."
        ),
        N_("Add a TXT record at _dmarc.{domain}, for example “v=DMARC1; p=none”."),
    ),
    FindingKind(
        "mail.dmarc_invalid",
        WARNING,
        N_("The domain's DMARC record is broken"),
        N_("The record at _dmarc.{domain} is not valid: {reason}."),
        N_("Correct it so it starts with “v=DMARC1; p=” and a policy."),
    ),
    # --- Registration ------------------------------------------------------
    FindingKind(
        "registration.ok", OK, N_("The domain is registered until {expires}"), N_("Registrar: {registrar}.")
    ),
    FindingKind(
        "registration.expired",
        CRITICAL,
        N_("The domain expired on {expires}"),
        N_(
            "The registration of {domain} ran out. The site and mail stop working, and "
            "after a grace period someone else can register the domain."
        ),
        N_("Renew it now at {registrar}, the company you registered it with."),
    ),
    FindingKind(
        "registration.on_hold",
        CRITICAL,
        N_("The domain is on hold"),
        N_(
            "The registry has taken {domain} off the internet ({statuses}). This happens "
            "after an unpaid renewal, a dispute or missing owner details."
        ),
        N_("Contact {registrar}: they can tell you why and what they need from you."),
    ),
    FindingKind(
        "registration.pending_delete",
        CRITICAL,
        N_("The domain is about to be deleted"),
        N_("{domain} is in its last phase before deletion ({statuses})."),
        N_(
            "Contact {registrar} today: a domain in redemption can still be restored for "
            "a fee; after deletion anyone can register it."
        ),
    ),
    FindingKind(
        "registration.expiring_soon",
        WARNING,
        N_("The domain expires on {expires}"),
        N_("The registration of {domain} runs out in {days} day(s)."),
        N_("Renew it at {registrar} before then, or check that automatic renewal is on."),
    ),
    FindingKind(
        "registration.not_registered",
        CRITICAL,
        N_("The domain {domain} is not registered"),
        N_("The registry of .{tld} has no record of {domain}."),
        N_(
            "Check the spelling. If it is right, the domain may have been deleted: "
            "contact the company you registered it with."
        ),
    ),
    FindingKind(
        "registration.lookup_unavailable",
        INFO,
        N_("The domain's registration could not be checked"),
        N_(
            "The registry of .{tld} did not answer the app's question ({reason}), so the "
            "expiry date is unknown."
        ),
        N_("If you think the domain may have expired, look it up at your registrar."),
    ),
    # --- Web -----------------------------------------------------------------
    FindingKind(
        "web.ok", OK, N_("{url} answers"), N_("The server at {ip} answered with “{status}” in {ms} ms.")
    ),
    FindingKind(
        "web.www_missing",
        WARNING,
        N_("{host} has no address"),
        N_("Visitors who type {host} see an error, even though {domain} itself may work."),
        N_("Add a record for www (a CNAME to {domain}), or ask your provider's support."),
    ),
    FindingKind(
        "web.unreachable",
        PROBLEM,
        N_("{url} cannot be reached"),
        N_("The server at {ip} did not answer ({reason})."),
        N_(
            "Check whether other sites open. If they do, the server may be down: mention "
            "the time you tried in your request."
        ),
    ),
    FindingKind(
        "web.http_error",
        PROBLEM,
        N_("{url} answers with an error ({status})"),
        N_("The server is reachable, but answered “{status}” instead of the page."),
        N_(
            "Mention the error number in your request; if you changed the site recently, "
            "say what you changed."
        ),
    ),
    FindingKind(
        "web.redirect_loop",
        PROBLEM,
        N_("{url} sends visitors round in circles"),
        N_(
            "The site forwards the browser from address to address without end "
            "({chain}); browsers give up with “too many redirects”."
        ),
        N_(
            "This is usually a setting in the site (e.g. WordPress address, HTTPS plugin) "
            "or .htaccess. Mention the addresses in your request."
        ),
    ),
    FindingKind(
        "web.cert_ok",
        OK,
        N_("The security certificate of {host} is valid"),
        N_("Valid until {expires}, issued by {issuer}."),
    ),
    FindingKind(
        "web.cert_expired",
        CRITICAL,
        N_("The security certificate of {host} expired"),
        N_(
            "It was valid until {expires}. Browsers warn visitors that the site is not "
            "safe, and most will leave."
        ),
        N_(
            "Ask your provider's support to renew the certificate (on most hosting plans "
            "this is free and automatic)."
        ),
    ),
    FindingKind(
        "web.cert_expiring_soon",
        WARNING,
        N_("The security certificate of {host} expires on {expires}"),
        N_("It runs out in {days} day(s); after that browsers warn visitors."),
        N_("Automatic renewal should happen before then. If the date is close, ask your provider's support."),
    ),
    FindingKind(
        "web.cert_name_mismatch",
        PROBLEM,
        N_("The security certificate is not for {host}"),
        N_("The server presents a certificate for {names}, so browsers warn visitors of {host}."),
        N_("Ask your provider's support to issue a certificate that includes {host}."),
    ),
    FindingKind(
        "web.cert_untrusted",
        PROBLEM,
        N_("The security certificate of {host} is not trusted"),
        N_("It was issued by {issuer}, which browsers do not trust ({reason})."),
        N_(
            "Ask your provider's support to install a certificate from a trusted "
            "authority, with its full chain."
        ),
    ),
    # --- Mail ports ------------------------------------------------------------
    FindingKind(
        "mail.ports_ok", OK, N_("The mail server {host} answers"), N_("Ports that answered: {ports}.")
    ),
    FindingKind(
        "mail.host_unreachable",
        CRITICAL,
        N_("The mail server {host} cannot be reached"),
        N_(
            "None of its ports ({ports}) answered from your network, so mail programs cannot send or receive."
        ),
        N_(
            "Check whether sites open. If they do, the mail server may be down: say in "
            "your request when you tried."
        ),
    ),
    FindingKind(
        "mail.port25_blocked",
        WARNING,
        N_("Your internet connection blocks port 25"),
        N_(
            "{host} answers on {working} but not on port 25. Many internet providers "
            "block port 25 for home connections; the mail server itself is fine."
        ),
        N_("In your mail program, send through port 587 (STARTTLS) or 465 (SSL/TLS), not 25."),
    ),
    FindingKind(
        "mail.port_unreachable",
        WARNING,
        N_("{host} does not answer on port {port}"),
        N_(
            "Other ports of the mail server work ({working}). A mail program set to "
            "port {port} cannot connect ({reason})."
        ),
        N_(
            "Use the port in your provider's instructions; a firewall or antivirus on "
            "your computer may also block this port."
        ),
    ),
    FindingKind(
        "mail.starttls_missing",
        PROBLEM,
        N_("{host} does not offer encryption on port {port}"),
        N_(
            "The server did not offer STARTTLS, so a mail program set to use it fails "
            "and passwords would travel unencrypted."
        ),
        N_("Tell your provider's support; meanwhile use port 465 (SSL/TLS) if it works."),
    ),
    FindingKind(
        "mail.cert_problem",
        PROBLEM,
        N_("The certificate of the mail server {host} is not valid"),
        N_("On port {port} it {reason}; mail programs show a security warning or refuse to connect."),
        N_(
            "Check that your mail program uses the server name {host}. If it does, tell "
            "your provider's support."
        ),
    ),
    FindingKind(
        "mail.client_ok",
        OK,
        N_("Your {protocol} settings match {provider}'s"),
        N_("{host}, port {port}, {security}."),
    ),
    FindingKind(
        "mail.client_host_mismatch",
        PROBLEM,
        N_("The {protocol} server name is not the one {provider} gives"),
        N_("You entered {entered}; {provider} says {expected}."),
        N_("Change the server name in your mail program to {expected}."),
    ),
    FindingKind(
        "mail.client_port_mismatch",
        PROBLEM,
        N_("The {protocol} port is not the one {provider} gives"),
        N_("You entered port {entered}; {provider} says {expected}."),
        N_("Change the port in your mail program to {expected}."),
    ),
    FindingKind(
        "mail.client_security_mismatch",
        PROBLEM,
        N_("The {protocol} encryption setting is not the one {provider} gives"),
        N_("You entered {entered}; for port {port} {provider} says {expected}."),
        N_("Change the security setting (SSL/TLS, STARTTLS) in your mail program to {expected}."),
    ),
    # --- Environment -------------------------------------------------------------
    FindingKind(
        "env.info",
        INFO,
        N_("Checked from {os}"),
        N_("Request Composer {version}; name service: {resolvers}."),
    ),
    FindingKind(
        "env.clock_ok",
        OK,
        N_("Your computer's clock is right"),
        N_("It differs from the servers' clocks by {skew} second(s)."),
    ),
    FindingKind(
        "env.clock_skew",
        WARNING,
        N_("Your computer's clock is off by {skew_text}"),
        N_(
            "Servers say it is {server_time}, your computer says {local_time}. A wrong "
            "clock makes valid certificates look expired and one-time login codes fail."
        ),
        N_("Set the date, time and time zone of your computer to automatic."),
    ),
    FindingKind(
        "env.offline",
        CRITICAL,
        N_("Your computer is not connected to the internet"),
        N_("No server could be reached: neither the name service nor any site or mail server answered."),
        N_("Check the cable or Wi-Fi and restart your router, then run the checks again."),
    ),
    # --- The runner --------------------------------------------------------------
    FindingKind(
        "diagnostics.timeout",
        INFO,
        N_("The check “{name}” took too long"),
        N_("It was stopped after {seconds} seconds; its results are missing."),
        N_("Run the checks again later; a slow connection can cause this."),
    ),
    FindingKind(
        "diagnostics.error",
        INFO,
        N_("The check “{name}” could not finish"),
        N_("Something unexpected happened; the technical details are attached for the support team."),
    ),
)

CATALOGUE: dict[str, FindingKind] = {kind.code: kind for kind in _KINDS}


class _SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _render(text: str, params: dict[str, Any]) -> str:
    if not text:
        return ""
    try:
        return _(text).format_map(_SafeDict(params))
    except (ValueError, IndexError, AttributeError):  # a broken translation
        return text.format_map(_SafeDict(params))


def make_finding(
    code: str,
    *,
    check: str,
    detail: str = "",
    severity: Severity | None = None,
    **params: Any,
) -> Finding:
    """A finding of a catalogued ``code``, its texts translated into the current language.

    Raises:
        KeyError: ``code`` is not in the catalogue (a programming error).
    """
    kind = CATALOGUE[code]
    return Finding(
        code=code,
        severity=severity or kind.severity,
        title=_render(kind.title, params),
        explanation=_render(kind.explanation, params),
        next_step=_render(kind.next_step, params),
        detail=detail,
        check=check,
        params=params,
    )


def retranslate(finding: Finding) -> Finding:
    """The same finding with its texts in the current language (after a switch)."""
    kind = CATALOGUE.get(finding.code)
    if kind is None:
        return finding
    return finding.model_copy(
        update={
            "title": _render(kind.title, finding.params),
            "explanation": _render(kind.explanation, finding.params),
            "next_step": _render(kind.next_step, finding.params),
        }
    )


def sort_findings(findings: list[Finding] | tuple[Finding, ...]) -> list[Finding]:
    """Worst first; equal severities keep their order."""
    return sorted(findings, key=lambda f: -f.severity.rank)
