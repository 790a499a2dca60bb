"""Settings → Network checks: where the diagnostics look (resolvers, RDAP, WHOIS, timeout).

The same overrides as ``request-composer diagnose`` takes on the command line,
for corporate networks and test beds. They are kept with the app's other
preferences (QSettings), as JSON of :class:`DiagnosticsSettings`.
"""

from __future__ import annotations

import json

from pydantic import ValidationError as PydanticValidationError
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from composer.diagnostics.settings import DEFAULT_PUBLIC_RESOLVERS, DiagnosticsSettings
from composer.i18n import _

__all__ = ["NetworkSettingsDialog", "load_diagnostics_settings", "save_diagnostics_settings"]

_KEY = "diagnostics/settings"


def load_diagnostics_settings() -> DiagnosticsSettings:
    raw = QSettings().value(_KEY, "")
    if raw:
        try:
            return DiagnosticsSettings.model_validate(json.loads(str(raw)))
        except (ValueError, PydanticValidationError):
            pass  # settings from another version: the defaults are safe
    return DiagnosticsSettings()


def save_diagnostics_settings(settings: DiagnosticsSettings) -> None:
    QSettings().setValue(_KEY, settings.model_dump_json(exclude_defaults=True))


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.replace(",", " ").split() if part)


class NetworkSettingsDialog(QDialog):
    def __init__(self, settings: DiagnosticsSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dialog.network_settings")
        self.setWindowTitle(_("Network checks"))
        self.result_settings = settings
        layout = QVBoxLayout(self)
        intro = QLabel(
            _("Leave these empty unless your network needs them (a company network, or a test set-up).")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.resolvers = QLineEdit(" ".join(settings.resolvers))
        self.resolvers.setObjectName("settings.resolvers")
        self.resolvers.setPlaceholderText(_("the system's resolver"))
        form.addRow(_("&Resolvers (IP[:port])"), self.resolvers)
        self.public = QLineEdit(" ".join(settings.public_resolvers))
        self.public.setObjectName("settings.public_resolvers")
        self.public.setPlaceholderText(" ".join(DEFAULT_PUBLIC_RESOLVERS))
        form.addRow(_("&Public resolvers to compare with"), self.public)
        self.rdap = QLineEdit(settings.rdap_bootstrap)
        self.rdap.setObjectName("settings.rdap_bootstrap")
        self.rdap.setPlaceholderText(_("the shipped IANA list"))
        form.addRow(_("RDAP &bootstrap (path or URL)"), self.rdap)
        self.whois = QLineEdit(settings.whois_server)
        self.whois.setObjectName("settings.whois_server")
        self.whois.setPlaceholderText(_("found through whois.iana.org"))
        form.addRow(_("&WHOIS server (host[:port])"), self.whois)
        self.timeout = QDoubleSpinBox()
        self.timeout.setObjectName("settings.timeout")
        self.timeout.setRange(1, 300)
        self.timeout.setSuffix(" s")
        self.timeout.setValue(settings.timeout)
        form.addRow(_("&Time limit per check"), self.timeout)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("settings.error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        defaults = buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        if defaults is not None:
            defaults.clicked.connect(self._defaults)
        layout.addWidget(buttons)

    def _defaults(self) -> None:
        default = DiagnosticsSettings()
        self.resolvers.setText("")
        self.public.setText(" ".join(default.public_resolvers))
        self.rdap.setText("")
        self.whois.setText("")
        self.timeout.setValue(default.timeout)

    def _accept(self) -> None:
        update = {
            "resolvers": _split(self.resolvers.text()),
            "public_resolvers": _split(self.public.text()) or DEFAULT_PUBLIC_RESOLVERS,
            "rdap_bootstrap": self.rdap.text().strip(),
            "whois_server": self.whois.text().strip(),
            "timeout": self.timeout.value(),
        }
        try:
            self.result_settings = DiagnosticsSettings.model_validate(
                {**self.result_settings.model_dump(), **update}
            )
        except PydanticValidationError as exc:
            first = exc.errors()[0]
            self.error.setText(
                _("Check “{field}”: {problem}").format(
                    field=".".join(str(p) for p in first["loc"]), problem=first["msg"]
                )
            )
            return
        self.accept()
