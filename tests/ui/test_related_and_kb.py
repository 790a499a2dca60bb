"""In the window, against the intake test server: a closed ticket is not offered again, and
knowledge-base answers are counted ("This solved it" ends the request; "it did not help" links it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from composer import kb
from composer.profile import ProviderProfile
from composer.store import Store
from composer.ui.main_window import MainWindow
from tests.servers.intake import IntakeServer, make_profile, make_request
from tests.ui.conftest import when_modal
from tests.ui.test_send_from_window import WAIT, _send_and_close_receipt, open_sending_window

ARTICLE = "https://www.example-hosting.example/kb/relaying"


@pytest.fixture()
def intake() -> Iterator[IntakeServer]:
    with IntakeServer() as server:
        yield server


def _profile(intake: IntakeServer) -> ProviderProfile:
    profile = make_profile({"kind": "helpdesk", "helpdesk": "intake", "url": intake.url}, {"kind": "file"})
    data = profile.model_dump(mode="json", by_alias=True)
    data["kb"] = [
        {"title": "When the server says relaying denied", "url": ARTICLE, "keywords": ["relaying denied"]}
    ]
    return ProviderProfile.model_validate(data)


@pytest.fixture()
def kb_window(qtbot: QtBot, store: Store, intake: IntakeServer) -> Iterator[MainWindow]:
    yield from open_sending_window(qtbot, store, _profile(intake))


def test_a_ticket_the_helpdesk_closed_is_not_offered_again(
    qtbot: QtBot, kb_window: MainWindow, store: Store, intake: IntakeServer
) -> None:
    window = kb_window
    window.controller.load(make_request(store, seed=1))
    assert _send_and_close_receipt(qtbot, window) == "EX-00001"
    intake.tickets["EX-00001"].status = "resolved"
    offers: list[str] = []
    when_modal(lambda dialog: offers.append(dialog.objectName()))  # would stop the send
    window.controller.load(make_request(store, seed=2, category="mail_receiving"))
    assert _send_and_close_receipt(qtbot, window) == "EX-00002"  # a new ticket, no offer
    assert "dialog.related" not in offers
    assert intake.violations == []


def test_this_solved_it_ends_the_request_and_is_counted(
    qtbot: QtBot, kb_window: MainWindow, store: Store, intake: IntakeServer
) -> None:
    window = kb_window
    draft = make_request(store, seed=3)  # "550 5.7.1 Relaying denied" matches the article
    window.controller.load(draft)
    window.go(3)
    panel = window.findChild(QWidget, "kb.panel.happens")
    assert panel is not None and panel.isVisible()
    solved = panel.findChild(QPushButton, "kb.solved.0")
    assert solved is not None

    def end(dialog: QWidget) -> None:
        button = dialog.findChild(QPushButton, "kb.end_request")
        assert button is not None and dialog.objectName() == "dialog.kb_solved"
        button.click()

    when_modal(end)
    solved.click()
    assert window.controller.request.id != draft.id and window.controller.request.tried == ""
    qtbot.waitUntil(lambda: bool(intake.article_outcomes), timeout=WAIT)
    assert intake.article_outcomes == [
        {"article": ARTICLE, "outcome": "solved", "category": "mail_sending", "language": "en"}
    ]
    assert kb.counts(store)[(ARTICLE, "solved")] == 1
    assert not intake.tickets  # nothing was sent
    qtbot.waitUntil(lambda: all(d.id != draft.id for d in store.list_drafts()), timeout=WAIT)
    assert intake.violations == []


def test_an_article_that_did_not_help_goes_into_the_request(
    qtbot: QtBot, kb_window: MainWindow, store: Store, intake: IntakeServer
) -> None:
    window = kb_window
    window.controller.load(make_request(store, seed=4))
    window.go(len(window.steps) - 1)
    panel = window.findChild(QWidget, "kb.panel.review")
    assert panel is not None and panel.isVisible()
    failed = panel.findChild(QPushButton, "kb.not_helped.0")
    assert failed is not None
    failed.click()
    request = window.controller.request
    assert ARTICLE in request.tried and "did not help" in request.tried
    assert not failed.isEnabled()  # once is enough
    text = window.findChild(QWidget, "review.text")
    assert text is not None and ARTICLE in text.toPlainText()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(intake.article_outcomes), timeout=WAIT)
    assert intake.article_outcomes[0]["outcome"] == "not_helped"
    assert kb.counts(store)[(ARTICLE, "not_helped")] == 1
