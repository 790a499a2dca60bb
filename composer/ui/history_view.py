"""The history: sent requests, searchable by anything in them, with follow-ups and templates.

The search box looks through the domain, the category, the whole text that
was sent and the reference code (full-text, every word as a prefix). For the
selected request the dialog shows exactly what was sent and its reference;
"Add a follow-up" sends a message to the same ticket (the intake API) or the
same thread (e-mail); "Use as a template" makes a new draft from it. An
e-mail request has no reference until the provider answers; the number can
be typed in here, so that later follow-ups carry it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from composer.errors import ComposerError
from composer.history import HistoryItem
from composer.i18n import _
from composer.localefmt import format_date_time
from composer.model import Request
from composer.outbox import OutboxEntry
from composer.ui.delivery import DeliveryController, HistoryDetail
from composer.ui.messages import show_error
from composer.ui.qt_translations import follow_language
from composer.ui.receipt import channel_name
from composer.ui.visibility import use_fixed_width_font

__all__ = ["FollowUpDialog", "HistoryDialog"]

SEARCH_DELAY_MS = 200


class HistoryDialog(QDialog):
    """Sent requests: search, read, follow up, reuse.

    Args:
        controller: the delivery controller (history queries run off the GUI thread).
        parent: the main window.

    Signals:
        template_requested(Request): a new draft copied from a sent request
            (already saved as a draft); the main window loads it.
    """

    template_requested = Signal(object)

    def __init__(self, controller: DeliveryController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.history")
        self.controller = controller
        self.items: list[HistoryItem] = []
        self.detail: HistoryDetail | None = None
        self.searches = 0  # completed searches, for tests and the "nothing found" text
        self._asked = 0
        self._answered = 0
        self._follow_up_queued = False
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setObjectName("history.search")
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self._timer.start())

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.results = QListWidget()
        self.results.setObjectName("history.results")
        self.results.currentRowChanged.connect(self._chosen)
        splitter.addWidget(self.results)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        self.reference = QLabel()
        self.reference.setObjectName("history.reference")
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.reference.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.reference.setFont(font)
        side.addWidget(self.reference)
        reference_row = QHBoxLayout()
        self.reference_edit = QLineEdit()
        self.reference_edit.setObjectName("history.reference_edit")
        reference_row.addWidget(self.reference_edit, 1)
        self.set_reference = QPushButton()
        self.set_reference.setObjectName("action.set_reference")
        self.set_reference.clicked.connect(self._set_reference)
        reference_row.addWidget(self.set_reference)
        side.addLayout(reference_row)
        self.text = QPlainTextEdit()
        self.text.setObjectName("history.text")
        self.text.setReadOnly(True)
        use_fixed_width_font(self.text)
        side.addWidget(self.text, 1)
        actions = QHBoxLayout()
        self.follow_up = QPushButton()
        self.follow_up.setObjectName("action.follow_up")
        self.follow_up.clicked.connect(self._follow_up)
        actions.addWidget(self.follow_up)
        self.reopen = QPushButton()
        self.reopen.setObjectName("action.reopen_template")
        self.reopen.clicked.connect(self._reopen)
        actions.addWidget(self.reopen)
        actions.addStretch(1)
        side.addLayout(actions)
        self.status = QLabel()
        self.status.setObjectName("history.status")
        self.status.setWordWrap(True)
        side.addWidget(self.status)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        controller.sent.connect(self._entry_sent)
        follow_language(self, self.retranslate)
        self.finished.connect(lambda _result: self._disconnect())
        self.retranslate()
        self._show_detail(None)
        self.resize(900, 560)
        self.run_search()

    def _disconnect(self) -> None:
        self.controller.sent.disconnect(self._entry_sent)

    # -- searching --------------------------------------------------------

    def run_search(self) -> None:
        """Search now for what is in the box (off the GUI thread; older answers are dropped)."""
        self._timer.stop()
        self._asked += 1
        asked = self._asked

        def found(items: list[HistoryItem]) -> None:
            if isValid(self) and asked == self._asked:
                self._answered = asked
                self._fill(items)

        self.controller.search_history(self.search.text(), on_result=found, on_error=self._failed)

    @property
    def is_searching(self) -> bool:
        """True while a search is typed (waiting for the pause) or running."""
        return self._timer.isActive() or self._answered != self._asked

    def _fill(self, items: list[HistoryItem]) -> None:
        current = self.selected_id()
        self.items = items
        self.searches += 1
        self.results.blockSignals(True)
        self.results.clear()
        for item in items:
            row = QListWidgetItem(self._item_text(item))
            row.setData(Qt.ItemDataRole.UserRole, item.request_id)
            self.results.addItem(row)
        self.results.blockSignals(False)
        ids = [item.request_id for item in items]
        self.results.setCurrentRow(ids.index(current) if current in ids else (0 if ids else -1))
        if not ids:
            self._show_detail(None)
        self.retranslate_status()

    def _item_text(self, item: HistoryItem) -> str:
        reference = item.reference or _("no reference yet")
        when = format_date_time(item.sent_at.astimezone())
        return f"{item.title or item.domain}\n{reference} · {channel_name(item.channel)} · {when}"

    def selected_id(self) -> str | None:
        row = self.results.currentRow()
        return self.items[row].request_id if 0 <= row < len(self.items) else None

    def _chosen(self, row: int) -> None:
        if not 0 <= row < len(self.items):
            self._show_detail(None)
            return
        request_id = self.items[row].request_id

        def loaded(detail: HistoryDetail) -> None:
            if isValid(self) and self.selected_id() == request_id:
                self._show_detail(detail)

        self.controller.history_detail(request_id, on_result=loaded, on_error=self._failed)

    def _show_detail(self, detail: HistoryDetail | None) -> None:
        self.detail = detail
        receipt = detail.request.receipt if detail else None
        has_reference = bool(receipt and receipt.reference)
        self.reference.setText(receipt.reference if receipt and receipt.reference else "")
        self.reference_edit.setVisible(detail is not None and not has_reference)
        self.set_reference.setVisible(detail is not None and not has_reference)
        self.follow_up.setEnabled(detail is not None)
        self.reopen.setEnabled(detail is not None)
        if detail is None:
            self.text.clear()
            return
        parts = [detail.text.rstrip()]
        for message in detail.messages:
            when = format_date_time(message.sent_at.astimezone())
            parts.append(_("— Follow-up sent {time} —").format(time=when) + "\n" + message.text.rstrip())
        self.text.setPlainText("\n\n".join(parts))
        self.retranslate()

    def _reload_detail(self) -> None:
        self._chosen(self.results.currentRow())

    def _entry_sent(self, entry: OutboxEntry) -> None:
        if entry.request_id == self.selected_id():
            self._follow_up_queued = False
            self._reload_detail()
        elif entry.follow_up is None:
            self.run_search()  # a new request joins the history

    # -- actions ----------------------------------------------------------

    def _follow_up(self) -> None:
        detail = self.detail
        if detail is None:
            return
        dialog = FollowUpDialog(self.controller, detail.request, self)
        if dialog.exec():
            self._follow_up_queued = True
            self.retranslate_status()

    def _reopen(self) -> None:
        request_id = self.selected_id()
        if request_id is None:
            return

        def reopened(request: Request) -> None:
            self.template_requested.emit(request)
            if isValid(self):
                self.accept()

        self.controller.reopen_as_template(request_id, on_result=reopened, on_error=self._failed)

    def _set_reference(self) -> None:
        request_id = self.selected_id()
        reference = self.reference_edit.text().strip()
        if request_id is None or not reference:
            return

        def stored(_request: Request) -> None:
            if isValid(self):
                self.reference_edit.clear()
                self.run_search()
                self._reload_detail()

        self.controller.set_reference(request_id, reference, on_result=stored, on_error=self._failed)

    def _failed(self, error: ComposerError) -> None:
        if isValid(self):
            show_error(self, error)

    # -- translation ------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Sent requests"))
        self.search.setPlaceholderText(_("Search by domain, kind of problem, any word, or reference code"))
        self.reference_edit.setPlaceholderText(_("Ticket number from the provider's answer"))
        self.set_reference.setText(_("&Keep this number"))
        self.follow_up.setText(_("Add a &follow-up…"))
        self.reopen.setText(_("Use as a &template"))
        self.retranslate_status()

    def retranslate_status(self) -> None:
        if self.searches and not self.items:
            self.status.setText(
                _("Nothing found.") if self.search.text().strip() else _("No request was sent yet.")
            )
        elif self.detail is not None and not (
            self.detail.request.receipt and self.detail.request.receipt.reference
        ):
            self.status.setText(
                _(
                    "Sent by e-mail: the provider's answer carries the ticket number. "
                    "Type it above to keep it."
                )
            )
        elif self._follow_up_queued:
            self.status.setText(
                _("Your follow-up is in the outbox and is sent in the background; it appears here when sent.")
            )
        else:
            self.status.clear()


class FollowUpDialog(QDialog):
    """A message (and files) for the ticket of a sent request.

    Args:
        controller: queues the follow-up in the outbox.
        original: the sent request (with its receipt).
        parent: the history dialog.
    """

    def __init__(
        self, controller: DeliveryController, original: Request, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.follow_up")
        self.controller = controller
        self.original = original
        self.files: list[Path] = []
        self.entry: OutboxEntry | None = None
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.text = QPlainTextEdit()
        self.text.setObjectName("follow_up.text")
        self.text.setTabChangesFocus(True)
        layout.addWidget(self.text, 1)
        self.file_list = QListWidget()
        self.file_list.setObjectName("follow_up.files")
        self.file_list.setMaximumHeight(90)
        layout.addWidget(self.file_list)
        row = QHBoxLayout()
        self.add = QPushButton()
        self.add.setObjectName("follow_up.add_files")
        self.add.clicked.connect(self.choose_files)
        row.addWidget(self.add)
        self.remove = QPushButton()
        self.remove.setObjectName("follow_up.remove_file")
        self.remove.clicked.connect(self._remove)
        row.addWidget(self.remove)
        row.addStretch(1)
        layout.addLayout(row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.send = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send.setObjectName("follow_up.send")
        self.buttons.accepted.connect(self._send)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.text.textChanged.connect(self._update)
        self.file_list.currentRowChanged.connect(lambda _row: self._update())
        follow_language(self, self.retranslate)
        self.retranslate()
        self._update()
        self.resize(520, 380)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Add a follow-up"))
        receipt = self.original.receipt
        if receipt is not None and receipt.reference:
            self.intro.setText(
                _("Your message goes to request {reference}, with the files you add.").format(
                    reference=receipt.reference
                )
            )
        else:
            self.intro.setText(_("Your message goes by e-mail, in the same thread as your request."))
        self.add.setText(_("Add &files…"))
        self.remove.setText(_("&Remove file"))
        self.send.setText(_("&Send"))

    def _update(self) -> None:
        self.send.setEnabled(bool(self.text.toPlainText().strip()))
        self.remove.setEnabled(self.file_list.currentRow() >= 0)

    def choose_files(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(self, _("Add files"), str(Path.home()))
        self.add_files([Path(name) for name in names])

    def add_files(self, paths: list[Path]) -> None:
        for path in paths:
            if path not in self.files:
                self.files.append(path)
                self.file_list.addItem(path.name)
        self._update()

    def _remove(self) -> None:
        row = self.file_list.currentRow()
        if row >= 0:
            self.files.pop(row)
            self.file_list.takeItem(row)
        self._update()

    def _send(self) -> None:
        text = self.text.toPlainText().strip()
        if not text:
            return
        self.buttons.setEnabled(False)
        self.controller.follow_up(
            self.original.id, text, list(self.files), on_result=self._queued, on_error=self._failed
        )

    def _queued(self, entry: OutboxEntry) -> None:
        self.entry = entry
        if isValid(self):
            self.accept()

    def _failed(self, error: ComposerError) -> None:
        if isValid(self):
            self.buttons.setEnabled(True)
            show_error(self, error)
