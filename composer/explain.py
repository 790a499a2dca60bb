"""What a pasted error means: the kind of problem, what the text tells, urgency, and what to do.

:func:`explain` is what ``request-composer explain`` prints and what the form
shows as the user pastes. Specific codes decide by rule, since they mean the
same in every language: SMTP enhanced status codes (RFC 3463), Outlook's
``0x800CCCxx``, Chrome's ``ERR_*`` and ``DNS_PROBE_*``, Firefox's
``SEC_ERROR_*``, HTTP statuses, FTP replies. Everything else, error texts in
any language and the customer's own words, goes to the classifier
(:mod:`composer.classify`).
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Literal

from pydantic import ConfigDict

from composer.basemodel import Model
from composer.classify import default_classifier
from composer.i18n import N_, _
from composer.model import Request, Urgency
from composer.profile import ProviderProfile, load_profile
from composer.triage import ErrorHint, explain_error, hint_meaning

__all__ = ["CODE_RULES", "Explanation", "FieldSuggestion", "explain", "extract_fields", "field_suggestions"]

# Below this, the classifier's best guess is offered as a guess only, with "other" first.
MIN_CONFIDENCE = 0.3


# Codes that name the kind of problem whatever the language around them.
CODE_RULES: tuple[ErrorHint, ...] = (
    ErrorHint(
        r"\b[45][.\s]?1[.]1\b|\b550[ -]5\.1\.[0-3]\b",
        "mail_receiving",
        N_(
            "The receiving server says this mailbox does not exist (5.1.1): a typo, or a mailbox "
            "that is gone."
        ),
    ),
    ErrorHint(
        r"\b[45]\.2\.2\b|\b552[ -]5\.2\.2\b",
        "mailbox_full",
        N_("The mailbox is full (5.2.2): it takes no new messages until space is freed."),
    ),
    ErrorHint(
        r"\b5\.7\.(2[3-9]|606|1)\b",
        "mail_sending",
        N_(
            "The receiving server refused the message because of the sender's reputation or "
            "missing authentication (SPF, DKIM, DMARC, a block list)."
        ),
    ),
    ErrorHint(
        r"\b5\.7\.(0|8|9)\b|\b535\b",
        "mail_client_setup",
        N_("The mail server did not accept the login or wants an encrypted connection first."),
    ),
    ErrorHint(
        r"\b0x800ccc(0e|0f|13|1a|0b|78|79|7d|90|91|92)\b|\b0x80042109\b",
        "mail_client_setup",
        N_("Outlook cannot talk to the mail server: usually the server name, port or encryption setting."),
    ),
    ErrorHint(
        r"\bdns_probe_finished_nxdomain\b|\berr_name_not_resolved\b",
        "site_not_visible",
        N_("The name cannot be found in DNS: the domain does not point anywhere (yet) from this network."),
    ),
    ErrorHint(
        r"\bnet::err_cert_\w+|\berr_cert_\w+|\bsec_error_\w+|\bssl_error_\w+|\berr_ssl_\w+",
        "certificate",
        N_("The browser does not trust the site's certificate: expired, for another name, or incomplete."),
    ),
    ErrorHint(
        r"\berr_too_many_redirects\b",
        "web_app",
        N_("The site sends the browser in a circle of redirects, often a setting of the site's application."),
    ),
    ErrorHint(
        r"\berr_connection_(refused|timed_out|reset|closed)\b",
        "site_down",
        N_("The browser reached no working web server at that address."),
        Urgency.CRITICAL,
    ),
    ErrorHint(
        r"\b530 login authentication failed\b|\b530 login incorrect\b",
        "ftp_ssh",
        N_("The FTP server refused the user name or password (530)."),
    ),
    ErrorHint(
        r"\b50[0234] (internal server error|bad gateway|service (temporarily )?unavailable"
        r"|gateway time-?out)\b",
        "site_down",
        N_("The web server answered with an error of its own (5xx): the site itself fails."),
        Urgency.CRITICAL,
    ),
)

# What to do next, per kind of problem, when no rule explains the text.
_NEXT_STEPS: dict[str, str] = {
    "site_down": N_("Check from a phone on mobile data too, then send the request with the exact address."),
    "site_not_visible": N_(
        "Say when the domain or nameservers were changed; the checks show where it points."
    ),
    "mail_receiving": N_("Name the mailbox and a sender whose mail does not arrive, and paste the bounce."),
    "mail_sending": N_("Name a recipient it fails for and paste the whole error or bounce message."),
    "mail_client_setup": N_("Say which program and device, and which server names and ports you entered."),
    "mailbox_full": N_("Delete or archive old mail with large attachments, or ask for more space."),
    "domain_dns": N_(
        "Write the exact record or nameservers you need, as the other service gave them to you."
    ),
    "domain_registration": N_("Renew the domain in your customer area today, or ask support what it costs."),
    "login": N_("Try the password reset first; say where you log in and what the page says."),
    "database": N_("Say which site and database it is, and whether anything changed before it started."),
    "ftp_ssh": N_("Say which program, server name and port you use, and paste its log."),
    "certificate": N_("Say the exact address that shows the warning and paste the error code."),
    "security": N_("Change your passwords now and send the request at once: this is urgent."),
    "web_app": N_("Say what was updated shortly before; application work may be outside free support."),
    "billing": N_("Give the invoice number and your customer number."),
    "change_request": N_(
        "Write exactly what should be changed; it must come from the account's administrator."
    ),
    "other": N_("Describe what you did, what you expected and what happened instead."),
}

_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b", re.UNICODE)
_HOST = re.compile(
    r"\b(?:[a-z0-9\u00a0-\uffff](?:[a-z0-9\u00a0-\uffff-]{0,61}[a-z0-9\u00a0-\uffff])?\.)+[a-z\u00a0-\uffff]{2,}\b",
    re.I,
)
_IP = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")
_SMTP = re.compile(r"\b[245]\d\d(?:[ -][245]\.\d{1,3}\.\d{1,3})?\b")
_ENHANCED = re.compile(r"\b[245]\.\d{1,3}\.\d{1,3}\b")
_ERROR_CODE = re.compile(
    r"\b0x[0-9a-f]{8}\b|\b(?:net::)?err_[a-z_]+\b|\bdns_probe_[a-z_]+\b|\bsec_error_[a-z_]+\b|\bssl_error_[a-z_]+\b",
    re.I,
)
_ISO_TIME = re.compile(r"\b\d{4}-\d\d-\d\d[ t]\d\d:\d\d(?::\d\d)?(?:\s?(?:z|[+-]\d\d:?\d\d))?\b", re.I)
_DATE_HEADER = re.compile(r"^date:\s*(.+)$", re.I | re.M)
_FILE_ENDINGS = (".php", ".js", ".html", ".css", ".log", ".txt", ".png", ".jpg", ".pdf", ".zip", ".sql")


class Explanation(Model):
    """What :func:`explain` found; the JSON of ``request-composer explain --json``."""

    model_config = ConfigDict(frozen=True)

    category: str
    confidence: float
    alternatives: list[dict[str, float | str]]
    fields: dict[str, list[str]]
    urgency: str
    urgency_reason: str
    explanation: str
    next_step: str
    codes: list[str]
    decided_by: str


def extract_fields(text: str) -> dict[str, list[str]]:
    """Addresses, host names, IP addresses, SMTP codes, error codes and times the text carries."""
    lowered = text.lower()
    emails = _unique(_EMAIL.findall(text))
    email_domains = {address.rsplit("@", 1)[1].lower() for address in emails}
    hosts = [
        host
        for host in _unique(m.group(0).lower() for m in _HOST.finditer(text))
        if host not in email_domains
        and not host.endswith(_FILE_ENDINGS)
        and not _IP.fullmatch(host)
        and not any(host in address.lower() for address in emails)
    ]
    times: list[str] = [m.group(0) for m in _ISO_TIME.finditer(text)]
    for header in _DATE_HEADER.findall(text):
        try:
            times.append(parsedate_to_datetime(header.strip()).isoformat())
        except (TypeError, ValueError):
            continue
    return {
        "emails": emails,
        "hosts": hosts,
        "ip_addresses": _unique(_IP.findall(text)),
        "smtp_codes": _unique(
            m.group(0) for m in _SMTP.finditer(text) if _looks_like_smtp(m.group(0), lowered)
        ),
        "error_codes": _unique(code.upper() for code in _ERROR_CODE.findall(text)),
        "times": _unique(times),
    }


def _looks_like_smtp(code: str, lowered: str) -> bool:
    return bool(_ENHANCED.search(code)) or code[:3] in {
        "421",
        "450",
        "451",
        "452",
        "550",
        "551",
        "552",
        "553",
        "554",
    }


def _unique(values: object) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:  # type: ignore[attr-defined]
        seen.setdefault(str(value), None)
    return list(seen)


def explain(text: str, *, profile: ProviderProfile | None = None, now: datetime | None = None) -> Explanation:
    """Explain ``text`` (in any language) for the categories of ``profile`` (the demo's when None)."""
    profile = profile or load_profile()
    categories = {category.id: category for category in profile.effective_categories()}
    lowered = text.lower()
    fields = extract_fields(text)
    codes = [*fields["error_codes"], *fields["smtp_codes"]]

    rule = next((r for r in CODE_RULES if r.category in categories and re.search(r.pattern, lowered)), None)
    ranked = [g for g in default_classifier().rank(text) if g.category in categories]
    if rule is not None:
        category, confidence, decided_by = rule.category, 0.95, "code"
        meaning = _(rule.meaning)
    elif ranked and ranked[0].confidence >= MIN_CONFIDENCE:
        category, confidence, decided_by = ranked[0].category, ranked[0].confidence, "words"
        hints = [hint for hint in explain_error(text) if hint.category == category]
        meaning = hint_meaning(hints[0]) if hints else _(categories[category].description)
    else:
        category = "other" if "other" in categories else next(iter(categories))
        confidence = ranked[0].confidence if ranked else 0.0
        decided_by = "none"
        meaning = _("The text does not say clearly what is wrong.")
    alternatives = [
        {"category": g.category, "confidence": round(g.confidence, 3)}
        for g in ranked
        if g.category != category
    ][:3]
    urgency, reason = _urgency(category, rule, profile)
    return Explanation(
        category=category,
        confidence=round(confidence, 3),
        alternatives=alternatives,
        fields=fields,
        urgency=urgency.value,
        urgency_reason=reason,
        explanation=meaning,
        next_step=_(_NEXT_STEPS.get(category, _NEXT_STEPS["other"])),
        codes=_unique(codes),
        decided_by=decided_by,
    )


def _urgency(category: str, rule: ErrorHint | None, profile: ProviderProfile) -> tuple[Urgency, str]:
    chosen = profile.category(category)
    urgency = Urgency(chosen.urgency) if chosen else Urgency.NORMAL
    label = _(chosen.label) if chosen else category
    reason = _("Usual for “{category}”.").format(category=label)
    if (
        rule is not None
        and rule.urgency is not None
        and list(Urgency).index(rule.urgency) < list(Urgency).index(urgency)
    ):
        urgency = rule.urgency
        reason = _("The error says the whole service is failing.")
    if urgency is Urgency.CRITICAL:
        reason += " " + _(
            "Critical is for outages and security incidents; they are handled around the clock."
        )
    return urgency, reason


class FieldSuggestion(Model):
    """A value the pasted text implies for a field the user left empty: offered, never filled by itself."""

    model_config = ConfigDict(frozen=True)

    field: Literal["account", "domain", "started_at"]
    value: str


# Mailbox services whose addresses in a bounce are the other side, never the customer's domain.
_PUBLIC_MAIL = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "mail.ru",
        "yandex.ru",
        "gmx.net",
        "abv.bg",
    }
)
_SERVICE_PREFIXES = ("www.", "mail.", "smtp.", "imap.", "pop.", "pop3.", "ftp.", "webmail.", "cpanel.")


def field_suggestions(result: Explanation, request: Request) -> list[FieldSuggestion]:
    """What ``result`` found that could fill the empty mailbox, domain and start time of ``request``.

    The text may name the other side too (a Gmail sender in a bounce), so
    public mailbox services are passed over and the form only offers these.
    """
    found = result.fields
    own = [a for a in found.get("emails", []) if a.rsplit("@", 1)[1].lower() not in _PUBLIC_MAIL]
    suggestions: list[FieldSuggestion] = []
    if own and not request.account.strip():
        suggestions.append(FieldSuggestion(field="account", value=own[0]))
    if not request.domain.strip():
        domains = [a.rsplit("@", 1)[1].lower() for a in own]
        for host in found.get("hosts", []):
            domains.append(next((host[len(p) :] for p in _SERVICE_PREFIXES if host.startswith(p)), host))
        for domain in domains:
            if domain not in _PUBLIC_MAIL and not any(domain.endswith("." + p) for p in _PUBLIC_MAIL):
                suggestions.append(FieldSuggestion(field="domain", value=domain))
                break
    if request.started_at is None:
        for stamp in found.get("times", []):
            try:
                moment = datetime.fromisoformat(stamp.replace(" ", "T", 1))
            except ValueError:
                continue
            if moment.tzinfo is not None:
                moment = moment.astimezone()  # the form reads a bare time as the user's own
            value = moment.strftime("%Y-%m-%d %H:%M")
            if _form_takes(value):
                suggestions.append(FieldSuggestion(field="started_at", value=value))
                break
    return suggestions


def _form_takes(value: str) -> bool:
    """Whether the form's "since when" field accepts ``value`` (not in the future, say)."""
    from composer.errors import ValidationError
    from composer.timeparse import parse_started

    try:
        return parse_started(value, now=datetime.now().astimezone()) is not None
    except ValidationError:
        return False
