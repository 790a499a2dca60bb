"""The outbox worker: persist first, send in the background, never lose, never send twice.

:meth:`OutboxWorker.submit` writes the request to the outbox (SQLite) and
returns at once; a worker thread sends due entries one at a time through the
channel the entry is at in the profile's fallback chain, with the entry's
idempotency key on every attempt. What happens after a failure depends on
its :class:`~composer.channels.base.FailureKind`:

* network down, timeout, 5xx, SMTP 4xx: back to ``pending`` with exponential
  backoff (also after a restart), up to :attr:`Backoff.max_attempts`;
* cut off after the body may have left (a lost answer, a time-out, a killed
  process): resent with the same key only where that key settles it (the
  intake API); an e-mail goes to ``uncertain`` and waits for the provider's
  confirmation (:mod:`composer.replies`) or the user's word
  (:meth:`OutboxWorker.settle`), never resent blindly;
* rejected (4xx), authentication, configuration, or too many tries: ``failed``
  with the reason code. The worker never moves on to the next channel by
  itself: it tells the UI (:attr:`DeliveryListener.on_fallback`), which asks
  the user and calls :meth:`OutboxWorker.continue_with_next`, :meth:`retry`,
  :meth:`edit` or :meth:`save_as_file`.

Callbacks are plain callables run on the worker thread; the UI wraps them
into Qt signals. Starting a worker, and every few seconds after, takes over
entries left ``sending`` by a process that died or whose lease ran out.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from composer import history, settling
from composer import outbox as box
from composer import outbox_claims as claims
from composer.channels.base import DeliveryError, FailureKind, FollowUp, SendContext, is_retryable
from composer.channels.factory import ChannelFactory
from composer.errors import ComposerError, describe
from composer.i18n import _
from composer.model import Attachment, Request
from composer.outbox import Attempt, OutboxEntry, OutboxState, channel_label
from composer.profile import ProviderProfile
from composer.rendered import RenderedRequest
from composer.store import Store

__all__ = [
    "Backoff",
    "CredentialNeeded",
    "DeliveryListener",
    "FallbackOffer",
    "OutboxWorker",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backoff:
    """How long to wait before trying a retryable failure again."""

    base: float = 2.0
    factor: float = 2.0
    cap: float = 300.0
    jitter: float = 0.2
    max_attempts: int = 8

    def delay(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds to wait after the ``attempts``-th failed try."""
        wait = min(self.cap, self.base * self.factor ** max(0, attempts - 1))
        wait *= 1 + random.uniform(-self.jitter, self.jitter)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.cap))
        return max(0.0, wait)


@dataclass(frozen=True)
class FallbackOffer:
    """A channel failed in a way retrying will not fix; the user decides what next."""

    entry_id: str
    failed_channel: str
    code: str
    params: dict[str, Any]
    next_channel: str | None

    def message(self) -> str:
        """``channel X failed: reason; the next is Y`` in the user's language."""
        reason = describe(self.code, self.params)[0]
        if self.next_channel:
            return _("Sending by {channel} failed: {reason} The next way is {next}.").format(
                channel=self.failed_channel, reason=reason, next=self.next_channel
            )
        return _("Sending by {channel} failed: {reason} There is no other way to send it.").format(
            channel=self.failed_channel, reason=reason
        )


@dataclass(frozen=True)
class CredentialNeeded:
    """The channel needs a password or token (missing, or the server refused it)."""

    entry_id: str
    profile_id: str
    identity: str
    channel: str
    code: str


@dataclass
class DeliveryListener:
    """Callbacks from the worker thread; each is optional."""

    on_state: Callable[[OutboxEntry], None] | None = None
    on_progress: Callable[[str, int, int], None] | None = None
    on_sent: Callable[[OutboxEntry], None] | None = None
    on_fallback: Callable[[FallbackOffer], None] | None = None
    on_credential_needed: Callable[[CredentialNeeded], None] | None = None
    on_uncertain: Callable[[OutboxEntry], None] | None = None


def _call(callback: Callable[..., None] | None, *args: Any) -> None:
    if callback is None:
        return
    try:
        callback(*args)
    except Exception:
        log.exception("delivery listener failed")


@dataclass
class OutboxWorker:
    """Sends the outbox of one data folder on a background thread.

    Attributes:
        store: the database and attachments.
        channels: builds channels from profile entries.
        listener: callbacks (called on the worker thread).
        backoff: the retry policy.
        lease: how long a claim holds against other processes (renewed while sending).
        poll: how often to look for entries other processes added.
        recover_every: how often to take over entries of senders that died.
    """

    store: Store
    channels: ChannelFactory
    listener: DeliveryListener = field(default_factory=DeliveryListener)
    backoff: Backoff = field(default_factory=Backoff)
    lease: timedelta = timedelta(minutes=5)
    poll: float = 1.0
    recover_every: float = 15.0

    def __post_init__(self) -> None:
        self._owner = claims.new_owner()
        self._wake = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._last_recover = 0.0

    # -- life cycle -------------------------------------------------------

    def start(self) -> None:
        """Recover entries of dead senders, then send in the background."""
        self.recover()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="outbox-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the current attempt (an entry still sending is recovered next start)."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
        claims.release_owner(self._owner)

    def recover(self) -> list[str]:
        """Entries left ``sending`` by a dead process go back to ``pending``."""
        recovered = claims.recover(self.store)
        for entry_id in recovered:
            entry = box.get_entry(self.store, entry_id)
            if entry is None:
                continue
            log.info("outbox entry %s was interrupted; now %s", entry_id, entry.state)
            self._notify(entry)
            if entry.state is OutboxState.UNCERTAIN:
                _call(self.listener.on_uncertain, entry)
        return recovered

    def wake(self) -> None:
        with self._wake:
            self._wake.notify_all()

    # -- what the UI calls ------------------------------------------------

    def submit(
        self,
        request: Request,
        profile: ProviderProfile,
        *,
        remove_draft: bool = True,
        rendered: RenderedRequest | None = None,
    ) -> OutboxEntry:
        """Put a request into the outbox (durably) and wake the worker.

        The request is rendered here, once, in the provider's language
        (unless ``rendered`` brings the text the user reviewed); that text is
        stored with the entry and is what every attempt sends. Submitting the
        same request again returns its existing entry, so a double click or a
        restarted ``send`` never makes a second one.

        Raises:
            ComposerError: ``attachment.missing``, ``outbox.no_channel``, ``store.unavailable``.
        """
        entry = box.insert_entry(self.store, request, profile, rendered=rendered, remove_draft=remove_draft)
        self._notify(entry)
        self.wake()
        return entry

    def follow_up(self, request_id: str, text: str, attachments: tuple[Attachment, ...] = ()) -> OutboxEntry:
        """Queue a message for the ticket of a sent request, through the channel it used.

        Raises:
            ComposerError: ``history.not_found``, ``attachment.missing``.
        """
        found = history.get(self.store, request_id)
        if found is None or found[0].receipt is None:
            raise ComposerError("history.not_found", id=request_id)
        original, profile = found
        assert original.receipt is not None
        used = original.receipt.channel
        chain = [c for c in profile.channels if channel_label(c) == used] or list(profile.channels)
        follow_profile = profile.model_copy(update={"channels": chain})
        entry = box.insert_entry(self.store, original, follow_profile, follow_up=FollowUp(text, attachments))
        self._notify(entry)
        self.wake()
        return entry

    def retry(self, entry_id: str) -> OutboxEntry:
        """Send a failed (or waiting) entry now, through the same channel, with the same key.

        Raises:
            ComposerError: ``outbox.not_found``, ``outbox.busy``, ``outbox.already_sent``.
        """
        entry = claims.reschedule(self.store, entry_id)
        self._notify(entry)
        self.wake()
        return entry

    def continue_with_next(self, entry_id: str) -> OutboxEntry:
        """Send through the next channel of the profile's chain (the user said yes).

        Raises:
            ComposerError: ``delivery.no_next_channel``, ``outbox.not_found``,
                ``outbox.busy``, ``outbox.already_sent``.
        """
        entry = box.get_entry(self.store, entry_id)
        if entry is None:
            raise ComposerError("outbox.not_found", id=entry_id)
        if entry.next_channel is None:
            raise ComposerError("delivery.no_next_channel")
        entry = claims.reschedule(self.store, entry_id, channel_index=entry.channel_index + 1)
        self._notify(entry)
        self.wake()
        return entry

    def edit(self, entry_id: str) -> Request:
        """Take an unsent request out of the outbox and back to the drafts.

        Raises:
            ComposerError: ``outbox.not_found``, ``outbox.busy``, ``outbox.already_sent``.
        """
        return claims.withdraw(self.store, entry_id)

    def save_as_file(self, entry_id: str, target: Path) -> Path:
        """Save an entry's request as a bundle the user sends by hand (it stays in the outbox).

        Raises:
            ComposerError: ``outbox.not_found``; ``bundle.write_failed``, ``attachment.missing``.
        """
        from composer.render import write_bundle

        entry = box.get_entry(self.store, entry_id)
        if entry is None:
            raise ComposerError("outbox.not_found", id=entry_id)
        text = box.rendered_for(self.store, entry).text
        return write_bundle(entry.request, entry.profile, self.store, target, text=text)

    def settle(self, entry_id: str, *, arrived: bool) -> OutboxEntry:
        """The user's word on a request that may have arrived: it did, or send it again.

        Raises:
            ComposerError: ``outbox.not_found``, ``outbox.not_uncertain``.
        """
        if arrived:
            entry = settling.settle_arrived(self.store, entry_id)
        else:
            entry = settling.settle_resend(self.store, entry_id)
        self._notify(entry)
        self.wake()
        return entry

    def keep_reference(self, entry_id: str, reference: str) -> OutboxEntry:
        """Store the provider's number (settles an entry that may have arrived).

        Raises:
            ComposerError: ``reference.invalid``, ``outbox.not_found``, ``outbox.not_sent_yet``.
        """
        entry = settling.keep_reference(self.store, entry_id, reference)
        self._notify(entry)
        return entry

    def entries(self, *states: OutboxState) -> list[OutboxEntry]:
        return box.list_entries(self.store, states=states)

    def attempts(self, entry_id: str) -> list[Attempt]:
        return box.list_attempts(self.store, entry_id)

    # -- the worker -------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping:
            try:
                if time.monotonic() - self._last_recover >= self.recover_every:
                    self._last_recover = time.monotonic()
                    self.recover()
                worked = self.run_once()
            except Exception:
                log.exception("outbox worker failed; trying again shortly")
                worked = False
            if worked:
                continue
            due = claims.next_due(self.store)
            wait = self.poll
            if due is not None:
                wait = min(wait, max(0.0, (due - box.now_utc()).total_seconds()))
            with self._wake:
                if not self._stopping:
                    self._wake.wait(wait)

    def run_once(self) -> bool:
        """Send the next due entry in this thread; False when none is due."""
        claimed = claims.claim_due(self.store, self._owner, lease=self.lease)
        if claimed is None:
            return False
        entry, attempt_id = claimed
        self._notify(entry)
        try:
            self._send(entry, attempt_id)
        except DeliveryError as error:
            self._failed(entry, attempt_id, error)
        except ComposerError as error:
            self._failed(
                entry,
                attempt_id,
                DeliveryError(error.code, kind=FailureKind.CONFIG, **error.params),
            )
        except Exception as exc:
            log.exception("unexpected error while sending outbox entry %s", entry.id)
            self._failed(
                entry,
                attempt_id,
                DeliveryError("internal", kind=FailureKind.CONFIG, reason=type(exc).__name__),
            )
        return True

    def _send(self, entry: OutboxEntry, attempt_id: int) -> None:
        config = entry.channel
        if config is None:
            raise DeliveryError("delivery.no_next_channel", kind=FailureKind.CONFIG)
        channel = self.channels.make(config, entry.profile)
        renewed = time.monotonic()

        def progress(sent: int, total: int) -> None:
            nonlocal renewed
            if time.monotonic() - renewed > self.lease.total_seconds() / 4:
                renewed = time.monotonic()
                claims.renew_lease(self.store, entry.id, self._owner, lease=self.lease)
            _call(self.listener.on_progress, entry.id, sent, total)

        def body_leaving() -> None:
            settling.mark_body_out(self.store, entry.id, self._owner, attempt_id)

        rendered = box.rendered_for(self.store, entry)  # as stored at Send: the same on every try
        if entry.follow_up is None:
            context = SendContext(
                entry.profile, entry.idempotency_key, progress, body_leaving=body_leaving, rendered=rendered
            )
            receipt = channel.send(entry.request, context)
        else:
            found = history.get(self.store, entry.request_id)
            original = found[0] if found else entry.request
            context = SendContext(
                entry.profile,
                entry.idempotency_key,
                progress,
                original,
                body_leaving=body_leaving,
                rendered=rendered,
            )
            receipt = channel.send_follow_up(entry.follow_up, context)
        with self.store.transaction() as db:
            box.finish_attempt(db, attempt_id, "sent", detail=receipt.reference)
            box.mark_sent(db, entry.id, receipt)
            if entry.follow_up is None:
                history.record(db, entry.request, entry.profile, receipt, rendered=rendered)
            else:
                history.record_message(db, entry.request_id, entry.follow_up.text, receipt)
        sent = box.get_entry(self.store, entry.id)
        assert sent is not None
        log.info("outbox entry %s sent by %s: %s", entry.id, receipt.channel, receipt.reference)
        self._notify(sent)
        _call(self.listener.on_sent, sent)

    def _failed(self, entry: OutboxEntry, attempt_id: int, error: DeliveryError) -> None:
        label = channel_label(entry.channel)
        uncertain = error.maybe_delivered and not box.resend_is_safe(label)
        retry = not uncertain and is_retryable(error.kind) and entry.attempts < self.backoff.max_attempts
        next_at = None
        if retry:
            wait = self.backoff.delay(entry.attempts, error.retry_after)
            next_at = box.now_utc() + timedelta(seconds=wait)
        log.info(
            "outbox entry %s: %s failed (%s, %s)%s",
            entry.id,
            label,
            error.kind,
            error.code,
            f"; retry in {(next_at - box.now_utc()).total_seconds():.1f}s" if next_at else "",
        )
        if uncertain:
            state = OutboxState.UNCERTAIN
            error = DeliveryError(
                "delivery.maybe_delivered", kind=error.kind, maybe_delivered=True, cause=error.code
            )
        else:
            state = OutboxState.PENDING if retry else OutboxState.FAILED
        with self.store.transaction() as db:
            outcome = "uncertain" if uncertain else str(error.kind)
            box.finish_attempt(db, attempt_id, outcome, code=error.params.get("cause", error.code))
            box.mark_unsent(db, entry.id, error, state=state, next_attempt_at=next_at)
        updated = box.get_entry(self.store, entry.id)
        assert updated is not None
        self._notify(updated)
        if uncertain:
            _call(self.listener.on_uncertain, updated)
            return
        if retry:
            return
        if error.kind is FailureKind.AUTH and entry.channel is not None:
            who = self.channels.credential_identity(entry.channel, entry.request)
            if who is not None:
                _call(
                    self.listener.on_credential_needed,
                    CredentialNeeded(entry.id, entry.profile.provider.id, who, label, error.code),
                )
        _call(
            self.listener.on_fallback,
            FallbackOffer(
                entry.id,
                label,
                error.code,
                dict(error.params),
                channel_label(entry.next_channel) or None,
            ),
        )

    def _notify(self, entry: OutboxEntry) -> None:
        _call(self.listener.on_state, entry)
