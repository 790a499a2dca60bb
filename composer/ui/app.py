"""Application start: Qt set-up, language, profile, store, the main window, crash handling."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

from composer import __version__, i18n, tlds
from composer.errors import ComposerError
from composer.i18n import _
from composer.profile import ProviderProfile, load_profile
from composer.store import Store, default_data_dir
from composer.ui.accessibility import AccessibleWindows
from composer.ui.brand import apply_branding
from composer.ui.bridge import run_task
from composer.ui.gc_guard import GuiThreadCollector
from composer.ui.main_window import MainWindow
from composer.ui.messages import show_error, show_unexpected
from composer.ui.qt_translations import QtTranslations
from composer.ui.smoke import run_smoke_test
from composer.ui.visibility import FocusRing

if TYPE_CHECKING:
    from composer.diagnostics.settings import DiagnosticsSettings

__all__ = ["create_window", "main"]


def _profile(args: argparse.Namespace) -> tuple[ProviderProfile, ComposerError | None]:
    """The profile named on the command line, else the one chosen last time, else the demo.

    A named profile that cannot be used (missing, broken, not text) does not stop the
    app: the error comes back with the profile opened instead, to be shown in the window.
    """
    failed: ComposerError | None = None
    if getattr(args, "profile", None) is not None:
        try:
            return load_profile(args.profile), None
        except ComposerError as error:
            failed = error
    remembered = str(QSettings().value("profile", "") or "")
    if remembered:
        try:
            return load_profile(Path(remembered)), failed
        except ComposerError as error:
            QSettings().remove("profile")
            if failed is None:
                failed = error
    return load_profile(), failed


def _diagnostics_settings() -> DiagnosticsSettings:
    """The saved network targets of the checks: read when the checks first run, not at start."""
    from composer.ui.settings_dialog import load_diagnostics_settings

    return load_diagnostics_settings()


def create_window(args: argparse.Namespace) -> MainWindow:
    """The main window for the command-line arguments (profile, data folder, bundle)."""
    profile, failed = _profile(args)
    store = Store(getattr(args, "data_dir", None))
    window = MainWindow(profile, store, diagnostics=_diagnostics_settings, build_later=True)
    if failed is not None:
        QTimer.singleShot(0, lambda: report_profile_fallback(window, failed))
    bundle: Path | None = getattr(args, "bundle", None)
    if bundle is not None:
        window.import_bundle(bundle)
    prefill_text: str | None = getattr(args, "prefill_text", None)
    if prefill_text:
        # once the window is up: a refused link says why in a dialog over it
        QTimer.singleShot(0, lambda: window.open_prefill(prefill_text))
    return window


def _open_external(window: MainWindow, text: str) -> None:
    """A link or request file handed over by a later start of the app."""
    window.showNormal()
    window.raise_()
    window.activateWindow()
    if text.lower().endswith(".zip") and not text.lower().startswith(("request-composer:", "https://")):
        window.import_bundle(Path(text))
    else:
        window.open_prefill(text)


def report_profile_fallback(window: MainWindow, error: ComposerError) -> None:
    """The menu's error dialog for the profile, saying which profile the window opened with."""
    note = _("Request Composer opened with the profile of {provider} instead.").format(
        provider=window.controller.profile.provider.name
    )
    window.statusBar().showMessage(note)
    show_error(window, error, note=note)


#: how long after the start the weekly refresh of IANA's list begins: nothing waits for it, and
#: its thread (importing the HTTP client, then fetching) would take turns with the window's start
REFRESH_DELAY_MS = 3000


def _refresh_lists(window: QWidget, cache: Path) -> None:
    """IANA's list of top-level domains: the newer copy from the data folder, refreshed weekly.

    ``REQUEST_COMPOSER_OFFLINE=1`` (the end-to-end tests set it) keeps the app off the network.
    """
    tlds.use_cache_dir(cache)
    if os.environ.get("REQUEST_COMPOSER_OFFLINE") != "1":

        def refresh() -> None:
            run_task(lambda: tlds.refresh(cache), on_result=lambda _new: None, on_error=lambda _error: None)

        QTimer.singleShot(REFRESH_DELAY_MS, window, refresh)


#: how long after the start the window begins to take links and files from later starts: the
#: local socket (Qt's network module, loaded then) is not needed to type the first keys
LISTEN_DELAY_MS = 200


def _listen_for_later_starts(window: MainWindow, data_dir: Path) -> None:
    from composer.ui.single_instance import InstanceServer, instance_name

    instance = InstanceServer(instance_name(data_dir), window)
    instance.received.connect(lambda text: _open_external(window, text))


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
    handed = getattr(args, "prefill_text", None) or getattr(args, "bundle", None)
    data_dir = Path(getattr(args, "data_dir", None) or default_data_dir())
    if handed:
        from composer.ui.single_instance import hand_to_running, instance_name

        text = str(Path(handed).resolve()) if isinstance(handed, Path) else handed
        if hand_to_running(instance_name(data_dir), text):
            return 0  # the running window opens it
    try:
        window = create_window(args)
    except ComposerError as error:
        show_error(None, error)
        return 1
    QTimer.singleShot(LISTEN_DELAY_MS, window, lambda: _listen_for_later_starts(window, data_dir))

    def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        alive = isValid(window)  # the window may be gone already (an error while closing)
        if alive:
            window.controller.flush()
        show_unexpected(window if alive else None, kind, exc, tb)

    sys.excepthook = excepthook
    window.show()
    _refresh_lists(window, window.store.folder / "cache")
    # the provider's update feed, if its profile names one: asked in the background, at most daily
    if window.controller.profile.updates is not None:  # (the module, and packaging, only then)
        from composer.ui.update_notice import start_update_check

        start_update_check(window, window.controller.profile, window.store.folder / "cache")
    if getattr(args, "smoke_test", False):
        return run_smoke_test(app, window)
    if getattr(args, "bundle", None) is None and not getattr(args, "prefill_text", None):
        QTimer.singleShot(0, lambda: window.offer_drafts(on_start=True))
    return app.exec()
