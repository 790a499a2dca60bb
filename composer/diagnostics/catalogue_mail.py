"""Finding texts of the mail family (``mail.*``); see :mod:`composer.diagnostics.findings`."""

from __future__ import annotations

from composer.diagnostics.findings import CRITICAL, INFO, OK, PROBLEM, WARNING, FindingKind, Variant
from composer.i18n import N_

# mailauth.spf_problem() kinds: whole sentences, never a pasted fragment
_SPF_BROKEN_NEXT = N_(
    "Keep exactly one TXT record that starts with “v=spf1” and correct it, or ask your "
    "provider's support to do it."
)
_SPF_VARIANTS = {
    kind: Variant(text)
    for kind, text in {
        "several": N_(
            "{name} has {count} SPF records, but only one is allowed. Receivers then ignore them "
            "all, or refuse the mail."
        ),
        "bad_term": N_(
            "The SPF record of {name} has a part that is not valid: “{term}”. Receivers ignore the "
            "record, or refuse the mail."
        ),
        "unknown_term": N_(
            "The SPF record of {name} has a part that receivers do not know: “{term}”. They ignore "
            "the record, or refuse the mail."
        ),
        "no_domain": N_(
            "In the SPF record of {name}, the part “{term}” needs a domain name after it. Receivers "
            "ignore the record, or refuse the mail."
        ),
        "bad_address": N_(
            "In the SPF record of {name}, the part “{term}” has an address that is not valid. "
            "Receivers ignore the record, or refuse the mail."
        ),
        "repeated": N_(
            "The SPF record of {name} has “{term}” more than once. Receivers ignore the record, or "
            "refuse the mail."
        ),
    }.items()
}
_DMARC_VARIANTS = {
    kind: Variant(text)
    for kind, text in {
        "several": N_("There are {count} DMARC records at _dmarc.{name}; there must be just one."),
        "not_a_tag": N_("The record at _dmarc.{name} has a part that is not a tag: “{term}”."),
        "no_policy": N_("The record at _dmarc.{name} does not say what to do with forged mail (“p=”)."),
        "bad_policy": N_(
            "The record at _dmarc.{name} says “p={term}”. The policy must be none, quarantine or reject."
        ),
    }.items()
}
_CERT_NEXT = N_(
    "Check that your mail program uses the server name {host}. If it does, tell your provider's support."
)

KINDS: tuple[FindingKind, ...] = (
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
            "{name} has no SPF record. Then receivers such as Gmail often treat mail from {name} "
            "as spam, or refuse it."
        ),
        N_("Add this TXT record to the domain's DNS settings: {suggestion}"),
    ),
    FindingKind(
        "mail.spf_invalid",
        PROBLEM,
        N_("The domain's SPF record is broken"),
        N_(
            "The record that says which servers may send mail for {name} is not valid. Receivers "
            "ignore it, or refuse the mail."
        ),
        _SPF_BROKEN_NEXT,
        variants=_SPF_VARIANTS,
    ),
    FindingKind(
        "mail.spf_too_many_lookups",
        PROBLEM,
        N_("The SPF record asks too many questions"),
        N_(
            "To check the SPF record of {name}, a receiver must look up {count} other names. The "
            "limit is 10. Above it, receivers give up, and mail from {name} may go to spam."
        ),
        N_(
            "Remove the “include:” parts of services you no longer use, or ask your provider's "
            "support to make the record shorter. The full list is in the technical details."
        ),
    ),
    FindingKind(
        "mail.spf_void_lookups",
        PROBLEM,
        N_("The SPF record names domains that do not exist"),
        N_(
            "The SPF record of {name} names {count} domains that have no record at all ({names}). "
            "The limit is 2. Above it, receivers give up, and mail from {name} may go to spam."
        ),
        N_("Remove those parts from the SPF record, or ask your provider's support to do it."),
    ),
    FindingKind(
        "mail.spf_include_missing",
        WARNING,
        N_("The SPF record does not name {provider}'s mail servers"),
        N_(
            "Mail you send through {provider} may be taken for fake, because the SPF record of "
            "{name} does not include {include}."
        ),
        N_("Put “include:{include}” in the SPF record, before the “all” at its end."),
    ),
    FindingKind(
        "mail.dmarc_ok",
        OK,
        N_("The domain has a DMARC policy"),
        N_("The DMARC record is: {record}"),
        variants={
            "none": Variant(
                N_(
                    "The policy only asks for reports: mail that pretends to come from {name} is "
                    "still delivered."
                )
            ),
            "quarantine": Variant(
                N_("Mail that pretends to come from {name} and fails the checks goes to spam.")
            ),
            "reject": Variant(N_("Mail that pretends to come from {name} and fails the checks is refused.")),
        },
    ),
    FindingKind(
        "mail.dmarc_subdomains_open",
        INFO,
        N_("Forged mail from subdomains of {name} is let through"),
        N_(
            "The DMARC record guards {name} itself, but not its subdomains. Mail that pretends to "
            "come from a subdomain, such as news.{name}, is still delivered."
        ),
        N_(
            "If nobody sends mail from a subdomain, ask whoever runs the DNS of {name} to remove "
            "“sp=” from the DMARC record: then the same policy guards all of it."
        ),
        variants={
            "quarantine": Variant(
                N_(
                    "The DMARC record guards {name} itself more strictly than its subdomains. Mail "
                    "that pretends to come from a subdomain, such as news.{name}, goes to spam but "
                    "is not refused."
                ),
                title=N_("Forged mail from subdomains of {name} is not refused"),
            ),
        },
    ),
    FindingKind(
        "mail.dmarc_reports_refused",
        WARNING,
        N_("DMARC reports go to a domain that has not agreed to take them"),
        N_(
            "The DMARC record of {name} sends its reports to {addresses}. That domain has not said "
            "it takes reports for {name}, so receivers send none."
        ),
        N_(
            "Ask whoever runs {addresses} to add the record {record}, or send the reports to an "
            "address at {name}."
        ),
    ),
    FindingKind(
        "mail.dmarc_missing",
        WARNING,
        N_("The domain has no DMARC policy"),
        N_(
            "Big mail services (Gmail, Yahoo, Microsoft) expect a DMARC record from domains that "
            "send mail. Without one, mail from {name} may land in spam."
        ),
        N_("Add a TXT record at _dmarc.{name} with the text “v=DMARC1; p=none”."),
    ),
    FindingKind(
        "mail.dmarc_invalid",
        WARNING,
        N_("The domain's DMARC record is broken"),
        N_("The record at _dmarc.{name} is not valid."),
        N_("Correct it so that it starts with “v=DMARC1; p=” and a policy."),
        variants=_DMARC_VARIANTS,
    ),
    FindingKind(
        "mail.dkim_ok",
        OK,
        N_("Mail from {name} can be signed (DKIM)"),
        N_("The key “{selector}” that {provider} signs with is published at {record_name}."),
    ),
    FindingKind(
        "mail.dkim_missing",
        WARNING,
        N_("The key that signs your mail is missing"),
        N_(
            "{provider} signs mail from {name} with the key “{selector}”, but the domain does not "
            "publish it. Receivers such as Gmail then cannot check the signature, and mail may go to "
            "spam."
        ),
        N_("Add the DKIM record that {provider} gives you, at {record_name}, or ask its support to do it."),
    ),
    FindingKind(
        "mail.dkim_invalid",
        WARNING,
        N_("The record for the key that signs your mail is empty"),
        N_(
            "The DKIM record at {record_name} holds no key. Receivers treat signed mail from {name} "
            "as not signed, and it may go to spam."
        ),
        N_("Put in the full DKIM record that {provider} gives you, or ask its support to do it."),
    ),
    # --- Mail servers ------------------------------------------------------------
    FindingKind(
        "mail.mx_ok",
        OK,
        N_("The mail servers of {name} take mail"),
        N_("{hosts} answered on port 25, the port that other mail servers use."),
    ),
    FindingKind(
        "mail.mx_unreachable",
        PROBLEM,
        N_("The mail server {hosts} does not take mail"),
        N_(
            "{hosts} did not answer on port 25, the port other mail servers use to deliver mail "
            "for {name}. Other servers do answer from here, so mail to {name} may not arrive."
        ),
        N_("Tell your provider's support, and say the time you tried."),
        variants={
            "backup_works": Variant(
                N_(
                    "{hosts} did not answer on port 25, but {working} did. Mail still arrives "
                    "through the other server, but may be late."
                ),
                N_("Tell your provider's support which server does not answer."),
            ),
        },
    ),
    FindingKind(
        "mail.port25_blocked",
        WARNING,
        N_("Your internet line blocks port 25"),
        N_(
            "No mail server answered on port 25 from here, while other servers do answer. Many "
            "internet providers block port 25 for homes. So the app could not check whether {hosts} "
            "take mail."
        ),
        N_(
            "Nothing to fix on your computer: mail programs send through port 587 or 465. To test "
            "the mail, send yourself a message from another address, such as Gmail."
        ),
    ),
    FindingKind(
        "mail.ports_ok",
        OK,
        N_("Mail programs can connect to {host}"),
        N_("These ports answered: {ports}."),
    ),
    FindingKind(
        "mail.host_unreachable",
        CRITICAL,
        N_("The mail server {host} cannot be reached"),
        N_(
            "None of its ports ({ports}) answered from your network. So mail programs cannot send "
            "or receive mail."
        ),
        N_(
            "Check whether sites open. If they do, the mail server may be down: say in your "
            "request when you tried."
        ),
        variants={
            "no_address": Variant(
                N_(
                    "Your network could not find the address of {host}, so the app could not try "
                    "to connect to it."
                ),
                N_("Run the checks again on another network, for example your phone's mobile data."),
                N_("The mail server {host} could not be looked up"),
            )
        },
    ),
    FindingKind(
        "mail.client_ports_closed",
        PROBLEM,
        N_("Mail programs cannot connect to {host}"),
        N_(
            "{host} takes mail from other servers (port 25 answers), but it refuses every port that "
            "mail programs use ({ports}). Outlook, Thunderbird and phones cannot send or read mail."
        ),
        N_(
            "This is a fault at the mail server, not on your computer. Tell {provider}'s support, "
            "and say the time you tried."
        ),
    ),
    FindingKind(
        "mail.port_unreachable",
        WARNING,
        N_("{host} does not answer on port {ports}"),
        N_(
            "Other ports of the mail server work ({working}). A mail program set to port {ports} "
            "cannot connect."
        ),
        N_(
            "Use the port in your provider's guide. A firewall or antivirus on your computer may "
            "also block this port."
        ),
    ),
    FindingKind(
        "mail.starttls_missing",
        PROBLEM,
        N_("{host} does not offer encryption on port {port}"),
        N_(
            "The server did not offer STARTTLS. So a mail program set to use it fails, and "
            "passwords would travel in the clear."
        ),
        N_("Tell your provider's support. Until then, use port 465 (SSL/TLS) if it works."),
    ),
    FindingKind(
        "mail.cert_problem",
        PROBLEM,
        N_("The certificate of the mail server {host} is not valid"),
        N_(
            "On port {port} its certificate ran out. Mail programs show a safety warning, or refuse "
            "to connect."
        ),
        _CERT_NEXT,
        variants={
            "not_yet_valid": Variant(
                N_(
                    "On port {port} its certificate is not valid yet. Mail programs show a safety "
                    "warning, or refuse to connect."
                )
            ),
            "name": Variant(
                N_(
                    "On port {port} its certificate is for another name ({names}). Mail programs "
                    "show a safety warning, or refuse to connect."
                )
            ),
            "untrusted": Variant(
                N_(
                    "On port {port} its certificate comes from {issuer}, whom mail programs do not "
                    "trust. They show a safety warning, or refuse to connect."
                )
            ),
            "other": Variant(
                N_(
                    "On port {port} its certificate cannot be checked. Mail programs show a safety "
                    "warning, or refuse to connect."
                )
            ),
            "expiring": Variant(
                N_("On port {port} its certificate runs out in {left}. After that, mail programs warn you."),
                N_("It should renew by itself. If the date gets close, tell your provider's support."),
                N_("The certificate of the mail server {host} runs out soon"),
            ),
        },
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
)
