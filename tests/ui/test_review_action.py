"""On Review the action is always in sight, and a blocked action says why and goes to the field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from composer.model import Attachment
from composer.ui.main_window import MainWindow
from tests.core.factories import good_mail_request


def _in_sight(window: MainWindow, button: QPushButton) -> bool:
    top_left = button.mapTo(window, button.rect().topLeft())
    whole = button.visibleRegion().boundingRect().size() == button.size()
    return button.isVisible() and whole and window.rect().contains(QRect(top_left, button.size()))


def test_send_is_in_sight_at_the_default_size_with_a_long_request(qtbot: QtBot, window: MainWindow) -> None:
    request = good_mail_request()
    attachments = tuple(
        Attachment(name=f"log-{n}.txt", sha256=f"{n}" * 64, size=2300, media_type="text/plain")
        for n in range(6)
    )
    window.controller.load(
        request.model_copy(update={"attachments": attachments, "account": "", "tried": "", "client": ""})
    )
    window.go(5)
    QApplication.processEvents()
    send = window.findChild(QPushButton, "action.send")
    assert send is not None and _in_sight(window, send)


@pytest.mark.parametrize("how", ["ctrl+s", "menu", "send button"])
def test_a_blocked_save_says_why_and_goes_to_the_first_missing_field(
    qtbot: QtBot, window: MainWindow, how: str
) -> None:
    window.go(5)
    if how == "ctrl+s":
        qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    elif how == "menu":
        window.act_save.trigger()
    else:
        send = window.findChild(QPushButton, "action.send")
        assert send is not None and send.isEnabled()
        send.click()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "dialog.blocked") is not None, timeout=3000)
    box = window.findChild(QMessageBox, "dialog.blocked")
    assert box is not None and "name" in box.text().lower()
    assert window.pages.currentIndex() == 0
    box.close()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.steps[0].field_widget("name"), timeout=3000)
