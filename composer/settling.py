"""The moment a body leaves, and what settles a request that may have arrived.

A send is cut off in one of two places: before the provider can have the
request (nothing to decide: it goes out again), or after its last byte left
and before the answer came back. Only the channel knows where that line is,
so it calls :func:`mark_body_out` just before it crosses it (the final dot
of SMTP's DATA, the last part of the intake API's upload); the mark is
committed before the byte is written, so neither a lost answer nor a
``kill -9`` can hide it.

An entry in ``uncertain`` is settled by whoever knows:

* the provider's confirmation mail, read by :mod:`composer.replies`, or the
  number the user pastes (:func:`keep_reference`): it arrived, with that number;
* the user, who looked and says it arrived (:func:`settle_arrived`) or did
  not (:func:`settle_resend`: back to ``pending``, same key and Message-ID).

The provider's number is stored on the entry's receipt and in the history,
so every follow-up quotes it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from composer import history
from composer import outbox as box
from composer import outbox_claims as claims
from composer.errors import ComposerError
from composer.model import Receipt
from composer.outbox import EntryKind, OutboxEntry, OutboxState, channel_label
from composer.store import Store

__all__ = [
    "awaiting_reference",
    "expected_message_id",
    "keep_reference",
    "look_for",
    "mark_body_out",
    "needs_number",
    "normalise_reference",
    "settle_arrived",
    "settle_resend",
]

_REFERENCE = re.compile(r"^[\w./-]{1,64}$", re.UNICODE)
_AFTER_HASH = re.compile(r"#\s*([A-Za-z0-9][A-Za-z0-9-]*)")


def mark_body_out(store: Store, entry_id: str, owner: str, attempt_id: int) -> None:
    """Commit "the body may be out" for the attempt ``owner`` is making now."""
    moment = box.now_utc().isoformat(timespec="microseconds")
    with store.transaction() as db:
        db.execute(
            "UPDATE outbox SET maybe_delivered = 1, updated_at = ?"
            " WHERE id = ? AND owner = ? AND state = 'sending'",
            (moment, entry_id, owner),
        )
        db.execute(
            "UPDATE delivery_attempts SET outcome = 'body_out' WHERE id = ? AND outcome = 'started'",
            (attempt_id,),
        )


def expected_message_id(entry: OutboxEntry) -> str:
    """The Message-ID every e-mail attempt of ``entry`` carried ('' for other channels)."""
    if channel_label(entry.channel) != "email":
        return ""
    from composer.channels.email import message_id_for

    return message_id_for(entry.idempotency_key, entry.request.requester.email)


def look_for(entry: OutboxEntry) -> str:
    """What the provider's confirmation looks like, so that the user can find it in the mailbox."""
    from composer.i18n import _
    from composer.render import render_subject

    tag = getattr(entry.channel, "subject_tag", "")
    subject = entry.rendered.subject if entry.rendered else render_subject(entry.request, entry.profile)
    provider = entry.profile.provider.name
    if tag:
        return _(
            "Look in your mailbox for an answer from {provider} with “{tag}” and “{subject}” in its subject."
        ).format(provider=provider, tag=tag.replace("{number}", "…"), subject=subject)
    return _("Look in your mailbox for an answer from {provider} about “{subject}”.").format(
        provider=provider, subject=subject
    )


def normalise_reference(text: str) -> str:
    """The provider's number as typed or pasted: ``4711``, ``#4711``, or a whole tag.

    From a pasted subject tag such as ``[Example #4711]`` the part after
    ``#`` is taken; brackets and spaces are trimmed.

    Raises:
        ComposerError: ``reference.invalid``.
    """
    tagged = _AFTER_HASH.search(text)
    number = tagged.group(1) if tagged else text.strip().strip("[]").strip()
    if not _REFERENCE.match(number):
        raise ComposerError("reference.invalid", reference=text.strip()[:80])
    return number


def _sent_at(store: Store, entry: OutboxEntry) -> datetime:
    # when the body left: the start of the last attempt that got that far
    for attempt in reversed(box.list_attempts(store, entry.id)):
        if attempt.outcome in {"interrupted", "uncertain", "body_out"}:
            return attempt.started_at
    return datetime.now(UTC)


def settle_arrived(store: Store, entry_id: str, *, reference: str = "") -> OutboxEntry:
    """The provider has it: ``uncertain`` becomes ``sent`` (and goes into the history).

    Raises:
        ComposerError: ``outbox.not_found``; ``outbox.not_uncertain`` unless it is ``uncertain``.
    """
    claims.recover(store, entry_id=entry_id)
    entry = box.get_entry(store, entry_id)
    if entry is None:
        raise ComposerError("outbox.not_found", id=entry_id)
    receipt = Receipt(
        channel=channel_label(entry.channel),
        reference=reference,
        sent_at=_sent_at(store, entry),
        message_id=expected_message_id(entry),
    )
    with store.transaction() as db:
        row = db.execute("SELECT state FROM outbox WHERE id = ?", (entry_id,)).fetchone()
        if row is None or row[0] != OutboxState.UNCERTAIN:
            raise ComposerError("outbox.not_uncertain", id=entry_id[:12])
        box.mark_sent(db, entry_id, receipt)
        moment = box.now_utc().isoformat(timespec="microseconds")
        db.execute(  # logged beside the tries, which keep their outcome
            "INSERT INTO delivery_attempts(outbox_id, channel, idempotency_key, started_at, finished_at,"
            " outcome, detail) VALUES (?, ?, ?, ?, ?, 'settled', ?)",
            (entry_id, receipt.channel, entry.idempotency_key, moment, moment, reference),
        )
        if entry.follow_up is None:  # the text that went out, as stored at Send
            history.record(db, entry.request, entry.profile, receipt, rendered=entry.rendered)
        else:
            history.record_message(db, entry.request_id, entry.follow_up.text, receipt)
    settled = box.get_entry(store, entry_id)
    assert settled is not None
    return settled


def settle_resend(store: Store, entry_id: str) -> OutboxEntry:
    """The provider does not have it: send it again (same key, same Message-ID).

    Raises:
        ComposerError: ``outbox.not_found``; ``outbox.not_uncertain``.
    """
    claims.recover(store, entry_id=entry_id)
    moment = box.now_utc().isoformat(timespec="microseconds")
    with store.transaction() as db:
        row = db.execute("SELECT state FROM outbox WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise ComposerError("outbox.not_found", id=entry_id)
        if row[0] != OutboxState.UNCERTAIN:
            raise ComposerError("outbox.not_uncertain", id=entry_id[:12])
        db.execute(
            "UPDATE outbox SET state = 'pending', maybe_delivered = 0, reason = '',"
            " reason_params = '{}', next_attempt_at = ?, updated_at = ? WHERE id = ?",
            (moment, moment, entry_id),
        )
    entry = box.get_entry(store, entry_id)
    assert entry is not None
    return entry


def keep_reference(store: Store, entry_id: str, reference: str) -> OutboxEntry:
    """Store the provider's number for an entry; an ``uncertain`` one is settled by it.

    For a sent request the number goes on its receipt and into the history
    (found by it, quoted by its follow-ups); for a follow-up, on the request
    it belongs to.

    Raises:
        ComposerError: ``reference.invalid``, ``outbox.not_found``,
            ``outbox.not_sent_yet`` (still waiting, sending or failed).
    """
    number = normalise_reference(reference)
    claims.recover(store, entry_id=entry_id)
    entry = box.get_entry(store, entry_id)
    if entry is None:
        raise ComposerError("outbox.not_found", id=entry_id)
    if entry.state is OutboxState.UNCERTAIN:
        entry = settle_arrived(store, entry_id, reference=number)
    elif entry.state is not OutboxState.SENT or entry.receipt is None:
        raise ComposerError("outbox.not_sent_yet", id=entry_id[:12])
    target = entry
    if entry.kind is EntryKind.FOLLOW_UP:
        original = box.entry_for_request(store, entry.request_id)
        target = original if original is not None and original.receipt is not None else entry
    assert target.receipt is not None
    receipt = target.receipt.model_copy(update={"reference": number})
    with store.transaction() as db:
        db.execute(
            "UPDATE outbox SET receipt = ?, updated_at = ? WHERE id = ?",
            (receipt.model_dump_json(), box.now_utc().isoformat(timespec="microseconds"), target.id),
        )
    if history.get(store, target.request_id) is not None:
        history.set_reference(store, target.request_id, number)
    kept = box.get_entry(store, entry_id)
    assert kept is not None
    return kept


def needs_number(entry: OutboxEntry) -> bool:
    """An e-mail request that may have arrived, or went out and has no ticket number yet."""
    if channel_label(entry.channel) != "email" or entry.kind is not EntryKind.REQUEST:
        return False
    if entry.state is OutboxState.UNCERTAIN:
        return True
    return entry.state is OutboxState.SENT and entry.receipt is not None and not entry.receipt.reference


def awaiting_reference(store: Store, *, max_age: timedelta = timedelta(days=14)) -> list[OutboxEntry]:
    """E-mail requests whose provider's number is not known yet (and those that may have arrived).

    A sent one is looked for during ``max_age`` after it went out (an answer
    comes within minutes or not at all); one that may have arrived, always.
    """
    oldest = box.now_utc() - max_age
    entries = box.list_entries(store, states=(OutboxState.SENT, OutboxState.UNCERTAIN))
    return [
        entry
        for entry in entries
        if needs_number(entry) and (entry.state is OutboxState.UNCERTAIN or entry.updated_at >= oldest)
    ]
