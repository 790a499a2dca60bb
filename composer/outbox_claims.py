"""Who holds an outbox entry: a worker's claim, a takeover from a sender that died, the user.

A worker names itself an owner (host, process, a token of its own:
:func:`new_owner`) and claims the next due entry atomically
(:func:`claim_due`, ``BEGIN IMMEDIATE``): two processes on one data folder
never send the same entry at once. A long send renews its lease. An entry
left ``sending`` by an owner that is gone, or whose lease has run out, is
taken over by :func:`recover`: back to ``pending`` with the same key, or to
``uncertain`` where its body may have left and its channel cannot tell a
resend from a new request (:func:`composer.outbox.resend_is_safe`). The
user takes an entry that is not being sent back to edit it
(:func:`withdraw`), or has it sent again or by the next channel
(:func:`reschedule`); both first take it over from a sender that died. The
entries themselves and their states are :mod:`composer.outbox`'s.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

from composer.errors import ComposerError
from composer.model import Request
from composer.outbox import (
    EntryKind,
    OutboxEntry,
    OutboxState,
    channel_label,
    get_entry,
    now_utc,
    parse_stamp,
    resend_is_safe,
    stamp,
)
from composer.profile import ProviderProfile
from composer.store import Store

__all__ = [
    "claim_due",
    "new_owner",
    "next_due",
    "recover",
    "release_owner",
    "renew_lease",
    "reschedule",
    "withdraw",
]

HOST = socket.gethostname()
_live_tokens: set[str] = set()


def new_owner() -> str:
    """An owner name for one worker: host, process and a token for this worker."""
    token = uuid.uuid4().hex[:12]
    _live_tokens.add(token)
    return f"{HOST}:{os.getpid()}:{token}"


def release_owner(owner: str) -> None:
    _live_tokens.discard(owner.rsplit(":", 1)[-1])


def _owner_alive(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    pid_text, _, token = rest.partition(":")
    if host != HOST:
        return True  # another machine: only its lease can tell
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid == os.getpid():
        return token in _live_tokens
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(store: Store, *, now: datetime | None = None, entry_id: str | None = None) -> list[str]:
    """Take over entries whose sender died or whose lease ran out; returns their ids.

    Each goes back to ``pending`` (and out again with the same key), or to
    ``uncertain`` when its body may have left and its channel cannot tell a
    resend from a new request. Their unfinished attempts are logged as
    ``interrupted``. With ``entry_id``, only that entry is looked at.
    """
    moment = now or now_utc()
    recovered: list[str] = []
    with store.transaction() as db:
        sql = "SELECT id, owner, lease_until, maybe_delivered, channel_index, profile FROM outbox"
        sql += " WHERE state = 'sending'"
        params: tuple[str, ...] = ()
        if entry_id is not None:
            sql += " AND id = ?"
            params = (entry_id,)
        for row_id, owner, lease_until, maybe, index, profile_json in db.execute(sql, params).fetchall():
            expired = not lease_until or parse_stamp(lease_until) <= moment
            if not expired and _owner_alive(owner):
                continue
            channels = ProviderProfile.model_validate_json(profile_json).channels
            label = channel_label(channels[index] if index < len(channels) else None)
            uncertain = bool(maybe) and not resend_is_safe(label)
            state = OutboxState.UNCERTAIN if uncertain else OutboxState.PENDING
            db.execute(
                "UPDATE outbox SET state = ?, owner = '', lease_until = '', next_attempt_at = ?,"
                " reason = CASE WHEN ? THEN 'delivery.maybe_delivered' ELSE reason END,"
                " reason_params = CASE WHEN ? THEN '{}' ELSE reason_params END,"
                " updated_at = ? WHERE id = ?",
                (str(state), stamp(moment), int(uncertain), int(uncertain), stamp(moment), row_id),
            )
            db.execute(
                "UPDATE delivery_attempts SET outcome = 'interrupted', finished_at = ?"
                " WHERE outbox_id = ? AND outcome IN ('started', 'body_out')",
                (stamp(moment), row_id),
            )
            recovered.append(row_id)
    return recovered


def renew_lease(store: Store, entry_id: str, owner: str, *, lease: timedelta) -> None:
    """Extend the claim of an entry this owner is still sending."""
    with store.transaction() as db:
        db.execute(
            "UPDATE outbox SET lease_until = ? WHERE id = ? AND owner = ? AND state = 'sending'",
            (stamp(now_utc() + lease), entry_id, owner),
        )


def claim_due(
    store: Store, owner: str, *, lease: timedelta, now: datetime | None = None
) -> tuple[OutboxEntry, int] | None:
    """Take the next due entry for sending; returns it and the id of its logged attempt."""
    moment = now or now_utc()
    with store.transaction() as db:
        row = db.execute(
            "SELECT id, channel_index, profile, idempotency_key FROM outbox"
            " WHERE state = 'pending' AND next_attempt_at <= ?"
            " ORDER BY next_attempt_at LIMIT 1",
            (stamp(moment),),
        ).fetchone()
        if row is None:
            return None
        entry_id, index, profile_json, key = row
        channels = ProviderProfile.model_validate_json(profile_json).channels
        label = channel_label(channels[index] if index < len(channels) else None)
        db.execute(
            "UPDATE outbox SET state = 'sending', owner = ?, lease_until = ?, maybe_delivered = 0,"
            " attempts = attempts + 1, updated_at = ? WHERE id = ?",
            (owner, stamp(moment + lease), stamp(moment), entry_id),
        )
        cursor = db.execute(
            "INSERT INTO delivery_attempts(outbox_id, channel, idempotency_key, started_at)"
            " VALUES (?, ?, ?, ?)",
            (entry_id, label, key, stamp(moment)),
        )
        attempt_id = cursor.lastrowid
    entry = get_entry(store, entry_id)
    assert entry is not None and attempt_id is not None
    return entry, attempt_id


def next_due(store: Store) -> datetime | None:
    """When the earliest pending entry is due, or None when nothing is pending."""
    rows = store.query("SELECT MIN(next_attempt_at) AS due FROM outbox WHERE state = 'pending'")
    return parse_stamp(rows[0]["due"]) if rows and rows[0]["due"] else None


def reschedule(
    store: Store, entry_id: str, *, channel_index: int | None = None, now: datetime | None = None
) -> OutboxEntry:
    """Make a ``pending`` or ``failed`` entry due now, optionally at another channel.

    Raises:
        ComposerError: ``outbox.not_found``; ``outbox.busy`` while it is sending;
            ``outbox.already_sent``; ``outbox.uncertain`` when it may have arrived.
    """
    recover(store, entry_id=entry_id)  # an owner that died must not keep it "sending"
    moment = stamp(now or now_utc())
    with store.transaction() as db:
        row = db.execute("SELECT state FROM outbox WHERE id = ?", (entry_id,)).fetchone()
        _check_changeable(entry_id, row)
        db.execute(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?, updated_at = ?,"
            " channel_index = COALESCE(?, channel_index) WHERE id = ?",
            (moment, moment, channel_index, entry_id),
        )
    entry = get_entry(store, entry_id)
    assert entry is not None
    return entry


def _check_changeable(entry_id: str, row: Any) -> None:
    if row is None:
        raise ComposerError("outbox.not_found", id=entry_id)
    if row[0] == OutboxState.SENDING:
        raise ComposerError("outbox.busy", id=entry_id)
    if row[0] == OutboxState.SENT:
        raise ComposerError("outbox.already_sent", id=entry_id)
    if row[0] == OutboxState.UNCERTAIN:
        raise ComposerError("outbox.uncertain", id=entry_id[:12])


def withdraw(store: Store, entry_id: str) -> Request:
    """Take an unsent entry out of the outbox and make its request a draft again.

    Raises:
        ComposerError: ``outbox.not_found``, ``outbox.busy``, ``outbox.already_sent``,
            ``outbox.uncertain``.
    """
    recover(store, entry_id=entry_id)
    entry = get_entry(store, entry_id)
    with store.transaction() as db:
        row = db.execute("SELECT state FROM outbox WHERE id = ?", (entry_id,)).fetchone()
        _check_changeable(entry_id, row)
        db.execute("DELETE FROM outbox WHERE id = ?", (entry_id,))
    assert entry is not None
    if entry.kind is EntryKind.REQUEST:
        store.save_draft(entry.request)
    return entry.request
