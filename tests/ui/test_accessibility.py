"""A screen reader can walk the whole form: every control has a name and a description.

The form is read the way assistive technology reads it, through Qt's
accessibility interface (``QAccessible.queryAccessibleInterface``, the same
objects Qt's AT-SPI bridge serves on Linux and UI Automation on Windows),
step by step. Any control a user can move to with Tab (a focusable,
visible node with an interactive role) without a name fails the test, and
so does one without a description. The names follow the language, and the
line under a field (an error, say) is read out as its description.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from composer import i18n
from composer.ui.accessibility import AccessibleWindows, accessible_text, describe_controls
from composer.ui.main_window import MainWindow

Role = QAccessible.Role
INTERACTIVE = {
    Role.EditableText,
    Role.ComboBox,
    Role.Button,
    Role.PushButton,
    Role.CheckBox,
    Role.RadioButton,
    Role.List,
    Role.Table,
    Role.Tree,
    Role.SpinBox,
    Role.Slider,
    Role.PageTab,
    Role.Link,
    Role.ButtonMenu,
    Role.ButtonDropDown,
}


def _nodes(interface: QAccessibleInterface | None) -> Iterator[QAccessibleInterface]:
    if interface is None or not interface.isValid():
        return
    yield interface
    for index in range(interface.childCount()):
        yield from _nodes(interface.child(index))


def _controls(window: MainWindow) -> Iterator[tuple[QAccessibleInterface, QWidget]]:
    """The controls of the current step, the side panel and the buttons, as a reader sees them."""
    for node in _nodes(QAccessible.queryAccessibleInterface(window)):
        widget = node.object()
        state = node.state()
        if not isinstance(widget, QWidget) or state.invisible or not state.focusable:
            continue
        if node.role() in INTERACTIVE:
            yield node, widget


def _name(node: QAccessibleInterface, widget: QWidget) -> str:
    name = node.text(QAccessible.Text.Name)
    if isinstance(widget, QComboBox) and not widget.isEditable() and sys.platform.startswith("linux"):
        # Qt on Linux gives a choice box's current choice as its name (the label is in the
        # accessible name property, which UI Automation and NSAccessibility read)
        name = widget.accessibleName()
    return name


def test_every_control_on_every_step_has_a_name_and_a_description(window: MainWindow) -> None:
    unnamed: list[str] = []
    undescribed: list[str] = []
    seen = 0
    for index in range(len(window.steps)):
        window.go(index)
        QApplication.processEvents()
        for node, widget in _controls(window):
            seen += 1
            where = f"step {index + 1}: {widget.objectName() or type(widget).__name__}"
            if not _name(node, widget).strip():
                unnamed.append(where)
            if not node.text(QAccessible.Text.Description).strip() and widget.objectName() != "":
                undescribed.append(where)
    assert seen > 40  # the walk did reach the form
    assert not unnamed, f"controls without an accessible name: {unnamed}"
    assert not undescribed, f"controls without an accessible description: {undescribed}"


def test_a_field_is_named_by_its_label_and_described_by_the_line_under_it(window: MainWindow) -> None:
    email = window.findChild(QLineEdit, "field.email")
    assert email is not None
    node = QAccessible.queryAccessibleInterface(email)
    assert node.text(QAccessible.Text.Name) == accessible_text(window.steps[0].email_label.text())
    before = node.text(QAccessible.Text.Description)
    email.setFocus()
    email.setText("maria@")
    email.textEdited.emit("maria@")
    window.steps[0].name.setFocus()  # leaving the field shows what is wrong with it
    QApplication.processEvents()
    hint = window.findChild(QWidget, "hint.email")
    assert hint is not None
    after = node.text(QAccessible.Text.Description)
    assert after == accessible_text(hint.text())  # type: ignore[attr-defined]
    assert after != before


def test_names_follow_the_language(window: MainWindow) -> None:
    email = window.findChild(QLineEdit, "field.email")
    role = window.findChild(QComboBox, "field.role")
    assert email is not None and role is not None
    english = (email.accessibleName(), role.accessibleName(), role.accessibleDescription())
    try:
        window.set_language("el")
        greek = (email.accessibleName(), role.accessibleName(), role.accessibleDescription())
    finally:
        window.set_language("en")
    assert all(greek) and all(a != b for a, b in zip(english, greek, strict=True))
    assert email.accessibleName() == english[0]


def test_a_name_a_widget_set_itself_is_kept(qtbot: QtBot) -> None:
    box = QWidget()
    qtbot.addWidget(box)
    own = QLineEdit(box)
    own.setAccessibleName("Own name")
    own.setAccessibleDescription("Own description")
    other = QLineEdit(box)
    other.setPlaceholderText("e.g. this")
    describe_controls(box)
    assert (own.accessibleName(), own.accessibleDescription()) == ("Own name", "Own description")
    assert other.accessibleName() == "e.g. this"


@pytest.mark.parametrize("language", ["en", "el", "hr", "ru"])
def test_the_step_pages_are_named_by_their_step(window: MainWindow, language: str) -> None:
    try:
        window.set_language(language)
        for index, step in enumerate(window.steps):
            window.go(index)
            page = QAccessible.queryAccessibleInterface(step.parentWidget().parentWidget())
            assert page.text(QAccessible.Text.Name) == step.title()
            assert step.title() == window.header.text()
    finally:
        window.set_language("en")
    assert i18n.current_language() == "en"


def _reading_order_key(widget: QWidget, window: MainWindow) -> tuple[int, int]:
    corner = widget.mapTo(window, widget.rect().topLeft())
    return corner.y(), corner.x()


def test_tab_goes_through_every_control_of_every_step_in_reading_order(
    qtbot: QtBot, window: MainWindow
) -> None:
    """From the first field, Tab reaches each control of the page once, top to bottom, then Back/Next."""
    for index, step in enumerate(window.steps):
        window.go(index)
        QApplication.processEvents()
        page = window.pages.currentWidget()
        reachable = {
            widget
            for widget in page.findChildren(QWidget)
            if widget.isVisibleTo(window)
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.focusProxy() is None
            and not isinstance(widget.parentWidget(), QComboBox)
        }
        first = QApplication.focusWidget()
        assert first is not None and page.isAncestorOf(first), f"step {index + 1}: focus not on the page"
        order: list[QWidget] = []
        widget: QWidget | None = first
        for _ in range(60):
            assert widget is not None
            if not page.isAncestorOf(widget):
                break
            if not order or order[-1] is not widget:  # a label's links take several Tabs
                order.append(widget)
            qtbot.keyClick(widget, Qt.Key.Key_Tab)
            widget = QApplication.focusWidget()
        assert widget is not None and widget.objectName() in {"action.back", "action.next", "action.send"}
        names = [w.objectName() or type(w).__name__ for w in order]
        assert set(order) >= {w for w in reachable if not w.objectName().startswith("policy.")}, (
            f"step {index + 1} ({step.key}): Tab never reaches "
            f"{sorted(w.objectName() for w in reachable - set(order))}; order {names}"
        )
        keys = [_reading_order_key(w, window) for w in order]
        rows_ok = all(b[0] > a[0] - 8 for a, b in itertools.pairwise(keys))
        where = list(zip(names, keys, strict=True))
        assert rows_ok, f"step {index + 1} ({step.key}): Tab jumps back up: {where}"
        assert "QScrollArea" not in names


def _dialogs(window: MainWindow) -> Iterator[QWidget]:
    from composer.diagnostics.settings import DiagnosticsSettings
    from composer.ui.drafts import DraftsDialog
    from composer.ui.mail_settings import MailSettingsDialog
    from composer.ui.settings_dialog import NetworkSettingsDialog

    yield NetworkSettingsDialog(DiagnosticsSettings(), window)
    yield DraftsDialog([], on_start=False, parent=window)
    yield MailSettingsDialog(window.delivery, window.controller.profile, window)


def test_the_dialogs_name_their_controls_as_they_open(
    qtbot: QtBot, window: MainWindow, qapp: QApplication
) -> None:
    AccessibleWindows.install(qapp)
    for dialog in _dialogs(window):
        dialog.show()
        qtbot.waitExposed(dialog)
        unnamed = [
            widget.objectName() or type(widget).__name__
            for node, widget in _controls_of(dialog)
            if not _name(node, widget).strip()
        ]
        dialog.close()
        assert not unnamed, f"{dialog.objectName()}: controls without a name: {unnamed}"


def _controls_of(root: QWidget) -> Iterator[tuple[QAccessibleInterface, QWidget]]:
    for node in _nodes(QAccessible.queryAccessibleInterface(root)):
        widget = node.object()
        state = node.state()
        if (
            isinstance(widget, QWidget)
            and not state.invisible
            and state.focusable
            and node.role() in INTERACTIVE
        ):
            yield node, widget
