"""Shows the secrets found in a text, highlighted, and lets the user keep any one of them.

Everything found is removed unless its "Keep" box is ticked: the safe choice
is the default.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontDatabase, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from composer.i18n import _
from composer.redact import KINDS, SecretMatch, apply_redactions, find_secrets
from composer.ui.controller import DraftController

__all__ = ["ScrubDialog", "scrub_request_fields"]


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
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
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


def scrub_request_fields(parent: QWidget, controller: DraftController) -> bool:
    """Show passwords or keys typed into the request's text fields; remove them unless kept.

    Returns False when the user cancels, and nothing should be sent.
    """
    from composer.compose import SCRUBBED_FIELDS

    secrets = controller.known_secrets()
    for field, label in SCRUBBED_FIELDS.items():
        text = getattr(controller.request, field)
        matches = find_secrets(text, extra_secrets=secrets)
        if not matches:
            continue
        dialog = ScrubDialog(_(label), text, matches, parent)
        if not dialog.exec():
            return False
        controller.update(**{field: apply_redactions(text, matches, keep=dialog.kept())})
    return True
