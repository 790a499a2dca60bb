"""Triage: which kind of problem this is, what the error text means, how urgent it is.

Everything here is plain decision logic over the model and the profile, with
no I/O beyond reading the shipped category list once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from composer.classify import normalise, phrase_found
from composer.i18n import N_, _
from composer.langdata import merged_language_data
from composer.model import Request, Severity, Urgency
from composer.profile import Article, Category, ProviderProfile, builtin_category_data

__all__ = [
    "ErrorHint",
    "builtin_categories",
    "explain_error",
    "language_keywords",
    "matching_articles",
    "suggest_category",
    "suggest_urgency",
]


@cache
def builtin_categories() -> list[Category]:
    """The categories shipped in ``resources/categories.toml``."""
    return [Category.model_validate(item) for item in builtin_category_data()]


@dataclass(frozen=True)
class ErrorHint:
    """What a recognised piece of an error message means."""

    pattern: str
    category: str
    meaning: str
    urgency: Urgency | None = None
    #: a broad pattern ("not found", "blocked") that only counts when nothing more
    #: specific matched: "Address not found" in a bounce is not a missing web page
    generic: bool = False


# Recognisable error texts from mail servers, mail programs, browsers and
# applications. Matched case-insensitively against the error text.
_HINTS: tuple[ErrorHint, ...] = (
    ErrorHint(
        r"domain (name )?([^\s']+ )?(has )?expired|expired domain|this domain is parked|domain is for sale",
        "domain_registration",
        N_(
            "The domain's registration seems to have run out: until it is renewed, the site and "
            "the mail stop."
        ),
        Urgency.CRITICAL,
    ),
    ErrorHint(
        r"account (has been )?suspended|this account has been suspended",
        "billing",
        N_("The hosting account is suspended, often because of an unpaid invoice or a complaint."),
        Urgency.HIGH,
    ),
    ErrorHint(
        r"briefly unavailable for scheduled maintenance",
        "web_app",
        N_("WordPress is stuck in maintenance mode, usually after an update that did not finish."),
        Urgency.CRITICAL,
    ),
    ErrorHint(
        r"allowed memory size of \d+ bytes exhausted|php (fatal|parse) error|fatal error: |"
        r"uncaught (error|exception)",
        "web_app",
        N_("The site's PHP code stopped with an error; the message names the file and line."),
        Urgency.HIGH,
    ),
    ErrorHint(
        r"err_too_many_redirects|redirected you too many times|too many redirects|redirect loop",
        "site_down",
        N_(
            "The site sends the browser round in circles (a redirect loop), usually because of its "
            "address or HTTPS settings."
        ),
        Urgency.CRITICAL,
    ),
    ErrorHint(
        r"err_ssl_protocol_error|ssl_error_rx_record_too_long|pr_end_of_file_error|"
        r"can.t provide a secure connection",
        "certificate",
        N_(
            "The server does not answer HTTPS properly at this address: the secure part of the site "
            "is not set up or not working."
        ),
    ),
    ErrorHint(
        r"\b5\.7\.2[3-9]\b|unauthenticated|dmarc|spf (check )?fail|does not pass spf|"
        r"sender policy framework|dkim",
        "mail_sending",
        N_(
            "The receiving server refused the message because the domain's SPF, DKIM or DMARC records "
            "do not vouch for the server that sent it."
        ),
    ),
    ErrorHint(
        r"spamhaus|spamcop|barracuda|blocked using|\blisted (at|on|in)\b|banned sending ip|"
        r"5\.7\.606|\brbl\b|blacklist|blocklist",
        "mail_sending",
        N_("The sending server's address is on a block list, so other servers refuse its mail."),
    ),
    ErrorHint(
        r"0x800ccc1a|0x800ccc0b",
        "mail_client_setup",
        N_(
            "Outlook and the mail server do not agree on encryption: usually the wrong port or SSL/TLS "
            "setting."
        ),
    ),
    ErrorHint(
        r"0x8004010f|0x8004060c|\.pst\b|\.ost\b|data file",
        "mail_client_setup",
        N_(
            "Outlook cannot use its data file on this computer: a problem of the mail program, not "
            "of the server."
        ),
    ),
    ErrorHint(
        r"cannot get mail|cannot send mail|the user name or password for .{1,40} is incorrect|"
        r"sending of (the )?message failed|login to server .{1,60} failed",
        "mail_client_setup",
        N_(
            "The mail program could not log in to the mail server: usually the password, the user "
            "name (the whole address) or the server settings."
        ),
    ),
    ErrorHint(
        r"could not connect to server|connection timed out after \d+ seconds of inactivity|"
        r"econnrefused|permission denied \(publickey",
        "ftp_ssh",
        N_(
            "The FTP or SSH program could not get in: a wrong server name or port, a firewall, or a "
            "key or password the server does not accept."
        ),
    ),
    ErrorHint(
        r"530 login|login incorrect|access denied for user|incorrect password",
        "ftp_ssh",
        N_("The login was refused: usually the user name or password."),
    ),
    ErrorHint(
        r"\b550[ -]5\.1\.1\b|user unknown|no such user|recipient address rejected: user|"
        r"account that you tried to reach does not exist|nosuchuser|address not found",
        "mail_receiving",
        N_("The receiving server says this mailbox does not exist."),
    ),
    ErrorHint(
        r"\b552\b|\b5\.2\.2\b|\b4\.2\.2\b|mailbox (is )?full|over quota|quota exceeded",
        "mailbox_full",
        N_("The mailbox is full: it has reached its size limit."),
    ),
    ErrorHint(
        r"\b535\b|\b5\.7\.8\b|authentication (failed|unsuccessful)|invalid credentials",
        "mail_sending",
        N_("The mail server refused the user name or password."),
    ),
    ErrorHint(
        r"relay(ing)? (access )?denied|\b5\.7\.1\b.*relay|not permitted to relay",
        "mail_sending",
        N_(
            "The server will not pass the message on: usually the mail program "
            "does not log in for sending (outgoing server authentication)."
        ),
    ),
    ErrorHint(
        r"\b554\b|\b5\.7\.1\b|blocked|blacklist|blocklist|spamhaus|listed",
        "mail_sending",
        N_("A server refused the message as possible spam or because an address is on a block list."),
        generic=True,
    ),
    ErrorHint(
        r"\b421\b|\b4\.\d\.\d\b|try again later|temporarily deferred|greylist",
        "mail_sending",
        N_(
            "A temporary refusal: the server asks to try again later; mail "
            "programs usually retry by themselves."
        ),
    ),
    ErrorHint(
        r"0x800ccc0e|0x800ccc0f|0x800ccc13|0x80042109",
        "mail_sending",
        N_(
            "Outlook cannot reach the outgoing mail server: a wrong server "
            "name or port, a firewall, or a network that blocks mail."
        ),
    ),
    ErrorHint(
        r"0x800ccc92|0x800ccc90|0x800ccc91",
        "mail_client_setup",
        N_("Outlook could not log in to the incoming mail server: usually the password or the user name."),
    ),
    ErrorHint(
        r"dns_probe_finished_nxdomain|err_name_not_resolved|server not found|"
        r"could not resolve host|can.t find the server|nxdomain",
        "site_not_visible",
        N_(
            "The name of the site cannot be found in DNS: the domain "
            "may point nowhere yet, or it may have expired."
        ),
    ),
    ErrorHint(
        r"net::err_cert|err_cert_|sec_error_|ssl_error|your connection is not private|"
        r"certificate (has )?expired|certificate verify failed",
        "certificate",
        N_(
            "The browser does not trust the site's security certificate: it "
            "may have expired or belong to another name."
        ),
    ),
    ErrorHint(
        r"error establishing a database connection",
        "database",
        N_("The site cannot reach its database."),
        Urgency.CRITICAL,
    ),
    ErrorHint(
        r"\b50[0234]\b|internal server error|bad gateway|service unavailable|"
        r"gateway time-?out|there has been a critical error",
        "site_down",
        N_(
            "The web server answered with an error of its own (5xx): the "
            "problem is on the server or in the site's code."
        ),
        Urgency.CRITICAL,
    ),
    ErrorHint(
        r"err_connection_refused|err_connection_timed_out|connection timed out|"
        r"took too long to respond",
        "site_down",
        N_("The server did not answer the connection."),
        Urgency.CRITICAL,
    ),
    ErrorHint(
        r"\b403\b|forbidden",
        "site_down",
        N_("The server refuses to show this page (403): permissions or a protection rule."),
        generic=True,
    ),
    ErrorHint(
        r"\b404\b|not found",
        "site_down",
        N_("The page was not found (404): a wrong address, a missing file, or a moved site."),
        generic=True,
    ),
)


def explain_error(text: str) -> list[ErrorHint]:
    """The hints whose pattern occurs in ``text``, most specific first.

    A generic hint is given only when no specific one matched: words such as
    "not found" or "blocked" occur in many kinds of messages, and once a specific
    pattern has said what the message is (a bounce, a login failure), a guess from
    a broad word would contradict it.
    """
    lowered = text.lower()
    if not lowered.strip():
        return []  # nothing to match: no pattern compiled (the form starts empty)
    found = [hint for hint in _HINTS if re.search(hint.pattern, lowered)]
    specific = [hint for hint in found if not hint.generic]
    return specific or found


def hint_meaning(hint: ErrorHint) -> str:
    return _(hint.meaning)


def suggest_category(request: Request, profile: ProviderProfile) -> str | None:
    """The category that fits the error text and description best, if any does.

    Recognised error codes weigh most, then category keywords.
    """
    categories = {c.id: c for c in profile.effective_categories()}
    scores: dict[str, float] = {}
    for hint in explain_error(request.error_text):
        if hint.category in categories:
            scores[hint.category] = scores.get(hint.category, 0) + 3
            break
    if request.report is not None:
        for finding in request.report.findings:
            suggested = _finding_category(finding.code)
            if suggested in categories and finding.severity.rank >= Severity.PROBLEM.rank:
                scores[suggested] = scores.get(suggested, 0) + 2
    text = normalise(f"{request.error_text}\n{request.description}\n{request.summary}")
    shipped = language_keywords()
    for category in categories.values():
        for keyword in (*category.keywords, *shipped.get(category.id, ())):
            if phrase_found(keyword, text):
                scores[category.id] = scores.get(category.id, 0) + 1
    if not scores:
        return None
    return max(scores, key=lambda key: scores[key])


# Which kind of problem a diagnostic finding points to (longest prefix wins).
_FINDING_CATEGORIES = {
    "dns.": "site_not_visible",
    "dns.no_mx": "mail_receiving",
    "dns.mx_": "mail_receiving",
    "dns.null_mx": "mail_receiving",
    "mail.": "mail_receiving",
    "mail.port25_blocked": "mail_sending",
    "mail.spf_": "mail_sending",
    "mail.dmarc_": "mail_sending",
    "mail.dkim_": "mail_sending",
    "registration.": "domain_registration",
    "web.": "site_down",
    "web.cert_": "certificate",
}


def _finding_category(code: str) -> str:
    matches = [prefix for prefix in _FINDING_CATEGORIES if code.startswith(prefix)]
    return _FINDING_CATEGORIES[max(matches, key=len)] if matches else ""


def _contains_word(text: str, keyword: str) -> bool:
    if keyword not in text:
        return False  # the usual answer, without compiling a pattern per keyword
    return re.search(r"(?<![\w])" + re.escape(keyword) + r"(?![\w])", text) is not None


@cache
def language_keywords() -> dict[str, tuple[str, ...]]:
    """The ``[keywords]`` of every language's ``triage.toml``, merged per category.

    Every language counts for every request: a customer may paste a Russian
    error into an English window.
    """
    merged: dict[str, list[str]] = {}
    for table in merged_language_data("triage").values():
        for category, words in table.get("keywords", {}).items():
            merged.setdefault(category, []).extend(str(word) for word in words)
    return {category: tuple(words) for category, words in merged.items()}


# Answers to the category's questions that say the whole service is down, or only part of it.
_OUTAGE_ANSWERS = frozenset(
    {
        ("whole_site", "the_whole_site"),
        ("from_whom", "none_arrive_from_any_sender"),
        ("to_whom", "to_everyone"),
    }
)
_PARTIAL_ANSWERS = frozenset(
    {
        ("whole_site", "only_some_pages"),
        ("whole_site", "only_the_admin_area"),
        ("other_networks", "no_only_here"),
    }
)


def suggest_urgency(request: Request, profile: ProviderProfile) -> Urgency:
    """The urgency the request deserves: the category's, lowered when the answers say only part
    of the service fails, raised by outage signs (the error text, the answers, the checks)."""
    category = profile.category(request.category)
    urgency = Urgency(category.urgency) if category else Urgency.NORMAL
    answers = set(request.answers.items())
    if answers & _PARTIAL_ANSWERS and urgency is Urgency.CRITICAL:
        urgency = Urgency.HIGH
    for hint in explain_error(request.error_text):
        if hint.urgency is not None and _rank(hint.urgency) < _rank(urgency):
            urgency = hint.urgency
    if answers & _OUTAGE_ANSWERS:
        urgency = Urgency.CRITICAL
    report = request.report
    if report is not None and report.worst() is Severity.CRITICAL:
        urgency = Urgency.CRITICAL
    return urgency


def _rank(urgency: Urgency) -> int:
    return list(Urgency).index(urgency)


def matching_articles(request: Request, profile: ProviderProfile, *, limit: int = 3) -> list[Article]:
    """Knowledge-base articles that match the category, the checks' findings or the words typed.

    The chosen category weighs most; a category the findings point to
    (a problem or worse) and each of the article's keywords in the summary,
    error text, description or program count one each.
    """
    text = normalise(f"{request.summary}\n{request.error_text}\n{request.description}\n{request.client}")
    found: set[str] = set()
    if request.report is not None:
        found = {
            _finding_category(f.code)
            for f in request.report.findings
            if f.severity.rank >= Severity.PROBLEM.rank
        }
    scored: list[tuple[int, int, Article]] = []
    for index, article in enumerate(profile.kb):
        score = 2 if request.category and request.category in article.categories else 0
        score += 1 if found & set(article.categories) else 0
        score += sum(1 for word in article.keywords if phrase_found(word, text))
        if score:
            scored.append((-score, index, article))
    return [article for _score, _index, article in sorted(scored)[:limit]]
