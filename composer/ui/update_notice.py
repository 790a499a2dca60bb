"""The window's side of the update check: ask in the background, then say so in the status bar.

:func:`start_update_check` runs :func:`composer.updates.check_for_update`
on the thread pool a few seconds after the window opened (only when the
profile names a feed), so neither the start nor the GUI thread waits for
the network. A newer version shows :class:`UpdateBanner` in the status bar:
the running and the new version, the notes, and a link to the provider's
download page, opened in the browser. Nothing is downloaded or installed;
the user may dismiss the notice. A screen reader is told (an alert).
"""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMainWindow, QStyle, QToolButton, QWidget

from composer.i18n import _
from composer.profile import ProviderProfile
from composer.ui.accessibility import describe_controls
from composer.ui.bridge import run_task
from composer.ui.qt_translations import follow_language
from composer.updates import UpdateNotice, check_for_update

__all__ = ["CHECK_DELAY_MS", "UpdateBanner", "start_update_check"]

log = logging.getLogger(__name__)

#: how long after the window opened the feed is asked (the start comes first)
CHECK_DELAY_MS = 3000


class UpdateBanner(QFrame):
    """ "Version X is available" with the provider's download page, in the status bar."""

    def __init__(self, provider: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("update.notice")
        self.provider = provider
        self.notice: UpdateNotice | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(16, 16)
        )
        layout.addWidget(icon)
        self.text = QLabel()
        self.text.setObjectName("update.text")
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.text)
        self.link = QLabel()
        self.link.setObjectName("update.link")
        self.link.setTextFormat(Qt.TextFormat.RichText)
        self.link.setOpenExternalLinks(True)  # the browser opens the page; the app fetches nothing
        self.link.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        layout.addWidget(self.link)
        self.dismiss = QToolButton()
        self.dismiss.setObjectName("update.dismiss")
        self.dismiss.setAutoRaise(True)
        self.dismiss.clicked.connect(self.hide)
        layout.addWidget(self.dismiss)
        self.hide()
        follow_language(self, self.retranslate)

    def show_notice(self, notice: UpdateNotice) -> None:
        self.notice = notice
        self.retranslate()
        self.show()
        if QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleEvent(self, QAccessible.Event.Alert))

    def retranslate(self) -> None:
        self.dismiss.setText(_("Dismiss"))
        self.dismiss.setToolTip(_("Hide this notice until the next start"))
        notice = self.notice
        if notice is None:
            return
        self.text.setText(
            _("Version {version} of Request Composer is available (you have {current}).").format(
                version=notice.version, current=notice.current
            )
        )
        self.link.setText(
            '<a href="{url}">{label}</a>'.format(
                url=_attribute(notice.download_page),
                label=_escape(_("Download it from {provider}").format(provider=self.provider)),
            )
        )
        notes = notice.notes or _("The provider's page says what is new.")
        self.setToolTip(notes)
        self.text.setToolTip(notes)
        self.setAccessibleName(_("A newer version is available"))
        self.setAccessibleDescription(f"{self.text.text()} {notes}")
        self.link.setAccessibleName(_("Download it from {provider}").format(provider=self.provider))
        self.link.setAccessibleDescription(notice.download_page)
        describe_controls(self)


def start_update_check(
    window: QMainWindow,
    profile: ProviderProfile,
    state_dir: Path,
    *,
    delay_ms: int = CHECK_DELAY_MS,
    ssl_context: ssl.SSLContext | None = None,
) -> UpdateBanner | None:
    """Ask the profile's feed (if it names one) after ``delay_ms``; a newer version shows the banner."""
    if profile.updates is None:
        return None
    url = profile.updates.url
    banner = UpdateBanner(profile.provider.name)
    window.statusBar().addPermanentWidget(banner)

    def check() -> UpdateNotice | None:
        return check_for_update(url, state_dir, ssl_context=ssl_context)

    def done(notice: UpdateNotice | None) -> None:
        if notice is not None:
            banner.show_notice(notice)

    def failed(error: BaseException) -> None:
        log.warning("update check failed: %s", type(error).__name__)

    QTimer.singleShot(delay_ms, banner, lambda: run_task(check, on_result=done, on_error=failed))
    return banner


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(text: str) -> str:
    return _escape(text).replace('"', "&quot;")
