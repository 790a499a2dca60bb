"""Requests that were sent, with their receipts, searchable by what was in them.

Every delivered request lands here with its reference code; the full text
(:func:`composer.render.render_text`) goes into an FTS5 index together with
the domain, the category and the reference, so "that mail problem in March"
or a ticket number finds it. Follow-ups are kept beside the request they
belong to. A sent request can be re-opened as a template for a new one.
"""

from __future__ import annotations

import re
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from composer.errors import ComposerError
from composer.model import Receipt, Request
from composer.profile import ProviderProfile
from composer.rendered import RenderedRequest
from composer.store import Store

__all__ = [
    "HistoryItem",
    "HistoryMessage",
    "get",
    "messages",
    "record",
    "record_message",
    "reopen_as_template",
    "search",
    "set_reference",
]


@dataclass(frozen=True)
class HistoryItem:
    """A sent request as the history list shows it."""

    request_id: str
    title: str
    domain: str
    category: str
    reference: str
    channel: str
    sent_at: datetime


@dataclass(frozen=True)
class HistoryMessage:
    """A follow-up that went into the same ticket."""

    id: str
    request_id: str
    sent_at: datetime
    text: str
    receipt: Receipt


def record(
    db: sqlite3.Connection,
    request: Request,
    profile: ProviderProfile,
    receipt: Receipt,
    *,
    rendered: RenderedRequest | None = None,
) -> None:
    """Add a sent request (inside the caller's transaction, with the outbox update).

    ``rendered`` is the text that was sent (kept, and searched); without it
    the request is rendered now in the provider's language.
    """
    from composer.rendered import render_request

    rendered = rendered or render_request(request, profile)
    sent = request.model_copy(update={"receipt": receipt})
    db.execute(
        "INSERT OR REPLACE INTO history(request_id, title, domain, category, reference, channel,"
        " sent_at, profile, body, rendered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            request.id,
            request.title(),
            request.domain,
            request.category,
            receipt.reference,
            receipt.channel,
            receipt.sent_at.astimezone(UTC).isoformat(timespec="microseconds"),
            profile.model_dump_json(),
            sent.model_dump_json(),
            rendered.model_dump_json(),
        ),
    )
    db.execute("DELETE FROM history_fts WHERE request_id = ?", (request.id,))
    db.execute(
        "INSERT INTO history_fts(request_id, domain, category, text, reference) VALUES (?, ?, ?, ?, ?)",
        (
            request.id,
            request.domain,
            _category_words(request, profile),
            rendered.text,
            receipt.reference,
        ),
    )


def _category_words(request: Request, profile: ProviderProfile) -> str:
    category = profile.category(request.category)
    return f"{request.category} {category.label}" if category else request.category


def record_message(db: sqlite3.Connection, request_id: str, text: str, receipt: Receipt) -> None:
    db.execute(
        "INSERT INTO history_messages(id, request_id, sent_at, text, receipt) VALUES (?, ?, ?, ?, ?)",
        (
            uuid.uuid4().hex,
            request_id,
            receipt.sent_at.astimezone(UTC).isoformat(timespec="microseconds"),
            text,
            receipt.model_dump_json(),
        ),
    )
    db.execute("UPDATE history_fts SET text = text || ? WHERE request_id = ?", ("\n\n" + text, request_id))


def _item(row: sqlite3.Row) -> HistoryItem:
    return HistoryItem(
        request_id=row["request_id"],
        title=row["title"],
        domain=row["domain"],
        category=row["category"],
        reference=row["reference"],
        channel=row["channel"],
        sent_at=datetime.fromisoformat(row["sent_at"]),
    )


def _match_expression(text: str) -> str:
    # every word must appear, as a prefix; quoting keeps FTS5 syntax out of user input
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join(f'"{w}"*' for w in words)


def search(store: Store, text: str = "", *, limit: int = 50) -> list[HistoryItem]:
    """Sent requests matching every word of ``text`` (all of them, newest first, when empty)."""
    expression = _match_expression(text)
    if not expression:
        rows = store.query("SELECT * FROM history ORDER BY sent_at DESC LIMIT ?", (limit,))
    else:
        rows = store.query(
            "SELECT h.* FROM history_fts f JOIN history h ON h.request_id = f.request_id"
            " WHERE history_fts MATCH ? ORDER BY f.rank, h.sent_at DESC LIMIT ?",
            (expression, limit),
        )
    return [_item(row) for row in rows]


def get(store: Store, request_id: str) -> tuple[Request, ProviderProfile] | None:
    """A sent request (with its receipt) and the profile it was sent with."""
    rows = store.query("SELECT body, profile FROM history WHERE request_id = ?", (request_id,))
    if not rows:
        return None
    return (
        Request.model_validate_json(rows[0]["body"]),
        ProviderProfile.model_validate_json(rows[0]["profile"]),
    )


def sent_text(store: Store, request_id: str) -> str | None:
    """The text that was sent for ``request_id``, as it left (None: not in the history).

    A request sent by a version that did not keep it is rendered again, in
    its provider's language.
    """
    rows = store.query("SELECT body, profile, rendered FROM history WHERE request_id = ?", (request_id,))
    if not rows:
        return None
    if rows[0]["rendered"]:
        return RenderedRequest.model_validate_json(rows[0]["rendered"]).text
    from composer.render import render_text

    found = get(store, request_id)
    return render_text(*found) if found else None


def messages(store: Store, request_id: str) -> list[HistoryMessage]:
    """Follow-ups of a request, oldest first."""
    rows = store.query("SELECT * FROM history_messages WHERE request_id = ? ORDER BY sent_at", (request_id,))
    return [
        HistoryMessage(
            id=row["id"],
            request_id=row["request_id"],
            sent_at=datetime.fromisoformat(row["sent_at"]),
            text=row["text"],
            receipt=Receipt.model_validate_json(row["receipt"]),
        )
        for row in rows
    ]


def set_reference(store: Store, request_id: str, reference: str) -> Request:
    """Store the ticket number the helpdesk answered later (e-mail sends have none at first).

    Raises:
        ComposerError: ``history.not_found``.
    """
    found = get(store, request_id)
    if found is None or found[0].receipt is None:
        raise ComposerError("history.not_found", id=request_id)
    request = found[0]
    assert request.receipt is not None
    updated = request.model_copy(
        update={"receipt": request.receipt.model_copy(update={"reference": reference.strip()})}
    )
    with store.transaction() as db:
        db.execute(
            "UPDATE history SET reference = ?, body = ? WHERE request_id = ?",
            (reference.strip(), updated.model_dump_json(), request_id),
        )
        db.execute(
            "UPDATE history_fts SET reference = ? WHERE request_id = ?",
            (reference.strip(), request_id),
        )
    return updated


def reopen_as_template(store: Store, request_id: str, *, save: bool = True) -> Request:
    """A new draft copied from a sent request: new id, no receipt, fresh times.

    Raises:
        ComposerError: ``history.not_found``.
    """
    found = get(store, request_id)
    if found is None:
        raise ComposerError("history.not_found", id=request_id)
    now = datetime.now(UTC)
    draft = found[0].model_copy(
        update={
            "id": uuid.uuid4().hex,
            "receipt": None,
            "created_at": now,
            "updated_at": now,
            "follows_up": "",
        }
    )
    if save:
        store.save_draft(draft)
    return draft
