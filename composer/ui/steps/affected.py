"""Step 2: what the problem is about: the kind of problem, domain, mailbox, device, program."""

from __future__ import annotations

import platform

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from composer.errors import ValidationError
from composer.i18n import N_, _
from composer.model import Request, display_domain, normalise_domain, reduced_from, validate_email
from composer.triage import suggest_category
from composer.ui.controller import DraftController
from composer.ui.steps.base import Step, error_sentence, hint_label, set_combo_text, set_text

DEVICES = (N_("Desktop computer"), N_("Laptop"), N_("Phone"), N_("Tablet"), N_("Web browser only"))
SYSTEMS = ("Windows 11", "Windows 10", "macOS", "iOS", "iPadOS", "Android", "Linux", "ChromeOS")
PROGRAMS = (
    "Outlook",
    "Outlook (new)",
    "Thunderbird",
    "Apple Mail",
    "Gmail app",
    "Webmail",
    "Chrome",
    "Firefox",
    "Safari",
    "Edge",
    "FileZilla",
    "WordPress admin",
    "cPanel",
    "Plesk",
)


def this_device() -> tuple[str, str]:
    """A description of the machine the app runs on, for the common case of "this computer"."""
    system = platform.system()
    if system == "Windows":
        release = platform.release()
        return N_("Desktop computer"), f"Windows {release}".strip()
    if system == "Darwin":
        return N_("Desktop computer"), f"macOS {platform.mac_ver()[0]}".strip()
    if system == "Linux":
        try:
            name = platform.freedesktop_os_release().get("PRETTY_NAME", "Linux")
        except OSError:
            name = "Linux"
        return N_("Desktop computer"), name
    return N_("Desktop computer"), system


def _line_edit(combo: QComboBox) -> QLineEdit:
    edit = combo.lineEdit()
    assert edit is not None, "only editable combo boxes have a line edit"
    return edit


class AffectedStep(Step):
    key = "affected"

    def __init__(self, controller: DraftController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.summary = QLineEdit()
        self.summary.setMaxLength(160)
        self.summary_label = QLabel()
        self.add_row(self.summary_label, self.register("summary", self.summary))
        self.summary.textEdited.connect(lambda text: self.apply(summary=text))

        self.category = QComboBox()
        self.category_label = QLabel()
        self.category_hint = hint_label("hint.category")
        self.add_row(self.category_label, self.register("category", self.category), self.category_hint)
        self.category.currentIndexChanged.connect(self._category_changed)
        self.suggestion = QPushButton()
        self.suggestion.setObjectName("action.use_suggested_category")
        # The row keeps its space while hidden: a suggestion that appears (when the checks
        # finish, say) must not push the fields below it down under the user's pointer.
        policy = self.suggestion.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.suggestion.setSizePolicy(policy)
        self.suggestion.setVisible(False)
        self.suggestion.clicked.connect(self._use_suggestion)
        suggestion_row = QWidget()
        suggestion_layout = QHBoxLayout(suggestion_row)
        suggestion_layout.setContentsMargins(0, 0, 0, 0)
        suggestion_layout.addWidget(self.suggestion)
        suggestion_layout.addStretch(1)
        self.form.addRow("", suggestion_row)
        self._suggested: str | None = None

        self.domain = QLineEdit()
        self.domain_label = QLabel()
        self.domain_hint = hint_label("hint.domain")
        self.add_row(self.domain_label, self.register("domain", self.domain), self.domain_hint)
        self.domain.textEdited.connect(lambda text: self.apply(domain=text.strip()))
        self.domain.editingFinished.connect(self._check_domain)

        self.account = QLineEdit()
        self.account_label = QLabel()
        self.account_hint = hint_label("hint.account")
        self.add_row(self.account_label, self.register("account", self.account), self.account_hint)
        self.account.textEdited.connect(lambda text: self.apply(account=text.strip()))
        self.account.editingFinished.connect(self._check_account)

        device_row = QWidget()
        device_layout = QHBoxLayout(device_row)
        device_layout.setContentsMargins(0, 0, 0, 0)
        self.device = QComboBox()
        self.device.setEditable(True)
        self.device.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.register("device", self.device)
        self.device.editTextChanged.connect(lambda text: self.apply(device=text))
        self.os = QComboBox()
        self.os.setEditable(True)
        self.os.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.os.addItems(["", *SYSTEMS])
        self.register("os", self.os)
        self.os.editTextChanged.connect(lambda text: self.apply(operating_system=text))
        self.this_device = QPushButton()
        self.this_device.setObjectName("action.this_device")
        self.this_device.clicked.connect(self._fill_this_device)
        # The system gets the room it needs ("Debian GNU/Linux 12" was shown as "ın GNU/Linux 12").
        self.os.setMinimumContentsLength(20)
        self.os.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        device_layout.addWidget(self.device, 2)
        device_layout.addWidget(self.os, 3)
        device_layout.addWidget(self.this_device)
        device_row.setFocusProxy(self.device)
        self.device_label = QLabel()
        self.add_row(self.device_label, device_row)
        self.device_label.setBuddy(self.device)

        client_row = QWidget()
        client_layout = QHBoxLayout(client_row)
        client_layout.setContentsMargins(0, 0, 0, 0)
        self.client = QComboBox()
        self.client.setEditable(True)
        self.client.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.client.addItems(["", *PROGRAMS])
        self.register("client", self.client)
        self.client.editTextChanged.connect(lambda text: self.apply(client=text))
        self.client_version = QLineEdit()
        self.register("client_version", self.client_version)
        self.client_version.textEdited.connect(lambda text: self.apply(client_version=text))
        client_layout.addWidget(self.client, 3)
        client_layout.addWidget(self.client_version, 2)
        client_row.setFocusProxy(self.client)
        self.client_label = QLabel()
        self.add_row(self.client_label, client_row)
        self.client_label.setBuddy(self.client)
        self.outer.addStretch(1)

        controller.changed.connect(self._update_suggestion)
        self.fill_categories()
        self.retranslate()

    def fill_categories(self) -> None:
        self.category.clear()
        self.category.addItem("", "")
        for category in self.controller.profile.effective_categories():
            self.category.addItem("", category.id)

    def retranslate(self) -> None:
        self.intro.setText(
            _("Name exactly what does not work. The more precise, the sooner the right person can fix it.")
        )
        self.summary_label.setText(_("In &one line"))
        self.summary.setPlaceholderText(_("e.g. Mail from Gmail senders to sales@ does not arrive"))
        self.category_label.setText(_("&Kind of problem"))
        profile = self.controller.profile
        for index in range(self.category.count()):
            category = profile.category(self.category.itemData(index) or "")
            self.category.setItemText(index, _(category.label) if category else _("Choose…"))
        self.domain_label.setText(_("&Domain"))
        self.domain.setPlaceholderText(_("e.g. example.com"))
        self.device.blockSignals(True)
        current_device = self.device.currentText()
        self.device.clear()
        self.device.addItems(["", *(_(d) for d in DEVICES)])
        self.device.setEditText(current_device)
        self.device.blockSignals(False)
        _line_edit(self.device).setPlaceholderText(_("device"))
        _line_edit(self.os).setPlaceholderText(_("system and version"))
        self.this_device.setText(_("This &computer"))
        self.this_device.setToolTip(_("Fill in the computer this app runs on"))
        self.device_label.setText(_("De&vice"))
        self.client_label.setText(_("&Program"))
        _line_edit(self.client).setPlaceholderText(_("e.g. Outlook, Chrome, FileZilla"))
        self.client_version.setPlaceholderText(_("version, if you know it"))
        self._category_changed_labels()
        self._check_domain()
        self._check_account()
        self._update_suggestion()

    def load(self, request: Request) -> None:
        set_text(self.summary, request.summary)
        self.category.setCurrentIndex(max(0, self.category.findData(request.category)))
        set_text(self.domain, request.domain)
        set_text(self.account, request.account)
        set_combo_text(self.device, request.device)
        set_combo_text(self.os, request.operating_system)
        _line_edit(self.os).setCursorPosition(0)  # the start of a long name, not its end
        set_combo_text(self.client, request.client)
        set_text(self.client_version, request.client_version)
        self._category_changed_labels()
        self._check_domain()
        self._check_account()

    def _category_changed(self) -> None:
        category_id = self.category.currentData() or ""
        category = self.controller.profile.category(category_id)
        changes: dict[str, object] = {"category": category_id}
        if category is not None and not self.loading:
            from composer.model import Urgency

            changes["urgency"] = Urgency(category.urgency)
        self.apply(**changes)
        self._category_changed_labels()

    def _category_changed_labels(self) -> None:
        category = self.controller.profile.category(self.category.currentData() or "")
        self.category_hint.setText(
            _(category.description)
            if category
            else _("Pick the one that fits best; you can change it later.")
        )
        mailbox = category is not None and category.account_is_mailbox
        self.account_label.setText(_("&Mailbox") if mailbox else _("&Account or login"))
        self.account.setPlaceholderText(
            _("e.g. sales@example.com") if mailbox else _("the user name, mailbox or FTP account concerned")
        )

    def _update_suggestion(self) -> None:
        request = self.controller.request
        suggested = suggest_category(request, self.controller.profile)
        category = self.controller.profile.category(suggested or "")
        self._suggested = suggested
        if category is None or suggested == request.category:
            self.suggestion.setVisible(False)
            return
        self.suggestion.setText(_("Sounds like: {category}. Use it").format(category=_(category.label)))
        self.suggestion.setVisible(True)

    def _use_suggestion(self) -> None:
        if self._suggested:
            self.category.setCurrentIndex(max(0, self.category.findData(self._suggested)))

    def _fill_this_device(self) -> None:
        device, system = this_device()
        self.device.setEditText(_(device))
        self.os.setEditText(system)
        _line_edit(self.os).setCursorPosition(0)
        self.apply(device=_(device), operating_system=system)

    def _check_domain(self) -> None:
        text = self.domain.text().strip()
        if not text:
            self.domain_hint.setText(_("Only the domain, without http:// or www."))
            return
        try:
            ascii_name = normalise_domain(text)
        except ValidationError as error:
            self.domain_hint.setText(error_sentence(error))
            return
        shown = display_domain(ascii_name)
        domain = shown if shown == ascii_name else f"{shown} ({ascii_name})"
        if reduced_from(text, ascii_name):
            self.domain_hint.setText(
                _("Only the domain is used: {domain} (the rest of what you typed is left out).").format(
                    domain=domain
                )
            )
        else:
            self.domain_hint.setText(_("Will be checked as {domain}").format(domain=domain))

    def _check_account(self) -> None:
        category = self.controller.profile.category(self.category.currentData() or "")
        text = self.account.text().strip()
        self.account_hint.setText("")
        if text and category is not None and category.account_is_mailbox:
            try:
                validate_email(text, code="account.invalid")
            except ValidationError as error:
                self.account_hint.setText(error_sentence(error))
