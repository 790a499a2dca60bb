"""Three users walk the form as they would, and the request that leaves is one an agent can act on.

A Greek shop owner whose mail bounces, a Croatian web designer filing for a
client's WordPress site, and someone who types only "mail doesn't work!!!
ASAP". Each walk fills the widgets (pasting, choosing, moving on), accepts the
secrets dialog where it appears, saves the request as a file, and checks the
file: the domain, the account, the exact error, the start, the device and the
program and what was tried, as the user gave them, and no password typed
anywhere.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from composer import i18n
from composer.ui.main_window import MainWindow
from composer.ui.scrub_dialog import ScrubDialog

GMAIL_BOUNCE = (
    "Address not found\n"
    "Your message wasn't delivered to info@kalamata-olive.gr because the address couldn't be found.\n"
    "550 5.1.1 The email account that you tried to reach does not exist. - gsmtp"
)


def _field(window: MainWindow, name: str) -> QWidget:
    widget = window.findChild(QWidget, name)
    assert widget is not None, name
    return widget


def _paste(qtbot: QtBot, window: MainWindow, name: str, text: str) -> None:
    """Click into the field, paste the text (as users do with anything long), move on with Tab."""
    widget = _field(window, name)
    target = widget.lineEdit() if isinstance(widget, QComboBox) else widget
    assert target is not None
    window.activateWindow()  # back from a dialog (a window manager does this by itself)
    target.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() in (target, widget), timeout=2000)
    QApplication.clipboard().setText(text)
    qtbot.keyClick(target, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(target, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    _accept_secrets_dialog(qtbot, window, after=lambda: qtbot.keyClick(target, Qt.Key.Key_Tab))


def _accept_secrets_dialog(qtbot: QtBot, window: MainWindow, *, after: object) -> None:
    after()  # type: ignore[operator]
    qtbot.wait(50)
    for dialog in window.findChildren(ScrubDialog, "dialog.scrub"):
        if not dialog.isVisible():
            continue
        accept = dialog.findChild(QPushButton, "scrub.accept")
        assert accept is not None
        accept.click()
        qtbot.waitUntil(lambda d=dialog: not d.isVisible(), timeout=2000)


def _choose(window: MainWindow, name: str, data: str) -> None:
    combo = _field(window, name)
    assert isinstance(combo, QComboBox)
    index = combo.findData(data)
    assert index >= 0, (name, data)
    combo.setCurrentIndex(index)


def _save(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, str]:
    target = tmp_path / "request.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.go(5)
    send = _field(window, "action.send")
    assert isinstance(send, QPushButton)
    send.click()
    qtbot.waitUntil(target.exists, timeout=5000)
    saved = window.findChild(QMessageBox, "dialog.saved")
    if saved is not None:
        saved.close()
    with zipfile.ZipFile(target) as bundle:
        return bundle.read("request.txt").decode("utf-8"), bundle.read("request.json").decode("utf-8")


def _assert_nothing_secret(secret: str, text: str, document: str, window: MainWindow) -> None:
    assert secret not in text
    assert secret not in json.dumps(json.loads(document), ensure_ascii=False)
    assert secret not in window.controller.request.model_dump_json()
    window.controller.flush()
    draft = window.store.load_draft(window.controller.request.id)
    assert draft is None or secret not in draft.model_dump_json()


def test_a_greek_shop_owner_whose_mail_bounces(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    i18n.set_language("el")
    secret = "Φέτα2024!"
    _paste(qtbot, window, "field.name", "Ελένη Παπαδοπούλου")
    _paste(qtbot, window, "field.email", "eleni@kalamata-olive.gr")
    window.go(1)
    _paste(qtbot, window, "field.summary", "Τα μηνύματα από Gmail επιστρέφουν")
    _choose(window, "field.category", "mail_receiving")
    _paste(qtbot, window, "field.domain", "https://www.kalamata-olive.gr/")
    hint = _field(window, "hint.domain")
    assert isinstance(hint, QLabel) and "kalamata-olive.gr" in hint.text()
    _paste(qtbot, window, "field.account", "info@kalamata-olive.gr")
    _paste(qtbot, window, "field.device", "Φορητός υπολογιστής")
    _paste(qtbot, window, "field.os", "Windows 11")
    _paste(qtbot, window, "field.client", "Outlook")
    _paste(qtbot, window, "field.client_version", "2021")
    window.go(3)
    _paste(qtbot, window, "field.error_text", GMAIL_BOUNCE)
    error_hint = _field(window, "hint.error_text")
    assert isinstance(error_hint, QLabel) and "404" not in error_hint.text()
    _paste(qtbot, window, "field.started_at", "20.11.2026 14:30")
    _choose(window, "field.worked_before", "yes")
    _choose(window, "question.from_whom", "only_from_gmail_outlook_com_senders")
    _paste(qtbot, window, "question.example_message", "από anna@gmail.com στο info@, σήμερα 10:15")
    _paste(
        qtbot,
        window,
        "field.tried",
        f"Επανεκκίνησα το Outlook. Ο κωδικός μου είναι {secret} και δεν αλλάζει.",
    )
    assert window.controller.readiness.ready

    text, document = _save(qtbot, window, tmp_path, monkeypatch)
    assert "kalamata-olive.gr" in text
    assert "info@kalamata-olive.gr" in text
    assert "550 5.1.1 The email account that you tried to reach does not exist" in text
    assert "2026-11-20 14:30" in text
    assert "Φορητός υπολογιστής, Windows 11" in text and "Outlook 2021" in text
    assert "Επανεκκίνησα το Outlook" in text
    # the choice in the request's language: the demo provider's (English), not the window's
    assert "Only from Gmail / Outlook.com senders" in text and "Μόνο από" not in text
    _assert_nothing_secret(secret, text, document, window)


def test_a_croatian_web_designer_filing_for_a_client(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "Zagreb#2024xq"
    _paste(qtbot, window, "field.name", "Ivana Horvat")
    _paste(qtbot, window, "field.email", "ivana@dizajn-studio.hr")
    _choose(window, "field.role", "technical")
    _paste(qtbot, window, "field.on_behalf_of", "Klijent d.o.o., vlasnik domene")
    window.go(1)
    _paste(qtbot, window, "field.summary", "WordPress site shows a database error")
    _choose(window, "field.category", "site_down")
    _paste(qtbot, window, "field.domain", "klijent-primjer.hr")
    _paste(qtbot, window, "field.account", "klijent_admin (cPanel)")
    _paste(qtbot, window, "field.device", "Desktop computer")
    _paste(qtbot, window, "field.os", "macOS 15")
    _paste(qtbot, window, "field.client", "Firefox")
    _paste(qtbot, window, "field.client_version", "133")
    window.go(3)
    _paste(qtbot, window, "field.error_text", "Error establishing a database connection")
    _paste(qtbot, window, "field.started_at", "yesterday around 15:00")
    _choose(window, "field.worked_before", "yes")
    _choose(window, "question.whole_site", "the_whole_site")
    _paste(qtbot, window, "field.tried", f"Checked wp-config.php: DB_PASSWORD '{secret}', DB_HOST localhost")
    _paste(qtbot, window, "field.description", f"Klijent kaže: lozinka je {secret}, ali baza ne radi.")
    request = window.controller.request
    assert (request.device, request.client) == ("Desktop computer", "Firefox")  # nothing landed elsewhere
    assert window.controller.readiness.ready

    text, document = _save(qtbot, window, tmp_path, monkeypatch)
    assert "klijent-primjer.hr" in text and "klijent_admin (cPanel)" in text
    assert "> Error establishing a database connection" in text
    assert "Started:" in text and "yesterday around 15:00" in text
    assert "Desktop computer, macOS 15" in text and "Firefox 133" in text
    assert "DB_PASSWORD '[removed]', DB_HOST localhost" in text
    assert "Klijent d.o.o." in text
    _assert_nothing_secret(secret, text, document, window)


def test_someone_who_types_only_mail_doesnt_work(qtbot: QtBot, window: MainWindow) -> None:
    window.go(1)
    _paste(qtbot, window, "field.summary", "mail doesn't work!!! ASAP")
    _choose(window, "field.category", "other")
    readiness = window.controller.readiness
    assert not readiness.ready and not readiness.can_send
    window.go(5)
    title = _field(window, "review.problems_title")
    assert isinstance(title, QLabel) and "Ready" not in title.text()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "dialog.blocked") is not None, timeout=3000)
    box = window.findChild(QMessageBox, "dialog.blocked")
    assert box is not None
    box.close()
    assert window.pages.currentIndex() == 0  # taken to the first missing field (the name)
    _paste(qtbot, window, "field.name", "Nikos")
    _paste(qtbot, window, "field.email", "nikos@example.gr")
    readiness = window.controller.readiness
    missing = {item.code for item in readiness.missing_essentials}
    assert {"advice.account", "advice.error_text", "advice.started_at"} <= missing
    assert not readiness.ready
