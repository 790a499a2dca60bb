"""The readiness coach and triage: what is missing, what the error means, what kind of problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.model import Request, Requester, Role, Urgency
from composer.profile import load_profile
from composer.quality import advice_text, assess
from composer.triage import explain_error, matching_articles, suggest_category, suggest_urgency
from tests.core.factories import good_mail_request

PROFILE = load_profile()


def codes(items: tuple[object, ...]) -> set[str]:
    return {item.code for item in items}  # type: ignore[attr-defined]


def test_a_complete_request_has_no_problems_and_a_full_score() -> None:
    readiness = assess(good_mail_request(), PROFILE)
    assert readiness.problems == ()
    assert readiness.advice == ()
    assert readiness.score == 100
    assert readiness.can_send


def test_an_empty_request_lists_what_blocks_it() -> None:
    readiness = assess(Request(), PROFILE)
    assert codes(readiness.problems) == {
        "name.empty",
        "email.empty",
        "category.empty",
        "domain.empty",
        "description.empty",
    }
    assert not readiness.can_send
    assert readiness.score < 50


def test_mail_problem_without_mailbox_device_or_error_gets_advice() -> None:
    request = good_mail_request().model_copy(
        update={
            "account": "",
            "device": "",
            "operating_system": "",
            "client": "",
            "error_text": "",
            "started_at": None,
            "started_text": "",
            "tried": "",
            "answers": {},
        }
    )
    readiness = assess(request, PROFILE)
    assert readiness.can_send
    assert {
        "advice.account",
        "advice.device",
        "advice.client",
        "advice.error_text",
        "advice.started_at",
        "advice.tried",
        "advice.question",
    } <= codes(readiness.advice)
    for item in readiness.advice:
        message, why = advice_text(item)
        assert message and why and "{" not in message


def test_mailbox_must_be_an_address_for_mail_problems() -> None:
    request = good_mail_request().model_copy(update={"account": "sales"})
    readiness = assess(request, PROFILE)
    assert [p.code for p in readiness.problems] == ["account.invalid"]
    assert readiness.problems[0].field == "account"


def test_changes_from_a_technical_contact_are_flagged() -> None:
    request = good_mail_request().model_copy(
        update={
            "category": "domain_registration",
            "answers": {"what_needed": "Renew the domain"},
            "requester": Requester(name="Web Designer", email="dev@studio.example", role=Role.TECHNICAL),
        }
    )
    assert "advice.admin_address" in codes(assess(request, PROFILE).advice)


def test_billing_contact_filing_a_technical_problem_is_told() -> None:
    request = good_mail_request().model_copy(
        update={"requester": Requester(name="Accounts", email="acc@example.gr", role=Role.BILLING)}
    )
    assert "advice.role_category" in codes(assess(request, PROFILE).advice)


@pytest.mark.parametrize(
    ("error", "category"),
    [
        ("550 5.1.1 <info@example.gr>: Recipient address rejected: User unknown", "mail_receiving"),
        ("552 5.2.2 Mailbox full", "mailbox_full"),
        ("535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6", "mail_sending"),
        ("Your server has unexpectedly terminated the connection. 0x800CCC0F", "mail_sending"),
        ("This site can’t be reached. DNS_PROBE_FINISHED_NXDOMAIN", "site_not_visible"),
        ("NET::ERR_CERT_DATE_INVALID", "certificate"),
        ("Error establishing a database connection", "database"),
        ("503 Service Unavailable", "site_down"),
        ("530 Login authentication failed", "ftp_ssh"),
        # texts as customers paste them from browsers, mail programs, bounces and FTP clients
        ("This site can’t be reached. The domain example.gr has expired", "domain_registration"),
        ("Account Suspended. This Account has been suspended. Contact your hosting provider", "billing"),
        ("Briefly unavailable for scheduled maintenance. Check back in a minute.", "web_app"),
        (
            "PHP Fatal error:  Allowed memory size of 134217728 bytes exhausted (tried to allocate "
            "20480 bytes) in /home/u/public_html/wp-includes/class-wp.php on line 12",
            "web_app",
        ),
        (
            "This page isn’t working. example.gr redirected you too many times. ERR_TOO_MANY_REDIRECTS",
            "site_down",
        ),
        ("This site can’t provide a secure connection. ERR_SSL_PROTOCOL_ERROR", "certificate"),
        (
            "550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and "
            "Gmail users, and has been blocked.",
            "mail_sending",
        ),
        (
            "554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using zen.spamhaus.org",
            "mail_sending",
        ),
        ("550 5.7.606 Access denied, banned sending IP [203.0.113.5]", "mail_sending"),
        (
            "Your server does not support the connection encryption type you have specified. "
            "(Account: 'info@example.gr', Error Number: 0x800CCC1A)",
            "mail_client_setup",
        ),
        (
            "Cannot Get Mail. The user name or password for “mail.example.gr” is incorrect.",
            "mail_client_setup",
        ),
        ("Login to server mail.example.gr with username info@example.gr failed.", "mail_client_setup"),
        (
            "Error: Connection timed out after 20 seconds of inactivity\nError: Could not connect to server",
            "ftp_ssh",
        ),
        ("452 4.2.2 The email account that you tried to reach is over quota.", "mailbox_full"),
    ],
)
def test_error_texts_suggest_the_category(error: str, category: str) -> None:
    assert explain_error(error), error
    assert suggest_category(Request(error_text=error), PROFILE) == category


def test_nothing_recognisable_suggests_nothing() -> None:
    assert suggest_category(Request(error_text="it is weird"), PROFILE) is None
    assert explain_error("hello there") == []
    # an expired certificate is not an expired domain
    assert [
        h.category for h in explain_error("NET::ERR_CERT_DATE_INVALID: the domain's certificate has expired")
    ] == ["certificate"]


def test_outage_signs_raise_the_urgency() -> None:
    request = Request(category="other", error_text="Error establishing a database connection")
    assert suggest_urgency(request, PROFILE) is Urgency.CRITICAL
    assert suggest_urgency(Request(category="billing"), PROFILE) is Urgency.NORMAL


def test_knowledge_base_articles_match_category_and_words() -> None:
    request = Request(category="mail_sending", error_text="Outlook says 0x800CCC0E", client="Outlook")
    titles = [a.title for a in matching_articles(request, PROFILE)]
    assert titles[0] == "Set up your mailbox in Outlook"


def test_findings_of_the_checks_suggest_the_category_and_urgency() -> None:
    from datetime import UTC, datetime

    from composer.model import Finding, Report, Severity

    def report(*findings: tuple[str, Severity]) -> Report:
        return Report(
            domain="example.gr",
            started_at=datetime.now(UTC),
            findings=tuple(Finding(code=c, severity=s, title=c) for c, s in findings),
        )

    expired = report(("registration.expired", Severity.CRITICAL), ("dns.nameservers_ok", Severity.OK))
    assert suggest_category(Request(report=expired), PROFILE) == "domain_registration"
    assert suggest_urgency(Request(category="other", report=expired), PROFILE) is Urgency.CRITICAL
    cert = report(("web.cert_expired", Severity.PROBLEM))
    assert suggest_category(Request(report=cert), PROFILE) == "certificate"
    blocked = report(("mail.port25_blocked", Severity.WARNING))
    assert suggest_category(Request(report=blocked), PROFILE) is None  # a warning is no diagnosis
    healthy = report(("dns.nameservers_ok", Severity.OK), ("web.ok", Severity.OK))
    assert suggest_category(Request(report=healthy), PROFILE) is None


# -- one definition of readiness (issue 9, point 4) ---------------------------------------


def _vague(category: str) -> Request:
    return Request(
        summary="mail doesn't work!!! ASAP",
        category=category,
        requester=Requester(name="Nikos", email="nikos@example.gr"),
    )


def test_an_empty_request_scores_nothing_and_is_not_ready() -> None:
    readiness = assess(Request(), PROFILE)
    assert readiness.score == 0
    assert not readiness.ready


def test_a_vague_request_filed_as_something_else_is_not_ready() -> None:
    readiness = assess(_vague("other"), PROFILE)
    assert not readiness.ready
    assert readiness.score < 50
    missing = {item.code for item in readiness.missing_essentials}
    assert {"advice.account", "advice.error_text", "advice.started_at", "advice.details"} <= missing


def test_choosing_the_right_category_does_not_make_the_meter_drop() -> None:
    vague = assess(_vague("other"), PROFILE).score
    for category in ("mail_sending", "mail_receiving"):
        assert assess(_vague(category), PROFILE).score >= vague - 5


def test_ready_needs_the_account_the_error_and_the_start() -> None:
    complete = good_mail_request()
    assert assess(complete, PROFILE).ready
    for change in ({"account": ""}, {"error_text": ""}, {"started_at": None, "started_text": ""}):
        readiness = assess(complete.model_copy(update=change), PROFILE)
        assert readiness.can_send and not readiness.ready, change


def test_an_information_note_does_not_lower_the_score() -> None:
    complete = good_mail_request()
    critical = complete.model_copy(update={"urgency": Urgency.CRITICAL})
    assert assess(critical, PROFILE).score == assess(complete, PROFILE).score == 100
    assert assess(critical, PROFILE).ready


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Не приходит почта", "mail_receiving"),
        ("Не могу отправить письмо клиенту", "mail_sending"),
        ("Сайт не открывается с утра", "site_down"),
        ("ne mogu poslati mail", "mail_sending"),
        ("Mailovi mi ne stižu od jučer", "mail_receiving"),
        ("Pretinac je pun", "mailbox_full"),
        ("δεν μου έρχονται τα email", "mail_receiving"),
        ("Έληξε το domain μου", "domain_registration"),
        ("Δεν μπορώ να συνδεθώ στο webmail", "login"),
        ("My WordPress plugin broke the site", "web_app"),
    ],
)
def test_keywords_of_every_language_suggest_the_category_by_rule(text: str, category: str) -> None:
    """The rules path (no classifier) knows the words people write in each language."""
    assert suggest_category(Request(description=text), PROFILE) == category


def test_a_stem_keyword_matches_its_endings_and_a_phrase_only_whole_words() -> None:
    from composer.triage import language_keywords

    assert any(word.endswith("*") for word in language_keywords()["mailbox_full"])
    assert suggest_category(Request(description="превышена квота ящика"), PROFILE) == "mailbox_full"
    assert suggest_category(Request(description="the report is ready"), PROFILE) is None  # not "port"


def test_a_profile_overrides_a_built_in_category_and_the_coach_follows(tmp_path: Path) -> None:
    """Issue 14, point 1: stable ids, own questions and fields, each overridable by the profile."""
    from composer.profile import load_profile as load

    file = tmp_path / "own.toml"
    file.write_text(
        'format = 2\n[provider]\nid = "own"\nname = "Own Hosting"\n'
        '[[categories]]\nid = "billing"\nneeds = ["domain"]\n'
        '[[categories.questions]]\nid = "contract"\nlabel = "Which contract number?"\nrequired = true\n'
        '[[categories]]\nid = "security"\nhidden = true\n',
        encoding="utf-8",
    )
    own = load(file)
    ids = [c.id for c in own.effective_categories()]
    assert ids == [c.id for c in PROFILE.effective_categories() if c.id != "security"]
    billing = own.category("billing")
    assert billing is not None and billing.label == "Invoices, payments and packages"  # kept
    assert [q.id for q in billing.questions] == ["contract"]
    readiness = assess(Request(category="billing", description="A question about an invoice"), own)
    assert "answers.contract" in {a.field for a in readiness.advice}
    assert "domain" in readiness.needed
