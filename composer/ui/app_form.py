"""The form in the app's window: profile, store, the main window, and what starts with them.

Imported once the app's window has painted (:mod:`composer.ui.app`): this
module, and through it the request model, the profile and pydantic, are what
the first paint does not wait for.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from composer import tlds
from composer.errors import ComposerError
from composer.i18n import _
from composer.model import Request
from composer.profile import ProviderProfile, load_profile
from composer.quality import assess
from composer.store import Store
from composer.ui.bridge import run_task
from composer.ui.gc_guard import set_aside_start
from composer.ui.main_window import MainWindow
from composer.ui.messages import show_error
from composer.ui.smoke import start_smoke_test
from composer.ui.start_window import StartWindow

if TYPE_CHECKING:
    from composer.diagnostics.settings import DiagnosticsSettings
    from composer.ui.steps.who import WhoStep

__all__ = ["LISTEN_DELAY_MS", "REFRESH_DELAY_MS", "create_window", "open_form", "opening_form"]

#: how long after the start the window begins to take links and files from later starts: the
#: local socket (Qt's network module, loaded then) is not needed to type the first keys
LISTEN_DELAY_MS = 200


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


def create_window(args: argparse.Namespace, *, shown_who: WhoStep | None = None) -> MainWindow:
    """The main window for the command-line arguments (profile, data folder, bundle).

    ``shown_who``: the first step the app's window shows before the form, with
    what the user typed in it (:meth:`StartWindow.take_who`).
    """
    steps = _creating_window(args, lambda: shown_who)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            window: MainWindow = done.value
            return window


def _creating_window(
    args: argparse.Namespace, shown_who: Callable[[], WhoStep | None]
) -> Generator[None, None, MainWindow]:
    """:func:`create_window` in steps, each ending at a ``yield``: profile, store, models, window.

    ``shown_who`` gives the first step when the window is built: the step stays in
    the app's window, taking keys, until then.
    """
    profile, failed = _profile(args)
    yield
    store = Store(getattr(args, "data_dir", None))
    yield
    # in a turn of their own: the request model's validator (built at its first use) and the
    # language data the coach reads, which the window's first draft needs next
    assess(Request(provider=profile.provider.id), profile)
    yield
    window = MainWindow(
        profile, store, diagnostics=_diagnostics_settings, build_later=True, shown_who=shown_who()
    )
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


def open_form(app: QApplication, window: StartWindow, args: argparse.Namespace) -> None:
    """Build the form for ``args`` into ``window``, then start what runs beside it.

    A store or profile that cannot be used at all is said in a dialog over the
    window, which then closes (exit code 1).
    """
    for _step in opening_form(app, window, args):
        pass


def opening_form(app: QApplication, window: StartWindow, args: argparse.Namespace) -> Iterator[None]:
    """:func:`open_form` in steps, each ending at a ``yield`` (the app's start takes a turn of the
    event loop there, so that the window goes on taking keys)."""
    try:
        # (the first step leaves the app's window as the form takes it, and the form goes in
        # in the same turn: no turn without the step on the screen)
        form = yield from _creating_window(args, window.take_who)
    except ComposerError as error:
        show_error(window, error)
        window.close()
        app.exit(1)
        return
    window.embed(form)
    set_aside_start()  # the collector's first walk would take them all, before the first key
    QTimer.singleShot(LISTEN_DELAY_MS, form, lambda: _listen_for_later_starts(window, form))
    _refresh_lists(form, form.store.folder / "cache")
    # the provider's update feed, if its profile names one: asked in the background, at most daily
    if form.controller.profile.updates is not None:  # (the module, and packaging, only then)
        from composer.ui.update_notice import start_update_check

        start_update_check(form, form.controller.profile, form.store.folder / "cache")
    if getattr(args, "smoke_test", False):
        start_smoke_test(app, window)
    elif getattr(args, "bundle", None) is None and not getattr(args, "prefill_text", None):
        QTimer.singleShot(0, lambda: form.offer_drafts(on_start=True))


def _listen_for_later_starts(window: StartWindow, form: MainWindow) -> None:
    """Take the links and files of later starts with the same data folder (``composer.ui.app``)."""
    from composer.ui.single_instance import InstanceServer, instance_name

    instance = InstanceServer(instance_name(form.store.folder), form)
    instance.received.connect(lambda text: _open_external(window, form, text))


def _open_external(window: QWidget, form: MainWindow, text: str) -> None:
    """A link or request file handed over by a later start of the app."""
    window.showNormal()
    window.raise_()
    window.activateWindow()
    if text.lower().endswith(".zip") and not text.lower().startswith(("request-composer:", "https://")):
        form.import_bundle(Path(text))
    else:
        form.open_prefill(text)


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
