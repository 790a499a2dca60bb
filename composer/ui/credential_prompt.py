"""What delivery asks the user, and the receipt at the end, one dialog at a time.

:class:`CredentialDialog` is shown for :class:`~composer.delivery.CredentialNeeded`:
the password or access key is missing, or the server refused the stored one.
It goes to the OS keyring through :class:`~composer.credentials.Credentials`;
without a keyring the dialog says that it is kept only until the app closes.
The secret is never shown, logged or put into a label.

:class:`FallbackQuestion` is shown for every
:class:`~composer.delivery.FallbackOffer`: the worker never moves on to the
next channel by itself. :class:`DeliveryPrompts` connects a
:class:`~composer.ui.delivery.DeliveryController` to these dialogs and to the
receipt, and shows them one after the other, never several at once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from composer.errors import ComposerError, describe
from composer.i18n import _
from composer.outbox import EntryKind, OutboxEntry
from composer.ui.delivery import DeliveryController
from composer.ui.messages import show_error
from composer.ui.qt_translations import follow_language
from composer.ui.receipt import ReceiptDialog, channel_name

if TYPE_CHECKING:
    from composer.delivery import CredentialNeeded, FallbackOffer
    from composer.mail_setup import MailSetup

__all__ = ["CredentialDialog", "DeliveryPrompts", "FallbackQuestion"]


class CredentialDialog(QDialog):
    """The password or access key for one identity of one provider.

    Args:
        needed: what the worker asked for.
        controller: stores the secret and retries the entry.
        parent: the window it belongs to.

    ``stored`` is True after the secret was kept (``remembered`` says whether
    in the keyring); the dialog closes then, and the entry is on its way again.
    """

    def __init__(
        self, needed: CredentialNeeded, controller: DeliveryController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.credential")
        self.needed = needed
        self.controller = controller
        self.stored = False
        self.remembered = False
        layout = QVBoxLayout(self)
        self.reason = QLabel()
        self.reason.setObjectName("credential.reason")
        self.reason.setWordWrap(True)
        layout.addWidget(self.reason)
        form = QFormLayout()
        self.who = QLabel(needed.identity.partition(":")[2] or needed.identity)
        self.who.setObjectName("credential.identity")
        self.who_label = QLabel()
        form.addRow(self.who_label, self.who)
        self.secret = QLineEdit()
        self.secret.setObjectName("credential.secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_label = QLabel()
        self.secret_label.setBuddy(self.secret)
        form.addRow(self.secret_label, self.secret)
        layout.addLayout(form)
        self.note = QLabel()
        self.note.setObjectName("credential.note")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._store)
        self.buttons.rejected.connect(self.reject)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setObjectName("credential.ok")
        self.secret.textChanged.connect(lambda text: ok.setEnabled(bool(text)))
        ok.setEnabled(False)
        layout.addWidget(self.buttons)
        follow_language(self, self.retranslate)
        self.retranslate()
        self.setMinimumWidth(420)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Password needed"))
        channel = channel_name(self.needed.channel)
        if self.needed.code == "credential.missing":
            reason = _("Sending by {channel} needs your password or access key.")
        else:
            reason = _("The password or access key for {channel} was not accepted.")
        self.reason.setText(
            reason.format(channel=channel) + " " + _("Type it, and your request is sent again.")
        )
        self.who_label.setText(_("For:"))
        self.secret_label.setText(_("&Password or access key:"))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("&Save and send"))
        from composer.ui.mail_settings import keyring_note  # (the e-mail settings' module: when asked)

        self.note.setText(keyring_note(session_only=self.controller.session_only))

    def _store(self) -> None:
        secret = self.secret.text()
        if not secret:
            return
        self.buttons.setEnabled(False)
        self.controller.store_credential(self.needed, secret, on_result=self._stored, on_error=self._failed)

    def _stored(self, remembered: bool) -> None:
        if not isValid(self):
            return
        self.stored = True
        self.remembered = remembered
        self.secret.clear()
        self.accept()

    def _failed(self, error: ComposerError) -> None:
        if not isValid(self):
            return
        self.buttons.setEnabled(True)
        show_error(self, error)


class FallbackQuestion(QMessageBox):
    """“Sending by X failed: …; send it by Y instead?” for one :class:`FallbackOffer`.

    After it closes, :attr:`choice` is ``"next"``, ``"save"`` or ``"later"``.
    """

    def __init__(self, offer: FallbackOffer, *, can_save: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.fallback")
        self.setIcon(QMessageBox.Icon.Question)
        self.offer = offer
        self.choice = "later"
        self.send_next: QPushButton | None = None
        if offer.next_channel:
            self.send_next = self._add("fallback.next", QMessageBox.ButtonRole.AcceptRole)
            self.setDefaultButton(self.send_next)
        self.save: QPushButton | None = None
        if can_save:
            self.save = self._add("fallback.save", QMessageBox.ButtonRole.ActionRole)
        self.later = self._add("fallback.later", QMessageBox.ButtonRole.RejectRole)
        self.setEscapeButton(self.later)
        self.buttonClicked.connect(self._clicked)
        follow_language(self, self.retranslate)
        self.retranslate()

    def _add(self, name: str, role: QMessageBox.ButtonRole) -> QPushButton:
        button = QPushButton(name)  # the real text comes from retranslate()
        button.setObjectName(name)
        self.addButton(button, role)
        return button

    def _clicked(self, button: object) -> None:
        if button is self.send_next:
            self.choice = "next"
        elif button is self.save:
            self.choice = "save"
        else:
            self.choice = "later"

    def retranslate(self) -> None:
        offer = self.offer
        reason, next_step = describe(offer.code, offer.params)
        self.setWindowTitle(_("Request not sent"))
        self.setText(
            _("Sending by {channel} failed: {reason}").format(
                channel=channel_name(offer.failed_channel), reason=reason
            )
        )
        if offer.next_channel:
            question = _("Send it by {channel} instead?").format(channel=channel_name(offer.next_channel))
        elif self.save is not None:
            question = _(
                "There is no other way to send it. Save it as a file and send the file to "
                "your provider yourself?"
            )
        else:
            question = _("There is no other way to send it.")
        self.setInformativeText(
            question + "\n\n" + _("Until you decide, it stays in the outbox: nothing is lost.")
        )
        self.setDetailedText(next_step)
        if self.send_next is not None and offer.next_channel:
            self.send_next.setText(_("Send by {channel}").format(channel=channel_name(offer.next_channel)))
        if self.save is not None:
            self.save.setText(_("Save as file…"))
        self.later.setText(_("Not now"))


class DeliveryPrompts(QObject):
    """Shows the receipt, the fallback question and the credential prompt, one at a time.

    Args:
        controller: the delivery controller whose signals to answer.
        window: the parent of the dialogs (the main window).
        receipts: whether to show a receipt for every sent entry.

    Errors of controller calls that gave no ``on_error`` are shown too.
    ``current`` is the dialog open now, ``shown`` the objectNames of all so far.
    """

    def __init__(self, controller: DeliveryController, window: QWidget, *, receipts: bool = True) -> None:
        super().__init__(window)
        self.controller = controller
        self.window = window
        self.current: QDialog | None = None
        self.shown: list[str] = []  # objectNames of the dialogs opened so far, oldest first
        self._queue: list[Callable[[], QDialog | None]] = []
        self._entries: dict[str, OutboxEntry] = {}
        self._asking_secret: set[str] = set()
        self._deferred: dict[str, FallbackOffer] = {}
        controller.state_changed.connect(self._remember)
        if receipts:
            controller.sent.connect(self._sent)
            controller.uncertain.connect(self._sent)
        controller.fallback_offered.connect(self._offered)
        controller.credential_needed.connect(self._credential)
        controller.error.connect(lambda error: show_error(window, error))

    # -- the queue --------------------------------------------------------

    def _enqueue(self, make: Callable[[], QDialog | None], *, first: bool = False) -> None:
        if first:
            self._queue.insert(0, make)
        else:
            self._queue.append(make)
        self._next()

    def _next(self) -> None:
        while self.current is None and self._queue:
            dialog = self._queue.pop(0)()
            if dialog is None:
                continue
            self.current = dialog
            self.shown.append(dialog.objectName())
            dialog.finished.connect(lambda _result, d=dialog: self._finished(d))
            dialog.open()

    def _finished(self, dialog: QDialog) -> None:
        if self.current is dialog:
            self.current = None
        dialog.deleteLater()
        self._next()

    def _remember(self, entry: OutboxEntry) -> None:
        self._entries[entry.id] = entry

    # -- receipts ---------------------------------------------------------

    def _sent(self, entry: OutboxEntry) -> None:
        self._enqueue(lambda: ReceiptDialog(entry, self.window, self.controller))

    # -- credentials ------------------------------------------------------

    def _credential(self, needed: CredentialNeeded) -> None:
        self._asking_secret.add(needed.entry_id)

        def make() -> QDialog:
            dialog = CredentialDialog(needed, self.controller, self.window)
            dialog.finished.connect(lambda _result: self._credential_done(needed.entry_id, dialog.stored))
            return dialog

        self._enqueue(make)

    def _credential_done(self, entry_id: str, stored: bool) -> None:
        self._asking_secret.discard(entry_id)
        offer = self._deferred.pop(entry_id, None)
        if offer is not None and not stored:
            self._offered(offer)

    # -- fallback ---------------------------------------------------------

    def _offered(self, offer: FallbackOffer) -> None:
        if offer.entry_id in self._asking_secret:
            # the password prompt comes first; the other ways only if the user cancels it
            self._deferred[offer.entry_id] = offer
            return
        entry = self._entries.get(offer.entry_id)
        can_save = entry is not None and entry.kind is EntryKind.REQUEST

        def make() -> QDialog:
            dialog = FallbackQuestion(offer, can_save=can_save, parent=self.window)
            dialog.finished.connect(lambda _result: self._answered(offer, dialog.choice))
            return dialog

        self._enqueue(make)

    def _answered(self, offer: FallbackOffer, choice: str) -> None:
        entry = self._entries.get(offer.entry_id)
        if choice == "next":
            if offer.next_channel == "email" and entry is not None:
                self._next_by_email(offer, entry)
            else:
                self.controller.continue_with_next(offer.entry_id)
        elif choice == "save" and entry is not None:
            from composer.ui.outbox_view import choose_bundle_path  # (the outbox dialog's module)

            target = choose_bundle_path(self.window, entry)
            if target is not None:
                self.controller.save_as_file(entry.id, target, on_result=self._saved)

    def _next_by_email(self, offer: FallbackOffer, entry: OutboxEntry) -> None:
        """E-mail needs the user's mail server: ask for it first when it is not set up."""
        from composer.ui.mail_settings import MailSettingsDialog

        def loaded(setup: MailSetup) -> None:
            if setup.settings is not None:
                self.controller.continue_with_next(offer.entry_id)
                return

            def make() -> QDialog:
                dialog = MailSettingsDialog(self.controller, entry.profile, self.window)

                def closed(_result: int) -> None:
                    if dialog.saved:
                        self.controller.continue_with_next(offer.entry_id)

                dialog.finished.connect(closed)
                return dialog

            self._enqueue(make, first=True)

        self.controller.load_mail_setup(entry.profile.provider.id, on_result=loaded)

    def _saved(self, path: Path) -> None:
        def make() -> QDialog:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                _("Request saved"),
                _("The request was saved as {path}.").format(path=path),
                QMessageBox.StandardButton.Ok,
                self.window,
            )
            box.setObjectName("dialog.saved")
            box.setInformativeText(
                _("Send this file to your provider as an attachment, or upload it in their client area.")
            )
            return box

        self._enqueue(make)
