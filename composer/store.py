"""Local persistence: one SQLite database (WAL) plus attachment files beside it.

Layout of the data folder::

    composer.db          drafts, and the tables later features add by migration
    attachments/ab/cd…   attachment files, named by their SHA-256

The schema version is SQLite's ``user_version``; :data:`MIGRATIONS` lists the
scripts that bring a database from one version to the next, applied in one
transaction each. Writes are committed at once with ``synchronous=NORMAL``,
which in WAL mode survives a killed process (not a power cut, which costs at
most the last commits). Every method may be called from any thread; a lock
serialises them, and the GUI thread never calls them directly (see
:class:`DraftAutosaver`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

import platformdirs

from composer.errors import ComposerError
from composer.mediatypes import media_type_for
from composer.model import Attachment, Request

__all__ = [
    "MIGRATIONS",
    "DraftAutosaver",
    "DraftInfo",
    "Store",
    "default_data_dir",
]

DATA_DIR_VARIABLE = "REQUEST_COMPOSER_DATA"

MIGRATIONS: list[str] = [
    # 1: drafts
    """
    CREATE TABLE drafts (
        id          TEXT PRIMARY KEY,
        title       TEXT NOT NULL DEFAULT '',
        domain      TEXT NOT NULL DEFAULT '',
        category    TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        body        TEXT NOT NULL
    );
    CREATE INDEX drafts_updated ON drafts(updated_at);
    """,
    # 2: outbox, the log of every delivery attempt, delivery settings (composer.outbox)
    """
    CREATE TABLE outbox (
        id               TEXT PRIMARY KEY,
        request_id       TEXT NOT NULL,
        kind             TEXT NOT NULL DEFAULT 'request',
        state            TEXT NOT NULL DEFAULT 'pending',
        channel_index    INTEGER NOT NULL DEFAULT 0,
        idempotency_key  TEXT NOT NULL,
        reason           TEXT NOT NULL DEFAULT '',
        reason_params    TEXT NOT NULL DEFAULT '{}',
        failure_kind     TEXT NOT NULL DEFAULT '',
        maybe_delivered  INTEGER NOT NULL DEFAULT 0,
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  TEXT NOT NULL,
        owner            TEXT NOT NULL DEFAULT '',
        lease_until      TEXT NOT NULL DEFAULT '',
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL,
        request          TEXT NOT NULL,
        profile          TEXT NOT NULL,
        follow_up        TEXT NOT NULL DEFAULT '',
        receipt          TEXT NOT NULL DEFAULT ''
    );
    CREATE UNIQUE INDEX outbox_one_per_request ON outbox(request_id) WHERE kind = 'request';
    CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
    CREATE TABLE delivery_attempts (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        outbox_id        TEXT NOT NULL,
        channel          TEXT NOT NULL,
        idempotency_key  TEXT NOT NULL,
        started_at       TEXT NOT NULL,
        finished_at      TEXT NOT NULL DEFAULT '',
        outcome          TEXT NOT NULL DEFAULT 'started',
        code             TEXT NOT NULL DEFAULT '',
        detail           TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX delivery_attempts_entry ON delivery_attempts(outbox_id);
    CREATE TABLE delivery_settings (
        key   TEXT PRIMARY KEY,
        body  TEXT NOT NULL
    );
    """,
    # 3: history of sent requests with full-text search (composer.history)
    """
    CREATE TABLE history (
        request_id  TEXT PRIMARY KEY,
        title       TEXT NOT NULL DEFAULT '',
        domain      TEXT NOT NULL DEFAULT '',
        category    TEXT NOT NULL DEFAULT '',
        reference   TEXT NOT NULL DEFAULT '',
        channel     TEXT NOT NULL DEFAULT '',
        sent_at     TEXT NOT NULL,
        profile     TEXT NOT NULL,
        body        TEXT NOT NULL
    );
    CREATE INDEX history_sent ON history(sent_at);
    CREATE TABLE history_messages (
        id          TEXT PRIMARY KEY,
        request_id  TEXT NOT NULL,
        sent_at     TEXT NOT NULL,
        text        TEXT NOT NULL,
        receipt     TEXT NOT NULL
    );
    CREATE INDEX history_messages_request ON history_messages(request_id, sent_at);
    CREATE VIRTUAL TABLE history_fts USING fts5(
        request_id UNINDEXED, domain, category, text, reference,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    """,
    # 4: the request's text as rendered at Send, in the provider's language
    # (composer.rendered): what every retry sends and what the history shows
    """
    ALTER TABLE outbox ADD COLUMN rendered TEXT NOT NULL DEFAULT '';
    ALTER TABLE history ADD COLUMN rendered TEXT NOT NULL DEFAULT '';
    """,
    # 5: what knowledge-base articles did (composer.kb), and the helpdesk's last known
    # status of sent requests (composer.ticket_status)
    """
    CREATE TABLE kb_outcomes (
        id          TEXT PRIMARY KEY,
        article     TEXT NOT NULL,
        title       TEXT NOT NULL DEFAULT '',
        category    TEXT NOT NULL DEFAULT '',
        outcome     TEXT NOT NULL,
        draft_id    TEXT NOT NULL DEFAULT '',
        at          TEXT NOT NULL,
        reported    TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE ticket_status (
        request_id  TEXT PRIMARY KEY,
        status      TEXT NOT NULL,
        checked_at  TEXT NOT NULL
    );
    """,
]


def default_data_dir() -> Path:
    """The user's data folder for the app, or ``$REQUEST_COMPOSER_DATA`` when set."""
    override = os.environ.get(DATA_DIR_VARIABLE)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("request-composer", appauthor=False))


@dataclass(frozen=True)
class DraftInfo:
    """What a list of drafts shows without loading each one."""

    id: str
    title: str
    domain: str
    category: str
    created_at: datetime
    updated_at: datetime


class Store:
    """The database and attachment folder of one user.

    Raises:
        ComposerError: ``store.unavailable`` when the folder or database
            cannot be opened or written.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_data_dir()
        self.path = self.folder / "composer.db"
        self._lock = threading.RLock()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / "attachments").mkdir(exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise ComposerError("store.unavailable", path=str(self.folder), reason=str(exc)) from None

    # -- plumbing ---------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction; commits on success, rolls back on error."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def query(self, sql: str, params: tuple[object, ...] | dict[str, object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cursor = self._db.execute(sql, params)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()

    @property
    def schema_version(self) -> int:
        with self._lock:
            version: int = self._db.execute("PRAGMA user_version").fetchone()[0]
            return version

    def _migrate(self) -> None:
        version = self.schema_version
        if version > len(MIGRATIONS):
            raise ComposerError(
                "store.unavailable",
                path=str(self.folder),
                reason=f"database version {version} is newer than this app ({len(MIGRATIONS)})",
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.transaction() as db:
                for statement in _statements(script):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={number}")

    # -- drafts -----------------------------------------------------------

    def save_draft(self, request: Request) -> None:
        """Insert or replace a draft."""
        body = request.model_dump_json()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO drafts(id, title, domain, category, created_at, updated_at, body)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET title=excluded.title, domain=excluded.domain,"
                " category=excluded.category, updated_at=excluded.updated_at, body=excluded.body",
                (
                    request.id,
                    request.title(),
                    request.domain,
                    request.category,
                    request.created_at.isoformat(),
                    request.updated_at.isoformat(),
                    body,
                ),
            )

    def load_draft(self, draft_id: str) -> Request | None:
        rows = self.query("SELECT body FROM drafts WHERE id = ?", (draft_id,))
        return Request.model_validate_json(rows[0]["body"]) if rows else None

    def list_drafts(self) -> list[DraftInfo]:
        """Drafts, most recently changed first."""
        rows = self.query(
            "SELECT id, title, domain, category, created_at, updated_at FROM drafts ORDER BY updated_at DESC"
        )
        return [
            DraftInfo(
                id=row["id"],
                title=row["title"],
                domain=row["domain"],
                category=row["category"],
                created_at=datetime.fromisoformat(row["created_at"]),
                updated_at=datetime.fromisoformat(row["updated_at"]),
            )
            for row in rows
        ]

    def delete_draft(self, draft_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    # -- attachments ------------------------------------------------------

    def attachment_path(self, attachment: Attachment) -> Path:
        digest = attachment.sha256
        return self.folder / "attachments" / digest[:2] / digest

    def add_attachment_stream(
        self, name: str, stream: IO[bytes], *, media_type: str = "", description: str = ""
    ) -> Attachment:
        """Copy a file's bytes into the attachment folder, named by their hash."""
        folder = self.folder / "attachments"
        hasher = hashlib.sha256()
        size = 0
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, prefix=".incoming-") as temp:
            while chunk := stream.read(1 << 20):
                hasher.update(chunk)
                temp.write(chunk)
                size += len(chunk)
            temp.flush()
            os.fsync(temp.fileno())
        digest = hasher.hexdigest()
        attachment = Attachment(
            name=Path(name).name or "attachment",
            sha256=digest,
            size=size,
            media_type=media_type_for(name, media_type),
            description=description,
        )
        target = self.attachment_path(attachment)
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            os.unlink(temp.name)
        else:
            os.replace(temp.name, target)
        return attachment

    def add_attachment_file(self, path: Path, *, description: str = "") -> Attachment:
        with open(path, "rb") as stream:
            return self.add_attachment_stream(path.name, stream, description=description)

    def add_attachment_bytes(
        self, name: str, data: bytes, *, media_type: str = "", description: str = ""
    ) -> Attachment:
        import io

        return self.add_attachment_stream(
            name, io.BytesIO(data), media_type=media_type, description=description
        )

    def export_attachment(self, attachment: Attachment, target: Path) -> None:
        shutil.copyfile(self.attachment_path(attachment), target)


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


class DraftAutosaver:
    """Saves drafts on a background thread, at most every ``delay`` seconds.

    The GUI thread calls :meth:`submit` on every change; only the newest
    version of each draft is written, ``delay`` seconds after the first
    change that is not on disk yet, so typing costs no disk work on the
    GUI thread and a killed process loses at most ``delay`` plus one write.
    """

    def __init__(
        self,
        store: Store,
        *,
        delay: float = 0.4,
        on_error: Callable[[ComposerError], None] | None = None,
        on_saved: Callable[[Request], None] | None = None,
    ) -> None:
        self._store = store
        self._delay = delay
        self._on_error = on_error
        self._on_saved = on_saved
        self._pending: dict[str, Request] = {}
        self._condition = threading.Condition()
        self._closing = False
        self._flush_now = False
        self._thread = threading.Thread(target=self._run, name="draft-autosaver", daemon=True)
        self._thread.start()

    def submit(self, request: Request) -> None:
        with self._condition:
            self._pending[request.id] = request
            self._condition.notify()

    def discard(self, draft_id: str) -> None:
        """Forget an unsaved change of a draft that is being deleted."""
        with self._condition:
            self._pending.pop(draft_id, None)

    def flush(self, timeout: float = 5.0) -> bool:
        """Write everything pending now; True when nothing is left."""
        with self._condition:
            self._flush_now = True
            self._condition.notify()
            return self._condition.wait_for(lambda: not self._pending, timeout)

    def close(self) -> None:
        self.flush()
        with self._condition:
            self._closing = True
            self._condition.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._pending or self._closing)
                if self._closing and not self._pending:
                    return
                if not self._flush_now:
                    self._condition.wait_for(lambda: self._flush_now or self._closing, self._delay)
                batch = list(self._pending.values())
                self._pending.clear()
                self._flush_now = False
            for request in batch:
                try:
                    self._store.save_draft(request)
                except ComposerError as error:
                    self._report(error)
                except sqlite3.Error as exc:
                    self._report(
                        ComposerError("store.unavailable", path=str(self._store.folder), reason=str(exc))
                    )
                else:
                    if self._on_saved is not None:
                        self._on_saved(request)
            with self._condition:
                self._condition.notify_all()

    def _report(self, error: ComposerError) -> None:
        if self._on_error is not None:
            self._on_error(error)
