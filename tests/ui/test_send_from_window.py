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
from composer.profile import ProviderProfile
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
    profile = make_profile({"kind": "helpdesk", "helpdesk": "intake", "url": intake.url}, {"kind": "file"})
    yield from open_sending_window(qtbot, store, profile)


def open_sending_window(qtbot: QtBot, store: Store, profile: ProviderProfile) -> Iterator[MainWindow]:
    """A window on ``profile`` whose outbox sends for real, with Maria's intake token (no keyring)."""
    secrets = Credentials(backend=FailKeyring())
    secrets.set("example", identity("intake", "maria@example.gr"), TOKEN)
    delivery = DeliveryController(
        store,
        credentials=secrets,
        poll=0.05,
        http_timeout=httpx.Timeout(3.0),
        backoff=Backoff(base=0.05, jitter=0, max_attempts=4),
    )
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


def _send_and_close_receipt(qtbot: QtBot, window: MainWindow) -> str:
    window.go(len(window.steps) - 1)
    send = window.findChild(QPushButton, "action.send")
    assert send is not None
    send.click()
    qtbot.waitUntil(lambda: isinstance(window.prompts.current, ReceiptDialog), timeout=WAIT)
    receipt = window.prompts.current
    assert receipt is not None
    reference = receipt.findChild(QLabel, "receipt.reference")
    assert reference is not None
    text = reference.text()
    receipt.accept()
    return text


def test_a_second_request_for_the_same_problem_becomes_a_follow_up(
    qtbot: QtBot, sending_window: MainWindow, store: Store, intake: IntakeServer
) -> None:
    from PySide6.QtWidgets import QWidget

    from composer.ui.history_view import FollowUpDialog
    from tests.ui.conftest import when_modal

    window = sending_window
    window.controller.load(make_request(store, seed=1))
    assert _send_and_close_receipt(qtbot, window) == "EX-00001"

    # the same domain, a related kind of problem: offered as a follow-up of EX-00001
    again = make_request(store, seed=2, category="mail_receiving", description="Now nothing comes in either.")
    window.controller.load(again)
    seen: list[str] = []

    def on_offer(dialog: QWidget) -> None:
        seen.append(dialog.objectName())
        follow = dialog.findChild(QPushButton, "related.follow_up")
        assert follow is not None and "EX-00001" in follow.text()

        def on_follow_up(editor: QWidget) -> None:
            assert isinstance(editor, FollowUpDialog)
            seen.append(editor.text.toPlainText())
            editor.send.click()

        when_modal(on_follow_up)
        follow.click()

    when_modal(on_offer)
    window.go(len(window.steps) - 1)
    send = window.findChild(QPushButton, "action.send")
    assert send is not None
    send.click()
    qtbot.waitUntil(lambda: bool(intake.tickets["EX-00001"].messages), timeout=WAIT)
    assert seen[0] == "dialog.related"
    assert "Now nothing comes in either." in seen[1]
    assert "Now nothing comes in either." in str(intake.tickets["EX-00001"].messages[0])
    assert list(intake.tickets) == ["EX-00001"]  # no second ticket
    qtbot.waitUntil(lambda: window.controller.request.id != again.id, timeout=WAIT)


def test_a_new_request_can_still_be_sent_when_it_is_another_problem(
    qtbot: QtBot, sending_window: MainWindow, store: Store, intake: IntakeServer
) -> None:
    from PySide6.QtWidgets import QWidget

    from tests.ui.conftest import when_modal

    window = sending_window
    window.controller.load(make_request(store, seed=1))
    assert _send_and_close_receipt(qtbot, window) == "EX-00001"
    window.controller.load(make_request(store, seed=3, category="mailbox_full"))

    def send_new(dialog: QWidget) -> None:
        button = dialog.findChild(QPushButton, "related.new")
        assert button is not None
        button.click()

    when_modal(send_new)
    assert _send_and_close_receipt(qtbot, window) == "EX-00002"
    assert sorted(intake.tickets) == ["EX-00001", "EX-00002"]


def test_a_request_prepared_by_support_opens_by_its_code(
    qtbot: QtBot, sending_window: MainWindow, intake: IntakeServer
) -> None:
    from datetime import timedelta

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from composer import prefill
    from composer.profile import Prefill

    window = sending_window
    assert not window.act_code.isVisible()  # no key in the profile: no codes to check
    key = Ed25519PrivateKey.generate()
    profile = window.controller.profile.model_copy(
        update={"prefill": Prefill(public_key=prefill.public_key_line(key))}
    )
    window._profile_loaded(profile)
    assert window.act_code.isVisible() and window.act_code.text() == "Open a prepared request by &code…"
    window.controller.update_requester(email="maria@example.gr")
    token = prefill.sign_prefill(
        key,
        prefill.PrefillFields(domain="example.gr", account="sales@example.gr"),
        staff="Eleni",
        lifetime=timedelta(hours=1),
    )
    intake.prefills["KQ7M-2XHD"] = {"domain": "wrong.example"}
    intake.prefill_tokens["KQ7M-2XHD"] = token
    window.open_prefill_code("KQ7M-2XHD")
    qtbot.waitUntil(lambda: window.controller.request.domain == "example.gr", timeout=WAIT)
    assert window.controller.request.account == "sales@example.gr"
    assert window.prefill_notice.isVisible() and "Eleni" in window.prefill_notice.text.text()
