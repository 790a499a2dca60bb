"""Accepted requests and follow-ups, durably, before the relay answers.

A request is one row keyed by (customer, Idempotency-Key), with its
document, the hash of what was sent (the JSON part and the files' SHA-256),
its files' metadata (the bytes are in the attachments folder, or in the
database on PostgreSQL, until forwarded: see
:attr:`~composer_relay.db.Database.inline_attachments`) and its forwarding
state:

``queued`` -> ``sending`` ("may be out": written before the helpdesk call)
-> ``forwarded``; or back to ``queued`` for a retry; ``failed`` when the
helpdesk refused it for good (the operator fixes and runs ``relay retry``);
``unsure`` when the outcome is unknown and the helpdesk cannot be searched
(the operator decides with ``relay resolve``).

:func:`purge` removes what is finished and older than the retention
(``storage.retention_days``): forwarded requests with their follow-ups,
requests never confirmed, old audit lines and expired pre-fill codes.
"""

from __future__ import annotations

import json
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from composer_relay.db import Cursor, Database

__all__ = [
    "REQUEST_COLUMNS",
    "Staged",
    "StoredMessage",
    "StoredRequest",
    "accept_message",
    "accept_request",
    "audit",
    "count_messages",
    "count_since",
    "discard_staged",
    "find_message",
    "find_request",
    "new_reference",
    "purge",
    "request_by_id",
    "request_by_reference",
    "set_answer",
]

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone

REQUEST_COLUMNS = (
    "id, reference, customer_id, token_id, idempotency_key, body_hash, request_id, requester_email, "
    "document, answer, answer_deadline, state, maybe_out, attempts, last_error, helpdesk_id, "
    "helpdesk_number, helpdesk_status, status_checked_at, web_url, received_at, forwarded_at"
)


@dataclass(frozen=True)
class Staged:
    """A received file, already on disk in the attachments folder and fsync'ed."""

    name: str
    media_type: str
    size: int
    sha256: str
    path: Path


@dataclass(frozen=True)
class StoredRequest:
    id: int
    reference: str
    customer_id: str
    token_id: str
    idempotency_key: str
    body_hash: str
    request_id: str
    requester_email: str
    document: dict[str, Any]
    answer: dict[str, Any] | None
    answer_deadline: float
    state: str
    maybe_out: bool
    attempts: int
    last_error: str
    helpdesk_id: str | None
    helpdesk_number: str | None
    helpdesk_status: str | None
    status_checked_at: float | None
    web_url: str
    received_at: float
    forwarded_at: float | None

    @property
    def public_reference(self) -> str:
        """What the customer quotes: the helpdesk's number once known, else the relay's reference."""
        return self.helpdesk_number or self.reference


def _request(row: Any) -> StoredRequest:
    values = list(row)
    values[8] = json.loads(values[8])
    values[9] = json.loads(values[9]) if values[9] else None
    values[12] = bool(values[12])
    return StoredRequest(*values)


@dataclass(frozen=True)
class StoredMessage:
    id: int
    request_ref: int
    message_id: str
    body_hash: str
    state: str
    received_at: float


def new_reference() -> str:
    """The relay's own reference, e.g. ``RC-7KQ2M9XD``: quoted only until the helpdesk's number exists."""
    return "RC-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def find_request(database: Database, customer_id: str, key: str) -> StoredRequest | None:
    with database.transaction(write=False) as cursor:
        cursor.execute(
            f"SELECT {REQUEST_COLUMNS} FROM requests WHERE customer_id = ? AND idempotency_key = ?",
            (customer_id, key),
        )
        row = cursor.fetchone()
    return _request(row) if row else None


def request_by_reference(database: Database, customer_id: str, reference: str) -> StoredRequest | None:
    """The customer's request whose relay reference or helpdesk number is ``reference``.

    ``customer_id`` ending in ``:*`` matches every customer with that prefix
    (the open intake files each sender as ``open:<address>``).
    """
    match = "customer_id LIKE ?" if customer_id.endswith(":*") else "customer_id = ?"
    wanted = customer_id[:-1] + "%" if customer_id.endswith(":*") else customer_id
    with database.transaction(write=False) as cursor:
        cursor.execute(
            f"SELECT {REQUEST_COLUMNS} FROM requests WHERE {match} "
            "AND (reference = ? OR helpdesk_number = ?) ORDER BY id LIMIT 1",
            (wanted, reference, reference),
        )
        row = cursor.fetchone()
    return _request(row) if row else None


def request_by_id(database: Database, row_id: int) -> StoredRequest:
    with database.transaction(write=False) as cursor:
        cursor.execute(f"SELECT {REQUEST_COLUMNS} FROM requests WHERE id = ?", (row_id,))
        row = cursor.fetchone()
    return _request(row)


def accept_request(
    database: Database,
    *,
    customer_id: str,
    token_id: str,
    key: str,
    body_hash: str,
    request_id: str,
    requester_email: str,
    document: dict[str, Any],
    files: list[Staged],
    answer_wait: float,
    state: str = "queued",
) -> StoredRequest:
    """Store a new request and its files' metadata in one transaction.

    ``state`` is ``queued`` (forward it), or ``unconfirmed`` for the open
    intake (forward it once the sender followed the link mailed to them).

    Raises:
        IntegrityError: a request with this key exists already (the caller replays it).
    """
    now = time.time()
    with database.transaction() as cursor:
        for _ in range(5):
            reference = new_reference()
            cursor.execute("SELECT 1 FROM requests WHERE reference = ?", (reference,))
            if cursor.fetchone() is None:
                break
        cursor.execute(
            "INSERT INTO requests (reference, customer_id, token_id, idempotency_key, body_hash, request_id, "
            "requester_email, document, answer_deadline, state, next_attempt_at, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                reference,
                customer_id,
                token_id,
                key,
                body_hash,
                request_id,
                requester_email,
                json.dumps(document, ensure_ascii=False),
                now + answer_wait + 5.0,
                state,
                now,
                now,
            ),
        )
        row_id = int(cursor.fetchone()[0])
        _insert_files(cursor, row_id, None, files, inline=database.inline_attachments)
    if database.inline_attachments:
        discard_staged(files)  # the bytes are in the database now
    return request_by_id(database, row_id)


def _insert_files(
    cursor: Cursor, request_ref: int, message_ref: int | None, files: list[Staged], *, inline: bool
) -> None:
    """The files' rows; with ``inline`` their bytes too (the staged copies are then removed)."""
    for position, staged in enumerate(files):
        cursor.execute(
            "INSERT INTO attachments "
            "(request_ref, message_ref, position, name, media_type, size, sha256, path, content) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                request_ref,
                message_ref,
                position,
                staged.name,
                staged.media_type,
                staged.size,
                staged.sha256,
                None if inline else str(staged.path),
                staged.path.read_bytes() if inline else None,
            ),
        )


def set_answer(database: Database, row_id: int, answer: dict[str, Any]) -> dict[str, Any]:
    """Fix the 201 answer for this request, once: a replay gets exactly the first answer."""
    with database.transaction() as cursor:
        cursor.execute(
            "UPDATE requests SET answer = ? WHERE id = ? AND answer IS NULL", (json.dumps(answer), row_id)
        )
        cursor.execute("SELECT answer FROM requests WHERE id = ?", (row_id,))
        stored: dict[str, Any] = json.loads(cursor.fetchone()[0])
    return stored


def find_message(database: Database, customer_id: str, key: str) -> StoredMessage | None:
    with database.transaction(write=False) as cursor:
        cursor.execute(
            "SELECT id, request_ref, message_id, body_hash, state, received_at FROM messages "
            "WHERE customer_id = ? AND idempotency_key = ?",
            (customer_id, key),
        )
        row = cursor.fetchone()
    return StoredMessage(*row) if row else None


def accept_message(
    database: Database,
    *,
    request: StoredRequest,
    key: str,
    body_hash: str,
    text: str,
    author_email: str,
    files: list[Staged],
) -> StoredMessage:
    """Store a follow-up for ``request``.

    Raises:
        IntegrityError: a message with this key exists already.
    """
    now = time.time()
    with database.transaction() as cursor:
        cursor.execute("SELECT COUNT(*) FROM messages WHERE request_ref = ?", (request.id,))
        message_id = f"{request.reference}-M{int(cursor.fetchone()[0]) + 1}"
        cursor.execute(
            "INSERT INTO messages (request_ref, customer_id, idempotency_key, body_hash, message_id, text, "
            "author_email, state, next_attempt_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?) "
            "RETURNING id",
            (request.id, request.customer_id, key, body_hash, message_id, text, author_email, now, now),
        )
        row_id = int(cursor.fetchone()[0])
        _insert_files(cursor, request.id, row_id, files, inline=database.inline_attachments)
    if database.inline_attachments:
        discard_staged(files)
    found = find_message(database, request.customer_id, key)
    assert found is not None
    return found


def count_messages(database: Database, request_ref: int) -> int:
    with database.transaction(write=False) as cursor:
        cursor.execute("SELECT COUNT(*) FROM messages WHERE request_ref = ?", (request_ref,))
        return int(cursor.fetchone()[0])


def count_since(database: Database, table: str, column: str, value: str, since: float) -> int:
    """How many requests (or messages) ``column`` = ``value`` has filed since ``since``: the rate limits."""
    assert table in {"requests", "messages"} and column in {"token_id", "requester_email", "customer_id"}
    with database.transaction(write=False) as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ? AND received_at > ?", (value, since))
        return int(cursor.fetchone()[0])


def audit(
    database: Database,
    event: str,
    *,
    customer_id: str = "",
    token_id: str = "",
    address: str = "",
    reference: str = "",
    detail: str = "",
) -> None:
    """One line in the audit log: who filed what, who was refused and why, who issued tokens."""
    with database.transaction() as cursor:
        cursor.execute(
            "INSERT INTO audit (at, event, customer_id, token_id, address, reference, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (time.time(), event, customer_id, token_id, address, reference, detail),
        )


def discard_staged(files: list[Staged]) -> None:
    """Remove files received for a request that was not stored (a replay or a refusal)."""
    for staged in files:
        shutil.rmtree(staged.path.parent, ignore_errors=True)


def purge(database: Database, *, older_than: float) -> dict[str, int]:
    """Remove what is finished and was last touched before ``older_than`` (a UNIX time).

    Removed: forwarded requests whose follow-ups are all forwarded (with their
    follow-ups, files and confirmation codes), open-intake requests never
    confirmed, audit lines, and pre-fill codes past their expiry. Requests
    still waiting, ``failed`` or ``unsure`` stay: the operator has to see them.
    Returns how many of each were removed.
    """
    done = (
        "(state = 'forwarded' AND forwarded_at < ? AND NOT EXISTS (SELECT 1 FROM messages m "
        "WHERE m.request_ref = requests.id AND (m.state != 'forwarded' OR m.received_at >= ?))) "
        "OR (state = 'unconfirmed' AND received_at < ?)"
    )
    cutoff = (older_than, older_than, older_than)
    with database.transaction() as cursor:
        cursor.execute(f"SELECT id FROM requests WHERE {done}", cutoff)
        ids = [int(r[0]) for r in cursor.fetchall()]
        paths: list[str] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            cursor.execute(f"SELECT path FROM attachments WHERE request_ref IN ({marks})", chunk)
            paths += [str(r[0]) for r in cursor.fetchall() if r[0]]
            for table, column in (
                ("attachments", "request_ref"),
                ("confirmations", "request_ref"),
                ("messages", "request_ref"),
                ("requests", "id"),
            ):
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", chunk)
        counts = {"requests": len(ids)}
        for table, column in (("audit", "at"), ("prefills", "expires_at")):
            # counted first: a cursor's rowcount differs by driver
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} < ?", (older_than,))
            counts[table] = int(cursor.fetchone()[0])
            cursor.execute(f"DELETE FROM {table} WHERE {column} < ?", (older_than,))
    for folder in {Path(p).parent for p in paths}:
        shutil.rmtree(folder, ignore_errors=True)
    return counts
