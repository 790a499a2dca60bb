"""Step 1: who is asking, and in which role.

At the app's start this step is on the screen, and takes typing, before the
request model is loaded: :mod:`composer.ui.start_window` builds it without a
controller, and the form gives it one (:meth:`WhoStep.attach`), which takes
what was typed into the draft. So this module imports nothing that needs
pydantic at its top (``tests/ui/test_startup_imports.py`` checks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from composer.addresses import validate_email
from composer.errors import ValidationError
from composer.i18n import N_, _
from composer.roles import ROLE_LABELS, Role
from composer.ui.steps.base import Step, error_sentence, hint_label, set_text

if TYPE_CHECKING:
    from composer.model import Request
    from composer.ui.controller import DraftController
    from composer.ui.identity_picker import IdentityPicker

ROLE_NOTES: dict[Role, str] = {
    Role.OWNER: N_(
        "Requests that change something (a password, a DNS record, a renewal) are accepted from you."
    ),
    Role.TECHNICAL: N_(
        "Good for technical problems. The owner of the account must have named "
        "you as a contact; changes may still need the owner's confirmation."
    ),
    Role.BILLING: N_("Billing contacts can ask about invoices, payments and renewals."),
    Role.OTHER: N_(
        "The provider may ask the owner of the account to confirm before acting. "
        "Say below whose account it is."
    ),
}


class WhoStep(Step):
    """Name, e-mail, role and the rest of the requester; over them, the identities to file as.

    Built with ``None`` (the app's start), it takes typing at once;
    :meth:`attach` then joins it to the draft.
    """

    key = "who"

    #: your identities and client domains, and the warning when this one may not file it (with
    #: the controller: the identity book is the store's)
    identities: IdentityPicker

    def __init__(self, controller: DraftController | None = None, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self._typed_before: dict[str, Any] = {}
        self.name = QLineEdit()
        self.name_label = QLabel()
        self.add_row(self.name_label, self.register("name", self.name))
        self.name.textEdited.connect(lambda text: self.apply_requester(name=text))

        self.email = QLineEdit()
        self.email_label = QLabel()
        self.email_hint = hint_label("hint.email")
        self.add_row(self.email_label, self.register("email", self.email), self.email_hint)
        self.email.textEdited.connect(lambda text: self.apply_requester(email=text.strip()))
        self.email.editingFinished.connect(self._check_email)

        self.role = QComboBox()
        self.role_label = QLabel()
        self.role_hint = hint_label("hint.role")
        for role in Role:
            self.role.addItem("", role.value)
        self.add_row(self.role_label, self.register("role", self.role), self.role_hint)
        self.role.currentIndexChanged.connect(self._role_changed)

        self.on_behalf = QLineEdit()
        self.on_behalf_label = QLabel()
        self.add_row(self.on_behalf_label, self.register("on_behalf_of", self.on_behalf))
        self.on_behalf.textEdited.connect(lambda text: self.apply_requester(on_behalf_of=text))

        self.customer_id = QLineEdit()
        self.customer_label = QLabel()
        self.add_row(self.customer_label, self.register("customer_id", self.customer_id))
        self.customer_id.textEdited.connect(lambda text: self.apply_requester(customer_id=text))

        self.service = QLineEdit()
        self.service_label = QLabel()
        self.add_row(self.service_label, self.register("service", self.service))
        self.service.textEdited.connect(lambda text: self.apply(service=text))

        self.phone = QLineEdit()
        self.phone_label = QLabel()
        self.add_row(self.phone_label, self.register("phone", self.phone))
        self.phone.textEdited.connect(lambda text: self.apply_requester(phone=text))
        self.outer.addStretch(1)
        # where the identities go once the step has its draft (so that nothing moves then)
        self._identities_place = QWidget()
        self.outer.insertWidget(1, self._identities_place)
        if controller is not None:
            self._add_identities(controller)
        self.retranslate()

    def attach(self, controller: DraftController) -> None:
        """Join the draft of ``controller``; what was typed before goes into it at the next :meth:`reload`.

        (The form reloads a step as it puts it on its page, once the step is
        its own: the draft's change then reaches a form that has it.)
        """
        self._typed_before = self._typed()
        self.use_controller(controller)
        self._add_identities(controller)

    def reload(self) -> None:
        typed, self._typed_before = self._typed_before, {}
        service = typed.pop("service", None)
        if typed:
            self.controller.update_requester(**typed)
        if service is not None:
            self.controller.update(service=service)
        super().reload()

    def _typed(self) -> dict[str, Any]:
        """The values typed or chosen in the widgets (before the step had its draft)."""
        texts = {
            "name": self.name.text(),
            "email": self.email.text().strip(),
            "on_behalf_of": self.on_behalf.text(),
            "customer_id": self.customer_id.text(),
            "service": self.service.text(),
            "phone": self.phone.text(),
        }
        typed: dict[str, Any] = {key: value for key, value in texts.items() if value}
        role = Role(self.role.currentData())
        if role is not Role.OWNER:  # (a new draft's role)
            typed["role"] = role
        return typed

    def _add_identities(self, controller: DraftController) -> None:
        from composer.ui.identity_picker import IdentityPicker

        self.identities = IdentityPicker(controller)
        self.outer.replaceWidget(self._identities_place, self.identities)
        self._identities_place.deleteLater()

    def retranslate(self) -> None:
        self.intro.setText(
            _(
                "The support team answers you by e-mail, so check the address. "
                "Your role tells them what they may do for you."
            )
        )
        self.name_label.setText(_("Your na&me"))
        self.name.setPlaceholderText(_("e.g. Maria Papadopoulou"))
        self.email_label.setText(_("Your &e-mail"))
        self.email.setPlaceholderText(_("the address answers should go to"))
        self.role_label.setText(_("Your &role"))
        for index in range(self.role.count()):
            self.role.setItemText(index, _(ROLE_LABELS[Role(self.role.itemData(index))]))
        self.on_behalf_label.setText(_("Whose account is it?"))
        self.on_behalf.setPlaceholderText(_("e.g. the company or person who owns the domain"))
        self.customer_label.setText(_("&Customer number"))
        self.customer_id.setPlaceholderText(_("optional: from your invoice or client area"))
        self.service_label.setText(_("Hosting &package"))
        self.service.setPlaceholderText(_("optional: e.g. Business Hosting 2"))
        self.phone_label.setText(_("P&hone"))
        self.phone.setPlaceholderText(_("optional: for a call back"))
        if self.attached:
            self.identities.retranslate()
        self._show_role_note()
        self._check_email()

    def load(self, request: Request) -> None:
        requester = request.requester
        set_text(self.name, requester.name)
        set_text(self.email, requester.email)
        self.role.setCurrentIndex(max(0, self.role.findData(requester.role.value)))
        set_text(self.on_behalf, requester.on_behalf_of)
        set_text(self.customer_id, requester.customer_id)
        set_text(self.service, request.service)
        set_text(self.phone, requester.phone)
        self._show_role_note()
        self._check_email()

    def _role_changed(self) -> None:
        self.apply_requester(role=Role(self.role.currentData()))
        self._show_role_note()

    def _show_role_note(self) -> None:
        role = Role(self.role.currentData() or Role.OWNER.value)
        self.role_hint.setText(_(ROLE_NOTES[role]))
        needs_owner = role in {Role.TECHNICAL, Role.OTHER}
        self.on_behalf.setVisible(needs_owner)
        self.on_behalf_label.setVisible(needs_owner)

    def _check_email(self) -> None:
        text = self.email.text().strip()
        if not text:
            self.email_hint.setText(_("e.g. maria@example.com"))
            return
        try:
            validate_email(text)
        except ValidationError as error:
            self.email_hint.setText(error_sentence(error))
        else:
            self.email_hint.setText("")
