"""Shows the secrets found in a text, highlighted, and lets the user keep any one of them.

Everything found is removed unless its "Keep" box is ticked: the safe choice
is the default.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from composer.i18n import _
from composer.redact import KINDS, SecretMatch, apply_redactions
from composer.scrub_request import field_secrets, field_texts, scrub_request, with_field_text
from composer.ui.controller import DraftController
from composer.ui.visibility import use_fixed_width_font

__all__ = ["FieldScrubber", "ScrubDialog", "apply_field_choice", "review_field", "scrub_request_fields"]


class ScrubDialog(QDialog):
    """``kept()`` after ``exec()`` lists the indexes of the matches the user keeps."""

    def __init__(
        self, title: str, text: str, matches: Sequence[SecretMatch], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.scrub")
        self.setWindowTitle(_("Passwords and keys found"))
        self._matches = list(matches)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "{title} contains what looks like passwords, keys or tokens. They will be "
                "replaced by [removed] before anything is attached or sent. Tick “Keep” "
                "only for something that is not secret."
            ).format(title=title)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        self.list.setObjectName("scrub.matches")
        for match in self._matches:
            label = KINDS.get(match.kind, match.kind)
            item = QListWidgetItem(_("Keep: {kind}, line {line}").format(kind=_(label), line=match.line))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, match.index)
            self.list.addItem(item)
        self.list.currentRowChanged.connect(self._show)
        layout.addWidget(self.list)
        self.text = QPlainTextEdit(text)
        self.text.setObjectName("scrub.text")
        self.text.setReadOnly(True)
        use_fixed_width_font(self.text)
        layout.addWidget(self.text, 1)
        self._highlight()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setText(_("Remove the others and continue"))
            ok.setObjectName("scrub.accept")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 520)
        if self._matches:
            self.list.setCurrentRow(0)

    def _highlight(self) -> None:
        selections = []
        mark = QTextCharFormat()
        mark.setBackground(QColor("#ffd54f"))
        mark.setForeground(QColor("#000000"))
        for match in self._matches:
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(match.start)
            cursor.setPosition(match.end, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = mark
            selections.append(selection)
        self.text.setExtraSelections(selections)

    def _show(self, row: int) -> None:
        if 0 <= row < len(self._matches):
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(self._matches[row].start)
            self.text.setTextCursor(cursor)
            self.text.ensureCursorVisible()

    def kept(self) -> list[int]:
        return [
            int(self.list.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.list.count())
            if self.list.item(row).checkState() == Qt.CheckState.Checked
        ]


def field_label(controller: DraftController, field: str) -> str:
    """What the user calls a field in the secrets dialog's sentence."""
    labels = {
        "summary": _("The one-line summary"),
        "error_text": _("The error message"),
        "description": _("The description"),
        "tried": _("What you tried"),
        "account": _("The mailbox or account"),
        "started_text": _("Since when"),
    }
    if field in labels:
        return labels[field]
    if field.startswith("answers."):
        category = controller.profile.category(controller.request.category)
        question_id = field.split(".", 1)[1]
        for question in category.questions if category else []:
            if question.id == question_id:
                return _("Your answer to “{question}”").format(question=_(question.label))
    return _("A field of the request")


def review_field(
    parent: QWidget, controller: DraftController, field: str, matches: Sequence[SecretMatch]
) -> ScrubDialog:
    """Open the dialog for one field (window-modal, not blocking); its answer is applied on close."""
    text = field_texts(controller.request)[field]
    dialog = ScrubDialog(field_label(controller, field), text, matches, parent)

    def done(result: int) -> None:
        if result:
            apply_field_choice(controller, field, text, matches, dialog.kept())

    dialog.finished.connect(done)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.open()
    return dialog


def apply_field_choice(
    controller: DraftController, field: str, text: str, matches: Sequence[SecretMatch], kept: Sequence[int]
) -> None:
    """Remove the matches the user did not keep, and remember the kept ones as not secret."""
    request = controller.request
    if field_texts(request).get(field) != text:
        return  # the field changed meanwhile: it will be looked at again
    kept_texts = tuple(m.text for m in matches if m.index in kept)
    request = with_field_text(request, field, apply_redactions(text, matches, keep=kept))
    not_secrets = tuple(dict.fromkeys((*request.not_secrets, *kept_texts)))
    controller.replace(request.model_copy(update={"not_secrets": not_secrets}))


def scrub_request_fields(parent: QWidget, controller: DraftController) -> bool:
    """Before sending: show passwords or keys in any text field; remove them unless kept.

    Then every remaining find (the rules and the user's stored passwords) is removed
    from the model itself, so the outbox, the file and the e-mail never hold it.
    Returns False when the user cancels, and nothing should be sent.
    """
    secrets = controller.known_secrets()
    for field, matches in field_secrets(controller.request, extra_secrets=secrets).items():
        text = field_texts(controller.request)[field]
        dialog = ScrubDialog(field_label(controller, field), text, matches, parent)
        if not dialog.exec():
            return False
        apply_field_choice(controller, field, text, matches, dialog.kept())
    controller.replace(scrub_request(controller.request, extra_secrets=secrets))
    return True


class FieldScrubber(QObject):
    """While the user types: when focus leaves a text field, secrets in the request are shown.

    Each find is offered once; "Cancel" leaves the text for now (it is removed at
    the latest when the request is sent or saved) and is not asked about again.
    """

    def __init__(self, window: QWidget, controller: DraftController) -> None:
        super().__init__(window)
        self._window = window
        self._controller = controller
        self._declined: set[tuple[str, str]] = set()
        self.dialog: ScrubDialog | None = None
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if not isValid(self._window):
            return  # the application's signal outlives a closed window
        if self.dialog is not None or old is None or not isinstance(old, (QLineEdit, QPlainTextEdit)):
            return
        # only when the user moves on within the form (not into a dialog that opened)
        if self._window.isAncestorOf(old) and new is not None and self._window.isAncestorOf(new):
            QTimer.singleShot(0, self.check)

    def check(self) -> None:
        """Offer the first field that holds a secret not offered before."""
        if (
            not isValid(self._window)
            or self.dialog is not None
            or QApplication.activeModalWidget() is not None
        ):
            return
        secrets = self._controller.known_secrets()
        for field, matches in field_secrets(self._controller.request, extra_secrets=secrets).items():
            if all((field, m.text) in self._declined for m in matches):
                continue
            self.dialog = review_field(self._window, self._controller, field, matches)
            self.dialog.finished.connect(lambda result, f=field, m=matches: self._closed(result, f, m))
            return

    def _closed(self, result: int, field: str, matches: Sequence[SecretMatch]) -> None:
        if not result:
            self._declined.update((field, m.text) for m in matches)
        self.dialog = None
