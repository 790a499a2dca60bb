"""Taking a screenshot from the Evidence step hides every window of the app, in every mode.

The real main window is used (the defect: only the step page hid, so the whole
app stayed in a whole-screen shot), with a dialog of its own open as well.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from composer.ui import capture
from composer.ui.capture import CaptureMode
from composer.ui.main_window import MainWindow
from composer.ui.steps.evidence import EvidenceStep

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")


def _app_windows() -> list[QWidget]:
    return [
        w for w in QApplication.topLevelWidgets() if w.isVisible() and w.objectName() != "capture.countdown"
    ]


def _evidence(window: MainWindow) -> EvidenceStep:
    step = window.steps[4]
    assert isinstance(step, EvidenceStep)
    window.go(4)
    step.capture._settle_ms = 0
    step.capture_panel.captured.disconnect()  # no picture editor in these tests
    return step


@pytest.fixture()
def dialog(qtbot: QtBot, window: MainWindow) -> Iterator[QDialog]:
    other = QDialog(window)
    other.setObjectName("dialog.some_other")
    other.show()
    qtbot.waitExposed(other)
    yield other
    other.close()


@pytest.mark.parametrize(
    "mode", [CaptureMode.DESKTOP, CaptureMode.SCREEN, CaptureMode.WINDOW, CaptureMode.REGION]
)
def test_every_mode_hides_the_main_window_and_its_dialogs_and_brings_them_back(
    qtbot: QtBot, window: MainWindow, dialog: QDialog, monkeypatch: pytest.MonkeyPatch, mode: CaptureMode
) -> None:
    step = _evidence(window)
    seen_at_grab: list[list[QWidget]] = []

    def grab(*_args: object) -> QImage:
        seen_at_grab.append(_app_windows())
        image = QImage(64, 48, QImage.Format.Format_RGB32)
        image.fill(0x336699)
        return image

    for name in ("grab_desktop", "grab_screen", "grab_window"):
        monkeypatch.setattr(capture, name, grab)
    controller = step.capture
    if mode is CaptureMode.REGION:
        controller.capture(mode)
        qtbot.waitUntil(lambda: controller.region_selector() is not None, timeout=5000)
        assert window not in _app_windows() and dialog not in _app_windows()
        with qtbot.waitSignal(controller.cancelled, timeout=5000):
            controller.cancel()  # a cancelled region brings the app back too
    else:
        with qtbot.waitSignal(controller.captured, timeout=5000):
            assert controller.capture(
                mode, window_id=int(window.winId()) if mode is CaptureMode.WINDOW else 0
            )
        assert seen_at_grab == [[]]
    qtbot.waitUntil(lambda: window.isVisible() and dialog.isVisible(), timeout=3000)


def test_a_failing_grab_brings_every_window_back(
    qtbot: QtBot, window: MainWindow, dialog: QDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    step = _evidence(window)

    def broken() -> QImage:
        raise OSError("no display")

    monkeypatch.setattr(capture, "grab_desktop", broken)
    with qtbot.waitSignal(step.capture.failed, timeout=5000):
        step.capture.capture(CaptureMode.DESKTOP)
    assert window.isVisible() and dialog.isVisible()
    assert not step.capture.is_busy()
