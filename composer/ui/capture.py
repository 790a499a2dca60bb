"""Taking a screenshot for the request: a screen, every screen, a window, or a region.

:class:`CaptureController` does the work and reports through signals: it hides
the app's main window, waits for the chosen delay with a visible countdown
(``QTimer``; the GUI thread never sleeps), grabs, shows the main window again and
emits :attr:`CaptureController.captured` with a ``QImage``, or ``failed`` with a
sentence for the user, or ``cancelled``.

How the pixels are obtained depends on the platform:

* X11, Windows, macOS (and Qt's ``offscreen`` platform used in tests):
  ``QScreen.grabWindow``. A region is chosen on a full-screen overlay that shows
  the frozen screenshot, dimmed outside the selection.
* Wayland: applications may not read the screen. The XDG desktop portal
  (``org.freedesktop.portal.Screenshot``, called over QtDBus) asks the user and
  hands back a file; the desktop's own dialog lets the user pick the screen,
  window or region. Without a portal (no session bus, old desktop) capture is not
  possible: :func:`capture_unavailable_reason` says so in words, and the UI offers
  to attach a screenshot file instead.

Where the pixels come from is :mod:`composer.ui.capture_sources`, the region
overlay :mod:`composer.ui.region_selector`. :class:`CapturePanel` is a
ready-made row of controls (what, delay, capture, attach a file) for the
Evidence step.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QScreen,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from composer.i18n import N_, _
from composer.ui import capture_sources
from composer.ui.capture_sources import (
    PortalScreenshot,
    bring_to_front,
    capture_unavailable_reason,
    grab_desktop,
    grab_screen,
    grab_window,
    unavailable_message,
)
from composer.ui.region_selector import RegionSelector

__all__ = [
    "DELAY_CHOICES",
    "CaptureController",
    "CaptureMode",
    "CapturePanel",
]

DELAY_CHOICES: tuple[int, ...] = (0, 3, 5, 10)
# Time for the window manager to take our hidden window off the screen before grabbing.
SETTLE_MS = 300


class CaptureMode(StrEnum):
    """What to capture."""

    DESKTOP = "desktop"  # every screen, as one picture
    SCREEN = "screen"  # one screen of several
    WINDOW = "window"  # one window, by its native id
    REGION = "region"  # a rectangle the user drags


_MODE_LABELS = {
    CaptureMode.DESKTOP: N_("Whole screen"),
    CaptureMode.SCREEN: N_("One screen"),
    CaptureMode.WINDOW: N_("A window"),
    CaptureMode.REGION: N_("An area I select"),
}


# -- the controller ------------------------------------------------------------------------


class CaptureController(QObject):
    """Hides the app, counts down, captures, comes back, and reports by signal.

    Args:
        window: The app's main window, hidden during the capture so that it is not in
            the picture, and shown again afterwards. ``None`` hides nothing.
        hide_app: Hide every window of the app (the main window, open dialogs, tool
            windows), not only ``window``, and show each again afterwards: also after
            a failure, an error while grabbing, or a cancelled region.
        settle_ms: How long to wait after hiding before grabbing, so that the window
            manager has taken the window off the screen.
    """

    captured = Signal(QImage)
    failed = Signal(str)
    cancelled = Signal()
    countdown = Signal(int)  # seconds left; 0 just before the grab
    busy_changed = Signal(bool)

    def __init__(
        self,
        window: QWidget | None = None,
        parent: QObject | None = None,
        *,
        hide_app: bool = False,
        settle_ms: int = SETTLE_MS,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self._hide_app = hide_app
        self._settle_ms = settle_ms
        self._hidden: list[QWidget] = []
        self._busy = False
        self._mode = CaptureMode.DESKTOP
        self._screen_name: str | None = None
        self._window_id = 0
        self._left = 0
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.timeout.connect(self._grab)
        self._badge = QLabel()
        self._badge.setObjectName("capture.countdown")
        self._badge.setWindowFlags(Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self._badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._badge.setStyleSheet(
            "QLabel { background: #202020; color: white; padding: 12px; font-size: 20pt; }"
        )
        self._selector: RegionSelector | None = None
        self._portal: PortalScreenshot | None = None
        self.destroyed.connect(self._badge.deleteLater)

    def is_busy(self) -> bool:
        """Whether a capture is under way (a second one is refused until it ends)."""
        return self._busy

    def capture(
        self,
        mode: CaptureMode = CaptureMode.DESKTOP,
        *,
        delay: int = 0,
        screen: QScreen | None = None,
        window_id: int = 0,
    ) -> bool:
        """Start a capture; the result arrives through the signals.

        Args:
            mode: What to capture. On Wayland the desktop's own dialog lets the user
                choose, whatever the mode.
            delay: Seconds to wait first (to open a menu, for instance), shown as a
                countdown.
            screen: For ``SCREEN``, which one (default: the one the main window is on).
            window_id: For ``WINDOW``, the native id of the window; without one the
                user selects the window's area as a region.

        Returns:
            False when a capture is already under way.
        """
        if self._busy:
            return False
        self._set_busy(True)
        self._mode = mode
        # Remembered by name and looked up again when grabbing: a screen may be unplugged
        # during the countdown, and its QScreen deleted with it.
        to_hide = self._windows_to_hide()
        anchor = self._window or next(iter(to_hide), None)
        chosen = screen or (anchor.screen() if anchor is not None else None)
        self._screen_name = chosen.name() if chosen is not None else None
        self._window_id = window_id
        self._hidden = to_hide
        for widget in to_hide:
            widget.hide()
        self._left = max(0, int(delay))
        if self._left:
            self._show_badge()
            self._tick.start()
        else:
            self._settle.start(self._settle_ms)
        return True

    def _windows_to_hide(self) -> list[QWidget]:
        """The app's visible windows (the main window last, so it is raised last on return)."""
        candidates: list[QWidget] = []
        if self._hide_app:
            candidates = [w for w in QApplication.topLevelWidgets() if w.isWindow()]
        if self._window is not None:
            candidates.append(self._window.window())
        own = {self._badge}
        seen: list[QWidget] = []
        for widget in candidates:
            if widget.isVisible() and widget not in own and widget not in seen:
                seen.append(widget)
        main = [w for w in seen if isinstance(w, QMainWindow)]
        return [w for w in seen if w not in main] + main

    def cancel(self) -> None:
        """Stop a countdown or a region selection; emits ``cancelled``."""
        if not self._busy:
            return
        self._tick.stop()
        self._settle.stop()
        if self._selector is not None:
            self._selector.hide()
        self._finish()
        self.cancelled.emit()

    def _show_badge(self) -> None:
        self._badge.setText(str(self._left))
        self._badge.setAccessibleName(_("Screenshot in {seconds} s").format(seconds=self._left))
        screen = self._chosen_screen()
        self._badge.adjustSize()
        area = screen.availableGeometry()
        self._badge.move(area.right() - self._badge.width() - 24, area.top() + 24)
        self._badge.show()
        self.countdown.emit(self._left)

    def _on_tick(self) -> None:
        self._left -= 1
        if self._left > 0:
            self._show_badge()
            return
        self._tick.stop()
        self._badge.hide()
        self.countdown.emit(0)
        self._settle.start(self._settle_ms)

    def _chosen_screen(self) -> QScreen:
        for screen in QGuiApplication.screens():
            if self._screen_name is not None and screen.name() == self._screen_name:
                return screen
        return QGuiApplication.primaryScreen()

    def _grab(self) -> None:
        try:
            self._grab_now()
        except Exception as error:  # the windows must come back whatever went wrong
            self._fail(unavailable_message(str(error)))

    def _grab_now(self) -> None:
        if capture_sources.is_wayland():  # (looked up there: where the platform is known)
            self._grab_through_portal()
            return
        if self._mode == CaptureMode.SCREEN:
            image = grab_screen(self._chosen_screen())
        elif self._mode == CaptureMode.WINDOW and self._window_id:
            image = grab_window(self._window_id, self._chosen_screen())
        else:
            image = grab_desktop()
        if image.isNull():
            self._fail(unavailable_message())
        elif self._mode == CaptureMode.REGION or (self._mode == CaptureMode.WINDOW and not self._window_id):
            self._select_region(image)
        else:
            self._succeed(image)

    def _select_region(self, image: QImage) -> None:
        selector = RegionSelector(image)
        self._selector = selector
        selector.selected.connect(lambda rect: self._succeed(image.copy(rect)))
        selector.cancelled.connect(self.cancel)
        selector.show_over_desktop()

    def region_selector(self) -> RegionSelector | None:
        """The overlay while the user selects a region (for tests and accessibility tools)."""
        return self._selector

    def _grab_through_portal(self) -> None:
        reason = capture_unavailable_reason()
        if reason:
            self._fail(reason)
            return
        self._portal = PortalScreenshot(self)
        self._portal.finished.connect(self._succeed)
        self._portal.failed.connect(self._fail)
        self._portal.cancelled.connect(self.cancel)
        self._portal.request(interactive=self._mode != CaptureMode.DESKTOP)

    def _succeed(self, image: QImage) -> None:
        self._finish()
        self.captured.emit(image)

    def _fail(self, message: str) -> None:
        self._finish()
        self.failed.emit(message)

    def _finish(self) -> None:
        self._badge.hide()
        if self._selector is not None:
            self._selector.deleteLater()
            self._selector = None
        if self._portal is not None:
            self._portal.deleteLater()
            self._portal = None
        hidden, self._hidden = self._hidden, []
        for widget in reversed(hidden):  # the main window first, its dialogs on top of it
            if not Shiboken.isValid(widget):
                continue  # closed and deleted meanwhile (a dialog's own timer, say)
            widget.show()
            bring_to_front(widget)
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy_changed.emit(busy)


_W = TypeVar("_W", bound=QWidget)


def _named(widget: _W, name: str) -> _W:
    widget.setObjectName(name)
    return widget


# -- the panel for the Evidence step -----------------------------------------------------------


class CapturePanel(QWidget):
    """What to capture, the delay, a Capture button, and "Attach a screenshot file…".

    Emits :attr:`captured` with the picture, or :attr:`file_chosen` with the path of
    a picture the user picked instead. When capture is not possible here (Wayland
    without a portal), the panel says why and keeps only the file button.
    """

    captured = Signal(QImage)
    file_chosen = Signal(str)
    failed = Signal(str)

    def __init__(self, controller: CaptureController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("capture.panel")
        self.controller = controller
        self.mode = _named(QComboBox(), "capture.mode")
        for mode in CaptureMode:
            self.mode.addItem("", mode.value)
        self.delay = _named(QComboBox(), "capture.delay")
        for seconds in DELAY_CHOICES:
            self.delay.addItem("", seconds)
        self.start = _named(QPushButton(), "capture.start")
        self.attach = _named(QPushButton(), "capture.attach_file")
        self.status = _named(QLabel(), "capture.status")
        self.status.setWordWrap(True)
        self.mode_label = QLabel()
        self.mode_label.setBuddy(self.mode)
        self.delay_label = QLabel()
        self.delay_label.setBuddy(self.delay)
        # two rows, what and when above, the buttons below: one row was wider than the
        # page at 125 % and 150 % fonts, which then scrolled sideways
        choices = QHBoxLayout()
        for widget in (self.mode_label, self.mode, self.delay_label, self.delay):
            choices.addWidget(widget)
        choices.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.start)
        actions.addWidget(self.attach)
        actions.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(choices)
        layout.addLayout(actions)
        self.start.clicked.connect(self._start)
        self.attach.clicked.connect(self._choose_file)
        controller.captured.connect(self.captured)
        controller.failed.connect(self._on_failed)
        controller.countdown.connect(self._on_countdown)
        controller.busy_changed.connect(self._on_busy)
        self.retranslate()

    def retranslate(self) -> None:
        self.mode_label.setText(_("&Capture:"))
        for index, mode in enumerate(CaptureMode):
            self.mode.setItemText(index, _(_MODE_LABELS[mode]))
        self.delay_label.setText(_("&Delay:"))
        for index, seconds in enumerate(DELAY_CHOICES):
            self.delay.setItemText(
                index, _("No delay") if not seconds else _("{seconds} s").format(seconds=seconds)
            )
        self.start.setText(_("Take screensho&t"))
        self.start.setToolTip(_("The window hides while the screenshot is taken and comes back afterwards."))
        self.attach.setText(_("Attach a screenshot f&ile…"))
        reason = capture_unavailable_reason()
        for widget in (self.mode, self.delay, self.start, self.mode_label, self.delay_label):
            widget.setVisible(not reason)
        self.status.setText(reason)

    def _start(self) -> None:
        mode = CaptureMode(self.mode.currentData())
        self.controller.capture(mode, delay=int(self.delay.currentData()))

    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Attach a screenshot"),
            str(Path.home()),
            _("Images (*.png *.jpg *.jpeg *.webp *.bmp *.gif)"),
        )
        if path:
            self.file_chosen.emit(path)

    def _on_countdown(self, seconds: int) -> None:
        self.status.setText(_("Screenshot in {seconds} s…").format(seconds=seconds) if seconds else "")

    def _on_busy(self, busy: bool) -> None:
        self.start.setEnabled(not busy)

    def _on_failed(self, message: str) -> None:
        self.status.setText(message)
        self.failed.emit(message)
