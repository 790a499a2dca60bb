"""What every step of the form shares: a model to edit, widgets that re-translate, field focus."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from composer.errors import ComposerError, describe
from composer.i18n import _
from composer.ui.accessibility import HintLabel
from composer.ui.step_titles import STEP_TITLES

if TYPE_CHECKING:  # (the first step is built before the model is loaded: see ``attach``)
    from composer.model import Request
    from composer.ui.controller import DraftController

__all__ = ["STEP_TITLES", "Step", "hint_label", "set_combo_text", "set_plain_text", "set_text"]


class Step(QWidget):
    """A page of the form. Subclasses build widgets, then ``load`` and ``retranslate``.

    A step is built with the draft's controller, except the first one at the
    app's start: the window shows it, and takes typing in it, before the
    request model is loaded (:mod:`composer.ui.start_window`). That step is
    built with ``None`` and given its controller later (its ``attach``, which
    calls :meth:`use_controller`); until then what is typed stays in its widgets.
    """

    #: stable identifier of the step (``step.<key>`` is its objectName)
    key = ""

    #: the draft's controller (set when built with one, else by :meth:`attach`)
    controller: DraftController

    def __init__(self, controller: DraftController | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attached = False
        self.setObjectName(f"step.{self.key}")
        self._fields: dict[str, QWidget] = {}
        self.loading = False
        self.outer = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setObjectName(f"step.{self.key}.intro")
        self.outer.addWidget(self.intro)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.outer.addLayout(self.form)
        if controller is not None:
            self.use_controller(controller)

    def use_controller(self, controller: DraftController) -> None:
        """Edit the draft of ``controller`` from now on, and show it again when it is replaced."""
        assert not self.attached, "a step edits one draft controller"
        self.attached = True
        self.controller = controller
        controller.replaced.connect(self.reload)
        controller.rewritten.connect(self.rewrite)

    def title(self) -> str:
        return _(STEP_TITLES[self.key])

    def load(self, request: Request) -> None:
        """Show ``request`` in the widgets without emitting edits."""

    def retranslate(self) -> None:
        """Set every visible string again in the current language."""

    def reload(self) -> None:
        self.loading = True
        try:
            self.load(self.controller.request)
        finally:
            self.loading = False

    def rewrite(self) -> None:
        """Show fields the scrubber changed (steps without free text need not)."""
        self.reload()

    def apply(self, **changes: Any) -> None:
        """Write edited values to the model, unless the widgets are being loaded from it.

        Before the step has its controller (:meth:`use_controller`) they stay in the widgets.
        """
        if not self.loading and self.attached:
            self.controller.update(**changes)

    def apply_requester(self, **changes: Any) -> None:
        if not self.loading and self.attached:
            self.controller.update_requester(**changes)

    def register(self, field: str, widget: QWidget) -> QWidget:
        """Give ``widget`` its stable name ``field.<field>`` so tests and the coach can find it."""
        widget.setObjectName(f"field.{field}")
        self._fields[field] = widget
        return widget

    def field_widget(self, field: str) -> QWidget | None:
        return self._fields.get(field)

    def fields(self) -> list[str]:
        return list(self._fields)

    def add_row(self, label: QLabel, widget: QWidget, hint: QLabel | None = None) -> None:
        label.setBuddy(widget)
        if hint is None:
            self.form.addRow(label, widget)
            return
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        layout.addWidget(hint)
        box.setFocusProxy(widget)
        self.form.addRow(label, box)


def hint_label(name: str) -> QLabel:
    """A small grey line under a field: an example, a live interpretation, an error."""
    label = HintLabel()  # its text is also the field's accessible description
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(label.font())
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
    label.setFont(font)
    # Two lines are reserved, so that a hint that changes (an interpretation, an error)
    # does not move the fields below it while the user types.
    label.setMinimumHeight(2 * label.fontMetrics().lineSpacing() + 2)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


def error_sentence(error: ComposerError) -> str:
    """What is wrong and what to do, in one line under the field."""
    message, next_step = describe(error.code, error.params)
    return f"{message} {next_step}"


def set_text(widget: QLineEdit, value: str) -> None:
    if widget.text() != value:
        widget.setText(value)


def set_plain_text(widget: QPlainTextEdit, value: str) -> None:
    if widget.toPlainText() != value:
        widget.setPlainText(value)


def set_combo_text(widget: QComboBox, value: str) -> None:
    if widget.currentText() != value:
        widget.setEditText(value) if widget.isEditable() else widget.setCurrentText(value)


def on_text(widget: QLineEdit, apply: Callable[[str], None]) -> None:
    widget.textEdited.connect(lambda text: apply(text))


def on_plain_text(widget: QPlainTextEdit, apply: Callable[[str], None]) -> None:
    widget.textChanged.connect(lambda: apply(widget.toPlainText()))
