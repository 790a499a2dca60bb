"""What the main window does with a whole request: send it, save and open files, open prepared ones.

:class:`RequestActions` is the main window's base: sending (with the
readiness check, the secrets review and the "one request per problem"
offer), saving and opening request files, and opening a request prepared by
support (a signed link, a ``.prefill`` file or a code). The form itself, its
steps and menus are in :mod:`composer.ui.main_window`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QMessageBox

from composer import history
from composer.errors import ComposerError
from composer.history import HistoryItem
from composer.i18n import _
from composer.model import Request
from composer.profile import ProviderProfile
from composer.quality import advice_text
from composer.related import Related, find_related
from composer.render import read_bundle, render_text, write_bundle
from composer.ui.bridge import run_task
from composer.ui.messages import show_error
from composer.ui.prefill_open import open_prefill
from composer.ui.related_offer import RelatedChoice, RelatedOffer
from composer.ui.scrub_dialog import scrub_request_fields
from composer.ui.sending import sends_directly

if TYPE_CHECKING:
    from collections.abc import Sequence

    from composer.store import Store
    from composer.ui.controller import DraftController
    from composer.ui.delivery import DeliveryController
    from composer.ui.prefill_open import PrefillNotice
    from composer.ui.sending import Sending
    from composer.ui.steps.base import Step

__all__ = ["RequestActions"]


class RequestActions(QMainWindow):
    """Sending, files and prepared requests; :class:`~composer.ui.main_window.MainWindow` builds the rest."""

    controller: DraftController
    store: Store
    sending: Sending
    delivery: DeliveryController
    steps: Sequence[Step]
    prefill_notice: PrefillNotice
    last_bundle: Path | None

    if TYPE_CHECKING:

        def go(self, index: int) -> None: ...

        def go_to_field(self, field: str) -> None: ...

        def _resume(self, request: Request | None) -> None: ...

    # -- files ------------------------------------------------------------

    def scrub_fields(self) -> bool:
        """Passwords typed into the text fields are shown and removed unless kept (False: cancelled)."""
        return scrub_request_fields(self, self.controller)

    # -- sending ----------------------------------------------------------

    def _ready_and_scrubbed(self) -> bool:
        """Whether the request may leave: nothing blocks it (else say why) and its secrets were reviewed."""
        if not self.controller.readiness.can_send:
            self.explain_blocked()
            return False
        return self.scrub_fields()

    def send_request(self) -> None:
        """Send through the profile's channels (the outbox), or save as a file when that is all."""
        if not sends_directly(self.controller.profile):
            self.save_bundle()
            return
        if not self._ready_and_scrubbed():
            return
        request, profile = self.controller.request, self.controller.profile
        # the helpdesk is asked whether those tickets are closed: on the worker, never here
        self.statusBar().showMessage(_("Looking for an open request about the same problem…"))
        self.delivery.run(
            lambda worker: find_related(
                self.store, request, now=datetime.now(UTC), factory=worker.channels, profile=profile
            ),
            on_result=self._related_checked,
            on_error=self._task_failed,
        )

    def _related_checked(self, found: Related) -> None:
        """One request per problem: an open request about the same is offered a follow-up instead."""
        if found:
            offer = RelatedOffer(found.sent, self.controller.profile, self, pending=found.pending)
            choice = offer.choose()
            if choice is RelatedChoice.CANCEL:
                return
            if choice is RelatedChoice.OUTBOX:
                self.sending.show_outbox()
                return
            if choice is RelatedChoice.FOLLOW_UP:
                self._follow_up_instead(found.sent[0])
                return
        self.statusBar().showMessage(_("Putting the request in the outbox…"))
        self.sending.send()

    def _follow_up_instead(self, item: HistoryItem) -> None:
        request, profile = self.controller.request, self.controller.profile
        files = [self.store.attachment_path(attachment) for attachment in request.attachments]

        def loaded(found: tuple[Request, ProviderProfile] | None) -> None:
            if found is None:
                show_error(self, ComposerError("history.not_found", id=item.request_id))
                return
            from composer.ui.history_view import FollowUpDialog  # the history's module, when asked

            dialog = FollowUpDialog(self.delivery, found[0], self)
            dialog.text.setPlainText(render_text(request, profile))
            dialog.add_files(files)
            if dialog.exec() and dialog.entry is not None:
                self._submitted(request.id)

        run_task(
            lambda: history.get(self.store, item.request_id), on_result=loaded, on_error=self._task_failed
        )

    def explain_blocked(self) -> None:
        """Say why the request cannot be sent or saved yet, and put the cursor where it is missing."""
        problems = self.controller.readiness.problems
        if not problems:
            return
        self.go_to_field(problems[0].field)
        reasons = "\n".join(f"• {advice_text(item)[0]}" for item in problems)
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Not ready yet"),
            _("The request cannot be sent or saved yet. Please fix this first:") + "\n\n" + reasons,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("dialog.blocked")
        box.open()
        self.statusBar().showMessage(advice_text(problems[0])[0])

    def _submitted(self, request_id: str) -> None:
        """The request is safely in the outbox: the form starts afresh while it is sent."""
        if request_id == self.controller.request.id:
            self.controller.discard(request_id)
            self.controller.new()
            self.go(0)
        self.statusBar().showMessage(_("Your request is in the outbox and is being sent."))

    def save_bundle(self) -> None:
        if not self._ready_and_scrubbed():
            return
        request = self.controller.request
        suggested = Path.home() / f"request-{(request.domain or 'support').replace('/', '_')}.zip"
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save request as file"), str(suggested), _("Request files (*.zip)")
        )
        if name:
            self.export_bundle(Path(name))

    def export_bundle(self, path: Path) -> None:
        """Write the bundle off the GUI thread and say where it went."""
        request, profile = self.controller.request, self.controller.profile
        self.statusBar().showMessage(_("Saving…"))
        run_task(
            lambda: write_bundle(request, profile, self.store, path),
            on_result=self._bundle_written,
            on_error=self._task_failed,
        )

    def _bundle_written(self, path: Path) -> None:
        self.last_bundle = path
        profile = self.controller.profile
        message = _("The request was saved as {path}.").format(path=path)
        if profile.support.email:
            message += "\n\n" + _(
                "Send this file to {email} as an attachment, or upload it in your provider's client area."
            ).format(email=profile.support.email)
        self.statusBar().showMessage(_("Saved as {path}").format(path=path))
        box = QMessageBox(
            QMessageBox.Icon.Information, _("Request saved"), message, QMessageBox.StandardButton.Ok, self
        )
        box.setObjectName("dialog.saved")
        box.open()

    def open_bundle(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Open request file"), str(Path.home()), _("Request files (*.zip)")
        )
        if name:
            self.import_bundle(Path(name))

    def import_bundle(self, path: Path) -> None:
        def load() -> Request:
            request = read_bundle(path, self.store)
            self.store.save_draft(request)
            return request

        run_task(load, on_result=self._resume, on_error=self._task_failed)

    def ask_prefill_code(self) -> None:
        """Ask for the code support read out on the phone, fetch it from the relay and open it."""
        code, ok = QInputDialog.getText(
            self,
            _("Open a prepared request"),
            _("The code support gave you, for example KQ7M-2XHD:"),
        )
        if ok and code.strip():
            self.open_prefill_code(code.strip())

    def open_prefill_code(self, code: str) -> None:
        self.statusBar().showMessage(_("Fetching the prepared request…"))

        def fetched(result: tuple[str, Any]) -> None:
            self.statusBar().clearMessage()
            self.open_prefill(result[0])

        self.delivery.fetch_prefill(
            self.controller.profile,
            code,
            self.controller.request.requester.email,
            on_result=fetched,
            on_error=self._prefill_failed,
        )

    def _prefill_failed(self, error: BaseException) -> None:
        self.statusBar().clearMessage()
        self._task_failed(error)

    def open_prefill(self, text: str) -> bool:
        """Open a signed pre-fill (link, file content or token) as a new draft, from step 1."""
        opened = open_prefill(self, self.controller, self.prefill_notice, text)
        if opened:
            self.go(0)
        return opened

    def _task_failed(self, error: BaseException) -> None:
        if isinstance(error, ComposerError):
            show_error(self, error)
        else:
            raise error
