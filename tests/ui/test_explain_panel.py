"""The "what happens" step explains a pasted error with `explain` and offers what it implies."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from composer.explain import explain
from composer.model import Urgency
from composer.ui.main_window import MainWindow

RU_BOUNCE = (
    "Date: Mon, 20 Nov 2026 14:31:02 +0200\n"
    "Не удалось доставить письмо получателю sales@kalamata-olive.gr\n"
    "550 5.1.1 <sales@kalamata-olive.gr>: Recipient address rejected: User unknown"
)


def child(window: MainWindow, kind: type[QWidget], name: str) -> QWidget:
    widget = window.findChild(kind, name)
    assert widget is not None, name
    return widget


def paste_error(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.go(3)
    edit = child(window, QPlainTextEdit, "field.error_text")
    assert isinstance(edit, QPlainTextEdit)
    edit.setFocus()
    edit.insertPlainText(text)


def test_a_pasted_error_is_explained_as_the_command_explains_it(qtbot: QtBot, window: MainWindow) -> None:
    paste_error(qtbot, window, RU_BOUNCE)
    expected = explain(RU_BOUNCE, profile=window.controller.profile)
    hint = child(window, QLabel, "hint.error_text")
    assert isinstance(hint, QLabel) and expected.explanation in hint.text()
    panel = child(window, QLabel, "happens.explanation")
    assert isinstance(panel, QLabel) and panel.isVisible()
    assert expected.next_step in panel.text() and "550 5.1.1" in panel.text()


def test_the_category_is_proposed_and_taken_only_when_confirmed(qtbot: QtBot, window: MainWindow) -> None:
    paste_error(qtbot, window, RU_BOUNCE)
    use = child(window, QPushButton, "action.use_explained_category")
    assert isinstance(use, QPushButton) and use.isVisible()
    assert "E-mail is not arriving" in use.text()
    assert window.controller.request.category == ""  # only offered
    qtbot.mouseClick(use, Qt.MouseButton.LeftButton)
    request = window.controller.request
    assert request.category == "mail_receiving" and request.urgency is Urgency.HIGH
    combo = child(window, QComboBox, "field.category")
    assert isinstance(combo, QComboBox) and combo.currentData() == "mail_receiving"
    assert not use.isVisible()


def test_a_category_the_user_chose_is_never_overwritten(qtbot: QtBot, window: MainWindow) -> None:
    window.go(1)
    combo = child(window, QComboBox, "field.category")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData("billing"))
    paste_error(qtbot, window, "Fatal error: Allowed memory size of 268435456 bytes exhausted")
    assert window.controller.request.category == "billing"
    use = child(window, QPushButton, "action.use_explained_category")
    assert use.isVisible() and "WordPress" in use.text()  # type: ignore[attr-defined]
    assert window.controller.request.category == "billing"


def test_addresses_domain_and_time_in_the_text_are_offered_as_suggestions(
    qtbot: QtBot, window: MainWindow
) -> None:
    paste_error(qtbot, window, RU_BOUNCE)
    request = window.controller.request
    assert request.account == "" and request.domain == "" and request.started_at is None
    account = child(window, QPushButton, "action.use_found.account")
    domain = child(window, QPushButton, "action.use_found.domain")
    started = child(window, QPushButton, "action.use_found.started_at")
    assert isinstance(account, QPushButton) and "sales@kalamata-olive.gr" in account.text()
    assert isinstance(domain, QPushButton) and "kalamata-olive.gr" in domain.text()
    assert isinstance(started, QPushButton) and started.isVisible()

    qtbot.mouseClick(domain, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(account, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(started, Qt.MouseButton.LeftButton)
    request = window.controller.request
    assert request.domain == "kalamata-olive.gr" and request.account == "sales@kalamata-olive.gr"
    assert request.started_at is not None and request.started_at.day == 20
    assert not domain.isVisible() and not account.isVisible() and not started.isVisible()
    field = child(window, QLineEdit, "field.domain")
    assert isinstance(field, QLineEdit) and field.text() == "kalamata-olive.gr"
    since = child(window, QLineEdit, "field.started_at")
    assert isinstance(since, QLineEdit) and since.text().startswith("2026-11-20")


def test_text_that_names_nothing_offers_nothing(qtbot: QtBot, window: MainWindow) -> None:
    paste_error(qtbot, window, "hm")
    for name in ("action.use_explained_category", "action.use_found.account", "action.use_found.domain"):
        assert not child(window, QPushButton, name).isVisible()
