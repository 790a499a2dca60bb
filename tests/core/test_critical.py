"""Critical is for outages: the polite word when a request marked critical does not look like one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from composer import history
from composer.critical import critical_advice, recent_critical
from composer.model import Receipt, Request, Urgency
from composer.profile import load_profile
from composer.quality import advice_text, assess
from composer.store import Store
from composer.triage import suggest_urgency

PROFILE = load_profile()
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def codes(request: Request, recent: int = 0) -> list[str]:
    return [note.code for note in critical_advice(request, PROFILE, recent=recent)]


def test_critical_for_a_billing_question_is_questioned_with_the_reason_and_target() -> None:
    request = Request(category="billing", urgency=Urgency.CRITICAL, description="A question about an invoice")
    notes = critical_advice(request, PROFILE)
    assert [n.code for n in notes] == ["advice.critical_unsupported"]
    message, why = advice_text(notes[0])
    assert "Is it really critical?" in message and "Invoices, payments and packages" in message
    assert "outages" in why and "the same working day" not in why  # billing is "normal"
    assert "aims to answer within a week" in why


def test_outages_and_security_incidents_may_be_critical() -> None:
    assert codes(Request(category="site_down", urgency=Urgency.CRITICAL)) == []
    assert codes(Request(category="security", urgency=Urgency.CRITICAL)) == []
    # all mail down, by the answer to the category's own question
    mail = Request(category="mail_receiving", urgency=Urgency.CRITICAL)
    assert codes(mail) == ["advice.critical_unsupported"]
    assert codes(mail.model_copy(update={"answers": {"from_whom": "none_arrive_from_any_sender"}})) == []
    # or by the error text
    assert codes(mail.model_copy(update={"category": "other", "error_text": "503 Service Unavailable"})) == []


def test_only_some_pages_is_not_an_outage() -> None:
    some = Request(category="site_down", answers={"whole_site": "only_some_pages"})
    assert suggest_urgency(some, PROFILE) is Urgency.HIGH
    assert codes(some.model_copy(update={"urgency": Urgency.CRITICAL})) == ["advice.critical_unsupported"]


def test_many_recent_critical_requests_get_a_word_and_nothing_else_changes() -> None:
    request = Request(category="site_down", urgency=Urgency.CRITICAL)
    assert codes(request, recent=2) == []
    assert codes(request, recent=3) == ["advice.critical_often"]
    assert codes(request.model_copy(update={"urgency": Urgency.HIGH}), recent=9) == []
    plain = assess(request, PROFILE)
    often = assess(request, PROFILE, recent_critical=5)
    assert often.score == plain.score and often.ready == plain.ready  # a note, never a gap


def test_recent_critical_requests_are_counted_from_the_history(data_dir: Path) -> None:
    with Store(data_dir) as store:
        for days, urgency in (
            (1, Urgency.CRITICAL),
            (5, Urgency.CRITICAL),
            (40, Urgency.CRITICAL),
            (2, Urgency.HIGH),
        ):
            sent = Request(domain="example.gr", category="site_down", urgency=urgency)
            receipt = Receipt(channel="email", reference=f"EX-{days}", sent_at=NOW - timedelta(days=days))
            with store.transaction() as db:
                history.record(db, sent, PROFILE, receipt)
        assert recent_critical(store, now=NOW) == 2
