"""The words of ``profile check``: every mistake and warning a provider can get, in our words.

Each code maps to (what is wrong, what to write instead). Parameters in
{braces}: ``key`` (the key's name), ``value`` (what the file says), and
per code ``expected``, ``example``, ``choices``... The codes are stable: they
are the ``type`` of our value checks (``rc_*``, :mod:`composer.profile_values`),
of pydantic's structural checks that we re-word, of the cross-checks in
:mod:`composer.profile_check`, and of migration notes (``migrate.*``).
"""

from __future__ import annotations

from composer.i18n import N_

__all__ = ["EXAMPLES", "MESSAGES"]

MESSAGES: dict[str, tuple[str, str]] = {
    # values
    "rc_time": (
        N_("“{value}” is not a time of day."),
        N_("Write hours and minutes on a 24-hour clock, like “09:30” or “17:00”."),
    ),
    "rc_time_zone": (
        N_("“{value}” is not a time zone of the tz database."),
        N_("Write a name such as “Europe/Athens”{suggestion}."),
    ),
    "rc_subject_tag": (
        N_("“{value}” has no place for the ticket number."),
        N_("Write {{number}} where the helpdesk puts its number, like “[Example #{{number}}]”."),
    ),
    "rc_email": (
        N_("“{value}” is not an e-mail address."),
        N_("Write a whole address, like “support@example.net”."),
    ),
    "rc_url": (
        N_("“{value}” is not a web address."),
        N_("Write the whole address, starting with https://, like “https://help.example.net/”."),
    ),
    "rc_url_insecure": (
        N_("“{value}” is not secure: only https:// is accepted (http:// only to this computer)."),
        N_("Write the https:// address, like “https://help.example.net/”."),
    ),
    "rc_ip": (
        N_("“{value}” is not an IP address."),
        N_("Write an IPv4 or IPv6 address, like “192.0.2.10” or “2001:db8::10”."),
    ),
    "rc_host": (N_("“{value}” is not a host name."), N_("Write a full host name, like “ns1.example.net”.")),
    "rc_phone": (
        N_("“{value}” is not a phone number."),
        N_("Write it in international form, like “+30 210 000 0000”."),
    ),
    "rc_language": (
        N_("“{value}” is not a language code."),
        N_("Write a two- or three-letter code, like “el”, “hr”, “ru” or “en”."),
    ),
    "rc_text_empty": (
        N_("The text table is empty."),
        N_('Give the text in at least one language, like {{ en = "…" }}.'),
    ),
    # structure (re-worded from pydantic's checks)
    "updates.not_feed": (
        N_("“{value}” does not look like an update feed (a .json file)."),
        N_(
            "Give the address of the feed described in docs/updates.md, like "
            "“https://example.net/request-composer/latest.json”; the feed names the download page."
        ),
    ),
    "missing": (N_("“{key}” is missing."), N_("It is required here{example}.")),
    "extra_forbidden": (
        N_("“{key}” is not a key this build knows here."),
        N_("{suggestion}Keys allowed here: {choices}."),
    ),
    "extra_forbidden_schema": (
        N_("“{key}” is not a key this build knows here."),
        N_("`request-composer profile schema` lists the keys allowed here."),
    ),
    "literal_error": (N_("“{value}” is not allowed for “{key}”."), N_("Write one of: {choices}.")),
    "union_tag_invalid": (N_("“{value}” is not a kind this build knows."), N_("Write one of: {choices}.")),
    "union_tag_not_found": (N_("“kind” is missing."), N_("Say which kind it is: {choices}.")),
    "string_pattern_mismatch": (
        N_("“{value}” has characters that are not allowed in “{key}”."),
        N_("Use lower-case letters, digits and - or _, like “{example_value}”."),
    ),
    "string_too_short": (N_("“{key}” is empty."), N_("Write a value{example}.")),
    "too_small": (N_("{value} is too small for “{key}”."), N_("Write a number of at least {limit}.")),
    "too_small_strict": (N_("{value} is too small for “{key}”."), N_("Write a number greater than {limit}.")),
    "too_large": (N_("{value} is too large for “{key}”."), N_("Write a number of at most {limit}.")),
    "type_text": (
        N_("“{value}” is not a text."),
        N_('Write it in quotes, or as a table by language, like {{ en = "…", el = "…" }}.'),
    ),
    "type_number": (N_("“{value}” is not a number."), N_("Write a number without quotes{example}.")),
    "type_bool": (N_("“{value}” is not true or false."), N_("Write true or false, without quotes.")),
    "type_list": (N_("“{value}” is not a list."), N_("Write a list in square brackets{example}.")),
    "type_table": (
        N_("“{value}” is not a table."),
        N_("Write a table, like [{key}] with keys under it, or {{ key = value }}."),
    ),
    "invalid": (
        N_("“{value}” cannot be used for “{key}”."),
        N_("See `request-composer profile schema` for what “{key}” accepts{example}."),
    ),
    # cross-checks
    "ref.category": (
        N_("There is no category “{value}”."),
        N_("Use the id of a built-in category or of one in [[categories]]: {choices}."),
    ),
    "ref.plan": (
        N_("There is no plan “{value}”."),
        N_("Use the id of a plan in [[support.plans]]: {choices}."),
    ),
    "ref.priority": (
        N_("There is no priority “{value}”."),
        N_("Use the id of a priority in [[support.priorities]]: {choices}."),
    ),
    "duplicate": (
        N_("“{value}” is given twice in “{key}”."),
        N_("Give each one once; the first was on line {first}."),
    ),
    "duplicate_urgency": (
        N_("The urgency “{value}” belongs to two priorities."),
        N_("Name it in the urgencies of one priority only; the first was on line {first}."),
    ),
    "plan.two_defaults": (
        N_("More than one plan says default = true."),
        N_("Write default = true on one plan only: the one users have until they choose another."),
    ),
    "category.no_label": (
        N_("The new category “{value}” has no label."),
        N_('A category that is not built in needs a label, like label = "WordPress".'),
    ),
    "hours.empty": (
        N_("These hours start and end at the same time ({value})."),
        N_('Write different times; for the whole day write opens = "00:00", closes = "24:00".'),
    ),
    "hours.both": (
        N_("The contact says always = true and gives hours."),
        N_("Keep one: always = true, or the hours."),
    ),
    "hours.none": (
        N_("The contact “{value}” gives no hours."),
        N_("Add hours, or always = true; until then the app says its hours are not known."),
    ),
    "contact.address": (N_("“{value}” does not fit a contact of kind “{kind}”."), N_("{expected}")),
    "may_file.mixed": (
        N_("“*” (every category) is listed together with category ids."),
        N_('Write ["*"] for every category, or only the ids.'),
    ),
    # warnings: no effect in this build
    "effect.helpdesk": (
        N_("This build cannot send to a “{value}” helpdesk; requests go by the next channel."),
        N_('Put a channel this build can use first: helpdesk = "intake", kind = "email" or kind = "file".'),
    ),
    "effect.prefill": (
        N_("“prefill.public_key” has no effect in this build: it has no pre-fill links."),
        N_("Leave it empty until a build reads it."),
    ),
    "effect.copy_owner": (
        N_("“support.copy_owner” has no effect: requests are only saved as files, so no copy is sent."),
        N_("Add an e-mail or intake channel, or leave copy_owner out."),
    ),
    "effect.format_missing": (
        N_("The file does not say its format, so it is read as format 1."),
        N_("Add format = 2 at the top once the file is written in format 2."),
    ),
    # migration notes (format 1 -> 2)
    "migrate.format": (
        N_("The file is in format {found}; this build reads it as format 2."),
        N_("Upgrade it as the notes below say, then write format = 2."),
    ),
    "migrate.logo": (
        N_("“provider.logo” no longer exists: this build shows no logo."),
        N_("Remove the key."),
    ),
    "migrate.office_hours": (
        N_("“support.office_hours” no longer exists: each contact has its own hours."),
        N_(
            'Give the hours in [[support.contacts]], like hours = [{{ days = ["mon", "tue", '
            '"wed", "thu", "fri"], opens = "09:00", closes = "17:00" }}].'
        ),
    ),
    "migrate.email": (
        N_("“support.email” became a contact."),
        N_(
            'Write [[support.contacts]] with id = "email", kind = "email", '
            'address = "…", official = true, always = true.'
        ),
    ),
    "migrate.phone": (
        N_("“support.phone” and “phone_hours” became a contact with its own hours."),
        N_('Write [[support.contacts]] with kind = "phone", address = "…" and hours = [...].'),
    ),
    "migrate.phone_tier": (
        N_("“phone_tier” became plans: “standard” (the default) and “{tier}”, the only one that may call."),
        N_(
            "Describe your plans in [[support.plans]] and list the "
            'phone\'s plans in its contact (plans = ["{tier}"]).'
        ),
    ),
    "migrate.priorities": (
        N_("Priorities now have an id, a label, a target and the urgencies they take."),
        N_('Write id = "…", target = "…" (was response) and urgencies = ["critical"] (was name).'),
    ),
    "migrate.scope": (
        N_("“support.scope” lists became [[support.scope]] entries, shown as general information."),
        N_(
            'Write one entry per kind of work with terms = "free", "paid", '
            '"agreement" or "never" and the categories it is about.'
        ),
    ),
    "migrate.control_panel": (
        N_("“expected.control_panel” became a customer-area contact."),
        N_('Write [[support.contacts]] with kind = "customer_area" and address = "https://…".'),
    ),
    "migrate.categories": (
        N_("In format 1 these categories replaced all built-in ones."),
        N_(
            "Write builtin_categories = false to keep that, or keep only "
            "the entries that add or change a category."
        ),
    ),
    "migrate.department": (N_("“department” of a category no longer exists."), N_("Remove the key.")),
    "migrate.departments": (
        N_("“departments” of a channel no longer exists: the app does not choose the helpdesk's queue."),
        N_("Remove the key; the provider's relay maps each kind of problem to a queue of its own."),
    ),
    "migrate.may_file": (
        N_("may_file = [] meant every category in format 1; in format 2 it means none."),
        N_('Write may_file = ["*"] for every category.'),
    ),
}

# An example value by key name, shown after "what to write" where a check has none of its own.
EXAMPLES: dict[str, str] = {
    "id": '"example-hosting"',
    "name": '"Example Hosting"',
    "label": '"First priority"',
    "time_zone": '"Europe/Athens"',
    "opens": '"09:30"',
    "closes": '"17:30"',
    "days": '["mon", "tue", "wed", "thu", "fri"]',
    "hours": '[{ days = ["mon", "tue", "wed", "thu", "fri"], opens = "09:30", closes = "17:30" }]',
    "incoming": '[{ protocol = "imap", host = "mail.example.net", port = 993, security = "tls" }]',
    "outgoing": '[{ protocol = "smtp", host = "mail.example.net", port = 587, security = "starttls" }]',
    "address": '"support@example.net"',
    "plans": '["plus"]',
    "categories": '["site_down", "mail_receiving"]',
    "url": '"https://help.example.net/api/v1"',
    "to": '"support@example.net"',
    "port": "993",
    "mail_ports": "[25, 465, 587, 993, 995]",
    "web_ips": '["192.0.2.10", "2001:db8::10"]',
    "nameservers": '["ns1.example.net", "ns2.example.net"]',
    "mail_hosts": '["mail.example.net"]',
    "attachment_mb": "10",
    "total_mb": "25",
    "may_file": '["billing", "domain_registration"]',
    "urgencies": '["critical"]',
    "terms": '"paid"',
    "kind": '"email"',
    "what": '"WordPress settings"',
    "title": '"Set up mail in Outlook"',
}
