"""The review shows the text in the language it leaves in, with a switch to read it in one's own.

A Greek window, a provider that reads Croatian: the review shows the
Croatian text (the one the outbox stores and the helpdesk receives), says so,
and its switch shows the Greek for reading; Send still sends the Croatian.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from composer import i18n
from composer import outbox as box
from composer.credentials import Credentials, identity
from composer.delivery import Backoff
from composer.render import render_text
from composer.store import Store
from composer.ui.delivery import DeliveryController
from composer.ui.main_window import MainWindow
from tests.core.test_request_language import GREEK_SUMMARY, croatian_first, greek_request
from tests.servers.intake import TOKEN, IntakeServer
from tests.servers.smtp import USER

WAIT = 15_000


@pytest.fixture()
def croatian_window(qtbot: QtBot, store: Store, intake: IntakeServer) -> Iterator[MainWindow]:
    secrets = Credentials(backend=FailKeyring())
    secrets.set("primjer", identity("intake", USER), TOKEN)
    delivery = DeliveryController(
        store, credentials=secrets, poll=0.05, http_timeout=httpx.Timeout(3.0), backoff=Backoff(base=0.05)
    )
    profile = croatian_first({"kind": "helpdesk", "helpdesk": "intake", "url": intake.url})
    i18n.set_language("el")
    window = MainWindow(profile, store, auto_checks=False, delivery=delivery, autosave_delay=0.05)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: delivery.is_ready, timeout=WAIT)
    yield window
    window.close()


def _widgets(window: MainWindow) -> tuple[QPlainTextEdit, QLabel, QCheckBox]:
    text = window.findChild(QPlainTextEdit, "review.text")
    note = window.findChild(QLabel, "review.language_note")
    switch = window.findChild(QCheckBox, "review.show_in_my_language")
    assert text is not None and note is not None and switch is not None
    return text, note, switch


def test_the_review_shows_what_leaves_and_switches_to_the_users_language(
    qtbot: QtBot, croatian_window: MainWindow, store: Store, intake: IntakeServer
) -> None:
    window = croatian_window
    request = greek_request()
    window.controller.load(request)
    window.go(len(window.steps) - 1)
    text, note, switch = _widgets(window)
    croatian = render_text(window.controller.request, window.controller.profile, language="hr")
    greek = render_text(window.controller.request, window.controller.profile, language="el")
    assert croatian != greek
    assert text.toPlainText() == croatian and GREEK_SUMMARY in croatian
    assert note.isVisible() and switch.isVisible() and not switch.isChecked()
    assert "Hrvatski" in note.text() and "Ελληνικά" in switch.text()
    assert not note.text().startswith("This is sent")  # said in Greek

    # with the keyboard alone: focus the switch, Space
    switch.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is switch)
    qtbot.keyClick(switch, Qt.Key.Key_Space)
    assert switch.isChecked()
    assert text.toPlainText() == greek
    assert "Hrvatski" in note.text() and "Ελληνικά" in note.text()
    assert window.review.shown_language() == "el"

    # Send leaves the Croatian text, whatever is on screen
    send = window.findChild(QPushButton, "action.send")
    assert send is not None
    send.click()
    qtbot.waitUntil(lambda: len(intake.tickets) == 1, timeout=WAIT)
    [ticket] = intake.tickets.values()
    assert ticket.document["text"] == croatian
    assert ticket.document["language"] == "hr"
    entry = box.entry_for_request(store, request.id)
    assert entry is not None and entry.rendered is not None and entry.rendered.text == croatian


def test_the_switch_follows_a_language_change_and_hides_when_the_languages_agree(
    qtbot: QtBot, croatian_window: MainWindow
) -> None:
    window = croatian_window
    window.controller.load(greek_request())
    window.go(len(window.steps) - 1)
    text, note, switch = _widgets(window)
    switch.setChecked(True)
    i18n.set_language("ru")
    assert "Русский" in switch.text() and switch.isChecked()
    assert text.toPlainText() == render_text(
        window.controller.request, window.controller.profile, language="ru"
    )
    i18n.set_language("hr")  # the user reads Croatian too: nothing to switch
    assert not switch.isVisible() and not note.isVisible()
    assert text.toPlainText() == render_text(
        window.controller.request, window.controller.profile, language="hr"
    )
