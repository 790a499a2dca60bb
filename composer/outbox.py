"""The outbox's data: entries, their states, and the log of every attempt.

An entry is written before the first byte leaves the machine and carries all
it needs to be sent after a restart: the request, its subject and text as
rendered at Send in the provider's language (:mod:`composer.rendered`: every
attempt sends exactly these), a snapshot of the provider profile, the
channel it is at in the profile's fallback chain and the idempotency key
every attempt sends. States::

    pending ──claim──► sending ──► sent
       ▲                  │
       │ retry / backoff  ├──► pending    (network, 5xx: retried after a pause; also a
       │                  │                lost answer where the key makes a resend safe)
       │                  ├──► uncertain  (the body may be out and a resend could make a
       │                  │                second ticket: the user or the reply watcher settles it)
       │                  └──► failed     (rejected, auth, config, too many tries)
       └──── retry / next channel ◄──┘
    uncertain ──"it arrived" / the provider's number──► sent
    uncertain ──"send it again"──► pending

Just before the last byte of a body leaves (for SMTP the final dot of DATA),
the channel calls back and the entry's ``maybe_delivered`` mark is committed
(:func:`composer.settling.mark_body_out`). A try that then ends without an
answer, by a lost reply, a time-out or a killed process, is resent by itself
only through a channel whose idempotency key settles it on the provider's
side (:func:`resend_is_safe`); any other goes to ``uncertain``.

A process that dies while ``sending`` leaves the entry with its owner; the
next worker, or any command that touches the entry, takes it over once the
owner is gone or its lease has expired. Who holds an entry (a worker's
atomic claim and its lease, that takeover, the user taking it back) is
:mod:`composer.outbox_claims`'s. All times are UTC.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from composer.channels.base import DeliveryError, FollowUp
from composer.errors import ComposerError
from composer.model import Attachment, Receipt, Request
from composer.profile import Channel, ProviderProfile
from composer.rendered import RenderedRequest
from composer.settings import load_setting, save_setting
from composer.store import Store

__all__ = [
    "Attempt",
    "EntryKind",
    "OutboxEntry",
    "OutboxState",
    "get_entry",
    "list_attempts",
    "list_entries",
    "load_setting",
    "rendered_for",
    "resend_is_safe",
    "save_setting",
]


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"


class EntryKind(StrEnum):
    REQUEST = "request"
    FOLLOW_UP = "follow_up"


@dataclass(frozen=True)
class OutboxEntry:
    """One request (or follow-up) on its way out.

    ``rendered`` is the text rendered at Send (for a follow-up: the original
    request's, whose subject it answers); None only for an entry written by
    a version that did not store it (see :func:`rendered_for`).
    """

    id: str
    request_id: str
    kind: EntryKind
    state: OutboxState
    channel_index: int
    idempotency_key: str
    reason: str
    reason_params: dict[str, Any]
    failure_kind: str
    maybe_delivered: bool
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    updated_at: datetime
    request: Request
    profile: ProviderProfile
    follow_up: FollowUp | None
    receipt: Receipt | None
    rendered: RenderedRequest | None = None

    @property
    def channel(self) -> Channel | None:
        """The profile channel this entry goes through now."""
        channels = self.profile.channels
        return channels[self.channel_index] if self.channel_index < len(channels) else None

    @property
    def next_channel(self) -> Channel | None:
        """The channel after this one in the fallback chain, if any."""
        channels = self.profile.channels
        index = self.channel_index + 1
        return channels[index] if index < len(channels) else None


@dataclass(frozen=True)
class Attempt:
    """One try to send an entry, with its outcome (``started`` while it runs)."""

    id: int
    outbox_id: str
    channel: str
    idempotency_key: str
    started_at: datetime
    finished_at: datetime | None
    outcome: str
    code: str
    detail: str


def now_utc() -> datetime:
    return datetime.now(UTC)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_stamp(text: str) -> datetime:
    return datetime.fromisoformat(text)


def channel_label(channel: Channel | None) -> str:
    """A stable short name for a profile channel: ``intake``, ``email``, ``file``."""
    if channel is None:
        return ""
    return channel.key()


def _entry(row: sqlite3.Row) -> OutboxEntry:
    follow_up = None
    if row["follow_up"]:
        data = json.loads(row["follow_up"])
        follow_up = FollowUp(
            text=data["text"],
            attachments=tuple(Attachment.model_validate(a) for a in data["attachments"]),
        )
    return OutboxEntry(
        id=row["id"],
        request_id=row["request_id"],
        kind=EntryKind(row["kind"]),
        state=OutboxState(row["state"]),
        channel_index=row["channel_index"],
        idempotency_key=row["idempotency_key"],
        reason=row["reason"],
        reason_params=json.loads(row["reason_params"]),
        failure_kind=row["failure_kind"],
        maybe_delivered=bool(row["maybe_delivered"]),
        attempts=row["attempts"],
        next_attempt_at=parse_stamp(row["next_attempt_at"]),
        created_at=parse_stamp(row["created_at"]),
        updated_at=parse_stamp(row["updated_at"]),
        request=Request.model_validate_json(row["request"]),
        profile=ProviderProfile.model_validate_json(row["profile"]),
        follow_up=follow_up,
        receipt=Receipt.model_validate_json(row["receipt"]) if row["receipt"] else None,
        rendered=RenderedRequest.model_validate_json(row["rendered"]) if row["rendered"] else None,
    )


def get_entry(store: Store, entry_id: str) -> OutboxEntry | None:
    rows = store.query("SELECT * FROM outbox WHERE id = ?", (entry_id,))
    return _entry(rows[0]) if rows else None


def entry_for_request(store: Store, request_id: str) -> OutboxEntry | None:
    """The outbox entry of a new request (not its follow-ups), if it is in the outbox."""
    rows = store.query("SELECT * FROM outbox WHERE request_id = ? AND kind = 'request'", (request_id,))
    return _entry(rows[0]) if rows else None


def list_entries(store: Store, *, states: tuple[OutboxState, ...] = ()) -> list[OutboxEntry]:
    """Entries, oldest first, optionally only those in ``states``."""
    if states:
        marks = ",".join("?" * len(states))
        rows = store.query(
            f"SELECT * FROM outbox WHERE state IN ({marks}) ORDER BY created_at",
            tuple(str(s) for s in states),
        )
    else:
        rows = store.query("SELECT * FROM outbox ORDER BY created_at")
    return [_entry(row) for row in rows]


def list_attempts(store: Store, entry_id: str) -> list[Attempt]:
    rows = store.query("SELECT * FROM delivery_attempts WHERE outbox_id = ? ORDER BY id", (entry_id,))
    return [
        Attempt(
            id=row["id"],
            outbox_id=row["outbox_id"],
            channel=row["channel"],
            idempotency_key=row["idempotency_key"],
            started_at=parse_stamp(row["started_at"]),
            finished_at=parse_stamp(row["finished_at"]) if row["finished_at"] else None,
            outcome=row["outcome"],
            code=row["code"],
            detail=row["detail"],
        )
        for row in rows
    ]


def check_attachments(store: Store, attachments: tuple[Attachment, ...]) -> None:
    """Raises ``attachment.missing`` unless every file is in the store with its size."""
    for attachment in attachments:
        path = store.attachment_path(attachment)
        try:
            size = path.stat().st_size
        except OSError:
            size = -1
        if size != attachment.size:
            raise ComposerError("attachment.missing", name=attachment.name)


def insert_entry(
    store: Store,
    request: Request,
    profile: ProviderProfile,
    *,
    follow_up: FollowUp | None = None,
    rendered: RenderedRequest | None = None,
    remove_draft: bool = False,
    now: datetime | None = None,
) -> OutboxEntry:
    """Write an entry (idempotent for a new request: an existing entry is returned).

    ``rendered`` is the text the user reviewed; without it the request is
    rendered here, once, in the provider's language. For a follow-up it is
    the original's text as it was sent (its stored one when there is one).

    Raises:
        ComposerError: ``attachment.missing``, ``outbox.no_channel``.
    """
    if not profile.channels:
        raise ComposerError("outbox.no_channel", provider=profile.provider.name)
    check_attachments(store, follow_up.attachments if follow_up else request.attachments)
    if rendered is None and follow_up is not None:
        original = entry_for_request(store, request.id)
        rendered = original.rendered if original is not None else None
    if rendered is None:
        from composer.rendered import render_request

        rendered = render_request(request, profile)
    moment = stamp(now or now_utc())
    entry_id = uuid.uuid4().hex
    kind = EntryKind.FOLLOW_UP if follow_up else EntryKind.REQUEST
    follow_json = ""
    if follow_up is not None:
        follow_json = json.dumps(
            {
                "text": follow_up.text,
                "attachments": [a.model_dump(mode="json") for a in follow_up.attachments],
            }
        )
    with store.transaction() as db:
        existing = None
        if kind is EntryKind.REQUEST:
            existing = db.execute(
                "SELECT id FROM outbox WHERE request_id = ? AND kind = 'request'", (request.id,)
            ).fetchone()
        if existing is not None:
            entry_id = existing[0]
        else:
            db.execute(
                "INSERT INTO outbox(id, request_id, kind, state, idempotency_key, next_attempt_at,"
                " created_at, updated_at, request, profile, follow_up, rendered)"
                " VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry_id,
                    request.id,
                    str(kind),
                    f"rc-{uuid.uuid4().hex}",
                    moment,
                    moment,
                    moment,
                    request.model_dump_json(),
                    profile.model_dump_json(),
                    follow_json,
                    rendered.model_dump_json(),
                ),
            )
            if remove_draft:
                db.execute("DELETE FROM drafts WHERE id = ?", (request.id,))
    entry = get_entry(store, entry_id)
    assert entry is not None
    return entry


def rendered_for(store: Store, entry: OutboxEntry) -> RenderedRequest:
    """The text ``entry`` sends: the stored one, or (an entry from before) rendered now and kept.

    Rendered in the provider's language and written to the entry before it
    is returned, so that this try and every later one send the same bytes.
    """
    if entry.rendered is not None:
        return entry.rendered
    from composer.rendered import render_request

    rendered = render_request(entry.request, entry.profile)
    with store.transaction() as db:
        db.execute(
            "UPDATE outbox SET rendered = ? WHERE id = ? AND rendered = ''",
            (rendered.model_dump_json(), entry.id),
        )
        row = db.execute("SELECT rendered FROM outbox WHERE id = ?", (entry.id,)).fetchone()
    return RenderedRequest.model_validate_json(row[0]) if row and row[0] else rendered


def resend_is_safe(label: str) -> bool:
    """Whether a try whose outcome is unknown may be repeated without asking anyone.

    The channel says so in the registry (:attr:`Capability.REPEAT_SAFE`): the
    intake API takes the same ``Idempotency-Key`` again and answers with the
    ticket it already made; a file is written under the same name. An e-mail
    (and any channel that does not declare it) may have made a ticket
    already, and a second one is what providers ask customers never to cause.
    """
    from composer.channels.registry import Capability, spec_for

    spec = spec_for(label)
    return spec is not None and Capability.REPEAT_SAFE in spec.capabilities


def finish_attempt(
    db: sqlite3.Connection, attempt_id: int, outcome: str, *, code: str = "", detail: str = ""
) -> None:
    db.execute(
        "UPDATE delivery_attempts SET outcome = ?, code = ?, detail = ?, finished_at = ? WHERE id = ?",
        (outcome, code, detail[:500], stamp(now_utc()), attempt_id),
    )


def mark_sent(db: sqlite3.Connection, entry_id: str, receipt: Receipt) -> None:
    moment = stamp(now_utc())
    db.execute(
        "UPDATE outbox SET state = 'sent', receipt = ?, reason = '', reason_params = '{}',"
        " failure_kind = '', owner = '', lease_until = '', updated_at = ? WHERE id = ?",
        (receipt.model_dump_json(), moment, entry_id),
    )


def mark_unsent(
    db: sqlite3.Connection,
    entry_id: str,
    error: DeliveryError,
    *,
    state: OutboxState,
    next_attempt_at: datetime | None = None,
) -> None:
    """Record a failure: back to ``pending`` (with a due time), ``uncertain`` or ``failed``."""
    moment = now_utc()
    db.execute(
        "UPDATE outbox SET state = ?, reason = ?, reason_params = ?, failure_kind = ?,"
        " maybe_delivered = ?, next_attempt_at = ?, owner = '',"
        " lease_until = '', updated_at = ? WHERE id = ?",
        (
            str(state),
            error.code,
            json.dumps(_plain(error.params)),
            str(error.kind),
            int(error.maybe_delivered),
            stamp(next_attempt_at or moment),
            stamp(moment),
            entry_id,
        ),
    )


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v if isinstance(v, str | int | float | bool | list) else str(v) for k, v in params.items()}
