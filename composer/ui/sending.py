"""The main window's side of sending: the outbox controller, its dialogs, and stored secrets.

:class:`Sending` owns the :class:`DeliveryController` (requests go to the
outbox first, then a worker sends them) and the prompts that answer it
(receipt, fallback question, password), opens the outbox, the history and
the e-mail settings, and keeps the user's stored passwords at hand for the
secret scrubber, read off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from composer.model import Request
from composer.outbox import OutboxEntry
from composer.profile import ProviderProfile
from composer.store import Store
from composer.ui.controller import DraftController
from composer.ui.credential_prompt import DeliveryPrompts
from composer.ui.delivery import DeliveryController

__all__ = ["Sending", "known_secrets", "sends_directly"]


def sends_directly(profile: ProviderProfile) -> bool:
    """Whether the profile has a way to send other than saving a file."""
    return profile.sends_directly()


def known_secrets(channels: Any, profile: ProviderProfile, request: Request) -> list[str]:
    """The secrets stored for this profile that could turn up in a pasted log (worker thread)."""
    found: list[str] = channels.known_secrets(profile, request)
    return found


class Sending(QObject):
    """Sending for one window; ``resume_requested`` carries a request to load as the draft."""

    resume_requested = Signal(object)
    #: the request with this id is safely in the outbox
    submitted = Signal(str)

    def __init__(
        self,
        window: QWidget,
        controller: DraftController,
        store: Store,
        delivery: DeliveryController | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.delivery = delivery or DeliveryController(store, parent=self)
        self.prompts = DeliveryPrompts(self.delivery, window)
        self.delivery.submitted.connect(self._submitted)
        self.delivery.ready.connect(self.load_known_secrets)
        self._known_secrets: list[str] = []
        controller.known_secrets_source = lambda: self._known_secrets

    def send(self) -> None:
        """Put the current request in the outbox; it is sent in the background."""
        self.delivery.send(self.controller.request, self.controller.profile)

    def _submitted(self, entry: OutboxEntry) -> None:
        self.submitted.emit(entry.request_id)

    # the dialogs (and the history's search, babel's dates) are imported when first opened

    def show_outbox(self) -> None:
        from composer.ui.outbox_view import OutboxDialog

        dialog = OutboxDialog(self.delivery, self.window)
        dialog.edit_requested.connect(self.resume_requested.emit)
        dialog.open()

    def show_history(self) -> None:
        from composer.ui.history_view import HistoryDialog

        dialog = HistoryDialog(self.delivery, self.window)
        dialog.template_requested.connect(self.resume_requested.emit)
        dialog.open()

    def edit_mail_settings(self) -> None:
        from composer.ui.mail_settings import MailSettingsDialog

        MailSettingsDialog(self.delivery, self.controller.profile, self.window).open()

    def load_known_secrets(self) -> None:
        """Read the user's stored passwords off the GUI thread (the requester may have changed)."""
        if not self.delivery.is_ready:
            return
        profile, request = self.controller.profile, self.controller.request

        def read(worker: Any) -> list[str]:
            return known_secrets(worker.channels, profile, request)

        def keep(found: list[str]) -> None:
            self._known_secrets = found

        self.delivery.run(read, on_result=keep, on_error=lambda _error: None)

    def close(self) -> None:
        self.delivery.close()
