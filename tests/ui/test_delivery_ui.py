"""Delivery in the GUI: receipt, outbox, fallback to e-mail, history, follow-ups, credentials.

Every test sends to real servers on 127.0.0.1 (the intake API, aiosmtpd, and
a private Secret Service for the keyring) through a real DeliveryController.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import Qt, QThreadPool, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from composer import history
from composer import outbox as box
from composer import outbox_claims as claims
from composer.channels.email import load_mail_settings
from composer.credentials import Credentials, identity
from composer.delivery import Backoff
from composer.model import Request
from composer.outbox import OutboxEntry, OutboxState
from composer.profile import Expected, MailClientSettings, MailEndpoint, ProviderProfile
from composer.store import Store
from composer.ui.credential_prompt import CredentialDialog, DeliveryPrompts, FallbackQuestion
from composer.ui.delivery import DeliveryController
from composer.ui.history_view import FollowUpDialog, HistoryDialog
from composer.ui.mail_settings import MailSettingsDialog
from composer.ui.main_window import MainWindow
from composer.ui.outbox_view import OutboxDialog
from composer.ui.receipt import ReceiptDialog
from tests.servers.intake import TOKEN, IntakeServer, make_profile, make_request
from tests.servers.keyring import SecretService
from tests.servers.smtp import PASSWORD, USER, SmtpServer

FAST = Backoff(base=0.05, factor=2, cap=0.5, jitter=0, max_attempts=8)
WAIT = 15_000
ME = identity("intake", "maria@example.gr")

Factory = Callable[..., DeliveryController]
W = TypeVar("W", bound=QWidget)


@pytest.fixture()
def intake() -> Iterator[IntakeServer]:
    with IntakeServer(slow_seconds=0.3) as server:
        yield server
    assert server.violations == []


@pytest.fixture()
def secrets() -> Credentials:
    found = Credentials(backend=FailKeyring())
    found.set("example", ME, TOKEN)
    return found


@pytest.fixture()
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture()
def make_controller(qtbot: QtBot, store: Store, secrets: Credentials, parent: QWidget) -> Iterator[Factory]:
    made: list[DeliveryController] = []

    def make(**options: Any) -> DeliveryController:
        options.setdefault("credentials", secrets)
        options.setdefault("backoff", FAST)
        controller = DeliveryController(
            store, poll=0.05, http_timeout=httpx.Timeout(3.0), parent=parent, **options
        )
        made.append(controller)
        qtbot.waitUntil(lambda: controller.is_ready, timeout=WAIT)
        return controller

    yield make
    for controller in made:
        controller.close()
    assert QThreadPool.globalInstance().waitForDone(10_000)


def intake_profile(server: IntakeServer, *more: dict[str, Any]) -> ProviderProfile:
    profile: ProviderProfile = make_profile(
        {"kind": "helpdesk", "helpdesk": "intake", "url": server.url}, *more
    )
    return profile


def entry_of(store: Store, request: Request) -> OutboxEntry:
    entry = box.entry_for_request(store, request.id)
    assert entry is not None
    return entry


def wait_state(qtbot: QtBot, store: Store, request: Request, state: OutboxState) -> OutboxEntry:
    qtbot.waitUntil(lambda: entry_of(store, request).state is state, timeout=WAIT)
    return entry_of(store, request)


def when_dialog(kind: type[W], action: Callable[[W], None]) -> None:
    """Like ``when_modal``, for a modal dialog of ``kind`` (one may open above another)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            action(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def pick_file(dialog: QFileDialog, path: Path) -> None:
    """Type a whole path into Qt's own file dialog and accept it (as a user would)."""
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    assert name is not None
    name.setText(str(path))
    dialog.accept()


def wait_dialog(qtbot: QtBot, prompts: DeliveryPrompts, kind: type[Any]) -> Any:
    qtbot.waitUntil(lambda: isinstance(prompts.current, kind), timeout=WAIT)
    return prompts.current


def cell(dialog: OutboxDialog, entry_id: str, column: int) -> str:
    item = dialog.table.item(dialog.row_of(entry_id), column)
    return item.text() if item is not None else ""


def click(qtbot: QtBot, root: QWidget, name: str) -> None:
    button = root.findChild(QPushButton, name)
    assert button is not None, name
    assert button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_sent_request_shows_its_reference_code_large_with_copy(
    qtbot: QtBot, make_controller: Factory, store: Store, intake: IntakeServer, parent: QWidget
) -> None:
    controller = make_controller()
    prompts = DeliveryPrompts(controller, parent)
    progress: list[tuple[int, int]] = []
    controller.progress.connect(lambda _id, sent, total: progress.append((sent, total)))
    request = make_request(store, sizes=(800_000,))
    store.save_draft(request)
    with qtbot.waitSignal(controller.submitted, timeout=WAIT) as submitted:
        controller.send(request, intake_profile(intake))
    assert submitted.args is not None and submitted.args[0].request_id == request.id
    receipt = wait_dialog(qtbot, prompts, ReceiptDialog)
    assert receipt.objectName() == "dialog.receipt" and receipt.isVisible()
    reference = receipt.findChild(QLabel, "receipt.reference")
    assert reference is not None and reference.text() == "EX-00001"
    assert reference.font().pointSizeF() > 2 * QApplication.font().pointSizeF()
    explanation = receipt.findChild(QLabel, "receipt.explanation")
    assert "Quote this code when you call or chat about this problem" in explanation.text()
    click(qtbot, receipt, "receipt.copy")
    assert QApplication.clipboard().text() == "EX-00001"
    assert progress and progress[-1][0] == progress[-1][1] > 800_000
    assert len(progress) < 40  # throttled, not one signal per chunk
    assert store.load_draft(request.id) is None
    receipt.accept()
    qtbot.waitUntil(lambda: prompts.current is None)


def test_server_error_then_recovery_shows_waiting_then_sent(
    qtbot: QtBot, make_controller: Factory, store: Store, intake: IntakeServer, parent: QWidget
) -> None:
    controller = make_controller(backoff=Backoff(base=0.6, jitter=0))
    dialog = OutboxDialog(controller, parent)
    dialog.show()
    states: list[str] = []

    def seen(entry: OutboxEntry) -> None:
        states.append(f"{cell(dialog, entry.id, 2)}|{cell(dialog, entry.id, 3)}")

    controller.state_changed.connect(seen)  # after the dialog's own slot
    intake.faults.append("500")
    request = make_request(store)
    controller.send(request, intake_profile(intake))
    qtbot.waitUntil(lambda: any(s.startswith("Sent|") for s in states), timeout=WAIT)
    waiting = [s for s in states if s.startswith("Waiting|") and "temporary problem" in s]
    assert waiting and "status 500" in waiting[0] and "Trying again at" in waiting[0]
    assert states[-1] == "Sent|Reference code: EX-00001"
    dialog.select(entry_of(store, request).id)
    qtbot.waitUntil(lambda: dialog.log.toPlainText().count("\n") == 1)
    first, second = dialog.log.toPlainText().splitlines()
    assert "temporary server problem (delivery.server_error)" in first and second.endswith("sent — EX-00001")
    assert not dialog.retry.isEnabled() and not dialog.edit.isEnabled()
    dialog.accept()


def test_rejection_is_shown_with_reason_and_retry_sends_after_the_fix(
    qtbot: QtBot, make_controller: Factory, store: Store, intake: IntakeServer, parent: QWidget
) -> None:
    controller = make_controller()
    prompts = DeliveryPrompts(controller, parent, receipts=False)
    intake.faults.append("422")
    request = make_request(store)
    controller.send(request, intake_profile(intake))
    question = wait_dialog(qtbot, prompts, FallbackQuestion)
    assert question.send_next is None  # no other way in this profile
    assert "Sending by the provider's request service failed" in question.text()
    assert "There is no other way to send it" in question.informativeText()
    click(qtbot, question, "fallback.later")

    dialog = OutboxDialog(controller, parent)
    dialog.show()
    entry = entry_of(store, request)
    qtbot.waitUntil(lambda: dialog.row_of(entry.id) >= 0, timeout=WAIT)
    assert cell(dialog, entry.id, 2) == "Not sent"
    assert "did not accept the request: The domain is not ours" in cell(dialog, entry.id, 3)
    dialog.select(entry.id)
    assert dialog.retry.isEnabled() and dialog.edit.isEnabled() and dialog.save.isEnabled()
    assert not dialog.next_way.isEnabled()
    click(qtbot, dialog, "action.outbox_retry")  # the server takes it now
    qtbot.waitUntil(lambda: cell(dialog, entry.id, 2) == "Sent", timeout=WAIT)
    assert cell(dialog, entry.id, 3) == "Reference code: EX-00001"
    assert intake.tickets_by_request_id() == {request.id: ["EX-00001"]}
    qtbot.waitUntil(lambda: dialog.log.toPlainText().count("\n") == 1)
    assert "not accepted (delivery.rejected)" in dialog.log.toPlainText()
    dialog.accept()


def test_fallback_to_email_asks_for_the_mail_server_then_sends(
    qtbot: QtBot, make_controller: Factory, store: Store, intake: IntakeServer, parent: QWidget
) -> None:
    with SmtpServer() as smtp:
        controller = make_controller(ssl_context=smtp.client_context())
        prompts = DeliveryPrompts(controller, parent)
        outgoing = MailEndpoint(protocol="smtp", host="127.0.0.1", port=smtp.port, security="starttls")
        profile = intake_profile(intake, {"kind": "email", "to": "support@hosting.example"}).model_copy(
            update={"expected": Expected(mail_client=MailClientSettings(outgoing=[outgoing]))}
        )
        intake.faults.append("422")
        request = make_request(store)
        controller.send(request, profile)
        question = wait_dialog(qtbot, prompts, FallbackQuestion)
        assert question.objectName() == "dialog.fallback"
        assert "The domain is not ours" in question.text()
        assert "Send it by e-mail instead?" in question.informativeText()
        assert smtp.messages == []  # never falls back silently
        click(qtbot, question, "fallback.next")

        settings = wait_dialog(qtbot, prompts, MailSettingsDialog)
        assert settings.objectName() == "dialog.mail_settings"
        qtbot.waitUntil(lambda: settings.loaded, timeout=WAIT)
        # pre-filled from the provider profile
        assert settings.host.text() == "127.0.0.1" and settings.port.value() == smtp.port
        assert settings.security.currentData() == "starttls"
        note = settings.findChild(QLabel, "mail.keyring_note")
        assert "kept only until the app closes" in note.text()
        qtbot.keyClicks(settings.username, USER)
        qtbot.keyClicks(settings.password, PASSWORD)
        click(qtbot, settings, "mail.save")

        receipt = wait_dialog(qtbot, prompts, ReceiptDialog)
        assert len(smtp.messages) == 1
    assert smtp.messages[0].rcpt_tos == ["support@hosting.example"]
    headline = receipt.findChild(QLabel, "receipt.headline").text()
    assert "sent by e-mail" in headline
    assert "answer will carry it" in receipt.findChild(QLabel, "receipt.explanation").text()
    assert not receipt.findChild(QPushButton, "receipt.copy").isVisible()
    saved = load_mail_settings(store)
    assert saved is not None and saved.username == USER and PASSWORD not in saved.model_dump_json()
    assert [a.channel for a in box.list_attempts(store, entry_of(store, request).id)] == ["intake", "email"]
    assert prompts.shown == ["dialog.fallback", "dialog.mail_settings", "dialog.receipt"]


def send_and_wait(
    qtbot: QtBot, controller: DeliveryController, store: Store, request: Request, profile: ProviderProfile
) -> OutboxEntry:
    controller.send(request, profile)
    qtbot.waitUntil(lambda: box.entry_for_request(store, request.id) is not None, timeout=WAIT)
    return wait_state(qtbot, store, request, OutboxState.SENT)


def search(qtbot: QtBot, dialog: HistoryDialog, text: str) -> list[str]:
    dialog.search.clear()
    qtbot.keyClicks(dialog.search, text)
    assert dialog.is_searching
    qtbot.waitUntil(lambda: not dialog.is_searching, timeout=WAIT)
    return [item.request_id for item in dialog.items]


def test_history_search_shows_what_was_sent_and_reopens_as_template(
    qtbot: QtBot, make_controller: Factory, store: Store, intake: IntakeServer, parent: QWidget
) -> None:
    controller = make_controller()
    profile = intake_profile(intake)
    mail = make_request(store, seed=1, domain="office-mail.gr", account="sales@office-mail.gr")
    web = make_request(
        store,
        seed=2,
        domain="shop.example.com",
        account="",
        category="website_down",
        error_text="HTTP 503",
        summary="The shop shows an error page",
        description="Since this morning every page of the shop answers 503.",
    )
    send_and_wait(qtbot, controller, store, mail, profile)
    send_and_wait(qtbot, controller, store, web, profile)
    dialog = HistoryDialog(controller, parent)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.items) == 2, timeout=WAIT)
    assert search(qtbot, dialog, "EX-00002") == [web.id]
    qtbot.waitUntil(lambda: dialog.detail is not None and dialog.detail.request.id == web.id, timeout=WAIT)
    assert dialog.reference.text() == "EX-00002"
    assert "shop.example.com" in dialog.text.toPlainText() and "HTTP 503" in dialog.text.toPlainText()
    assert search(qtbot, dialog, "office-mail.gr") == [mail.id]
    assert search(qtbot, dialog, "relaying") == [mail.id]
    assert search(qtbot, dialog, "nothing-like-this") == []
    assert dialog.status.text() == "Nothing found."
    assert search(qtbot, dialog, "shop") == [web.id]
    qtbot.waitUntil(lambda: dialog.detail is not None and dialog.detail.request.id == web.id, timeout=WAIT)
    with qtbot.waitSignal(dialog.template_requested, timeout=WAIT) as reopened:
        click(qtbot, dialog, "action.reopen_template")
    assert reopened.args is not None
    template: Request = reopened.args[0]
    assert template.id != web.id and template.receipt is None and template.error_text == "HTTP 503"
    assert store.load_draft(template.id) == template


def test_follow_up_goes_to_the_same_ticket(
    qtbot: QtBot,
    make_controller: Factory,
    store: Store,
    intake: IntakeServer,
    parent: QWidget,
    tmp_path: Path,
) -> None:
    controller = make_controller()
    request = make_request(store)
    send_and_wait(qtbot, controller, store, request, intake_profile(intake))
    bounce = tmp_path / "bounce.eml"
    bounce.write_bytes(b"Subject: Undelivered\r\n\r\n550 relaying denied\r\n")
    dialog = HistoryDialog(controller, parent)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=WAIT)
    assert dialog.reference.text() == "EX-00001"

    def write(follow: FollowUpDialog) -> None:
        assert follow.objectName() == "dialog.follow_up"
        assert "request EX-00001" in follow.intro.text()
        qtbot.keyClicks(follow.text, "Still failing after the change.")
        when_dialog(QFileDialog, lambda chooser: pick_file(chooser, bounce))
        click(qtbot, follow, "follow_up.add_files")
        assert follow.files == [bounce]
        click(qtbot, follow, "follow_up.send")

    when_dialog(FollowUpDialog, write)
    click(qtbot, dialog, "action.follow_up")  # returns when the follow-up is queued
    assert "Your follow-up is in the outbox" in dialog.status.text()
    qtbot.waitUntil(lambda: bool(intake.tickets["EX-00001"].messages), timeout=WAIT)
    [message] = intake.tickets["EX-00001"].messages
    assert message["text"] == "Still failing after the change."
    assert message["files"] == [("bounce.eml", bounce.read_bytes())]
    assert len(intake.tickets) == 1
    qtbot.waitUntil(lambda: "Still failing after the change." in dialog.text.toPlainText(), timeout=WAIT)
    assert "Follow-up sent" in dialog.text.toPlainText()
    assert [m.text for m in history.messages(store, request.id)] == ["Still failing after the change."]


@pytest.fixture()
def secret_service(tmp_path: Path) -> Iterator[SecretService]:
    # a real Secret Service; scripts/setup installs dbus and gnome-keyring, so no skipping
    with SecretService(tmp_path / "keyring") as service:
        yield service


def test_credential_prompt_stores_the_token_in_the_keyring_and_sends(
    qtbot: QtBot,
    make_controller: Factory,
    store: Store,
    intake: IntakeServer,
    parent: QWidget,
    secret_service: SecretService,
    caplog: pytest.LogCaptureFixture,
) -> None:
    keyring_secrets = Credentials(backend=secret_service.backend())
    assert not keyring_secrets.session_only
    controller = make_controller(credentials=keyring_secrets)
    prompts = DeliveryPrompts(controller, parent)
    request = make_request(store)
    controller.send(request, intake_profile(intake, {"kind": "file"}))
    prompt = wait_dialog(qtbot, prompts, CredentialDialog)
    assert prompt.objectName() == "dialog.credential"
    assert "needs your password or access key" in prompt.reason.text()
    assert "keyring" in prompt.note.text() and "until the app closes" not in prompt.note.text()
    secret = prompt.findChild(QLineEdit, "credential.secret")
    assert secret.echoMode() is QLineEdit.EchoMode.Password
    qtbot.keyClicks(secret, TOKEN)
    click(qtbot, prompt, "credential.ok")
    receipt = wait_dialog(qtbot, prompts, ReceiptDialog)
    assert receipt.reference_code == "EX-00001"
    # the fallback question was held back while the password was asked for, then dropped
    assert prompts.shown == ["dialog.credential", "dialog.receipt"]
    assert Credentials(backend=secret_service.backend()).get("example", ME) == TOKEN
    assert TOKEN not in caplog.text


def test_without_keyring_the_prompt_says_the_secret_lasts_the_session(
    qtbot: QtBot, make_controller: Factory, store: Store, intake: IntakeServer, parent: QWidget
) -> None:
    controller = make_controller(credentials=Credentials(backend=FailKeyring()))
    prompts = DeliveryPrompts(controller, parent)
    request = make_request(store)
    controller.send(request, intake_profile(intake, {"kind": "file"}))
    prompt = wait_dialog(qtbot, prompts, CredentialDialog)
    assert "kept only until the app closes" in prompt.note.text()
    prompt.reject()  # not now: the other ways are offered instead
    question = wait_dialog(qtbot, prompts, FallbackQuestion)
    assert "Send it by a saved file instead?" in question.informativeText()
    click(qtbot, question, "fallback.next")
    receipt = wait_dialog(qtbot, prompts, ReceiptDialog)
    assert "has not been sent yet" in receipt.findChild(QLabel, "receipt.explanation").text()
    assert entry_of(store, request).receipt is not None


def test_edit_takes_the_request_back_to_the_form_and_save_as_file(
    qtbot: QtBot,
    make_controller: Factory,
    window: MainWindow,
    store: Store,
    intake: IntakeServer,
    tmp_path: Path,
) -> None:
    controller = make_controller(backoff=Backoff(base=30, jitter=0))
    intake.stop()  # down: the request waits in the outbox
    request = make_request(store)
    controller.send(request, intake_profile(intake))
    dialog = OutboxDialog(controller, window)
    dialog.edit_requested.connect(window.controller.load)
    dialog.show()
    qtbot.waitUntil(lambda: box.entry_for_request(store, request.id) is not None, timeout=WAIT)
    entry = entry_of(store, request)
    qtbot.waitUntil(lambda: dialog.row_of(entry.id) >= 0, timeout=WAIT)
    dialog.select(entry.id)
    qtbot.waitUntil(lambda: cell(dialog, entry.id, 2) == "Waiting", timeout=WAIT)
    assert "could not be reached" in cell(dialog, entry.id, 3)

    target = tmp_path / "by-hand.zip"

    when_dialog(QFileDialog, lambda chooser: pick_file(chooser, target))
    click(qtbot, dialog, "action.outbox_save")
    qtbot.waitUntil(lambda: dialog.saved_path == target, timeout=WAIT)
    assert target.stat().st_size > 0

    with qtbot.waitSignal(dialog.edit_requested, timeout=WAIT):
        click(qtbot, dialog, "action.outbox_edit")
    assert window.controller.request.id == request.id
    assert dialog.row_of(entry.id) == -1 and box.get_entry(store, entry.id) is None
    assert store.load_draft(request.id) == request
    dialog.accept()


def test_every_dialog_retranslates_and_a_closed_one_is_left_alone(
    qtbot: QtBot, make_controller: Factory, store: Store, intake: IntakeServer, parent: QWidget
) -> None:
    from composer.delivery import CredentialNeeded, FallbackOffer
    from composer.i18n import set_language

    controller = make_controller()
    request = make_request(store)
    entry = send_and_wait(qtbot, controller, store, request, intake_profile(intake))
    needed = CredentialNeeded(entry.id, "example", ME, "intake", "delivery.auth_failed")
    offer = FallbackOffer(entry.id, "intake", "delivery.network", {"host": "h", "reason": "r"}, "email")
    dialogs: list[QWidget] = [
        ReceiptDialog(entry, parent),
        OutboxDialog(controller, parent),
        HistoryDialog(controller, parent),
        FollowUpDialog(controller, request, parent),
        MailSettingsDialog(controller, intake_profile(intake), parent),
        CredentialDialog(needed, controller, parent),
        FallbackQuestion(offer, can_save=True, parent=parent),
    ]
    gone = ReceiptDialog(entry, parent)
    gone.deleteLater()
    qtbot.waitUntil(lambda: not isValid(gone))
    set_language("en")  # every listener runs; the deleted dialog's is skipped
    for dialog in dialogs:
        assert dialog.windowTitle()
    assert "was not accepted" in dialogs[5].findChild(QLabel, "credential.reason").text()
    assert dialogs[6].findChild(QPushButton, "fallback.next").text() == "Send by e-mail"
    assert "could not be reached (r)" in dialogs[6].text()


def test_a_request_a_crash_left_sending_is_resumed_when_the_controller_starts(
    qtbot: QtBot, store: Store, secrets: Credentials, intake: IntakeServer, parent: QWidget
) -> None:
    import subprocess
    import sys
    import threading
    from datetime import timedelta

    request = make_request(store)
    entry = box.insert_entry(store, request, intake_profile(intake))
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    assert claims.claim_due(
        store, f"{claims.HOST}:{dead.stdout.strip()}:0badc0ffee00", lease=timedelta(minutes=15)
    )
    controller = DeliveryController(store, credentials=secrets, backoff=FAST, poll=0.05, parent=parent)
    prompts = DeliveryPrompts(controller, parent)
    receipt = wait_dialog(qtbot, prompts, ReceiptDialog)
    assert receipt.reference_code == "EX-00001"
    assert [a.outcome for a in box.list_attempts(store, entry.id)] == ["interrupted", "sent"]
    # deleted without close(): its thread stops all the same
    controller.deleteLater()
    qtbot.waitUntil(lambda: not isValid(controller))
    qtbot.waitUntil(lambda: not any(t.name == "outbox-worker" for t in threading.enumerate()), timeout=WAIT)
    assert QThreadPool.globalInstance().waitForDone(10_000)
