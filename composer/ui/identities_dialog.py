"""Identities and client domains: add, edit and remove them (*Settings → Identities and clients…*).

The dialog edits plain rows of text; only on Save are they checked with the
core's rules (:func:`composer.identities.new_identity`,
:func:`~composer.identities.client_domain`), so a half-typed row never
becomes an identity. A mistake is shown in words under the lists and the
row is selected. Passwords and access keys typed here are handed to the
caller (:attr:`IdentitiesDialog.secrets`), which keeps them in the OS
keyring off the GUI thread; this dialog never reads a secret back.
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from composer.errors import ValidationError, describe
from composer.i18n import _
from composer.identities import Identity, IdentityBook
from composer.identity_secrets import IdentitySecrets
from composer.model import ROLE_LABELS, Role, display_domain
from composer.ui.identities_rows import (
    ClientRow,
    IdentityRow,
    IdentitySecretsTyped,
    Rows,
    client_of,
    identity_of,
    line_edit,
    list_with_buttons,
)

__all__ = ["IdentitiesDialog", "IdentitySecretsTyped"]


class IdentitiesDialog(QDialog):
    """Edit a copy of ``book``; after Save, :attr:`book`, :attr:`secrets` and :attr:`removed`.

    Args:
        book: the identities and client domains as saved.
        provider: the provider's name, for the access key's label.
        takes_api_key: whether the provider has an intake API (then an access key can be typed).
        stored: by identity id, which secrets the keyring already has (never the secrets).
    """

    def __init__(
        self,
        book: IdentityBook,
        *,
        provider: str,
        takes_api_key: bool,
        stored: dict[str, IdentitySecrets] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.identities")
        self.provider = provider
        self.stored = stored or {}
        self.book = book
        self.secrets: list[IdentitySecretsTyped] = []
        self.removed: list[Identity] = []
        self._original = book
        self._rows = Rows(
            [IdentityRow(**i.model_dump()) for i in book.identities],
            [ClientRow(**c.model_dump()) for c in book.clients],
        )
        self._shown_identity = -1
        self._shown_client = -1
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("identities.tabs")
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._identities_tab(takes_api_key), "")
        self.tabs.addTab(self._clients_tab(), "")
        self.error = QLabel()
        self.error.setObjectName("identities.error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: palette(highlight);")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("identities.save")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.retranslate()
        self._fill_lists()
        self.resize(640, 520)

    # -- building -----------------------------------------------------------

    def _identities_tab(self, takes_api_key: bool) -> QWidget:
        page = QWidget()
        outer = QHBoxLayout(page)
        self.identity_list, self.add_identity, self.remove_identity = list_with_buttons(
            outer, "identities", self._show_identity, self._new_identity, self._drop_identity
        )
        self.identity_form = QWidget()
        form = QFormLayout(self.identity_form)
        self.i_name, self.i_email = line_edit("identity.name"), line_edit("identity.email")
        self.i_role = QComboBox()
        self.i_role.setObjectName("identity.role")
        for role in Role:
            self.i_role.addItem("", role.value)
        self.i_organisation, self.i_phone = line_edit("identity.organisation"), line_edit("identity.phone")
        self.i_customer, self.i_mail_user = line_edit("identity.customer_id"), line_edit("identity.mail_user")
        self.i_mail_password = line_edit("identity.mail_password", secret=True)
        self.i_api_key = line_edit("identity.api_key", secret=True)
        self.identity_labels = [QLabel() for _ in range(9)]
        widgets: list[QWidget] = [
            self.i_name,
            self.i_email,
            self.i_role,
            self.i_organisation,
            self.i_phone,
            self.i_customer,
            self.i_mail_user,
            self.i_mail_password,
            self.i_api_key,
        ]
        for label, widget in zip(self.identity_labels, widgets, strict=True):
            label.setBuddy(widget)
            form.addRow(label, widget)
        self.i_api_key.setVisible(takes_api_key)
        self.identity_labels[-1].setVisible(takes_api_key)
        self.secrets_note = QLabel()
        self.secrets_note.setObjectName("identity.secrets_note")
        self.secrets_note.setWordWrap(True)
        form.addRow(self.secrets_note)
        outer.addWidget(self.identity_form, 2)
        return page

    def _clients_tab(self) -> QWidget:
        page = QWidget()
        outer = QHBoxLayout(page)
        self.client_list, self.add_client, self.remove_client = list_with_buttons(
            outer, "clients", self._show_client, self._new_client, self._drop_client
        )
        self.client_form = QWidget()
        form = QFormLayout(self.client_form)
        self.c_domain, self.c_owner_name = line_edit("client.domain"), line_edit("client.owner_name")
        self.c_owner_email, self.c_customer = line_edit("client.owner_email"), line_edit("client.customer_id")
        self.c_identity = QComboBox()
        self.c_identity.setObjectName("client.identity")
        self.client_labels = [QLabel() for _ in range(5)]
        widgets: list[QWidget] = [
            self.c_domain,
            self.c_owner_name,
            self.c_owner_email,
            self.c_identity,
            self.c_customer,
        ]
        for label, widget in zip(self.client_labels, widgets, strict=True):
            label.setBuddy(widget)
            form.addRow(label, widget)
        outer.addWidget(self.client_form, 2)
        return page

    def retranslate(self) -> None:
        self.setWindowTitle(_("Identities and clients"))
        self.tabs.setTabText(0, _("&Identities"))
        self.tabs.setTabText(1, _("&Client domains"))
        self.add_identity.setText(_("&Add identity"))
        self.remove_identity.setText(_("&Remove"))
        self.add_client.setText(_("&Add client domain"))
        self.remove_client.setText(_("&Remove"))
        texts = [
            _("&Name"),
            _("&E-mail"),
            _("R&ole"),
            _("Acts &for (client or company)"),
            _("&Phone"),
            _("Customer n&umber"),
            _("Mail u&ser (if its own)"),
            _("Mailbox pass&word"),
            _("Access &key for {provider}").format(provider=self.provider),
        ]
        for label, text in zip(self.identity_labels, texts, strict=True):
            label.setText(text)
        for index in range(self.i_role.count()):
            self.i_role.setItemText(index, _(ROLE_LABELS[Role(self.i_role.itemData(index))]))
        self.i_mail_user.setPlaceholderText(_("empty: the user of Settings → E-mail sending"))
        self.secrets_note.setText(
            _(
                "Passwords and access keys go to your system's keyring, never into a file "
                "or a request. A pre-filled link cannot change them."
            )
        )
        client_texts = [
            _("&Domain"),
            _("Owner's &name"),
            _("Owner's e-&mail"),
            _("&Filed by"),
            _("Customer n&umber"),
        ]
        for label, text in zip(self.client_labels, client_texts, strict=True):
            label.setText(text)
        self.c_domain.setPlaceholderText(_("e.g. client-shop.gr"))
        self.c_owner_email.setPlaceholderText(_("the address the service was ordered from"))
        for widget, name in (
            (self.identity_list, _("Identities")),
            (self.client_list, _("Client domains")),
            (self.i_mail_password, _("Mailbox password")),
            (self.i_api_key, _("Access key")),
        ):
            widget.setAccessibleName(name)

    # -- rows ---------------------------------------------------------------

    def _fill_lists(self) -> None:
        self.identity_list.clear()
        for row in self._rows.identities:
            self.identity_list.addItem(row.email or row.name or _("(new identity)"))
        self.client_list.clear()
        for client in self._rows.clients:
            self.client_list.addItem(
                display_domain(client.domain) if client.domain else _("(new client domain)")
            )
        self._fill_filers()
        self._shown_identity = self._shown_client = -1
        self.identity_list.setCurrentRow(0 if self._rows.identities else -1)
        self.client_list.setCurrentRow(0 if self._rows.clients else -1)
        self.identity_form.setEnabled(bool(self._rows.identities))
        self.client_form.setEnabled(bool(self._rows.clients))

    def _fill_filers(self) -> None:
        current = self.c_identity.currentData()
        self.c_identity.blockSignals(True)
        self.c_identity.clear()
        self.c_identity.addItem(_("the first technical contact"), "")
        for row in self._rows.identities:
            self.c_identity.addItem(f"{row.name} <{row.email}>", row.id)
        self.c_identity.setCurrentIndex(max(0, self.c_identity.findData(current)))
        self.c_identity.blockSignals(False)

    def _keep_identity(self) -> None:
        index = self._shown_identity
        if not 0 <= index < len(self._rows.identities):
            return
        row = self._rows.identities[index]
        row.name, row.email = self.i_name.text(), self.i_email.text().strip()
        row.role = Role(self.i_role.currentData())
        row.organisation, row.phone = self.i_organisation.text(), self.i_phone.text()
        row.customer_id, row.mail_user = self.i_customer.text(), self.i_mail_user.text().strip()
        row.mail_password, row.api_key = self.i_mail_password.text(), self.i_api_key.text()
        self.identity_list.item(index).setText(row.email or row.name or _("(new identity)"))

    def _show_identity(self, index: int) -> None:
        self._keep_identity()
        self._fill_filers()
        self._shown_identity = index
        row = self._rows.identities[index] if 0 <= index < len(self._rows.identities) else IdentityRow()
        for edit, value in (
            (self.i_name, row.name),
            (self.i_email, row.email),
            (self.i_organisation, row.organisation),
            (self.i_phone, row.phone),
            (self.i_customer, row.customer_id),
            (self.i_mail_user, row.mail_user),
            (self.i_mail_password, row.mail_password),
            (self.i_api_key, row.api_key),
        ):
            edit.setText(value)
        self.i_role.setCurrentIndex(max(0, self.i_role.findData(row.role.value)))
        self._show_stored(row.id)

    def _show_stored(self, identity_id: str) -> None:
        """Say, in the empty secret fields, whether the keyring already has each secret."""
        known = self.stored.get(identity_id)
        for edit, has in (
            (self.i_mail_password, known is not None and known.mail_password),
            (self.i_api_key, known is not None and known.api_key),
        ):
            edit.setPlaceholderText(
                _("in the keyring; type only to replace it") if has else _("not stored; type it to keep it")
            )
        if any(k.session_only for k in self.stored.values()):
            self.secrets_note.setText(
                _("No keyring works on this computer: what you type is kept only until the app closes.")
            )

    def _keep_client(self) -> None:
        index = self._shown_client
        if not 0 <= index < len(self._rows.clients):
            return
        row = self._rows.clients[index]
        row.domain, row.owner_name = self.c_domain.text().strip(), self.c_owner_name.text()
        row.owner_email, row.customer_id = self.c_owner_email.text().strip(), self.c_customer.text()
        row.identity = str(self.c_identity.currentData() or "")
        self.client_list.item(index).setText(row.domain or _("(new client domain)"))

    def _show_client(self, index: int) -> None:
        self._keep_client()
        self._keep_identity()
        self._fill_filers()
        self._shown_client = index
        row = self._rows.clients[index] if 0 <= index < len(self._rows.clients) else ClientRow()
        self.c_domain.setText(display_domain(row.domain) if row.domain else "")
        self.c_owner_name.setText(row.owner_name)
        self.c_owner_email.setText(row.owner_email)
        self.c_customer.setText(row.customer_id)
        self.c_identity.setCurrentIndex(max(0, self.c_identity.findData(row.identity)))

    def _new_identity(self) -> None:
        self._keep_identity()
        self._rows.identities.append(IdentityRow(id=uuid.uuid4().hex[:12]))
        self._fill_lists()
        self.identity_list.setCurrentRow(len(self._rows.identities) - 1)
        self.i_name.setFocus()

    def _drop_identity(self) -> None:
        index = self.identity_list.currentRow()
        if 0 <= index < len(self._rows.identities):
            self._shown_identity = -1
            del self._rows.identities[index]
            self._fill_lists()

    def _new_client(self) -> None:
        self._keep_client()
        self._rows.clients.append(ClientRow())
        self._fill_lists()
        self.tabs.setCurrentIndex(1)
        self.client_list.setCurrentRow(len(self._rows.clients) - 1)
        self.c_domain.setFocus()

    def _drop_client(self) -> None:
        index = self.client_list.currentRow()
        if 0 <= index < len(self._rows.clients):
            self._shown_client = -1
            del self._rows.clients[index]
            self._fill_lists()

    # -- saving -------------------------------------------------------------

    def _save(self) -> None:
        self._keep_identity()
        self._keep_client()
        book = IdentityBook()
        secrets: list[IdentitySecretsTyped] = []
        for index, row in enumerate(self._rows.identities):
            try:
                person = identity_of(row)
            except ValidationError as error:
                return self._refuse(error, tab=0, row=index)
            if row.mail_password and not row.mail_user:
                return self._refuse(ValidationError("identity.mail_user_missing"), tab=0, row=index)
            book = book.with_identity(person)
            if row.mail_password or row.api_key:
                secrets.append(IdentitySecretsTyped(person, row.mail_password, row.api_key))
        for index, client in enumerate(self._rows.clients):
            try:
                entry = client_of(client)
            except ValidationError as error:
                return self._refuse(error, tab=1, row=index)
            book = book.with_client(entry)
        kept = {i.id for i in book.identities}
        self.removed = [i for i in self._original.identities if i.id not in kept]
        self.book, self.secrets = book, secrets
        self.accept()

    def _refuse(self, error: ValidationError, *, tab: int, row: int) -> None:
        message, next_step = describe(error.code, error.params)
        self.error.setText(f"{message} {next_step}")
        self.tabs.setCurrentIndex(tab)
        (self.identity_list if tab == 0 else self.client_list).setCurrentRow(row)
