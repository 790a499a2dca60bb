"""What the user can do about a request that may have arrived, or whose number is still missing.

One panel, shown in the receipt and under the outbox's list, for the
selected entry:

* ``uncertain`` (the connection was cut after the request had left): what
  to look for (the provider's confirmation mail and its subject tag), and
  "It arrived" / "Send it again";
* an e-mail that went out but has no ticket number yet, or one that may
  have arrived: a field for the number from the provider's answer, kept
  with "Keep number" (which also settles an uncertain one);
* once, until the user answers: whether the app may read the provider's
  answer in the user's own mailbox to take the number itself; and, when it
  may but could not (a refused password, an unreachable server), why.

Every action goes through :class:`~composer.ui.delivery.DeliveryController`
(off the GUI thread); the entry's new state comes back by its signals.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from composer.errors import ComposerError, describe
from composer.i18n import _
from composer.outbox import OutboxEntry, OutboxState
from composer.replies import ReplySettings
from composer.settling import look_for, needs_number
from composer.ui.delivery import DeliveryController
from composer.ui.messages import show_error
from composer.ui.qt_translations import follow_language

__all__ = ["SettlePanel", "add_button"]


def add_button(name: str, handler: object, row: QHBoxLayout) -> QPushButton:
    """A push button with a stable objectName, added to ``row``."""
    button = QPushButton()
    button.setObjectName(name)
    button.clicked.connect(handler)
    row.addWidget(button)
    return button


class SettlePanel(QWidget):
    """Settle an uncertain entry, keep its number, and ask once about reading answers."""

    def __init__(self, controller: DeliveryController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settle.panel")
        self.controller = controller
        self.entry: OutboxEntry | None = None
        self.consent: bool | None = None
        self.asked = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.explanation = QLabel()
        self.explanation.setObjectName("settle.explanation")
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)

        decide = QHBoxLayout()
        self.arrived = add_button("settle.arrived", lambda: self._settle(True), decide)
        self.resend = add_button("settle.resend", lambda: self._settle(False), decide)
        decide.addStretch(1)
        layout.addLayout(decide)

        number = QHBoxLayout()
        self.reference_label = QLabel()
        number.addWidget(self.reference_label)
        self.reference = QLineEdit()
        self.reference.setObjectName("settle.reference")
        self.reference.returnPressed.connect(self._keep)
        self.reference_label.setBuddy(self.reference)
        number.addWidget(self.reference, 1)
        self.keep = add_button("settle.keep", self._keep, number)
        layout.addLayout(number)

        self.question = QLabel()
        self.question.setObjectName("settle.replies_question")
        self.question.setWordWrap(True)
        layout.addWidget(self.question)
        answers = QHBoxLayout()
        self.consent_yes = add_button("settle.replies_yes", lambda: self._consent(True), answers)
        self.consent_no = add_button("settle.replies_no", lambda: self._consent(False), answers)
        answers.addStretch(1)
        layout.addLayout(answers)

        self.replies_error = QLabel()
        self.replies_error.setObjectName("settle.replies_error")
        self.replies_error.setWordWrap(True)
        self.replies_error.setVisible(False)
        layout.addWidget(self.replies_error)
        self.reply_failure: ComposerError | None = None

        controller.state_changed.connect(self._changed)
        controller.replies_failed.connect(self._replies_failed)
        follow_language(self, self.retranslate)
        self.retranslate()
        self.show_entry(None)
        controller.reply_settings(on_result=self._consent_loaded, on_error=lambda _e: None)

    # -- contents ---------------------------------------------------------

    def show_entry(self, entry: OutboxEntry | None) -> None:
        """Show what can be done for ``entry`` (nothing, and hidden, for most entries)."""
        self.entry = entry
        uncertain = entry is not None and entry.state is OutboxState.UNCERTAIN
        number = entry is not None and needs_number(entry)
        self.explanation.setVisible(uncertain)
        self.arrived.setVisible(uncertain)
        self.resend.setVisible(uncertain)
        for widget in (self.reference_label, self.reference, self.keep):
            widget.setVisible(number)
        ask = number and self.consent is None and not self.asked
        for widget in (self.question, self.consent_yes, self.consent_no):
            widget.setVisible(ask)
        self.replies_error.setVisible(number and bool(self.consent) and self.reply_failure is not None)
        self.setVisible(uncertain or number)
        self.retranslate()

    def _changed(self, entry: OutboxEntry) -> None:
        if isValid(self) and self.entry is not None and entry.id == self.entry.id:
            self.show_entry(entry)

    def _replies_failed(self, error: ComposerError) -> None:
        if isValid(self):
            self.reply_failure = error
            self.show_entry(self.entry)

    def _consent_loaded(self, settings: ReplySettings) -> None:
        if isValid(self):
            self.consent = settings.enabled
            self.show_entry(self.entry)

    # -- actions ----------------------------------------------------------

    def _settle(self, arrived: bool) -> None:
        if self.entry is not None:
            self.controller.settle(self.entry.id, arrived=arrived, on_error=self._failed)

    def _keep(self) -> None:
        text = self.reference.text().strip()
        if self.entry is None or not text:
            return
        self.controller.keep_reference(
            self.entry.id, text, on_result=lambda _e: self.reference.clear(), on_error=self._failed
        )

    def _consent(self, enabled: bool) -> None:
        self.asked = True
        self.consent = enabled
        self.show_entry(self.entry)
        self.controller.set_reply_consent(enabled, on_error=self._failed)

    def _failed(self, error: ComposerError) -> None:
        if isValid(self):
            show_error(self.window(), error)

    # -- translation ------------------------------------------------------

    def retranslate(self) -> None:
        entry = self.entry
        provider = entry.profile.provider.name if entry is not None else ""
        if entry is not None and entry.state is OutboxState.UNCERTAIN:
            self.explanation.setText(
                _(
                    "The connection was cut just after the request had left, so the app cannot tell "
                    "whether {provider} received it. Sending it again could open a second ticket."
                ).format(provider=provider)
                + " "
                + look_for(entry)
                + " "
                + _("If it came, click “It arrived”; if nothing comes, click “Send it again”.")
            )
        self.arrived.setText(_("It a&rrived"))
        self.resend.setText(_("Send it a&gain"))
        self.reference_label.setText(_("Ticket &number from the answer:"))
        self.reference.setPlaceholderText(_("for example 4711"))
        self.keep.setText(_("&Keep number"))
        self.question.setText(
            _(
                "May Request Composer look in your mailbox for {provider}'s answer and take the "
                "ticket number from it? It reads only answers to your requests and changes nothing."
            ).format(provider=provider)
        )
        if self.reply_failure is not None:
            reason, next_step = describe(self.reply_failure.code, self.reply_failure.params)
            self.replies_error.setText(f"{reason} {next_step}")
        self.consent_yes.setText(_("&Yes, look in my mailbox"))
        self.consent_no.setText(_("No, I will type it"))
