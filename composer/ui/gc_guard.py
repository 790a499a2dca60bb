"""Garbage collection only on the GUI thread.

Python's cycle collector runs in whichever thread happens to allocate when a
threshold is crossed: with diagnostics, autosaving and sending on worker
threads, that can be a worker collecting a cycle that holds Qt widgets, whose
C++ objects must only be destroyed on the GUI thread, and the process crashes.
So automatic collection is switched off, and a timer on the GUI thread
collects instead (the approach of calibre and pyqtgraph). Reference counting,
which frees almost everything, is unaffected.

Automatic collection is off from the very start of the app
(:func:`composer.cli.prepare_gui_start`), so the first collection would walk
every object the start made: the modules, the profile, the form's widgets
(50 to 80 ms, landing between the form's build and its first key). Once the
form is built, :func:`set_aside_start` moves all of that out of the
collector's sight (``gc.freeze``, as the Python documentation advises for a
process's long-lived start-up objects); the collections go on walking only
what is made after it.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

__all__ = ["GuiThreadCollector", "set_aside_start"]


class GuiThreadCollector(QObject):
    """Collects cyclic garbage from a GUI-thread timer; create it once on the GUI thread."""

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        """Collect the generations whose allocation count crossed its threshold."""
        first, second, third = gc.get_count()
        if first > self._thresholds[0]:
            generation = 0
            if second > self._thresholds[1]:
                generation = 2 if third > self._thresholds[2] else 1
            gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()


def set_aside_start() -> None:
    """Keep what exists now (the start's modules and the built form) out of every later collection.

    For the app's start, once the form is built: those objects live as long as
    the window, so walking them in each collection would only cost time.
    """
    gc.freeze()
