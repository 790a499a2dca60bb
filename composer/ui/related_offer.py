"""Before sending: "you already have an open request about this", with a follow-up offered instead.

Providers ask for one request per problem; several requests about the same
problem slow them down. When :func:`composer.related.open_related` finds one,
this dialog names it (reference, kind, when it was sent) and offers to add
the new information to it as a follow-up, to send a new request anyway, or to
go back. A request about the same still waiting in the outbox is named too:
it cannot take a follow-up before it has left, so the outbox is offered
(where it can be edited) instead.

Stable object names: ``dialog.related``, ``related.follow_up``,
``related.outbox``, ``related.new``, ``related.cancel``.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from composer.history import HistoryItem
from composer.i18n import _, ngettext
from composer.profile import ProviderProfile

__all__ = ["RelatedChoice", "RelatedOffer"]


class RelatedChoice(Enum):
    FOLLOW_UP = "follow_up"
    OUTBOX = "outbox"
    NEW = "new"
    CANCEL = "cancel"


class RelatedOffer(QMessageBox):
    """Asks what to do about an open request for the same problem (the newest one is offered)."""

    def __init__(
        self,
        items: list[HistoryItem],
        profile: ProviderProfile,
        parent: QWidget | None = None,
        *,
        pending: list[HistoryItem] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.related")
        self.setIcon(QMessageBox.Icon.Question)
        self.items = items
        self.pending = pending or []
        #: the request offered: the newest open sent one, else the newest still in the outbox
        self.item = items[0] if items else self.pending[0]
        self.profile = profile
        self.follow_up_button = QPushButton()
        self.follow_up_button.setObjectName("related.follow_up")
        self.outbox_button = QPushButton()
        self.outbox_button.setObjectName("related.outbox")
        self.new_button = QPushButton()
        self.new_button.setObjectName("related.new")
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("related.cancel")
        if items:
            self.addButton(self.follow_up_button, QMessageBox.ButtonRole.AcceptRole)
            self.setDefaultButton(self.follow_up_button)
        else:
            self.addButton(self.outbox_button, QMessageBox.ButtonRole.AcceptRole)
            self.setDefaultButton(self.outbox_button)
        self.addButton(self.new_button, QMessageBox.ButtonRole.DestructiveRole)
        self.addButton(self.cancel_button, QMessageBox.ButtonRole.RejectRole)
        self.setEscapeButton(self.cancel_button)
        self.retranslate()

    def retranslate(self) -> None:
        item = self.item
        category = self.profile.category(item.category)
        kind = _(category.label) if category else item.category
        reference = item.reference or _("(no reference yet)")
        date = item.sent_at.astimezone().strftime("%d.%m.%Y")
        self.setWindowTitle(_("You already have an open request"))
        if self.items:
            self.setText(
                _("You sent a request about {domain} on {date}: {reference}, “{kind}”.").format(
                    domain=item.domain, date=date, reference=reference, kind=kind
                )
            )
        else:
            self.setText(
                _("A request about {domain} (“{kind}”) is still waiting in the outbox since {date}.").format(
                    domain=item.domain, date=date, kind=kind
                )
            )
        others = len(self.items) + len(self.pending) - 1
        more = (
            " "
            + ngettext(
                "There is {count} more for this domain.", "There are {count} more for this domain.", others
            ).format(count=others)
            if others
            else ""
        )
        advice = (
            _(
                "If this is the same problem, add what is new to that request: the support team asks for "
                "one request per problem, and a second one slows the answer down."
            )
            if self.items
            else _(
                "If this is the same problem, open the outbox and add what is new to that request "
                "before it leaves: the support team asks for one request per problem."
            )
        )
        self.setInformativeText(advice + more)
        self.follow_up_button.setText(_("&Add to {reference}").format(reference=reference))
        self.outbox_button.setText(_("Open the &outbox"))
        self.new_button.setText(_("Send as a &new request"))
        self.cancel_button.setText(_("&Back"))

    def choose(self) -> RelatedChoice:
        """Show the dialog and say what the user chose."""
        self.exec()
        clicked = self.clickedButton()
        if clicked is self.follow_up_button:
            return RelatedChoice.FOLLOW_UP
        if clicked is self.outbox_button:
            return RelatedChoice.OUTBOX
        if clicked is self.new_button:
            return RelatedChoice.NEW
        return RelatedChoice.CANCEL
