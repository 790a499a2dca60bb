"""The offer to follow up an open request for the same problem, and what each button answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from composer.history import HistoryItem
from composer.profile import load_profile
from composer.ui.related_offer import RelatedChoice, RelatedOffer
from tests.ui.conftest import when_modal

ITEMS = [
    HistoryItem(
        request_id="r1",
        title="Mail bounces",
        domain="example.gr",
        category="mail_receiving",
        reference="EX-00012",
        channel="intake",
        sent_at=datetime(2026, 11, 28, 9, 0, tzinfo=UTC),
    ),
    HistoryItem(
        request_id="r2",
        title="Mail again",
        domain="example.gr",
        category="mailbox_full",
        reference="EX-00010",
        channel="intake",
        sent_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize(
    ("button", "choice"),
    [
        ("related.follow_up", RelatedChoice.FOLLOW_UP),
        ("related.new", RelatedChoice.NEW),
        ("related.cancel", RelatedChoice.CANCEL),
    ],
)
def test_each_button_gives_its_answer(qtbot: QtBot, button: str, choice: RelatedChoice) -> None:
    offer = RelatedOffer(ITEMS, load_profile())
    qtbot.addWidget(offer)
    assert "EX-00012" in offer.text() and "E-mail is not arriving" in offer.text()
    assert "1 more for this domain" in offer.informativeText()
    assert offer.follow_up_button.text() == "&Add to EX-00012"

    def click(dialog: QWidget) -> None:
        found = dialog.findChild(QWidget, button)
        assert found is not None
        found.click()  # type: ignore[attr-defined]

    when_modal(click)
    assert offer.choose() is choice


def test_a_request_still_in_the_outbox_is_named_and_the_outbox_offered(qtbot: QtBot) -> None:
    waiting = [ITEMS[0].__class__(**{**ITEMS[0].__dict__, "reference": "", "channel": ""})]
    offer = RelatedOffer([], load_profile(), pending=waiting)
    qtbot.addWidget(offer)
    assert "still waiting in the outbox" in offer.text()
    assert "open the outbox" in offer.informativeText()

    def click(dialog: QWidget) -> None:
        found = dialog.findChild(QWidget, "related.outbox")
        assert found is not None
        found.click()  # type: ignore[attr-defined]

    when_modal(click)
    assert offer.choose() is RelatedChoice.OUTBOX
