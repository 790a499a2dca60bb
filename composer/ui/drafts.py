"""The list of unfinished requests: resume one, discard one, or start afresh."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.i18n import _
from composer.localefmt import format_date_time
from composer.model import display_domain
from composer.store import DraftInfo

__all__ = ["DraftsDialog"]


class DraftsDialog(QDialog):
    """Lets the user pick a draft. ``chosen_id`` is set when one is resumed.

    Discarding is reported through ``discarded`` (a list of ids) so that the
    caller deletes them off the GUI thread.
    """

    def __init__(
        self, drafts: list[DraftInfo], *, on_start: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.drafts")
        self.chosen_id: str | None = None
        self.discarded: list[str] = []
        self.setWindowTitle(_("Unfinished requests"))
        layout = QVBoxLayout(self)
        message = QLabel(
            _(
                "You have unfinished requests. They were saved as you typed. "
                "Continue one, or start a new request."
            )
            if on_start
            else _("Your unfinished requests, newest first.")
        )
        message.setWordWrap(True)
        layout.addWidget(message)
        self.list = QListWidget()
        self.list.setObjectName("drafts.list")
        for draft in drafts:
            title = draft.title or (display_domain(draft.domain) if draft.domain else _("(untitled)"))
            changed = format_date_time(draft.updated_at.astimezone())
            item = QListWidgetItem(_("{title} — changed {when}").format(title=title, when=changed))
            item.setData(Qt.ItemDataRole.UserRole, draft.id)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda _item: self._resume())
        layout.addWidget(self.list)
        buttons = QDialogButtonBox()
        self.resume = QPushButton(_("&Continue this request"))
        self.resume.setObjectName("drafts.resume")
        self.resume.setDefault(True)
        self.discard = QPushButton(_("&Discard…"))
        self.discard.setObjectName("drafts.discard")
        self.new = QPushButton(_("Start a &new request"))
        self.new.setObjectName("drafts.new")
        buttons.addButton(self.resume, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.discard, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.new, QDialogButtonBox.ButtonRole.RejectRole)
        self.resume.clicked.connect(self._resume)
        self.discard.clicked.connect(self._discard)
        self.new.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 320)
        self._update_buttons()

    def _selected(self) -> QListWidgetItem | None:
        return self.list.currentItem()

    def _resume(self) -> None:
        item = self._selected()
        if item is not None:
            self.chosen_id = str(item.data(Qt.ItemDataRole.UserRole))
            self.accept()

    def _discard(self) -> None:
        item = self._selected()
        if item is None:
            return
        answer = QMessageBox.question(
            self,
            _("Discard this request?"),
            _("“{title}” will be deleted. This cannot be undone.").format(title=item.text()),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Discard:
            return
        self.discarded.append(str(item.data(Qt.ItemDataRole.UserRole)))
        self.list.takeItem(self.list.row(item))
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_any = self.list.count() > 0
        self.resume.setEnabled(has_any)
        self.discard.setEnabled(has_any)
