"""Where a screenshot's pixels come from: Qt's screen grabs, or the desktop portal on Wayland.

On X11, Windows, macOS (and Qt's ``offscreen`` platform used in tests) the
app reads the screen itself (``QScreen.grabWindow``). On Wayland applications
may not: the XDG desktop portal (``org.freedesktop.portal.Screenshot``, over
QtDBus) asks the user and hands back a file (:class:`PortalScreenshot`).
Without a portal, :func:`capture_unavailable_reason` says so in words.
:class:`~composer.ui.capture.CaptureController` decides which to use.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from PySide6.QtCore import QObject, QRect, Signal, Slot
from PySide6.QtDBus import (
    QDBusConnection,
    QDBusInterface,
    QDBusMessage,
    QDBusPendingCallWatcher,
)
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QPainter,
    QScreen,
)
from PySide6.QtWidgets import (
    QWidget,
)

from composer.i18n import _

__all__ = [
    "PortalScreenshot",
    "bring_to_front",
    "capture_unavailable_reason",
    "grab_desktop",
    "grab_screen",
    "grab_widget",
    "grab_window",
    "is_wayland",
    "unavailable_message",
]


def is_wayland() -> bool:
    """Whether the app runs as a Wayland client (where apps may not read the screen)."""
    return QGuiApplication.platformName().startswith("wayland")


def capture_unavailable_reason() -> str:
    """Why screenshots cannot be taken here, in words for the user; empty when they can."""
    if not is_wayland():
        return ""
    if not QDBusConnection.sessionBus().isConnected():
        return _(
            "Your desktop (Wayland) does not let apps take screenshots themselves, and the "
            "screenshot service of your desktop cannot be reached. Take a screenshot with "
            "your desktop's own tool (often the Print Screen key), then attach the file."
        )
    return ""


def bring_to_front(widget: QWidget) -> None:
    # Qt's test platforms cannot raise windows and warn when asked to.
    if QGuiApplication.platformName() not in {"offscreen", "minimal"}:
        widget.raise_()
        widget.activateWindow()


# -- grabbing -----------------------------------------------------------------------


def grab_screen(screen: QScreen) -> QImage:
    """The picture of one screen, in device pixels; a null image when it cannot be read."""
    return screen.grabWindow(0).toImage()


def grab_desktop() -> QImage:
    """Every screen as one picture, laid out as the screens are arranged."""
    screens = QGuiApplication.screens()
    if not screens:
        return QImage()
    if len(screens) == 1:
        return grab_screen(screens[0])
    virtual = screens[0].virtualGeometry()
    ratio = max(s.devicePixelRatio() for s in screens)
    canvas = QImage(
        round(virtual.width() * ratio), round(virtual.height() * ratio), QImage.Format.Format_RGB32
    )
    canvas.fill(QColor("black"))
    painter = QPainter(canvas)
    for screen in screens:
        shot = grab_screen(screen)
        if shot.isNull():
            continue
        area = screen.geometry().translated(-virtual.topLeft())
        target = QRect(
            round(area.x() * ratio),
            round(area.y() * ratio),
            round(area.width() * ratio),
            round(area.height() * ratio),
        )
        painter.drawImage(target, shot)
    painter.end()
    return canvas


def grab_window(window_id: int, screen: QScreen | None = None) -> QImage:
    """A window by its native id (X11, Windows, macOS); a null image when not allowed."""
    screen = screen or QGuiApplication.primaryScreen()
    return screen.grabWindow(window_id).toImage()


def grab_widget(widget: QWidget) -> QImage:
    """One of the app's own widgets as it is drawn, on any platform (also Wayland)."""
    return widget.grab().toImage()


# -- Wayland: the desktop portal ---------------------------------------------------------

_PORTAL_SERVICE = "org.freedesktop.portal.Desktop"
_PORTAL_PATH = "/org/freedesktop/portal/desktop"
_PORTAL_SCREENSHOT = "org.freedesktop.portal.Screenshot"
_PORTAL_REQUEST = "org.freedesktop.portal.Request"


class PortalScreenshot(QObject):
    """One screenshot through ``org.freedesktop.portal.Screenshot``.

    The portal answers twice: the method call returns a request handle at once,
    and the picture arrives later in that request's ``Response`` signal. The
    handle's path is predictable from ``handle_token``, so the signal is
    subscribed to before the call, as the portal documentation advises.
    """

    finished = Signal(QImage)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bus = QDBusConnection.sessionBus()
        self._request_path = ""
        self._watcher: QDBusPendingCallWatcher | None = None

    def request(self, *, interactive: bool = True) -> None:
        """Ask the portal for a screenshot; ``interactive`` lets the user choose what."""
        if not self._bus.isConnected():
            self.failed.emit(capture_unavailable_reason() or unavailable_message())
            return
        token = "request_composer_" + secrets.token_hex(6)
        sender = self._bus.baseService().lstrip(":").replace(".", "_")
        self._request_path = f"{_PORTAL_PATH}/request/{sender}/{token}"
        self._bus.connect(*self._response_signal())
        portal = QDBusInterface(_PORTAL_SERVICE, _PORTAL_PATH, _PORTAL_SCREENSHOT, self._bus)
        call = portal.asyncCallWithArgumentList(
            "Screenshot", ["", {"handle_token": token, "interactive": interactive}]
        )
        self._watcher = QDBusPendingCallWatcher(call, self)
        self._watcher.finished.connect(self._on_called)

    def _on_called(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is None:
            return
        reply = watcher.reply()
        watcher.deleteLater()
        if reply.type() == QDBusMessage.MessageType.ErrorMessage:
            self._disconnect()
            self.failed.emit(unavailable_message(reply.errorMessage()))

    @Slot("uint", "QVariantMap")
    def _on_response(self, response: int, results: dict[str, Any]) -> None:
        self._disconnect()
        if response == 1:
            self.cancelled.emit()
            return
        uri = str(results.get("uri", ""))
        path = Path(unquote(urlparse(uri).path)) if uri else None
        image = QImage(str(path)) if path else QImage()
        if response != 0 or image.isNull():
            self.failed.emit(unavailable_message())
            return
        self.finished.emit(image)

    def _response_signal(self) -> tuple[str, str, str, str, QObject, bytes]:
        """The portal's ``Response`` signal for the pending request, and the slot that takes it."""
        return ("", self._request_path, _PORTAL_REQUEST, "Response", self, b"1_on_response(uint,QVariantMap)")

    def _disconnect(self) -> None:
        if self._request_path:
            self._bus.disconnect(*self._response_signal())
            self._request_path = ""


def unavailable_message(details: str = "") -> str:
    """Why the screenshot failed, what to do instead, and the technical ``details`` if any."""
    message = _(
        "The screenshot could not be taken. Take one with your desktop's own tool (often "
        "the Print Screen key), then attach the file."
    )
    return f"{message} ({details})" if details else message
