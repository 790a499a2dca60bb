"""Settings → Outgoing mail: the SMTP server requests go through when they are sent by e-mail.

Host, port, encryption and user name are saved with
:func:`~composer.channels.email.save_mail_settings`; the password goes only
to the OS keyring (:class:`~composer.credentials.Credentials`). Without a
keyring the dialog says that the password is kept until the app closes.
Empty settings are pre-filled from the provider profile's mail client
settings. Loading and saving run off the GUI thread.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from composer.channels.email import MailSettings
from composer.errors import ComposerError, ValidationError, describe
from composer.i18n import _
from composer.mail_setup import (
    DEFAULT_PORTS,
    SECURITY_CHOICES,
    SECURITY_LABELS,
    MailSetup,
    check_password,
    profile_outgoing,
    settings_from,
)
from composer.profile import ProviderProfile
from composer.ui.delivery import DeliveryController
from composer.ui.messages import show_error
from composer.ui.qt_translations import follow_language

__all__ = ["MailSettingsDialog", "profile_outgoing"]

Security = Literal["starttls", "tls", "none"]

_SECURITY: list[tuple[Security, str]] = [(value, SECURITY_LABELS[value]) for value in SECURITY_CHOICES]
_DEFAULT_PORTS = DEFAULT_PORTS


def keyring_note(*, session_only: bool) -> str:
    """Where a password the user types is kept, in their words."""
    if session_only:
        return _(
            "There is no keyring on this computer, so the password is kept only until "
            "the app closes; you will be asked again next time."
        )
    return _("The password is kept in your system's keyring, never in a file.")


class MailSettingsDialog(QDialog):
    """Edit the outgoing mail server and its password.

    Args:
        controller: loads and saves (off the GUI thread).
        profile: the provider profile (pre-fill, and the keyring entry's owner).
        parent: the window it belongs to.

    ``saved`` becomes True after a successful save, and ``remembered`` says
    whether the password is in the keyring.
    """

    def __init__(
        self, controller: DeliveryController, profile: ProviderProfile, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.mail_settings")
        self.controller = controller
        self.profile = profile
        self.saved = False
        self.remembered = True
        self.loaded = False
        self._has_password = False
        self._loaded_settings: MailSettings | None = None
        self._session_only = False
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.host = QLineEdit()
        self.host.setObjectName("mail.host")
        self.port = QSpinBox()
        self.port.setObjectName("mail.port")
        self.port.setRange(1, 65535)
        self.port.setValue(587)
        self.security = QComboBox()
        self.security.setObjectName("mail.security")
        for value, _label in _SECURITY:
            self.security.addItem("", value)
        self.security.activated.connect(self._security_chosen)
        self.username = QLineEdit()
        self.username.setObjectName("mail.username")
        self.password = QLineEdit()
        self.password.setObjectName("mail.password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.labels = [QLabel() for _ in range(5)]
        for label, field in zip(
            self.labels, (self.host, self.port, self.security, self.username, self.password), strict=True
        ):
            label.setBuddy(field)
            form.addRow(label, field)
        layout.addLayout(form)
        self.note = QLabel()
        self.note.setObjectName("mail.keyring_note")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.error = QLabel()
        self.error.setObjectName("mail.error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("mail.save")
        self.buttons.setEnabled(False)  # until the saved settings are loaded
        layout.addWidget(self.buttons)
        follow_language(self, self.retranslate)
        self.retranslate()
        self.setMinimumWidth(460)
        controller.load_mail_setup(profile.provider.id, on_result=self._loaded, on_error=self._failed)

    # -- loading ----------------------------------------------------------

    def _loaded(self, setup: MailSetup) -> None:
        if not isValid(self):
            return
        settings = setup.settings
        self._loaded_settings = settings
        self._has_password = setup.has_password
        self._session_only = setup.session_only
        if settings is not None:
            self.host.setText(settings.host)
            self.port.setValue(settings.port)
            self._set_security(settings.security)
            self.username.setText(settings.username)
        else:
            endpoint = profile_outgoing(self.profile)
            if endpoint is not None:
                self.host.setText(endpoint.host)
                self.port.setValue(endpoint.port)
                self._set_security(endpoint.security)
        self.loaded = True
        self.buttons.setEnabled(True)
        self.retranslate()

    def _set_security(self, value: str) -> None:
        index = self.security.findData(value)
        if index >= 0:
            self.security.setCurrentIndex(index)

    def _security_chosen(self, index: int) -> None:
        # a port that was the default of the other choice follows the new choice
        if self.port.value() in _DEFAULT_PORTS.values():
            self.port.setValue(_DEFAULT_PORTS[str(self.security.itemData(index))])

    # -- translation ------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(_("Outgoing mail"))
        self.intro.setText(
            _(
                "When a request is sent by e-mail, it goes through your own mail server, "
                "as if you had written it in your mail program. Use the same settings as there."
            )
        )
        for label, text in zip(
            self.labels,
            (_("Mail &server:"), _("&Port:"), _("&Encryption:"), _("&User name:"), _("Pass&word:")),
            strict=True,
        ):
            label.setText(text)
        for index, (_value, text) in enumerate(_SECURITY):
            self.security.setItemText(index, _(text))
        self.host.setPlaceholderText(_("for example mail.example.com"))
        self.username.setPlaceholderText(_("usually your e-mail address"))
        self.password.setPlaceholderText(_("stored; type only to change it") if self._has_password else "")
        if not self.loaded:
            self.note.setText(_("Loading…"))
        else:
            self.note.setText(keyring_note(session_only=self._session_only))

    # -- saving -----------------------------------------------------------

    def settings(self) -> MailSettings:
        """The settings as typed (raises ValidationError ``mail.host_missing`` or ``mail.invalid``)."""
        return settings_from(
            self.host.text(), self.port.value(), str(self.security.currentData()), self.username.text()
        )

    def _save(self) -> None:
        # the same rules, and the same words, as ``request-composer mail-settings set``
        try:
            settings = self.settings()
        except ValidationError as error:
            self.error.setText(describe(error.code, error.params)[1])
            self.host.setFocus()
            return
        try:
            check_password(
                settings,
                self.password.text(),
                before=self._loaded_settings,
                has_password=self._has_password,
            )
        except ValidationError as error:
            self.error.setText(describe(error.code, error.params)[1])
            self.password.setFocus()
            return
        self.error.clear()
        self.buttons.setEnabled(False)
        self.controller.save_mail_setup(
            self.profile.provider.id,
            settings,
            self.password.text(),
            on_result=self._saved,
            on_error=self._failed,
        )

    def _saved(self, remembered: bool) -> None:
        if not isValid(self):
            return
        self.password.clear()
        self.saved = True
        self.remembered = remembered
        if not remembered and not self._session_only:
            # the keyring failed while saving: say so before closing
            self._session_only = True
            self.retranslate()
            self.buttons.setEnabled(True)
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Ok)
            self.buttons.accepted.disconnect()
            self.buttons.accepted.connect(self.accept)
            return
        self.accept()

    def _failed(self, error: ComposerError) -> None:
        if not isValid(self):
            return
        self.buttons.setEnabled(True)
        show_error(self, error)
