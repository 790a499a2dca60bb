"""The outbox worker as seen from the GUI thread: signals in, background calls out.

:class:`DeliveryController` owns one :class:`~composer.delivery.OutboxWorker`.
The worker's callbacks run on its own thread; they are wrapped with
:class:`~composer.ui.bridge.Bridge` so that they arrive here as Qt signals on
the GUI thread. Everything that touches the database, the keyring or the
network (submitting, retrying, listing, searching the history, saving
settings) runs on the thread pool through :func:`~composer.ui.bridge.run_task`;
its result comes back to a callback on the GUI thread. Even building the
worker (the keyring probe, recovering entries a crash left ``sending``)
happens off the GUI thread, so that a slow Secret Service never freezes the
window. The reply watcher (:mod:`composer.replies`), which reads the
provider's number from its answer once the user agreed, runs on its own
thread beside the worker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import isValid

from composer import history
from composer.errors import ComposerError
from composer.history import HistoryItem, HistoryMessage
from composer.model import Request
from composer.outbox import Attempt, OutboxEntry, OutboxState, entry_for_request
from composer.profile import ProviderProfile
from composer.store import Store
from composer.ui.bridge import Bridge, run_task

if TYPE_CHECKING:
    import ssl

    import httpx

    from composer.channels.email import MailSettings
    from composer.credentials import Credentials
    from composer.delivery import Backoff, CredentialNeeded, OutboxWorker
    from composer.mail_setup import MailSetup
    from composer.replies import ReplySettings, ReplyWatcher

__all__ = ["DeliveryController", "HistoryDetail"]

#: how long after the event loop starts the outbox worker is built (see DeliveryController)
WORKER_START_DELAY_MS = 200

T = TypeVar("T")

#: the longest pause between two progress signals of one entry (the last one always goes)
PROGRESS_INTERVAL = 0.05


class _Life:
    """The worker's life cycle, apart from the QObject so that its destruction can stop it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.closed = False
        self.running = False
        self.worker: OutboxWorker | None = None
        self.watcher: ReplyWatcher | None = None

    def start(self, worker: OutboxWorker, watcher: ReplyWatcher) -> None:
        with self.lock:
            self.worker = worker
            self.watcher = watcher
            if not self.closed:
                worker.start()  # recovers interrupted entries first
                watcher.start()
                self.running = True
        self.ready.set()

    def close(self, timeout: float = 10.0) -> None:
        with self.lock:
            self.closed = True
            running, self.running = self.running, False
            worker = self.worker
        if running and worker is not None:
            worker.stop(timeout)
        if running and self.watcher is not None:
            self.watcher.stop(timeout)
        self.ready.set()


@dataclass(frozen=True)
class HistoryDetail:
    """A sent request as the history shows it: the text that was sent and its follow-ups."""

    request: Request
    profile: ProviderProfile
    text: str
    messages: list[HistoryMessage]


class DeliveryController(QObject):
    """Sends requests through the outbox and reports on the GUI thread.

    Args:
        store: the data folder (outbox, history, attachments).
        credentials: where passwords and tokens are kept; the OS keyring
            (created off the GUI thread) when None.
        bundle_folder: where the file channel saves bundles; ``<data>/bundles``
            when None.
        ssl_context: TLS trust for HTTPS and SMTP; the system's when None.
        http_transport: an httpx transport, for tests.
        http_timeout: timeouts of the intake client.
        backoff: the retry policy.
        poll: how often the worker looks for entries other processes added.
        parent: the owning QObject.

    Signals:
        state_changed(OutboxEntry): an entry was written, claimed, sent or failed.
        progress(str, int, int): entry id, bytes sent, bytes in total.
        sent(OutboxEntry): an entry was delivered; it carries the receipt.
        fallback_offered(FallbackOffer): a channel failed for good; ask the user.
        credential_needed(CredentialNeeded): a password or token is missing or refused.
        submitted(OutboxEntry): :meth:`send` or :meth:`follow_up` wrote the entry.
        error(ComposerError): an action failed and its caller gave no ``on_error``.
        ready(): the worker runs (entries a crash interrupted are pending again).
        uncertain(OutboxEntry): a request may have arrived (cut off after it left);
            the user says whether it did, or the provider's answer settles it.
        replies_failed(ComposerError): the provider's answers could not be read
            from the mailbox (``replies.failed``, ``credential.missing``).
    """

    state_changed = Signal(object)
    progress = Signal(str, object, object)
    sent = Signal(object)
    fallback_offered = Signal(object)
    credential_needed = Signal(object)
    submitted = Signal(object)
    error = Signal(object)
    ready = Signal()
    uncertain = Signal(object)
    replies_failed = Signal(object)

    def __init__(
        self,
        store: Store,
        *,
        credentials: Credentials | None = None,
        bundle_folder: Path | None = None,
        ssl_context: ssl.SSLContext | None = None,
        http_transport: httpx.BaseTransport | None = None,
        http_timeout: httpx.Timeout | None = None,
        backoff: Backoff | None = None,
        poll: float = 1.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self._bridge = Bridge(self)
        life = self._life = _Life()
        # a controller deleted without close() still stops its thread
        self.destroyed.connect(lambda *_args: life.close())
        self._last_progress: dict[str, float] = {}
        relay_progress = self._bridge.wrap(self.progress.emit)

        def progress(entry_id: str, sent: int, total: int) -> None:
            # called on the worker thread for every chunk: pass on a few per second
            now = time.monotonic()
            last = self._last_progress.get(entry_id)
            if sent < total and last is not None and now - last < PROGRESS_INTERVAL:
                return
            self._last_progress[entry_id] = now
            relay_progress(entry_id, sent, total)

        on_state = self._bridge.wrap(self.state_changed.emit)
        on_sent = self._bridge.wrap(self.sent.emit)
        on_fallback = self._bridge.wrap(self.fallback_offered.emit)
        on_credential_needed = self._bridge.wrap(self.credential_needed.emit)
        on_uncertain = self._bridge.wrap(self.uncertain.emit)
        found_reply = self._bridge.wrap(self.state_changed.emit)
        reply_failed = self._bridge.wrap(self.replies_failed.emit)
        factory_options: dict[str, Any] = {"ssl_context": ssl_context, "http_transport": http_transport}
        if http_timeout is not None:
            factory_options["http_timeout"] = http_timeout

        def build() -> None:
            # the sending stack (the worker, the channels with ssl and smtplib, the keyring, the
            # reply watcher) is imported here, on the thread pool, once the form is in
            from composer.channels.factory import ChannelFactory
            from composer.credentials import Credentials
            from composer.delivery import Backoff, DeliveryListener, OutboxWorker
            from composer.replies import ReplyWatcher

            listener = DeliveryListener(
                on_state=on_state,
                on_progress=progress,
                on_sent=on_sent,
                on_fallback=on_fallback,
                on_credential_needed=on_credential_needed,
                on_uncertain=on_uncertain,
            )
            secrets = credentials if credentials is not None else Credentials()
            channels = ChannelFactory(
                store, secrets, bundle_folder or store.folder / "bundles", **factory_options
            )
            worker = OutboxWorker(store, channels, listener, backoff=backoff or Backoff(), poll=poll)
            watcher = ReplyWatcher(
                store, secrets, ssl_context=ssl_context, on_found=found_reply, on_error=reply_failed
            )
            life.start(worker, watcher)

        # Started shortly after the event loop runs (after the window's first paint): building
        # the worker (the keyring's backends, recovering the outbox) on the thread pool holds
        # the interpreter, and must not compete with the start nor with the first keys typed.
        QTimer.singleShot(
            WORKER_START_DELAY_MS,
            self,
            lambda: run_task(build, on_result=lambda _none: self._emit_ready(), on_error=self._unexpected),
        )
        self.sent.connect(self._look_for_answer)
        self._credentials = credentials
        self._ssl_context = ssl_context
        self._http_transport = http_transport

    def fetch_prefill(
        self,
        profile: ProviderProfile,
        code: str,
        email: str,
        *,
        on_result: Callable[[tuple[str, Any]], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Fetch a pre-fill by its code from the profile's relay, verified, off the GUI thread.

        The bearer token is the requester's intake token from the keyring.
        """
        from composer.credentials import Credentials, identity
        from composer.prefill_code import fetch_by_code

        def fetch() -> tuple[str, Any]:
            secrets = self._credentials if self._credentials is not None else Credentials()
            token = secrets.get(profile.provider.id, identity("intake", email)) if email else None
            return fetch_by_code(
                profile, code, token=token, verify=self._ssl_context, transport=self._http_transport
            )

        run_task(fetch, on_result=on_result, on_error=on_error)

    # -- life cycle -------------------------------------------------------

    @property
    def is_ready(self) -> bool:
        """True once the worker runs; before that, calls are queued behind its start."""
        return self._life.ready.is_set()

    @property
    def session_only(self) -> bool:
        """True when passwords cannot go into the keyring and are kept until the app closes."""
        worker = self._life.worker
        return worker is not None and worker.channels.credentials.session_only

    def close(self, timeout: float = 10.0) -> None:
        """Stop the worker after its current attempt (an entry still sending is resumed next start).

        Blocks for at most ``timeout`` seconds; call it when the window closes.
        """
        self._life.close(timeout)

    def _look_for_answer(self, entry: OutboxEntry) -> None:
        # an e-mail just went out: the provider's automatic reply usually follows within seconds
        watcher = self._life.watcher
        if watcher is not None and entry.receipt is not None and not entry.receipt.reference:
            watcher.wake()

    def _emit_ready(self) -> None:
        if isValid(self) and not self._life.closed:
            self.ready.emit()

    def _wait_worker(self) -> OutboxWorker:
        # runs on a pool thread: the start task may still be recovering the outbox
        self._life.ready.wait(60)
        worker = self._life.worker
        if worker is None or self._life.closed:
            raise ComposerError("internal", details="the outbox worker is not running")
        return worker

    # -- calls off the GUI thread -----------------------------------------

    def run(
        self,
        function: Callable[[OutboxWorker], T],
        *,
        on_result: Callable[[T], None] | None = None,
        on_error: Callable[[ComposerError], None] | None = None,
    ) -> None:
        """Run ``function(worker)`` on the thread pool; the result arrives on the GUI thread.

        A :class:`ComposerError` goes to ``on_error``, or to the ``error``
        signal when there is none; any other exception is re-raised on the
        GUI thread, where the crash dialog handles it.
        """

        def done(result: T) -> None:
            if on_result is not None:
                on_result(result)

        def failed(exc: BaseException) -> None:
            if self._life.closed:
                return  # the window is closing: nobody is left to tell
            if not isinstance(exc, ComposerError):
                self._unexpected(exc)
            elif on_error is not None:
                on_error(exc)
            elif isValid(self):
                self.error.emit(exc)

        run_task(lambda: function(self._wait_worker()), on_result=done, on_error=failed)

    @staticmethod
    def _unexpected(exc: BaseException) -> None:
        raise exc

    def send(
        self,
        request: Request,
        profile: ProviderProfile,
        *,
        on_error: Callable[[ComposerError], None] | None = None,
    ) -> None:
        """Write ``request`` to the outbox (its draft is removed) and let the worker send it.

        ``submitted`` follows when the entry is on disk; then ``state_changed``,
        ``progress`` and ``sent`` (or ``fallback_offered``). Errors:
        ``attachment.missing``, ``outbox.no_channel``, ``store.unavailable``.
        """
        self.run(lambda w: w.submit(request, profile), on_result=self._submitted, on_error=on_error)

    def _submitted(self, entry: OutboxEntry) -> None:
        if isValid(self):
            self.submitted.emit(entry)

    def retry(self, entry_id: str, **callbacks: Any) -> None:
        """Send a pending or failed entry now through the same channel (same idempotency key)."""
        self.run(lambda w: w.retry(entry_id), **callbacks)

    def continue_with_next(self, entry_id: str, **callbacks: Any) -> None:
        """Send an entry through the next channel of its profile (the user said yes)."""
        self.run(lambda w: w.continue_with_next(entry_id), **callbacks)

    def settle(self, entry_id: str, *, arrived: bool, **callbacks: Any) -> None:
        """The user's word on a request that may have arrived: it did, or send it again."""
        self.run(lambda w: w.settle(entry_id, arrived=arrived), **callbacks)

    def keep_reference(self, entry_id: str, reference: str, **callbacks: Any) -> None:
        """Keep the provider's number for an entry (settles one that may have arrived)."""
        self.run(lambda w: w.keep_reference(entry_id, reference), **callbacks)

    def reply_settings(self, *, on_result: Callable[[ReplySettings], None], **callbacks: Any) -> None:
        """Whether the user agreed to the app reading the provider's answers (None: not asked)."""
        from composer.replies import load_reply_settings

        self.run(lambda _w: load_reply_settings(self.store), on_result=on_result, **callbacks)

    def set_reply_consent(self, enabled: bool, **callbacks: Any) -> None:
        """Save the user's answer; with yes, look in the mailbox at once."""

        from composer.replies import load_reply_settings, save_reply_settings

        def save(_worker: OutboxWorker) -> ReplySettings:
            settings = load_reply_settings(self.store).model_copy(update={"enabled": enabled})
            save_reply_settings(self.store, settings)
            if enabled and self._life.watcher is not None:
                self._life.watcher.wake()
            return settings

        self.run(save, **callbacks)

    def edit(self, entry_id: str, **callbacks: Any) -> None:
        """Take an unsent entry back to the drafts; ``on_result`` gets its :class:`Request`."""
        self.run(lambda w: w.edit(entry_id), **callbacks)

    def save_as_file(self, entry_id: str, target: Path, **callbacks: Any) -> None:
        """Save an entry as a bundle; ``on_result`` gets the path written."""
        self.run(lambda w: w.save_as_file(entry_id, target), **callbacks)

    def follow_up(self, request_id: str, text: str, files: Sequence[Path] = (), **callbacks: Any) -> None:
        """Copy ``files`` into the store and queue a follow-up to the ticket of a sent request."""
        paths = tuple(files)

        def queue(worker: OutboxWorker) -> OutboxEntry:
            attachments = tuple(self._attach(path) for path in paths)
            return worker.follow_up(request_id, text, attachments)

        on_result = callbacks.pop("on_result", None)

        def queued(entry: OutboxEntry) -> None:
            self._submitted(entry)
            if on_result is not None:
                on_result(entry)

        self.run(queue, on_result=queued, **callbacks)

    def _attach(self, path: Path) -> Any:
        try:
            return self.store.add_attachment_file(path)
        except OSError as exc:
            raise ComposerError("attachment.unreadable", name=path.name, reason=exc.strerror or "") from None

    def entries(self, *, on_result: Callable[[list[OutboxEntry]], None], **callbacks: Any) -> None:
        """Every outbox entry, oldest first."""
        self.run(lambda w: w.entries(), on_result=on_result, **callbacks)

    def attempts(
        self, entry_id: str, *, on_result: Callable[[list[Attempt]], None], **callbacks: Any
    ) -> None:
        """The attempt log of one entry."""
        self.run(lambda w: w.attempts(entry_id), on_result=on_result, **callbacks)

    # -- history ----------------------------------------------------------

    def search_history(
        self, text: str, *, on_result: Callable[[list[HistoryItem]], None], **callbacks: Any
    ) -> None:
        """Sent requests matching every word of ``text`` (newest first when empty)."""
        self.run(lambda _w: history.search(self.store, text), on_result=on_result, **callbacks)

    def history_detail(
        self, request_id: str, *, on_result: Callable[[HistoryDetail], None], **callbacks: Any
    ) -> None:
        """The sent text of a request and its follow-ups (``history.not_found`` if it is gone)."""

        def load(_worker: OutboxWorker) -> HistoryDetail:
            found = history.get(self.store, request_id)
            text = history.sent_text(self.store, request_id)
            if found is None or text is None:
                raise ComposerError("history.not_found", id=request_id)
            request, profile = found
            return HistoryDetail(request, profile, text, history.messages(self.store, request_id))

        self.run(load, on_result=on_result, **callbacks)

    def reopen_as_template(self, request_id: str, **callbacks: Any) -> None:
        """A new draft copied from a sent request; ``on_result`` gets it."""
        self.run(lambda _w: history.reopen_as_template(self.store, request_id), **callbacks)

    def set_reference(self, request_id: str, reference: str, **callbacks: Any) -> None:
        """Keep the ticket number the provider answered later (e-mail sends have none at first).

        ``on_result`` gets the request with its receipt. The number also goes on
        the outbox entry, so the reply watcher stops looking for it.
        """

        def keep(worker: OutboxWorker) -> Request:
            entry = entry_for_request(self.store, request_id)
            if entry is not None and entry.state is OutboxState.SENT:
                worker.keep_reference(entry.id, reference)
                found = history.get(self.store, request_id)
                if found is not None:
                    return found[0]
            return history.set_reference(self.store, request_id, reference)

        self.run(keep, **callbacks)

    # -- settings and secrets ---------------------------------------------

    def load_mail_setup(
        self, profile_id: str, *, on_result: Callable[[MailSetup], None], **callbacks: Any
    ) -> None:
        """The saved mail settings and whether their password is stored (never the password)."""

        from composer.mail_setup import load_setup

        def load(worker: OutboxWorker) -> MailSetup:
            return load_setup(self.store, worker.channels.credentials, profile_id)

        self.run(load, on_result=on_result, **callbacks)

    def save_mail_setup(
        self, profile_id: str, settings: MailSettings, password: str, **callbacks: Any
    ) -> None:
        """Save the settings, and the password (when given) in the keyring.

        ``on_result`` gets True when the password is in the keyring (or none
        was given), False when it is kept in memory until the app closes.
        """

        from composer.mail_setup import save_setup

        def save(worker: OutboxWorker) -> bool:
            return save_setup(self.store, worker.channels.credentials, profile_id, settings, password)

        self.run(save, **callbacks)

    def store_credential(
        self, needed: CredentialNeeded, secret: str, *, retry: bool = True, **callbacks: Any
    ) -> None:
        """Keep the secret ``needed`` asked for, then send its entry again.

        ``on_result`` gets True when the secret went into the keyring, False
        when it is kept in memory until the app closes.
        """

        def keep(worker: OutboxWorker) -> bool:
            remembered = worker.channels.credentials.set(needed.profile_id, needed.identity, secret)
            if retry:
                worker.retry(needed.entry_id)
            return remembered

        self.run(keep, **callbacks)
