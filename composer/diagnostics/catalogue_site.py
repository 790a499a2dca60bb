"""Finding texts of registration, web, environment and the runner; see ``findings``."""

from __future__ import annotations

from composer.diagnostics.findings import CRITICAL, INFO, OK, PROBLEM, WARNING, FindingKind, Variant
from composer.i18n import N_

# Where the registrar's name is unknown, the sentence says "the company you bought it from".
_NO_REGISTRAR = "no_registrar"

KINDS: tuple[FindingKind, ...] = (
    # --- Registration ------------------------------------------------------------
    FindingKind(
        "registration.ok",
        OK,
        N_("The domain is yours until {expires}"),
        N_("It was bought through {registrar}."),
        variants={_NO_REGISTRAR: Variant(N_("The registry did not say who sold it."))},
    ),
    FindingKind(
        "registration.expired",
        CRITICAL,
        N_("The domain ran out on {expires}"),
        N_(
            "The registration of {domain} has run out. The site and mail stop working. After a "
            "grace time, someone else can buy the domain."
        ),
        N_("Renew it today at {registrar}, the company you bought it from."),
        variants={_NO_REGISTRAR: Variant(next_step=N_("Renew it today where you bought it."))},
    ),
    FindingKind(
        "registration.on_hold",
        CRITICAL,
        N_("The domain is on hold"),
        N_(
            "The seller of {domain} has taken it off the net ({statuses}). This happens when a "
            "bill is not paid, in a dispute, or when owner details are missing."
        ),
        N_("Contact {registrar} today: they can tell you why, and what they need from you."),
        variants={
            _NO_REGISTRAR: Variant(
                next_step=N_("Contact the company you bought it from today, and ask what they need.")
            ),
            "server": Variant(
                N_(
                    "The registry of .{tld} has taken {domain} off the net ({statuses}). This happens "
                    "after a court order, a dispute or a fault in the owner details."
                ),
                N_("Contact {registrar} today: only they can ask the registry why."),
            ),
            "server_no_registrar": Variant(
                N_(
                    "The registry of .{tld} has taken {domain} off the net ({statuses}). This happens "
                    "after a court order, a dispute or a fault in the owner details."
                ),
                N_("Contact the company you bought it from today: only they can ask the registry why."),
            ),
        },
    ),
    FindingKind(
        "registration.redemption",
        CRITICAL,
        N_("The domain has run out and will soon be deleted"),
        N_(
            "{domain} ran out and is now off the internet ({statuses}). For about 30 days it can "
            "still be saved, for a fee. After that it is deleted, and anyone can buy it."
        ),
        N_("Contact {registrar} today and ask them to restore the domain."),
        variants={
            _NO_REGISTRAR: Variant(
                next_step=N_("Contact the company you bought it from today, and ask them to restore it.")
            )
        },
    ),
    FindingKind(
        "registration.pending_delete",
        CRITICAL,
        N_("The domain is being deleted"),
        N_(
            "{domain} can no longer be saved ({statuses}). Within days it will be deleted, and "
            "then anyone can buy it."
        ),
        N_("Ask {registrar} today to be sure. Be ready to buy the domain again as soon as it is free."),
        variants={
            _NO_REGISTRAR: Variant(
                next_step=N_(
                    "Contact the company you bought it from today. Be ready to buy the domain again "
                    "as soon as it is free."
                )
            )
        },
    ),
    FindingKind(
        "registration.expiring_soon",
        WARNING,
        N_("The domain runs out on {expires}"),
        N_("The registration of {domain} runs out in {left}."),
        N_("Renew it at {registrar} before then, or check that it renews by itself."),
        variants={
            _NO_REGISTRAR: Variant(
                next_step=N_("Renew it before then where you bought it, or check that it renews by itself.")
            )
        },
    ),
    FindingKind(
        "registration.not_registered",
        CRITICAL,
        N_("The domain {domain} is not registered"),
        N_("The registry of .{tld} has no record of {domain}."),
        N_(
            "Check the spelling. If it is right, the domain may have been deleted: ask the company "
            "you bought it from."
        ),
    ),
    FindingKind(
        "registration.lookup_unavailable",
        INFO,
        N_("The domain's registration could not be checked"),
        N_("The registry of .{tld} did not answer. So the date the domain runs out is not known."),
        N_("If you think the domain may have run out, look it up where you bought it."),
        variants={
            "no_service": Variant(
                N_("The app knows no registry service for .{tld} domains. So the end date is not known.")
            ),
            "unreadable": Variant(
                N_(
                    "The registry of .{tld} gave an answer the app could not read. So the end date "
                    "is not known."
                )
            ),
        },
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
        N_("{site} cannot be reached"),
        N_("The server at {ip} does not answer. Addresses tried: {urls}."),
        N_(
            "Check whether other sites open. If they do, the server may be down: say in your "
            "request the time you tried."
        ),
        variants={
            "refused": Variant(N_("The server at {ip} refuses to connect. Addresses tried: {urls}.")),
            "tls": Variant(
                N_("The server at {ip} breaks off the secure connection. Addresses tried: {urls}.")
            ),
            "closed": Variant(N_("The server at {ip} hangs up without an answer. Addresses tried: {urls}.")),
        },
    ),
    FindingKind(
        "web.http_error",
        PROBLEM,
        N_("{site} shows an error ({status})"),
        N_("The server can be reached, but it answered “{status}” instead of the page ({urls})."),
        N_("Say the error number in your request. If you changed the site lately, say what you changed."),
    ),
    FindingKind(
        "web.redirect_loop",
        PROBLEM,
        N_("{site} sends visitors round in circles"),
        N_(
            "The site sends the browser from address to address without end ({chain}). Browsers "
            "give up with “too many redirects”."
        ),
        N_(
            "This is most often a setting in the site (such as the WordPress address, or an HTTPS "
            "plugin) or in .htaccess. Say the addresses in your request."
        ),
    ),
    FindingKind(
        "web.no_https_redirect",
        INFO,
        N_("Visitors are not sent to the safe version of {site}"),
        N_(
            "{url} opens the site without a padlock, and does not send visitors on to {https}, "
            "which works. Browsers mark the site “not secure”."
        ),
        N_("Turn on “redirect to HTTPS” in your hosting panel or site, or ask your provider's support."),
    ),
    FindingKind(
        "web.ipv6_unreachable",
        WARNING,
        N_("{site} does not answer over IPv6"),
        N_(
            "{host} has an IPv6 address ({ipv6}), but nothing answers there, while its IPv4 address "
            "works. Visitors on newer networks, such as many phones, may not reach the site."
        ),
        N_(
            "Ask your provider's support to fix the site's IPv6 address, or to remove the AAAA "
            "record if the server has no IPv6."
        ),
    ),
    FindingKind(
        "web.cert_ok",
        OK,
        N_("The certificate of {host} is good"),
        N_("It is valid until {expires}, and was issued by {issuer}."),
    ),
    FindingKind(
        "web.cert_expired",
        CRITICAL,
        N_("The certificate of {host} ran out"),
        N_(
            "It was valid until {expires}. Browsers warn visitors that the site is not safe, and "
            "most will leave."
        ),
        N_(
            "Ask your provider's support to renew the certificate. On most hosting plans this is "
            "free and happens by itself."
        ),
    ),
    FindingKind(
        "web.cert_expiring_soon",
        WARNING,
        N_("The certificate of {host} runs out on {expires}"),
        N_("It runs out in {left}. After that, browsers warn visitors."),
        N_("It should renew by itself before then. If the date gets close, ask your provider's support."),
    ),
    FindingKind(
        "web.cert_name_mismatch",
        PROBLEM,
        N_("The certificate is not for {host}"),
        N_("The server shows a certificate for {names}. So browsers warn the visitors of {host}."),
        N_("Ask your provider's support for a certificate that includes {host}."),
    ),
    FindingKind(
        "web.cert_untrusted",
        PROBLEM,
        N_("The certificate of {host} is not trusted"),
        N_("It was issued by {issuer}, whom browsers do not trust."),
        N_("Ask your provider's support to put in a certificate from a trusted issuer, with its full chain."),
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
        N_("It is within {skew_text} of the servers' clocks."),
    ),
    FindingKind(
        "env.clock_skew",
        WARNING,
        N_("Your computer's clock is off by {skew_text}"),
        N_(
            "Servers say it is {server_time}, but your computer says {local_time}. A wrong clock "
            "makes good certificates look out of date, and one-time login codes fail."
        ),
        N_("Set the date, time and time zone of your computer to automatic."),
    ),
    FindingKind(
        "env.offline",
        CRITICAL,
        N_("Your computer is not on the internet"),
        N_("No server could be reached: not the name service, and no site or mail server."),
        N_("Check the cable or Wi-Fi and restart your router. Then run the checks again."),
    ),
    # --- The runner --------------------------------------------------------------
    FindingKind(
        "diagnostics.timeout",
        WARNING,
        N_("The check “{name}” took too long"),
        N_("It was stopped after {seconds_text}. So the app does not know whether this part works."),
        N_("Run the checks again later. A slow connection can cause this."),
        variants={
            "dns": Variant(
                N_(
                    "It was stopped after {seconds_text}. So the app does not know whether the "
                    "domain's DNS settings are right."
                )
            ),
            "registration": Variant(
                N_(
                    "It was stopped after {seconds_text}. So the app does not know when the domain "
                    "runs out, or whether it is on hold."
                )
            ),
            "web": Variant(
                N_("It was stopped after {seconds_text}. So the app does not know whether {url} works.")
            ),
            "mail": Variant(
                N_(
                    "It was stopped after {seconds_text}. So the app does not know whether the mail "
                    "server answers."
                )
            ),
        },
    ),
    FindingKind(
        "diagnostics.error",
        WARNING,
        N_("The check “{name}” could not finish"),
        N_(
            "Something unexpected happened, so this part was not checked. The technical details "
            "are attached for the support team."
        ),
    ),
)
