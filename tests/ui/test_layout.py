"""Nothing moves the field the user is in: hints and suggestions take space reserved for them."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from composer.ui.main_window import MainWindow


def _top(widget: QWidget, window: MainWindow) -> int:
    return widget.mapTo(window, widget.rect().topLeft()).y()


def test_a_category_suggestion_does_not_push_the_fields_below_it(qtbot: QtBot, window: MainWindow) -> None:
    window.go(1)
    step = window.steps[1]
    domain, device = step.field_widget("domain"), step.field_widget("device")
    assert domain is not None and device is not None
    device.setFocus()
    QApplication.processEvents()
    before = (_top(domain, window), _top(device, window))
    # the error text (or the checks' findings) now suggest a kind of problem
    window.controller.update(
        error_text="550 5.1.1 <sales@example.gr>: Recipient address rejected: User unknown"
    )
    suggestion = window.findChild(QWidget, "action.use_suggested_category")
    assert suggestion is not None and suggestion.isVisible()
    QApplication.processEvents()
    assert (_top(domain, window), _top(device, window)) == before


def test_a_hint_that_changes_does_not_move_the_fields_below(qtbot: QtBot, window: MainWindow) -> None:
    window.go(1)
    step = window.steps[1]
    domain, device = step.field_widget("domain"), step.field_widget("device")
    assert isinstance(domain, QLineEdit) and device is not None
    QApplication.processEvents()
    before = _top(device, window)
    domain.setText("not a domain at all")
    domain.editingFinished.emit()
    QApplication.processEvents()
    assert _top(device, window) == before
