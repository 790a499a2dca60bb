"""Finding texts of the DNS family (``dns.*``); see :mod:`composer.diagnostics.findings`."""

from __future__ import annotations

from composer.diagnostics.findings import CRITICAL, INFO, OK, PROBLEM, WARNING, FindingKind, Variant
from composer.i18n import N_

KINDS: tuple[FindingKind, ...] = (
    FindingKind(
        "dns.domain_not_found",
        CRITICAL,
        N_("The domain {domain} does not exist"),
        N_("The registry of .{tld} names has no domain {domain}. No one can open a site or send mail to it."),
        N_(
            "Check the spelling. If it is right, the domain may have run out or may never have "
            "been bought: ask the company you bought it from."
        ),
    ),
    FindingKind(
        "dns.domain_not_found_unconfirmed",
        WARNING,
        N_("Your network says {domain} does not exist"),
        N_(
            "The name service of your network ({resolver}) says there is no domain {domain}. "
            "The app could not ask the registry of .{tld} to be sure, so your network may be wrong."
        ),
        N_(
            "Check the spelling. Then try on another network, for example your phone's mobile "
            "data. If the domain is still not found there, ask the company you bought it from."
        ),
        variants={
            "registry_knows": Variant(
                N_(
                    "The name service of your network ({resolver}) says there is no domain "
                    "{domain}, but the registry of .{tld} knows it. Your network gives a wrong "
                    "answer."
                ),
                N_(
                    "Try on another network, such as your phone's data. If the site opens there, "
                    "tell your internet provider or the person who runs your network."
                ),
            ),
        },
    ),
    FindingKind(
        "dns.resolver_unreachable",
        PROBLEM,
        N_("Your computer's name service does not answer"),
        N_(
            "The service that finds the address of a name for your computer ({resolver}) did not "
            "answer. So no site can be found by name from here."
        ),
        N_("Restart your router. If it keeps happening, tell your internet provider."),
    ),
    FindingKind(
        "dns.nameservers_ok",
        OK,
        N_("The domain uses the name servers of {provider}"),
        N_("{domain} is linked to the right nameservers: {nameservers}."),
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
        N_("The domain is not linked to {provider}'s nameservers"),
        N_(
            "{domain} uses the nameservers {nameservers}, but {provider} expects {expected}. "
            "Until this changes, visitors and mail go to the wrong place."
        ),
        N_(
            "Where you bought the domain, set its nameservers to {expected}. The change takes up "
            "to two days to reach everyone."
        ),
    ),
    FindingKind(
        "dns.delegation_mismatch",
        WARNING,
        N_("The domain's lists of nameservers do not match"),
        N_(
            "The registry of .{tld} lists {parent}, but the domain's own settings list {zone}. "
            "Some visitors may be sent to a server that does not know the domain."
        ),
        N_(
            "Make both lists the same: the nameservers where you bought the domain, and the NS "
            "records in the domain's DNS settings."
        ),
    ),
    FindingKind(
        "dns.delegation_unavailable",
        INFO,
        N_("The registry's list of nameservers could not be read"),
        N_(
            "The app could not ask the registry of .{tld} which nameservers {domain} uses. The "
            "other DNS results still hold."
        ),
    ),
    FindingKind(
        "dns.nameserver_unreachable",
        PROBLEM,
        N_("The nameserver {nameserver} does not answer for the domain"),
        N_(
            "{nameserver} is one of the domain's nameservers, but it does not answer at all. "
            "Visitors whose lookup lands there cannot find the site, or find it only slowly."
        ),
        N_(
            "Tell {provider}'s support which nameserver does not answer. Or take it off the "
            "domain's list of nameservers where you bought the domain."
        ),
        variants={
            "refused": Variant(
                N_(
                    "{nameserver} is one of the domain's nameservers, but it refuses to talk. "
                    "Visitors whose lookup lands there cannot find the site."
                )
            ),
            "REFUSED": Variant(
                N_(
                    "{nameserver} is one of the domain's nameservers, but it refuses to answer for it. "
                    "Visitors whose lookup lands there cannot find the site."
                )
            ),
            "SERVFAIL": Variant(
                N_(
                    "{nameserver} is one of the domain's nameservers, but it fails to answer for it. "
                    "Visitors whose lookup lands there cannot find the site."
                )
            ),
            "lame": Variant(
                N_(
                    "{nameserver} is one of the domain's nameservers. It answers, but it does not "
                    "hold the domain's settings. Visitors whose lookup lands there cannot find the site."
                )
            ),
            "unresolvable": Variant(
                N_(
                    "{nameserver} is one of the domain's nameservers, but its own address cannot be found. "
                    "Visitors whose lookup lands there cannot find the site."
                )
            ),
        },
    ),
    FindingKind(
        "dns.dnssec_ok",
        OK,
        N_("The domain's DNS is signed, and the signatures hold (DNSSEC)"),
        N_("The registry and the domain's nameservers agree on the key that signs {domain}."),
    ),
    FindingKind(
        "dns.dnssec_broken",
        CRITICAL,
        N_("The domain's DNS signature is broken (DNSSEC)"),
        N_(
            "The registry of .{tld} says that {domain} is signed, but the signatures do not check "
            "out. Many internet providers then do not look the domain up at all: the site and mail "
            "work for some people and not for others."
        ),
        N_(
            "Ask whoever runs the domain's DNS to fix the signing. If that cannot be done today, "
            "remove the DNSSEC (DS) record where you bought the domain: then it works for everyone "
            "again."
        ),
        variants={
            "no_keys": Variant(
                N_(
                    "The registry of .{tld} says that {domain} is signed, but its nameservers have no "
                    "signing key. Many internet providers then do not look the domain up at all: the "
                    "site and mail work for some people and not for others."
                )
            ),
            "wrong_key": Variant(
                N_(
                    "The registry of .{tld} lists a signing key for {domain} that its nameservers do "
                    "not use. Many internet providers then do not look the domain up at all: the site "
                    "and mail work for some people and not for others."
                )
            ),
            "expired": Variant(
                N_(
                    "The signatures of {domain} ran out on {expired}. Many internet providers then do "
                    "not look the domain up at all: the site and mail work for some people and not for "
                    "others."
                )
            ),
        },
    ),
    FindingKind(
        "dns.soa_serial_mismatch",
        WARNING,
        N_("The domain's nameservers are not in step"),
        N_(
            "The nameservers hold different versions of the domain's settings ({serials}). "
            "Recent changes are not seen everywhere yet."
        ),
        N_("Wait an hour. If it stays like this, tell your provider's support."),
    ),
    FindingKind(
        "dns.nameservers_disagree",
        PROBLEM,
        N_("The name servers of the domain do not agree"),
        N_(
            "{first} says {seen} for {name}, but {second} says {truth}. Visitors get one answer or "
            "the other, by chance: the site works for some and not for others."
        ),
        N_(
            "Tell {provider}'s support which answers differ (they are in the technical details). "
            "All nameservers must hold the same settings."
        ),
    ),
    FindingKind(
        "dns.web_address_ok",
        OK,
        N_("The web address points to {provider}'s server"),
        N_("{name} points to {addresses}."),
    ),
    FindingKind(
        "dns.web_address_found",
        INFO,
        N_("{name} points to {addresses}"),
        N_("This is the server that visitors of {name} reach."),
    ),
    FindingKind(
        "dns.web_address_mismatch",
        PROBLEM,
        N_("The site's address points to another server"),
        N_(
            "{name} points to {addresses}, but {provider}'s server for it is {expected}. Visitors "
            "reach the other server, not your site here."
        ),
        N_(
            "In the domain's DNS settings, change the A record to {expected}, or ask {provider}'s "
            "support to do it."
        ),
        variants={
            "provider_zone_ready": Variant(
                next_step=N_(
                    "{provider}'s nameservers already have the right address. It will be used as "
                    "soon as the domain is linked to them (see above)."
                )
            ),
        },
    ),
    FindingKind(
        "dns.no_web_address",
        CRITICAL,
        N_("The domain has no web address"),
        N_("{name} exists, but points to no server. So a browser cannot open a site for it."),
        N_(
            "Add an A record for it that points to your hosting server, or ask your provider's "
            "support to do it."
        ),
    ),
    FindingKind(
        "dns.apex_without_address",
        PROBLEM,
        N_("{domain} without www has no address"),
        N_("{www} works, but {domain} points to no server. Visitors who leave out the www see an error."),
        N_(
            "Add an A record for {domain} that points to {addresses}, or ask your provider's "
            "support to do it."
        ),
    ),
    FindingKind(
        "dns.resolvers_agree",
        OK,
        N_("Every DNS server sees the same addresses"),
        N_(
            "The domain's own nameservers, your computer and the public DNS servers ({resolvers}) "
            "all give the same answers."
        ),
    ),
    FindingKind(
        "dns.resolvers_disagree",
        WARNING,
        N_("Not everyone sees the same address for {name} yet"),
        N_(
            "{resolver} still gives {seen} for {name}, while the domain's nameservers say {truth}. "
            "It may keep the old answer for {ttl_text} more, until about {settles}."
        ),
        N_(
            "Most often there is nothing to do: wait until {settles}. If the old answer is still "
            "there after that, say so in your request."
        ),
    ),
    FindingKind(
        "dns.public_comparison_unavailable",
        INFO,
        N_("The public DNS servers could not be asked"),
        N_(
            "The app could not reach {resolvers} from your network. So it could not check whether "
            "the rest of the world sees the same addresses as you."
        ),
    ),
    FindingKind(
        "dns.mx_ok",
        OK,
        N_("Mail for the domain goes to {provider}"),
        N_("The mail servers of {name} are {mx}."),
    ),
    FindingKind(
        "dns.mx_found",
        INFO,
        N_("Mail for the domain goes to {mx}"),
        N_("These are the servers that receive mail for {name}."),
    ),
    FindingKind(
        "dns.no_mx",
        PROBLEM,
        N_("The domain has no mail server"),
        N_("{name} has no MX record. So mail that others send to addresses at {name} may not arrive."),
        N_("Add the MX record your provider gives you ({expected}), or ask its support to do it."),
    ),
    FindingKind(
        "dns.null_mx",
        INFO,
        N_("The domain says it takes no mail"),
        N_(
            "{name} has a “null MX” record: a sign that says “no mail here”. Mail sent to "
            "addresses at {name} bounces at once."
        ),
        N_(
            "If you want to get mail at {name}, replace this record with the MX records of your "
            "mail provider."
        ),
    ),
    FindingKind(
        "dns.mx_is_address",
        PROBLEM,
        N_("The mail record holds an address, not a name"),
        N_(
            "The MX record of {name} says {mx}. An MX record must name a mail server, not give its "
            "number. Many senders cannot deliver mail to it."
        ),
        N_("Change the MX record to the name of the mail server ({expected}), or ask support to do it."),
    ),
    FindingKind(
        "dns.mx_is_cname",
        WARNING,
        N_("The mail server's name is an alias"),
        N_(
            "The MX record of {name} names {mx}, which is only an alias (CNAME) of {target}. The "
            "rules do not allow this, and some senders refuse to deliver mail."
        ),
        N_("Change the MX record to {target}, or ask your provider's support to do it."),
    ),
    FindingKind(
        "dns.mx_mismatch",
        PROBLEM,
        N_("Mail for the domain goes to another provider"),
        N_(
            "Mail for {name} goes to {mx}, not to {provider}'s mail servers ({expected}). "
            "Mailboxes at {provider} will not get it."
        ),
        N_("If your mail should be at {provider}, change the MX records to {expected}."),
    ),
    FindingKind(
        "dns.registrable_domain",
        INFO,
        N_("{name} is part of the domain {domain}"),
        N_(
            "The registration and the nameservers were checked for {domain}. The site and mail "
            "were checked for {name}."
        ),
    ),
)
