"""The outbox window: what is waiting, sending, sent or failed, and what to do about it.

Each entry shows its state (a progress bar while it uploads, the reference
code once sent, the translated reason when it failed) and the log of its
attempts. The actions are the worker's: send again, send another way (the
next channel of the profile), back to the drafts, save as a file; for a
request that may have arrived, "It arrived" / "Send it again", and for an
e-mail, the provider's ticket number once it is known. Nothing
here reads the database on the GUI thread: the list comes from
:meth:`DeliveryController.entries` and is kept current by its signals.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from composer.errors import ComposerError, describe
from composer.i18n import N_, _
from composer.localefmt import format_date_time
from composer.outbox import Attempt, EntryKind, OutboxEntry, OutboxState, channel_label
from composer.ui.delivery import DeliveryController
from composer.ui.messages import show_error
from composer.ui.qt_translations import follow_language
from composer.ui.receipt import channel_name
from composer.ui.settle_panel import SettlePanel, add_button
from composer.ui.visibility import use_fixed_width_font

__all__ = ["OutboxDialog", "choose_bundle_path", "entry_details", "entry_title"]

_STATES = {
    OutboxState.PENDING: N_("Waiting"),
    OutboxState.SENDING: N_("Sending"),
    OutboxState.SENT: N_("Sent"),
    OutboxState.FAILED: N_("Not sent"),
    OutboxState.UNCERTAIN: N_("May have arrived"),
}
_OUTCOMES = {
    "started": N_("started"),
    "body_out": N_("the request had left; waiting for the answer"),
    "uncertain": N_("cut off after the request had left: it may have arrived"),
    "settled": N_("it arrived (confirmed)"),
    "sent": N_("sent"),
    "interrupted": N_("interrupted (the app was closed or stopped)"),
    "network": N_("no connection"),
    "server": N_("temporary server problem"),
    "rejected": N_("not accepted"),
    "auth": N_("password or key refused"),
    "config": N_("cannot be sent this way"),
}
_UNSENT = (OutboxState.PENDING, OutboxState.FAILED)


def entry_title(entry: OutboxEntry) -> str:
    """How an entry is named in lists: the request's title, marked when it is a follow-up."""
    title = entry.request.title() or _("(untitled request)")
    if entry.kind is EntryKind.FOLLOW_UP:
        return _("Follow-up to: {title}").format(title=title)
    return title


def entry_details(entry: OutboxEntry) -> str:
    """The reference code, the reason it failed, or when it is tried again."""
    if entry.state is OutboxState.SENT and entry.receipt is not None:
        if entry.receipt.reference:
            return _("Reference code: {reference}").format(reference=entry.receipt.reference)
        return _("Sent; the provider's answer will carry the ticket number.")
    if entry.state is OutboxState.UNCERTAIN:
        return _("The connection was cut after it had left. Did the provider's confirmation come?")
    if not entry.reason:
        return ""
    reason, next_step = describe(entry.reason, entry.reason_params)
    if entry.state is OutboxState.PENDING:
        return _("{reason} Trying again at {time:%H:%M:%S}.").format(
            reason=reason, time=entry.next_attempt_at.astimezone()
        )
    return f"{reason} {next_step}"


def choose_bundle_path(parent: QWidget, entry: OutboxEntry) -> Path | None:
    """Ask where to save an entry as a request file."""
    domain = (entry.request.domain or "support").replace("/", "_")
    name, _filter = QFileDialog.getSaveFileName(
        parent,
        _("Save request as file"),
        str(Path.home() / f"request-{domain}.zip"),
        _("Request files (*.zip)"),
    )
    return Path(name) if name else None


class OutboxDialog(QDialog):
    """The outbox, live.

    Args:
        controller: the delivery controller (its signals keep the list current).
        parent: the main window.

    Signals:
        edit_requested(Request): the user took an entry back to the drafts;
            the main window loads it into the form.
    """

    edit_requested = Signal(object)

    def __init__(self, controller: DeliveryController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.outbox")
        self.controller = controller
        self.entries: dict[str, OutboxEntry] = {}
        self.loaded = False
        self.saved_path: Path | None = None
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("outbox.table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 2)
        self.empty = QLabel()
        self.empty.setObjectName("outbox.empty")
        layout.addWidget(self.empty)

        actions = QHBoxLayout()
        self.retry = add_button("action.outbox_retry", self._retry, actions)
        self.next_way = add_button("action.outbox_next", self._next_way, actions)
        self.edit = add_button("action.outbox_edit", self._edit, actions)
        self.save = add_button("action.outbox_save", self._save, actions)
        actions.addStretch(1)
        self.close_button = add_button("action.outbox_close", self.accept, actions)
        layout.addLayout(actions)

        self.settle = SettlePanel(controller, self)
        layout.addWidget(self.settle)

        self.log_title = QLabel()
        layout.addWidget(self.log_title)
        self.log = QPlainTextEdit()
        self.log.setObjectName("outbox.attempts")
        self.log.setReadOnly(True)
        use_fixed_width_font(self.log)
        self.log_title.setBuddy(self.log)
        layout.addWidget(self.log, 1)

        controller.state_changed.connect(self.update_entry)
        controller.progress.connect(self.update_progress)
        follow_language(self, self.retranslate)
        self.finished.connect(lambda _result: self._disconnect())
        self.retranslate()
        self.resize(860, 520)
        self.reload()

    def _disconnect(self) -> None:
        self.controller.state_changed.disconnect(self.update_entry)
        self.controller.progress.disconnect(self.update_progress)

    # -- contents ---------------------------------------------------------

    def reload(self) -> None:
        """Read the outbox again (off the GUI thread)."""
        self.controller.entries(on_result=self._listed, on_error=self._failed)

    def _listed(self, entries: list[OutboxEntry]) -> None:
        if not isValid(self):
            return
        for entry in sorted(entries, key=lambda e: e.created_at):
            self.update_entry(entry)
        self.loaded = True
        self._update_actions()

    def row_of(self, entry_id: str) -> int:
        """The table row of an entry, or -1."""
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == entry_id:
                return row
        return -1

    def update_entry(self, entry: OutboxEntry) -> None:
        """Show an entry's new state (adds it when it is new)."""
        self.entries[entry.id] = entry
        row = self.row_of(entry.id)
        if row < 0:
            row = self.table.rowCount()
            self.table.insertRow(row)
        title = QTableWidgetItem(entry_title(entry))
        title.setData(Qt.ItemDataRole.UserRole, entry.id)
        self.table.setItem(row, 0, title)
        self.table.setItem(row, 1, QTableWidgetItem(channel_name(channel_label(entry.channel))))
        self.table.setItem(row, 2, QTableWidgetItem(_(_STATES[entry.state])))
        details = QTableWidgetItem(entry_details(entry))
        details.setToolTip(details.text())
        self.table.setItem(row, 3, details)
        if entry.state is OutboxState.SENDING:
            bar = self.progress_bar(entry.id)
            if bar is None:
                bar = QProgressBar()
                bar.setObjectName("outbox.progress")
                bar.setRange(0, 0)  # busy until the first bytes are counted
                self.table.setCellWidget(row, 3, bar)
        else:
            self.table.removeCellWidget(row, 3)
        font = title.font()
        font.setBold(entry.state is OutboxState.UNCERTAIN)
        for column in range(4):
            item = self.table.item(row, column)
            if item is not None:
                item.setFont(font)
        if entry.id == self.selected_id():
            self._update_actions()
            self._load_attempts(entry.id)
        self._update_empty()

    def progress_bar(self, entry_id: str) -> QProgressBar | None:
        row = self.row_of(entry_id)
        widget = self.table.cellWidget(row, 3) if row >= 0 else None
        return widget if isinstance(widget, QProgressBar) else None

    def update_progress(self, entry_id: str, sent: int, total: int) -> None:
        bar = self.progress_bar(entry_id)
        if bar is not None and total > 0:
            bar.setRange(0, 1000)
            bar.setValue(min(1000, sent * 1000 // total))
            bar.setFormat(
                _("{percent}% of {size:.1f} MB").format(percent=sent * 100 // total, size=total / 1e6)
            )

    def _update_empty(self) -> None:
        self.empty.setVisible(self.loaded and self.table.rowCount() == 0)

    # -- selection and actions --------------------------------------------

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def select(self, entry_id: str) -> None:
        row = self.row_of(entry_id)
        if row >= 0:
            self.table.selectRow(row)

    def selected(self) -> OutboxEntry | None:
        entry_id = self.selected_id()
        return self.entries.get(entry_id) if entry_id else None

    def _selection_changed(self) -> None:
        self._update_actions()
        entry_id = self.selected_id()
        self.settle.show_entry(self.selected())
        self.log.clear()
        if entry_id is not None:
            self._load_attempts(entry_id)

    def _load_attempts(self, entry_id: str) -> None:
        def show(attempts: list[Attempt]) -> None:
            if isValid(self) and self.selected_id() == entry_id:
                self.log.setPlainText("\n".join(_attempt_line(a) for a in attempts))

        self.controller.attempts(entry_id, on_result=show, on_error=self._failed)

    def _update_actions(self) -> None:
        entry = self.selected()
        unsent = entry is not None and entry.state in _UNSENT
        is_request = entry is not None and entry.kind is EntryKind.REQUEST
        self.retry.setEnabled(unsent)
        self.next_way.setEnabled(unsent and entry is not None and entry.next_channel is not None)
        self.edit.setEnabled(unsent and is_request)
        self.save.setEnabled(is_request and entry is not None and entry.state is not OutboxState.SENT)
        self._label_next_way()

    def _label_next_way(self) -> None:
        entry = self.selected()
        if entry is not None and entry.next_channel is not None:
            self.next_way.setText(
                _("Send by {channel} &instead").format(
                    channel=channel_name(channel_label(entry.next_channel))
                )
            )
        else:
            self.next_way.setText(_("Send another &way"))

    def _retry(self) -> None:
        if (entry := self.selected()) is not None:
            self.controller.retry(entry.id, on_error=self._failed)

    def _next_way(self) -> None:
        if (entry := self.selected()) is not None:
            self.controller.continue_with_next(entry.id, on_error=self._failed)

    def _edit(self) -> None:
        entry = self.selected()
        if entry is None:
            return

        def withdrawn(request: object) -> None:
            if not isValid(self):
                return
            row = self.row_of(entry.id)
            if row >= 0:
                self.table.removeRow(row)
            self.entries.pop(entry.id, None)
            self._update_empty()
            self.edit_requested.emit(request)

        self.controller.edit(entry.id, on_result=withdrawn, on_error=self._failed)

    def _save(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        target = choose_bundle_path(self, entry)
        if target is not None:
            self.controller.save_as_file(entry.id, target, on_result=self._saved, on_error=self._failed)

    def _saved(self, path: Path) -> None:
        if not isValid(self):
            return
        self.saved_path = path
        self.empty.setVisible(True)
        self.empty.setText(_("The request was saved as {path}.").format(path=path))

    def _failed(self, error: ComposerError) -> None:
        if not isValid(self):
            return
        show_error(self, error)

    # -- translation ------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Outbox"))
        self.table.setHorizontalHeaderLabels([_("Request"), _("Sent by"), _("State"), _("Details")])
        self.empty.setText(_("The outbox is empty: every request was sent."))
        self.retry.setText(_("Send &again now"))
        self.edit.setText(_("&Edit (back to drafts)"))
        self.save.setText(_("Save as &file…"))
        self.close_button.setText(_("&Close"))
        self.log_title.setText(_("A&ttempts of the selected request:"))
        self._label_next_way()
        for entry in list(self.entries.values()):
            self.update_entry(entry)


def _attempt_line(attempt: Attempt) -> str:
    when = format_date_time(attempt.started_at.astimezone())
    outcome = _OUTCOMES.get(attempt.outcome)
    text = _(outcome) if outcome else attempt.outcome
    line = f"{when}  {channel_name(attempt.channel)}: {text}"
    if attempt.code:
        line += f" ({attempt.code})"
    elif attempt.detail:
        line += f" — {attempt.detail}"
    return line
