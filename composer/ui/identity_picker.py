"""On the "who" step: file as one of your identities, for one of your client domains, and the warning.

The panel reads the identity book off the GUI thread and keeps a copy.
Choosing an identity fills name, e-mail and role; choosing a client domain
(or typing one of them in step 2, or opening a pre-fill that names one)
picks the identity that files for it and "on behalf of" its owner
(:func:`composer.identities.pick_for_domain`). Under it, the warning when the
profile's rules do not let this identity file this kind of request, with
what to do: a warning, never a block (see :mod:`composer.identities`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from composer.i18n import _
from composer.identities import (
    IdentityBook,
    apply_client,
    apply_identity,
    filing_warning,
    load_book,
    save_book,
)
from composer.model import Request
from composer.ui.bridge import run_task
from composer.ui.controller import DraftController

__all__ = ["IdentityPicker"]


class IdentityPicker(QWidget):
    """The identity and client pickers, the "Identities and clients…" button and the warning.

    Attributes:
        delivery: the window's delivery controller, whose worker keeps secrets in the
            keyring; set by the main window (without it, secrets typed are not kept).
    """

    #: the book was loaded or saved (tests wait for it)
    book_changed = Signal()

    def __init__(self, controller: DraftController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("who.identities")
        self.controller = controller
        self.book = IdentityBook()
        self.delivery: Any = None
        self._last_domain = controller.request.domain
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        self.identity_label = QLabel()
        self.identity = QComboBox()
        self.identity.setObjectName("field.identity")
        self.identity.activated.connect(self._identity_chosen)
        self.identity_label.setBuddy(self.identity)
        self.client_label = QLabel()
        self.client = QComboBox()
        self.client.setObjectName("field.client_domain")
        self.client.activated.connect(self._client_chosen)
        self.client_label.setBuddy(self.client)
        self.manage = QPushButton()
        self.manage.setObjectName("action.identities")
        self.manage.clicked.connect(self.edit)
        # two rows, the combos taking the width: long identity labels never widen the window
        for combo in (self.identity, self.client):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(20)
        grid.addWidget(self.identity_label, 0, 0)
        grid.addWidget(self.identity, 0, 1)
        grid.addWidget(self.manage, 0, 2)
        grid.addWidget(self.client_label, 1, 0)
        grid.addWidget(self.client, 1, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.warning = QLabel()
        self.warning.setObjectName("who.filing_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("QLabel { border: 1px solid palette(highlight); padding: 6px; }")
        self.warning.setVisible(False)
        layout.addWidget(self.warning)
        controller.changed.connect(self._request_changed)
        controller.replaced.connect(self._draft_replaced)
        self.retranslate()
        run_task(lambda: load_book(controller.store), on_result=self._loaded, on_error=lambda _e: None)

    def retranslate(self) -> None:
        self.identity_label.setText(_("File &as"))
        self.client_label.setText(_("For cl&ient"))
        self.manage.setText(_("I&dentities and clients…"))
        self.identity.setAccessibleName(_("File as"))
        self.client.setAccessibleName(_("For client"))
        self._fill()
        self._show_warning()

    # -- the book -----------------------------------------------------------

    def _loaded(self, book: IdentityBook) -> None:
        self.book = book
        self._fill()
        self.book_changed.emit()

    def _fill(self) -> None:
        request = self.controller.request
        for combo, empty, items in (
            (
                self.identity,
                _("— type your details below —"),
                [(i.label(), i.id) for i in self.book.identities],
            ),
            (self.client, _("— none —"), [(c.label(), c.domain) for c in self.book.clients]),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(empty, "")
            for text, data in items:
                combo.addItem(text, data)
            combo.blockSignals(False)
        person = self.book.find(request.requester.email) if request.requester.email else None
        self.identity.setCurrentIndex(max(0, self.identity.findData(person.id if person else "")))
        client = self.book.client(request.domain) if request.domain else None
        self.client.setCurrentIndex(max(0, self.client.findData(client.domain if client else "")))
        # a customer without identities or clients sees none of this (the Settings menu adds
        # them): the step then starts at their name, as it always did
        for widget in (self.client_label, self.client):
            widget.setVisible(bool(self.book.clients))
        for widget in (self.identity_label, self.identity):
            widget.setVisible(bool(self.book.identities))
        self.manage.setVisible(bool(self.book.identities or self.book.clients))

    def first_control(self) -> QWidget | None:
        """The first of the pickers shown, where the step's keyboard focus starts (reading order)."""
        return next((w for w in (self.identity, self.client, self.manage) if not w.isHidden()), None)

    def edit(self) -> None:
        """Open the identities dialog; saved to the database and the keyring off the GUI thread."""
        profile = self.controller.profile
        if self.delivery is None:
            self._open_dialog({})
            return
        store, book = self.controller.store, self.book

        def stored(worker: Any) -> dict[str, Any]:
            from composer.identity_secrets import stored_secrets

            credentials = worker.channels.credentials
            return {i.id: stored_secrets(credentials, store, profile.provider.id, i) for i in book.identities}

        # whether each secret is in the keyring is asked off the GUI thread (D-Bus may be slow)
        self.delivery.run(stored, on_result=self._open_dialog, on_error=lambda _e: self._open_dialog({}))

    def _open_dialog(self, stored: dict[str, Any]) -> None:
        from composer.ui.identities_dialog import IdentitiesDialog

        profile = self.controller.profile
        dialog = IdentitiesDialog(
            self.book,
            provider=profile.provider.name,
            takes_api_key=any(c.key() == "intake" for c in profile.channels),
            stored=stored,
            parent=self.window(),
        )
        if dialog.exec():
            self._save(dialog.book, dialog.secrets, dialog.removed)

    def _save(self, book: IdentityBook, secrets: list[Any], removed: list[Any]) -> None:
        store, profile_id = self.controller.store, self.controller.profile.provider.id
        self.book = book
        self._fill()
        run_task(
            lambda: save_book(store, book), on_result=lambda _r: self.book_changed.emit(), on_error=_ignore
        )
        if self.delivery is None or not (secrets or removed):
            return

        def keep(worker: Any) -> None:
            from composer.identity_secrets import forget_secrets, set_api_key, set_mail_password

            credentials = worker.channels.credentials
            for person in removed:
                forget_secrets(credentials, store, profile_id, person, others=book.identities)
            for typed in secrets:
                if typed.api_key:
                    set_api_key(credentials, profile_id, typed.identity, typed.api_key)
                if typed.mail_password:
                    set_mail_password(credentials, store, profile_id, typed.identity, typed.mail_password)

        self.delivery.run(keep, on_result=_ignore)

    # -- choosing -----------------------------------------------------------

    def _identity_chosen(self, index: int) -> None:
        person = self.book.identity(str(self.identity.itemData(index) or ""))
        if person is None:
            return
        request = self.controller.request
        client = self.book.client(request.domain) if request.domain else None
        # another identity for the same client's domain still files on behalf of its owner
        self._use(apply_client(request, client, person) if client else apply_identity(request, person))

    def _client_chosen(self, index: int) -> None:
        client = next((c for c in self.book.clients if c.domain == self.client.itemData(index)), None)
        if client is not None:
            self._use(apply_client(self.controller.request, client, self.book.filer(client)))

    def _use(self, request: Request) -> None:
        self._last_domain = request.domain
        self.controller.update(requester=request.requester, domain=request.domain)
        self.controller.replaced.emit()  # every step shows the new requester and domain

    def _draft_replaced(self) -> None:
        # a resumed draft or an opened file keeps who filed it
        self._last_domain = self.controller.request.domain
        self._fill()
        self._show_warning()

    def _request_changed(self) -> None:
        request = self.controller.request
        if request.domain != self._last_domain:
            self._last_domain = request.domain
            from composer.identities import pick_for_domain

            picked = pick_for_domain(request, self.book)
            if picked is not None:  # a client's domain typed in step 2: its identity files it
                self._use(picked)
                return
        self._show_warning()

    def _show_warning(self) -> None:
        warning = filing_warning(self.controller.profile, self.controller.request)
        self.warning.setVisible(warning is not None)
        if warning is not None:
            self.warning.setText(f"{warning[0]} {warning[1]}")


def _ignore(_result: object) -> None:
    pass
