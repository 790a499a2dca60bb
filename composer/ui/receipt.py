"""The receipt: the reference code, large, to quote in every later contact.

Shown when an outbox entry is sent. A helpdesk answers with a ticket number
at once; an e-mail has none yet (the provider's answer carries it); the file
channel leaves a bundle the user sends themselves; a follow-up went into an
existing ticket; a request cut off just after it left *may have arrived*
(:class:`~composer.ui.settle_panel.SettlePanel` lets the user say whether it
did). Each case says what happened and what to do next. When the provider's
number comes later (read from its answer, or typed in), the receipt shows it
at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from composer.i18n import _
from composer.outbox import EntryKind, OutboxEntry, OutboxState
from composer.ui.delivery import DeliveryController
from composer.ui.qt_translations import follow_language

if TYPE_CHECKING:
    from composer.ui.settle_panel import SettlePanel

__all__ = ["ReceiptDialog", "channel_name"]


def channel_name(label: str) -> str:
    """A channel's stable label (``intake``, ``email``, ``file``) in words people use (its registry label)."""
    from composer.channels.registry import spec_for

    spec = spec_for(label)
    return _(spec.label) if spec else label


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ReceiptDialog(QDialog):
    """What was sent where, and the code to quote.

    Args:
        entry: the sent outbox entry (its ``receipt`` is set), or one that may
            have arrived (``uncertain``).
        parent: the window it belongs to.
        controller: when given, the receipt follows the entry (the number
            appears when it comes) and offers to settle it or keep its number.
    """

    def __init__(
        self, entry: OutboxEntry, parent: QWidget | None = None, controller: DeliveryController | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.receipt")
        self.entry = entry
        receipt = entry.receipt
        self.reference_code = receipt.reference if receipt else ""
        layout = QVBoxLayout(self)
        self.headline = QLabel()
        self.headline.setObjectName("receipt.headline")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        layout.addWidget(self.headline)

        row = QHBoxLayout()
        self.reference = QLabel(self.reference_code)
        self.reference.setObjectName("receipt.reference")
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        big = self.reference.font()
        big.setPointSizeF(big.pointSizeF() * 2.4)
        big.setBold(True)
        self.reference.setFont(big)
        row.addWidget(self.reference, 1)
        self.copy = QPushButton()
        self.copy.setObjectName("receipt.copy")
        self.copy.clicked.connect(self.copy_reference)
        row.addWidget(self.copy)
        layout.addLayout(row)
        self.reference.setVisible(bool(self.reference_code))
        self.copy.setVisible(bool(self.reference_code))

        self.explanation = QLabel()
        self.explanation.setObjectName("receipt.explanation")
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setOpenExternalLinks(True)
        layout.addWidget(self.explanation)
        self.copied = QLabel()
        self.copied.setObjectName("receipt.copied")
        self.copied.setVisible(False)
        layout.addWidget(self.copied)
        self.settle: SettlePanel | None = None
        if controller is not None:
            from composer.ui.settle_panel import SettlePanel

            self.settle = SettlePanel(controller, self)
            layout.addWidget(self.settle)
            self.settle.show_entry(entry)
            controller.state_changed.connect(self.update_entry)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        follow_language(self, self.retranslate)
        self.retranslate()
        self.setMinimumWidth(520 if self.settle is not None and self.settle.isVisibleTo(self) else 420)

    def update_entry(self, entry: OutboxEntry) -> None:
        """The entry changed (settled, or its number came): show it."""
        if entry.id != self.entry.id:
            return
        self.entry = entry
        self.reference_code = entry.receipt.reference if entry.receipt else ""
        self.reference.setText(self.reference_code)
        self.reference.setVisible(bool(self.reference_code))
        self.copy.setVisible(bool(self.reference_code))
        self.retranslate()
        if self.isVisible():
            self._fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        # wrapped labels need the height their width gives them; Qt's size hint guesses too short
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        width = max(self.width(), self.minimumWidth())
        height = layout.totalHeightForWidth(width)
        if height > 0:
            self.resize(width, height)

    def copy_reference(self) -> None:
        """Put the reference code on the clipboard."""
        QGuiApplication.clipboard().setText(self.reference_code)
        self.copied.setText(_("Copied."))
        self.copied.setVisible(True)

    def retranslate(self) -> None:
        uncertain = self.entry.state is OutboxState.UNCERTAIN
        self.setWindowTitle(_("Request may have arrived") if uncertain else _("Request sent"))
        self.copy.setText(_("&Copy"))
        self.copy.setToolTip(_("Copy the reference code"))
        if self.copied.text():
            self.copied.setText(_("Copied."))
        headline, explanation = self._texts()
        self.headline.setText(headline)
        self.explanation.setText(explanation)
        self.explanation.setVisible(bool(explanation))

    def _texts(self) -> tuple[str, str]:
        entry = self.entry
        receipt = entry.receipt
        channel = receipt.channel if receipt else ""
        provider = _escape(entry.profile.provider.name)
        quote = _("Quote this code when you call or chat about this problem.")
        if entry.state is OutboxState.UNCERTAIN:
            return _("Your request may have reached {provider} already.").format(
                provider=entry.profile.provider.name
            ), ""
        if entry.kind is EntryKind.FOLLOW_UP:
            if self.reference_code:
                return _("Your message was added to your request."), f"<p>{_escape(quote)}</p>"
            return (
                _("Your message was sent by e-mail, in the same thread as your request."),
                "<p>"
                + _escape(_("When {provider} answers, quote their ticket number.")).format(provider=provider)
                + "</p>",
            )
        if channel == "file" and receipt is not None:
            path = Path(urlsplit(receipt.url).path) if receipt.url else None
            parts = [_("The request was saved as a file; it has not been sent yet.")]
            if path is not None:
                parts.append(_("The file is {path}.").format(path=str(path)))
            email = entry.profile.support.email
            if email:
                parts.append(
                    _(
                        "Send this file to {email} as an attachment, "
                        "or upload it in your provider's client area."
                    ).format(email=email)
                )
            return _("Request saved"), "".join(f"<p>{_escape(p)}</p>" for p in parts)
        if not self.reference_code:
            return (
                _("Your request was sent by e-mail to {provider}.").format(
                    provider=entry.profile.provider.name
                ),
                "<p>"
                + _escape(
                    _(
                        "The e-mail itself has no ticket number yet: {provider}'s answer will carry it. "
                        "Quote that number when you call or chat about this problem."
                    ).format(provider=entry.profile.provider.name)
                )
                + "</p>",
            )
        parts = [f"<p>{_escape(quote)}</p>"]
        if receipt is not None and receipt.url.startswith("https://"):
            parts.append(
                f'<p><a href="{_escape(receipt.url)}">{_escape(_("See your request online"))}</a></p>'
            )
        return (
            _("Your request was received by {provider}. Its reference code:").format(
                provider=entry.profile.provider.name
            ),
            "".join(parts),
        )
