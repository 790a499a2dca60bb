"""The whole path in the window: review, Send, the outbox, the receipt, the history, a follow-up."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from composer import history
from composer.credentials import Credentials, identity
from composer.delivery import Backoff
from composer.store import Store
from composer.ui.delivery import DeliveryController
from composer.ui.main_window import MainWindow
from composer.ui.receipt import ReceiptDialog
from tests.servers.intake import TOKEN, IntakeServer, make_profile, make_request

WAIT = 15_000


@pytest.fixture()
def intake() -> Iterator[IntakeServer]:
    with IntakeServer() as server:
        yield server


@pytest.fixture()
def sending_window(qtbot: QtBot, store: Store, intake: IntakeServer) -> Iterator[MainWindow]:
    secrets = Credentials(backend=FailKeyring())
    secrets.set("example", identity("intake", "maria@example.gr"), TOKEN)
    delivery = DeliveryController(
        store,
        credentials=secrets,
        poll=0.05,
        http_timeout=httpx.Timeout(3.0),
        backoff=Backoff(base=0.05, jitter=0, max_attempts=4),
    )
    profile = make_profile({"kind": "helpdesk", "helpdesk": "intake", "url": intake.url}, {"kind": "file"})
    window = MainWindow(profile, store, auto_checks=False, delivery=delivery, autosave_delay=0.05)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: delivery.is_ready, timeout=WAIT)
    yield window
    window.close()


def test_send_from_the_review_step_shows_the_reference_and_keeps_it(
    qtbot: QtBot, sending_window: MainWindow, store: Store, intake: IntakeServer
) -> None:
    window = sending_window
    request = make_request(store, sizes=(4000,))
    window.controller.load(request)
    window.go(len(window.steps) - 1)
    send = window.findChild(QPushButton, "action.send")
    assert send is not None and send.text() == "Sen&d request" and send.isEnabled()
    send.click()
    qtbot.waitUntil(lambda: isinstance(window.prompts.current, ReceiptDialog), timeout=WAIT)
    receipt = window.prompts.current
    assert receipt is not None
    reference = receipt.findChild(QLabel, "receipt.reference")
    assert reference is not None and reference.text() == "EX-00001"
    receipt.accept()
    # the ticket arrived once, with the attachment, and the form starts afresh
    assert list(intake.tickets) == ["EX-00001"]
    assert window.controller.request.id != request.id and window.controller.request.summary == ""
    assert store.load_draft(request.id) is None
    # the history finds it by its reference, and a follow-up goes to the same ticket
    found = history.search(store, "EX-00001")
    assert [item.request_id for item in found] == [request.id]
    done: list[object] = []
    window.delivery.follow_up(request.id, "It works again since 10:00, thank you.", on_result=done.append)
    qtbot.waitUntil(lambda: bool(intake.tickets["EX-00001"].messages), timeout=WAIT)
    assert "It works again" in str(intake.tickets["EX-00001"].messages[0])
