"""The draft being edited: the one model every step reads and writes.

Widgets never hold the truth: they call :meth:`DraftController.update` with
the field they changed, the controller makes the new (frozen) request,
hands it to the background autosaver, and emits ``changed`` so the coach,
the step list and the review re-render from the model.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from composer.model import Request, Requester
from composer.profile import ProviderProfile
from composer.quality import Readiness, assess
from composer.store import DraftAutosaver, Store
from composer.ui.bridge import Bridge

__all__ = ["DraftController"]


class DraftController(QObject):
    """Owns the current draft, its autosaving and its readiness."""

    changed = Signal()
    replaced = Signal()
    #: fields were changed from outside the widgets (the scrubber): the widgets show them again
    rewritten = Signal()
    saved = Signal(str)
    save_failed = Signal(object)

    def __init__(
        self,
        profile: ProviderProfile,
        store: Store,
        *,
        autosave_delay: float = 0.3,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.profile = profile
        self.store = store
        self._bridge = Bridge(self)
        self._autosaver = DraftAutosaver(
            store,
            delay=autosave_delay,
            on_error=self._bridge.wrap(self.save_failed.emit),
            on_saved=self._bridge.wrap(lambda request: self.saved.emit(request.id)),
        )
        self.known_secrets_source: Callable[[], list[str]] = list
        self._request = self._new_request()
        #: the user's requests marked critical in the last 30 days (read from the history off the GUI thread)
        self.recent_critical = 0
        self._readiness = assess(self._request, profile)
        self.count_recent_critical()

    def _new_request(self) -> Request:
        from composer.i18n import current_language

        return Request(provider=self.profile.provider.id, language=current_language())

    @property
    def request(self) -> Request:
        return self._request

    @property
    def readiness(self) -> Readiness:
        return self._readiness

    def set_profile(self, profile: ProviderProfile) -> None:
        self.profile = profile
        self._set(self._request.touched(provider=profile.provider.id), save=True)

    def update(self, **changes: Any) -> None:
        """Change fields of the request (only when they really differ)."""
        current = self._request
        if all(getattr(current, key) == value for key, value in changes.items()):
            return
        self._set(current.touched(**changes), save=True)

    def update_requester(self, **changes: Any) -> None:
        requester: Requester = self._request.requester
        if all(getattr(requester, key) == value for key, value in changes.items()):
            return
        self.update(requester=requester.model_copy(update=changes))

    def set_answer(self, question_id: str, value: str) -> None:
        answers = dict(self._request.answers)
        if answers.get(question_id, "") == value:
            return
        if value:
            answers[question_id] = value
        else:
            answers.pop(question_id, None)
        self.update(answers=answers)

    def load(self, request: Request) -> None:
        """Make another draft the current one (resumed, opened from a file, or new).

        Unsaved changes of the previous draft are still written by the autosaver.
        """
        self._set(request, save=False)
        self.replaced.emit()

    def replace(self, request: Request) -> None:
        """Change the draft from outside the widgets (the scrubber): saved, and every step reloads."""
        if request == self._request:
            return
        self._set(request.touched(), save=True)
        self.rewritten.emit()

    def count_recent_critical(self) -> None:
        """Count the recent critical requests in the history, then assess the draft again."""
        from composer.critical import recent_critical
        from composer.ui.bridge import run_task

        def counted(count: int) -> None:
            if count != self.recent_critical:
                self.recent_critical = count
                self._set(self._request, save=False)

        run_task(
            lambda: recent_critical(self.store, now=datetime.now().astimezone()),
            on_result=counted,
            on_error=lambda _error: None,
        )

    def new(self, *, keep_requester: bool = True) -> None:
        self.count_recent_critical()  # the request before this one may have been sent
        request = self._new_request()
        if keep_requester:
            request = request.model_copy(update={"requester": self._request.requester})
        self.load(request)

    def discard(self, draft_id: str) -> None:
        self._autosaver.discard(draft_id)

    def known_secrets(self) -> list[str]:
        """The user's own stored passwords, so that a file holding one is scrubbed too.

        They come from ``known_secrets_source``, which the main window sets to the
        secrets it read from the keyring off the GUI thread.
        """
        return list(self.known_secrets_source())

    def flush(self) -> bool:
        """Wait until every change is on disk: for worker threads and shutdown, not the GUI thread."""
        return self._autosaver.flush()

    def close(self) -> None:
        self._autosaver.close()

    def _set(self, request: Request, *, save: bool) -> None:
        self._request = request
        self._readiness = assess(
            request, self.profile, now=datetime.now().astimezone(), recent_critical=self.recent_critical
        )
        if save:
            self._autosaver.submit(request)
        self.changed.emit()
