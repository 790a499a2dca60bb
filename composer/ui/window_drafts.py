"""The main window's drafts and provider profile: offering, resuming and discarding drafts, opening a profile.

A base of :class:`~composer.ui.main_window.MainWindow`, as
:class:`~composer.ui.window_requests.RequestActions` (its own base) is for
sending and request files; the database and the profile file are read off the
GUI thread.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog

from composer.errors import ComposerError
from composer.i18n import _
from composer.model import Request
from composer.profile import ProviderProfile, load_profile
from composer.ui.bridge import run_task
from composer.ui.window_requests import RequestActions

if TYPE_CHECKING:
    from composer.ui.step_pages import StepPages
    from composer.ui.steps.affected import AffectedStep

__all__ = ["DraftActions"]


class DraftActions(RequestActions):
    """Drafts and the provider profile; :class:`~composer.ui.main_window.MainWindow` builds the rest."""

    steps: StepPages

    if TYPE_CHECKING:

        def retranslate(self) -> None: ...

    # -- drafts -----------------------------------------------------------

    def _saved(self, _draft_id: str) -> None:
        from composer.localefmt import format_time  # babel's locale data: not needed before a draft is saved

        self.statusBar().showMessage(
            _("Draft saved at {time}").format(time=format_time(datetime.now(), seconds=True))
        )

    def _save_failed(self, error: object) -> None:
        if isinstance(error, ComposerError):
            self.statusBar().showMessage(str(error))

    def offer_drafts(self, *, on_start: bool) -> None:
        """Ask the database for drafts (off the GUI thread), then offer them."""
        exclude = self.controller.request.id

        def listed(drafts: list[Any]) -> None:
            drafts = [d for d in drafts if d.id != exclude or not on_start]
            if drafts or not on_start:
                self._choose_draft(drafts, on_start=on_start)

        run_task(self.store.list_drafts, on_result=listed, on_error=self._task_failed)

    def show_drafts(self) -> None:
        self.offer_drafts(on_start=False)

    def _choose_draft(self, drafts: list[Any], *, on_start: bool) -> None:
        from composer.ui.drafts import DraftsDialog  # (and babel's dates): only when there are drafts

        dialog = DraftsDialog(drafts, on_start=on_start, parent=self)
        dialog.exec()
        for draft_id in dialog.discarded:
            self.controller.discard(draft_id)
            run_task(
                partial(self.store.delete_draft, draft_id), on_result=_ignore, on_error=self._task_failed
            )
            if draft_id == self.controller.request.id:
                self.controller.new()
        if dialog.chosen_id:
            chosen = dialog.chosen_id

            def load() -> Request | None:
                self.controller.flush()  # the newest version of that draft is on disk first
                return self.store.load_draft(chosen)

            run_task(load, on_result=self._resume, on_error=self._task_failed)

    def _resume(self, request: Request | None) -> None:
        if request is not None:
            self.controller.load(request)
            self.go(0)

    def new_request(self) -> None:
        self.controller.new()
        self.go(0)

    def open_profile(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Open provider profile"), str(Path.home()), _("Provider profiles (*.toml)")
        )
        if name:
            self.use_profile(Path(name))

    def use_profile(self, path: Path) -> None:
        """Load another provider profile off the GUI thread; it is used from now on, also after restarts."""

        def loaded(profile: ProviderProfile) -> None:
            QSettings().setValue("profile", str(path))
            self._profile_loaded(profile)

        run_task(lambda: load_profile(path), on_result=loaded, on_error=self._task_failed)

    def _profile_loaded(self, profile: ProviderProfile) -> None:
        self.controller.set_profile(profile)
        if self.steps.is_built(1):
            cast("AffectedStep", self.steps[1]).fill_categories()
        self.retranslate()
        for step in self.steps.built():
            step.reload()


def _ignore(_result: object) -> None:
    pass
