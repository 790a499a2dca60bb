"""Nothing is clipped at the default window size, at 100 %, 125 % and 150 % fonts, in English and Greek.

Each visible label of every step, the coach, the step list and the device fields
are compared with what they need (``heightForWidth``, ``sizeHint``, the text's
width), the way a person would see a cut-off line.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QListWidget, QWidget
from pytestqt.qtbot import QtBot

from composer import i18n
from composer.profile import load_profile
from composer.store import Store
from composer.ui.main_window import MainWindow
from tests.core.factories import good_mail_request


@pytest.fixture(params=[1.0, 1.25, 1.5], ids=["100%", "125%", "150%"])
def scaled(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[float]:
    original = QFont(qapp.font())
    font = QFont(original)
    font.setPointSizeF(original.pointSizeF() * request.param)
    qapp.setFont(font)
    yield request.param
    qapp.setFont(original)


def _clipped_labels(root: QWidget) -> list[str]:
    clipped = []
    for label in root.findChildren(QLabel):
        if not label.isVisibleTo(root) or not label.text() or label.width() <= 0:
            continue
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            if needed > label.height() + 1:
                clipped.append(f"{label.objectName() or label.text()[:40]!r}: {label.height()} < {needed}")
        elif (
            label.sizeHint().width() > label.width() + 1
            and label.minimumSizeHint().width() > label.width() + 1
        ):
            clipped.append(f"{label.objectName() or label.text()[:40]!r}: width {label.width()}")
    return clipped


@pytest.mark.parametrize("language", ["en", "el"])
def test_no_label_is_clipped_on_any_step(qtbot: QtBot, store: Store, scaled: float, language: str) -> None:
    i18n.set_language(language)
    window = MainWindow(load_profile(), store, autosave_delay=0.05, auto_checks=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.controller.load(good_mail_request().model_copy(update={"operating_system": "Debian GNU/Linux 12"}))
    problems: list[str] = []
    for index, step in enumerate(window.steps):
        window.go(index)
        QApplication.processEvents()
        problems += [f"step {step.key}: {p}" for p in _clipped_labels(step)]
        problems += [f"coach on {step.key}: {p}" for p in _clipped_labels(window.coach.parentWidget())]
    steps = window.findChild(QListWidget, "steps")
    assert steps is not None
    viewport = steps.viewport().rect()
    for row in range(steps.count()):
        rect = steps.visualItemRect(steps.item(row))
        if not viewport.contains(rect):
            problems.append(f"step list row {row} is cut: {rect} outside {viewport}")
    window.go(1)
    QApplication.processEvents()
    os_field = window.steps[1].field_widget("os")
    assert isinstance(os_field, QComboBox)
    edit = os_field.lineEdit()
    assert edit is not None
    if edit.fontMetrics().horizontalAdvance(edit.text()) > edit.width() - 8:
        problems.append(f"the system field shows only part of {edit.text()!r}")
    window.close()
    assert problems == []
