"""``--smoke-test``: prove an installation starts, by showing its real main window.

Installers are checked by starting the installed app (offscreen in CI) with
``--smoke-test``: the normal start runs (profile, store, main window), and as
soon as the window is exposed on the screen the app prints
``request-composer: main window shown: <window title>`` and quits with 0
(the title names the provider, so a branded build shows its profile). If the window is
not exposed within the time limit it prints why and quits with 1. Nothing is
offered or sent; the benchmark of start-up times reads the same line.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

__all__ = ["SHOWN_LINE", "run_smoke_test", "start_smoke_test"]

SHOWN_LINE = "request-composer: main window shown"
TIME_LIMIT = 30.0
POLL_MS = 5


def start_smoke_test(app: QApplication, window: QMainWindow) -> None:
    """From the running event loop: end it with 0 once ``window`` is exposed, 1 after the time limit."""
    deadline = time.monotonic() + TIME_LIMIT

    def poll() -> None:
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            print(f"{SHOWN_LINE}: {window.windowTitle()}", flush=True)
            finish(0)
        elif time.monotonic() > deadline:
            print(f"request-composer: main window not shown after {TIME_LIMIT:.0f} s", file=sys.stderr)
            finish(1)

    def finish(code: int) -> None:
        timer.stop()  # once: a later exit() would end whatever event loop runs then
        timer.deleteLater()
        app.exit(code)

    timer = QTimer(window)
    timer.timeout.connect(poll)
    timer.start(POLL_MS)


def run_smoke_test(app: QApplication, window: QMainWindow) -> int:
    """Run the event loop until ``window`` is exposed (0) or the time limit passes (1)."""
    start_smoke_test(app, window)
    return app.exec()
