"""Passwords typed into the form: shown when the field is left, and never in what is saved or sent."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QListWidget, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot

from composer.model import Requester
from composer.ui.main_window import MainWindow
from composer.ui.scrub_dialog import ScrubDialog

SECRET = "Zagreb#2024xq"


def _scrub_dialog(window: MainWindow) -> ScrubDialog | None:
    dialog = window.findChild(ScrubDialog, "dialog.scrub")
    return dialog if dialog is not None and dialog.isVisible() else None


def _leave_tried_field(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.go(3)
    tried = window.findChild(QPlainTextEdit, "field.tried")
    assert tried is not None
    tried.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tried, timeout=2000)
    tried.setPlainText(text)
    urgency = window.steps[3].field_widget("urgency")
    assert urgency is not None
    urgency.setFocus()


def test_a_password_typed_into_a_field_is_shown_and_removed_when_the_field_is_left(
    qtbot: QtBot, window: MainWindow
) -> None:
    _leave_tried_field(qtbot, window, f"Checked the config: DB_PASSWORD '{SECRET}', DB_HOST localhost")
    qtbot.waitUntil(lambda: _scrub_dialog(window) is not None, timeout=3000)
    dialog = _scrub_dialog(window)
    assert dialog is not None
    matches = dialog.findChild(QListWidget, "scrub.matches")
    assert matches is not None and matches.count() == 1
    accept = dialog.findChild(QPushButton, "scrub.accept")
    assert accept is not None
    accept.click()
    qtbot.waitUntil(lambda: SECRET not in window.controller.request.tried, timeout=2000)
    assert window.controller.request.tried == "Checked the config: DB_PASSWORD '[removed]', DB_HOST localhost"
    tried = window.findChild(QPlainTextEdit, "field.tried")
    assert tried is not None and "[removed]" in tried.toPlainText()


def test_a_find_the_user_keeps_stays_and_is_not_asked_about_again(qtbot: QtBot, window: MainWindow) -> None:
    _leave_tried_field(qtbot, window, "api_token=DEMO-TOKEN-1234 from the tutorial")
    qtbot.waitUntil(lambda: _scrub_dialog(window) is not None, timeout=3000)
    dialog = _scrub_dialog(window)
    assert dialog is not None
    matches = dialog.findChild(QListWidget, "scrub.matches")
    assert matches is not None
    matches.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.accept()
    qtbot.waitUntil(lambda: window.controller.request.not_secrets == ("DEMO-TOKEN-1234",), timeout=2000)
    assert "DEMO-TOKEN-1234" in window.controller.request.tried
    window.field_scrubber.check()
    assert _scrub_dialog(window) is None


def test_nothing_typed_as_a_password_reaches_the_saved_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    # the password reaches the model without the dialog (as a draft from an older version would)
    window.controller.update(
        requester=Requester(name="Ivana Horvat", email="ivana@dizajn.example"),
        category="site_down",
        domain="klijent.example",
        error_text="Error establishing a database connection",
        tried=f"DB_PASSWORD '{SECRET}', DB_HOST localhost",
        description=f"lozinka je {SECRET}",
    )
    review = window.findChild(QPlainTextEdit, "review.text")
    window.go(5)
    assert review is not None and SECRET not in review.toPlainText()
    target = tmp_path / "request.zip"
    window.export_bundle(target)
    qtbot.waitUntil(target.exists, timeout=5000)
    with zipfile.ZipFile(target) as bundle:
        text = bundle.read("request.txt").decode("utf-8")
        document = json.loads(bundle.read("request.json").decode("utf-8"))
    assert SECRET not in text and SECRET not in json.dumps(document, ensure_ascii=False)
    assert "DB_PASSWORD '[removed]'" in text
