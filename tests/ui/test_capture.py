"""Screen capture on Qt's offscreen platform.

What works offscreen (and is tested here): ``QScreen.grabWindow(0)`` returns the
800x800 virtual screen with the shown top-level widgets composed into it, and
``QScreen.grabWindow(winId)`` returns one window's pixels; ``QWidget.grab``
works everywhere. The Wayland portal cannot be reached in tests (no session
bus), which is exactly the "capture is not possible" path, so that path is tested.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from composer.ui import capture, capture_sources
from composer.ui.capture import DELAY_CHOICES, CaptureController, CaptureMode, CapturePanel
from composer.ui.capture_sources import grab_desktop, grab_widget, grab_window

# Tool windows (the countdown, the region overlay) ask to be raised when shown; the
# offscreen platform cannot do that and says so.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")


def _coloured(qtbot: QtBot, colour: str, rect: QRect) -> QWidget:
    widget = QLabel()
    widget.setWindowFlags(Qt.WindowType.FramelessWindowHint)
    widget.setStyleSheet(f"background: {colour};")
    widget.setGeometry(rect)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    # The offscreen platform has the pixels once the first paint reached the backing store.
    qtbot.waitUntil(lambda: not grab_window(int(widget.winId())).isNull(), timeout=2000)
    return widget


def _colour_at(image: QImage, x: int, y: int) -> str:
    return image.pixelColor(x, y).name()


def test_grab_widget_returns_its_pixels(qtbot: QtBot) -> None:
    widget = _coloured(qtbot, "#ff0000", QRect(10, 10, 120, 80))
    image = grab_widget(widget)
    assert image.size().width() == 120
    assert _colour_at(image, 60, 40) == "#ff0000"


def test_grab_window_by_native_id(qtbot: QtBot) -> None:
    widget = _coloured(qtbot, "#00ff00", QRect(200, 200, 100, 50))
    image = grab_window(int(widget.winId()))
    assert not image.isNull()
    assert (image.width(), image.height()) == (100, 50)
    assert _colour_at(image, 50, 25) == "#00ff00"


def _pattern(width: int = 800, height: int = 800) -> QImage:
    """A picture whose every pixel says where it is: red = x % 256, green = y % 256."""
    # Built from bytes: QImage.setPixelColor in a long loop trips a reference-count
    # bug in PySide6 6.12 ("deallocating None").
    data = bytearray()
    for y in range(height):
        blue_y = y // 256
        for x in range(width):
            data += bytes(((x // 256) * 64 + blue_y, y % 256, x % 256, 255))  # B, G, R, A
    image = QImage(bytes(data), width, height, width * 4, QImage.Format.Format_RGB32)
    return image.copy()


@pytest.fixture()
def known_desktop(monkeypatch: pytest.MonkeyPatch) -> QImage:
    """The offscreen platform's full-screen grab does not follow window visibility
    (hidden windows stay in it), so tests of what the controller does with the
    picture use a known pattern instead."""
    pattern = _pattern()
    monkeypatch.setattr(capture, "grab_desktop", lambda: QImage(pattern))
    return pattern


def test_the_real_desktop_grab_covers_the_screen(qtbot: QtBot) -> None:
    _coloured(qtbot, "#00ff00", QRect(400, 400, 100, 100))
    image = grab_desktop()
    screen = QGuiApplication.primaryScreen().geometry()
    assert (image.width(), image.height()) == (screen.width(), screen.height())


def test_desktop_capture_hides_the_main_window_and_brings_it_back(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = _coloured(qtbot, "#0000ff", QRect(50, 50, 200, 200))
    visible_at_grab: list[bool] = []

    def grab() -> QImage:
        visible_at_grab.append(main.isVisible())
        return _pattern(64, 48)

    monkeypatch.setattr(capture, "grab_desktop", grab)
    controller = CaptureController(main, settle_ms=0)
    with qtbot.waitSignal(controller.captured, timeout=5000) as blocker:
        assert controller.capture(CaptureMode.DESKTOP)
    assert blocker.args[0].size().width() == 64
    assert visible_at_grab == [False]
    assert main.isVisible()
    assert not controller.is_busy()


def test_one_screen_capture(qtbot: QtBot) -> None:
    controller = CaptureController(settle_ms=0)
    with qtbot.waitSignal(controller.captured, timeout=5000) as blocker:
        controller.capture(CaptureMode.SCREEN, screen=QGuiApplication.primaryScreen())
    size = QGuiApplication.primaryScreen().geometry().size()
    assert blocker.args[0].size() == size


def test_window_mode_with_an_id_captures_that_window(qtbot: QtBot) -> None:
    widget = _coloured(qtbot, "#123456", QRect(20, 500, 64, 32))
    controller = CaptureController(settle_ms=0)
    with qtbot.waitSignal(controller.captured, timeout=5000) as blocker:
        controller.capture(CaptureMode.WINDOW, window_id=int(widget.winId()))
    assert blocker.args[0].width() == 64
    assert _colour_at(blocker.args[0], 10, 10) == "#123456"


def test_region_is_dragged_on_the_overlay(qtbot: QtBot, known_desktop: QImage) -> None:
    controller = CaptureController(settle_ms=0)
    controller.capture(CaptureMode.REGION)
    qtbot.waitUntil(lambda: controller.region_selector() is not None, timeout=5000)
    selector = controller.region_selector()
    assert selector is not None
    qtbot.waitExposed(selector)
    with qtbot.waitSignal(controller.captured, timeout=5000) as blocker:
        qtbot.mousePress(selector, Qt.MouseButton.LeftButton, pos=QPoint(120, 110))
        qtbot.mouseMove(selector, QPoint(200, 150))
        qtbot.mouseRelease(selector, Qt.MouseButton.LeftButton, pos=QPoint(220, 160))
    image: QImage = blocker.args[0]
    assert (image.width(), image.height()) == (100, 50)
    assert image.pixelColor(0, 0) == known_desktop.pixelColor(120, 110)
    assert image.pixelColor(99, 49) == known_desktop.pixelColor(219, 159)


def test_region_by_keyboard_and_escape_cancels(qtbot: QtBot, known_desktop: QImage) -> None:
    controller = CaptureController(settle_ms=0)
    controller.capture(CaptureMode.REGION)
    qtbot.waitUntil(lambda: controller.region_selector() is not None, timeout=5000)
    selector = controller.region_selector()
    assert selector is not None
    with qtbot.waitSignal(controller.cancelled, timeout=5000):
        qtbot.keyClick(selector, Qt.Key.Key_Escape)
    assert not controller.is_busy()

    controller.capture(CaptureMode.REGION)
    qtbot.waitUntil(lambda: controller.region_selector() is not None, timeout=5000)
    selector = controller.region_selector()
    assert selector is not None
    selector.set_selection(QRect(0, 0, 40, 30))
    with qtbot.waitSignal(controller.captured, timeout=5000) as blocker:
        qtbot.keyClick(selector, Qt.Key.Key_Right)  # moves the box by 10 px
        qtbot.keyClick(selector, Qt.Key.Key_Return)
    assert blocker.args[0].size().width() == 40
    assert blocker.args[0].pixelColor(0, 0) == known_desktop.pixelColor(10, 0)


def test_delay_counts_down_without_blocking(qtbot: QtBot) -> None:
    main = _coloured(qtbot, "#0000ff", QRect(50, 50, 100, 100))
    controller = CaptureController(main, settle_ms=0)
    seen: list[int] = []
    controller.countdown.connect(seen.append)
    with qtbot.waitSignal(controller.captured, timeout=5000):
        controller.capture(CaptureMode.DESKTOP, delay=1)
        assert not main.isVisible()  # returns at once; the main window is hidden meanwhile
        assert controller.capture(CaptureMode.DESKTOP) is False  # one at a time
    assert seen == [1, 0]
    assert main.isVisible()


def test_cancel_during_the_countdown_brings_the_window_back(qtbot: QtBot) -> None:
    main = _coloured(qtbot, "#0000ff", QRect(50, 50, 100, 100))
    controller = CaptureController(main, settle_ms=0)
    controller.capture(CaptureMode.DESKTOP, delay=10)
    with qtbot.waitSignal(controller.cancelled, timeout=1000):
        controller.cancel()
    assert main.isVisible()
    assert not controller.is_busy()


def test_wayland_without_a_portal_explains_and_offers_a_file(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(capture_sources, "is_wayland", lambda: True)
    reason = capture.capture_unavailable_reason()
    assert "attach the file" in reason
    controller = CaptureController(settle_ms=0)
    with qtbot.waitSignal(controller.failed, timeout=5000) as blocker:
        controller.capture(CaptureMode.DESKTOP)
    assert blocker.args[0] == reason
    panel = CapturePanel(controller)
    qtbot.addWidget(panel)
    assert panel.status.text() == reason
    assert panel.start.isHidden()
    assert not panel.attach.isHidden()


def test_panel_names_translations_and_start(qtbot: QtBot) -> None:
    controller = CaptureController(settle_ms=0)
    panel = CapturePanel(controller)
    qtbot.addWidget(panel)
    names = {w.objectName() for w in panel.findChildren(QWidget)}
    assert {"capture.mode", "capture.delay", "capture.start", "capture.attach_file"} <= names
    assert panel.delay.count() == len(DELAY_CHOICES)
    assert [panel.delay.itemData(i) for i in range(panel.delay.count())] == [0, 3, 5, 10]
    assert panel.start.text() == "Take screensho&t"
    panel.retranslate()
    assert panel.mode.itemText(0) == "Whole screen"
    with qtbot.waitSignal(panel.captured, timeout=5000):
        panel.start.click()
    assert panel.start.isEnabled()
