"""The one way background work reports to the GUI thread.

Core code calls plain Python callbacks from whatever thread it runs on;
:class:`Bridge` turns them into Qt signals, which Qt delivers on the GUI
thread (queued connections). :func:`run_task` runs a function on the
thread pool and hands its result or its error back on the GUI thread, in one
place, like Picard's ``run_task``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from shiboken6 import isValid

__all__ = ["Bridge", "run_task"]


class Bridge(QObject):
    """Signals that carry core callbacks onto the GUI thread."""

    call = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.call.connect(self._deliver)

    def wrap(self, callback: Callable[..., Any]) -> Callable[..., None]:
        """A thread-safe stand-in for ``callback`` that runs it on the GUI thread."""

        def relay(*args: Any) -> None:
            if isValid(self):  # a late report for a window that is gone is dropped
                self.call.emit(callback, args)

        return relay

    @staticmethod
    def _deliver(callback: Callable[..., Any], args: tuple[Any, ...]) -> None:
        callback(*args)


class _Task(QRunnable):
    def __init__(
        self,
        bridge: Bridge,
        function: Callable[[], Any],
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        super().__init__()
        self._bridge = bridge
        self._function = function
        self._on_result = bridge.wrap(on_result)
        self._on_error = bridge.wrap(on_error)

    def run(self) -> None:
        try:
            result = self._function()
        except Exception as exc:
            self._on_error(exc)
        else:
            self._on_result(result)


_bridge: Bridge | None = None


def run_task(
    function: Callable[[], Any],
    *,
    on_result: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
) -> None:
    """Run ``function`` on the thread pool; its result or error arrives on the GUI thread."""
    global _bridge
    if _bridge is None:
        _bridge = Bridge()
    QThreadPool.globalInstance().start(_Task(_bridge, function, on_result, on_error))
