"""The urgency hint questions a critical that is not an outage, and each kind of problem asks its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QComboBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from composer import history
from composer.model import Receipt, Request, Urgency
from composer.store import Store
from composer.ui.main_window import MainWindow


def _choose(window: MainWindow, name: str, value: str) -> None:
    combo = window.findChild(QComboBox, name)
    assert combo is not None, name
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def _urgency_hint(window: MainWindow) -> str:
    hint = window.findChild(QLabel, "hint.urgency")
    assert hint is not None
    return hint.text()


def test_critical_for_a_billing_question_is_questioned_politely(qtbot: QtBot, window: MainWindow) -> None:
    window.go(1)
    _choose(window, "field.category", "billing")
    window.go(3)
    _choose(window, "field.urgency", "critical")
    text = _urgency_hint(window)
    assert "Is it really critical?" in text and "outages" in text
    assert "aims to answer within a week" in text  # the response target of the urgency that fits
    _choose(window, "field.urgency", "normal")
    assert "Is it really critical?" not in _urgency_hint(window)


def test_an_outage_may_be_critical(qtbot: QtBot, window: MainWindow) -> None:
    window.go(1)
    _choose(window, "field.category", "mail_receiving")
    window.go(3)
    _choose(window, "field.urgency", "critical")
    assert "Is it really critical?" in _urgency_hint(window)
    _choose(window, "question.from_whom", "none_arrive_from_any_sender")  # all mail is down
    assert "Is it really critical?" not in _urgency_hint(window)


def test_many_recent_critical_requests_are_mentioned(qtbot: QtBot, window: MainWindow, store: Store) -> None:
    now = datetime.now(UTC)
    for day in range(3):
        sent = Request(domain="example.gr", category="site_down", urgency=Urgency.CRITICAL)
        receipt = Receipt(channel="email", reference=f"EX-{day}", sent_at=now - timedelta(days=day + 1))
        with store.transaction() as db:
            history.record(db, sent, window.controller.profile, receipt)
    window.controller.count_recent_critical()
    qtbot.waitUntil(lambda: window.controller.recent_critical == 3, timeout=5000)
    window.go(1)
    _choose(window, "field.category", "site_down")  # critical by default: an outage
    window.go(3)
    assert "Requests you marked critical in the last 30 days: 3." in _urgency_hint(window)


@pytest.mark.parametrize(
    ("category", "asked", "not_asked"),
    [
        ("mail_receiving", "question.from_whom", "question.connection_used"),
        ("ftp_ssh", "question.connection_used", "question.from_whom"),
        ("certificate", "question.cert_where", "question.whole_site"),
        ("billing", "question.invoice_number", "question.cert_where"),
    ],
)
def test_the_questions_follow_the_category(
    qtbot: QtBot, window: MainWindow, category: str, asked: str, not_asked: str
) -> None:
    window.go(1)
    _choose(window, "field.category", "site_down")
    _choose(window, "field.category", category)
    window.go(3)
    assert window.findChild(QWidget, asked) is not None
    assert window.findChild(QWidget, not_asked) is None
    required = [a.field for a in window.controller.readiness.advice if a.code == "advice.question"]
    question = window.controller.profile.category(category).questions[0]  # type: ignore[union-attr]
    assert (f"answers.{question.id}" in required) is question.required
