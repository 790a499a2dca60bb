"""Application start: Qt set-up and language, the window at once, the form in it after its first paint.

The window (:class:`~composer.ui.start_window.StartWindow`) is shown before
the form's modules are imported; once it has painted,
:func:`composer.ui.app_form.open_form` builds the form into it. Nothing this
module imports at its top needs pydantic (``tests/ui/test_startup_imports.py``
checks it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

from composer import __version__, i18n
from composer.ui.accessibility import AccessibleWindows
from composer.ui.brand import apply_branding
from composer.ui.gc_guard import GuiThreadCollector
from composer.ui.messages import show_unexpected
from composer.ui.qt_translations import QtTranslations
from composer.ui.start_window import StartWindow
from composer.ui.visibility import FocusRing

__all__ = ["main"]


def _handed_to_running(args: argparse.Namespace) -> bool:
    """Whether a link or file given on the command line went to the app already running."""
    handed = getattr(args, "prefill_text", None) or getattr(args, "bundle", None)
    if not handed:
        return False
    from composer.store import default_data_dir
    from composer.ui.single_instance import hand_to_running, instance_name

    data_dir = Path(getattr(args, "data_dir", None) or default_data_dir())
    text = str(Path(handed).resolve()) if isinstance(handed, Path) else handed
    return hand_to_running(instance_name(data_dir), text)


def _open_form(app: QApplication, window: StartWindow, args: argparse.Namespace) -> None:
    """After the window's first paint: the core modules of the form, then the form."""
    from composer import commands

    commands.preload_first_window()
    from composer.ui.app_form import open_form

    open_form(app, window, args)


def main(args: argparse.Namespace) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Request Composer")
    app.setOrganizationName("request-composer")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("request-composer")
    apply_branding(app)
    FocusRing.install(app)  # a visible frame on whatever has the keyboard focus
    AccessibleWindows.install(app)  # every dialog's controls named and described as it opens
    GuiThreadCollector(app)  # parented to the application, lives as long as it
    QtTranslations(app)  # Qt's own buttons (OK, Cancel, …) in the app's language, where Qt has it
    if not getattr(args, "language", None):
        saved = QSettings().value("language", "")
        i18n.set_language(str(saved) if saved else None)
    if _handed_to_running(args):
        return 0  # the running window opens it
    window = StartWindow()

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        # the window, or the form in it, may be gone already (an error while closing)
        form = window.form if isValid(window) and window.form is not None and isValid(window.form) else None
        controller = getattr(form, "controller", None)  # the draft is saved first
        if controller is not None:
            controller.flush()
        show_unexpected(form, kind, exc, tb)

    sys.excepthook = excepthook
    window.painted.connect(lambda: _open_form(app, window, args))
    window.show()
    return app.exec()
