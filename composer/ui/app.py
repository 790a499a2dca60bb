"""Application start: Qt set-up and language, the window at once, the form in it after its first paint.

The window (:class:`~composer.ui.start_window.StartWindow`, with the first
step to type in) is shown before the form's modules are imported. Once it has
painted, those are imported one per turn of the event loop
(:data:`PYDANTIC_PARTS`, the core's, :data:`FORM_UI`), and then
:func:`composer.ui.app_form.opening_form` builds the form into it in a few
more turns: between two turns the window takes the keys typed meanwhile and
paints them, so the user types on while the form loads. Nothing this
module imports at its top needs pydantic (``tests/ui/test_startup_imports.py``
checks it).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings, QTimer
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

__all__ = ["FORM_UI", "PYDANTIC_PARTS", "main"]

#: What the form needs, in the order it is imported after the first paint: pydantic's parts
#: first, as the request model would import them (each a turn of the event loop of its own,
#: instead of one long stretch for the whole package; a name that a version of pydantic does
#: not have is skipped: the order only divides the work), then the core modules
#: (:data:`composer.commands.FIRST_WINDOW_CORE`), the channels' settings, the form's own.
PYDANTIC_PARTS = (
    "typing_extensions",
    "pydantic_core.core_schema",
    "pydantic_core",
    "pydantic.errors",
    "pydantic",
    "pydantic._internal._decorators",
    "uuid",
    "zoneinfo",
    "pydantic.functional_validators",
    "pydantic.json_schema",
    "pydantic._internal._generate_schema",
    "pydantic._internal._model_construction",
    "annotated_types",
    "pydantic.types",
    "pydantic.fields",
    "pydantic.main",
    "email.message",
    "importlib.metadata",
    "pydantic.plugin._loader",
)
FORM_UI = (
    "composer.ui.controller",
    "composer.ui.identity_picker",
    "composer.ui.scrub_dialog",
    "composer.ui.delivery",
    "composer.ui.credential_prompt",
    "composer.ui.sending",
    "composer.ui.window_requests",
    "composer.ui.main_window",
    "composer.ui.app_form",
)


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


def _import_part(name: str) -> None:
    """One of :data:`PYDANTIC_PARTS`; one that the installed version does not have is skipped."""
    with contextlib.suppress(ModuleNotFoundError):
        importlib.import_module(name)


def _open_form(app: QApplication, window: StartWindow, args: argparse.Namespace) -> None:
    """After the window's first paint: the form's modules, a turn of the event loop each, then the form."""
    _in_turns(_loading(app, window, args), window)


def _loading(app: QApplication, window: StartWindow, args: argparse.Namespace) -> Iterator[None]:
    """The steps of loading the form: each ends at a ``yield``, where the event loop takes a turn."""
    from composer import commands

    for name in PYDANTIC_PARTS:
        _import_part(name)
        yield
    for name in commands.FIRST_WINDOW_CORE:
        importlib.import_module(name)
        yield
    commands.load_channel_settings()
    yield
    for name in FORM_UI:
        importlib.import_module(name)
        yield
    from composer.ui.app_form import opening_form

    yield from opening_form(app, window, args)


def _in_turns(steps: Iterator[None], window: StartWindow) -> None:
    """Run ``steps`` up to its next ``yield`` now, and on from there in a later turn of the event loop.

    Between two steps the window takes the keys typed meanwhile and paints them;
    closed meanwhile, it loads nothing more.
    """
    if window.isHidden() or next(steps, StopIteration) is StopIteration:
        return
    QTimer.singleShot(0, window, lambda: _in_turns(steps, window))


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
