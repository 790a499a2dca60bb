"""The relay's database: SQLite for one server, PostgreSQL for several behind a load balancer.

One schema, written once with a few placeholders that each dialect fills
(``{pk}``, ``{real}``), and one list of migrations; ``schema_version`` holds
how far a database is. Queries use ``?`` placeholders; the PostgreSQL dialect
turns them into ``%s``. Connections are opened per unit of work: SQLite in
WAL mode with a busy timeout, so the web handlers and the forwarding workers
of one process (and ``relay`` commands run beside it) can share the file.

Where a received file's bytes live until it is forwarded depends on the
dialect (:attr:`Database.inline_attachments`): with SQLite (one server) in
the attachments folder; with PostgreSQL (several instances) in the
database itself (``attachments.content``), so that no instance needs a
folder shared with the others, and any instance can finish what a dead one
began.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

__all__ = ["MIGRATIONS", "Cursor", "Database", "IntegrityError", "StorageUnavailable", "open_database"]


class IntegrityError(Exception):
    """A unique constraint refused a row (the same idempotency key, twice)."""


class StorageUnavailable(Exception):
    """The database cannot be reached or stayed locked too long; the API answers 503."""


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


MIGRATIONS: list[str] = [
    # 1: tokens, requests, follow-up messages, attachments, pre-fill codes, audit log, instances
    """
    CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        customer_id TEXT NOT NULL,
        contacts TEXT NOT NULL,
        label TEXT NOT NULL DEFAULT '',
        created_at {real} NOT NULL,
        revoked_at {real}
    );
    CREATE TABLE requests (
        id {pk},
        reference TEXT NOT NULL UNIQUE,
        customer_id TEXT NOT NULL,
        token_id TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        request_id TEXT NOT NULL,
        requester_email TEXT NOT NULL,
        document TEXT NOT NULL,
        answer TEXT,
        answer_deadline {real} NOT NULL,
        state TEXT NOT NULL,
        maybe_out INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at {real} NOT NULL,
        last_error TEXT NOT NULL DEFAULT '',
        lease_owner TEXT,
        helpdesk_id TEXT,
        helpdesk_number TEXT,
        helpdesk_status TEXT,
        status_checked_at {real},
        web_url TEXT NOT NULL DEFAULT '',
        received_at {real} NOT NULL,
        forwarded_at {real},
        UNIQUE (customer_id, idempotency_key)
    );
    CREATE INDEX requests_pending ON requests (state, next_attempt_at);
    CREATE INDEX requests_number ON requests (customer_id, helpdesk_number);
    CREATE TABLE messages (
        id {pk},
        request_ref INTEGER NOT NULL REFERENCES requests (id),
        customer_id TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        message_id TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        author_email TEXT NOT NULL,
        state TEXT NOT NULL,
        maybe_out INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at {real} NOT NULL,
        last_error TEXT NOT NULL DEFAULT '',
        lease_owner TEXT,
        helpdesk_message_id TEXT,
        received_at {real} NOT NULL,
        forwarded_at {real},
        UNIQUE (customer_id, idempotency_key)
    );
    CREATE INDEX messages_pending ON messages (state, next_attempt_at);
    CREATE TABLE attachments (
        id {pk},
        request_ref INTEGER NOT NULL REFERENCES requests (id),
        message_ref INTEGER REFERENCES messages (id),
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        path TEXT
    );
    CREATE INDEX attachments_owner ON attachments (request_ref, message_ref);
    CREATE TABLE prefills (
        code TEXT PRIMARY KEY,
        customer_id TEXT,
        fields TEXT NOT NULL,
        staff TEXT NOT NULL DEFAULT '',
        created_at {real} NOT NULL,
        expires_at {real} NOT NULL
    );
    CREATE TABLE audit (
        id {pk},
        at {real} NOT NULL,
        event TEXT NOT NULL,
        customer_id TEXT NOT NULL DEFAULT '',
        token_id TEXT NOT NULL DEFAULT '',
        address TEXT NOT NULL DEFAULT '',
        reference TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_at ON audit (at);
    CREATE TABLE instances (
        id TEXT PRIMARY KEY,
        seen_at {real} NOT NULL
    );
    """,
    # 2: the open intake: a request from an unknown sender waits for the link mailed to them
    """
    CREATE TABLE confirmations (
        request_ref INTEGER PRIMARY KEY REFERENCES requests (id),
        code_hash TEXT NOT NULL UNIQUE,
        address TEXT NOT NULL,
        expires_at {real} NOT NULL,
        confirmed_at {real}
    );
    """,
    # 3: a pre-fill code may carry the signed pre-fill staff made (request-composer prefill sign);
    # the customer's app verifies it with the provider's key, so the relay is trusted with nothing
    """
    ALTER TABLE prefills ADD COLUMN token TEXT NOT NULL DEFAULT ''
    """,
    # 4: a file's bytes in the database until forwarded (PostgreSQL: no shared attachments folder)
    """
    ALTER TABLE attachments ADD COLUMN content {blob}
    """,
    # 5: what the provider's knowledge-base articles did (POST /articles/outcomes), one row per key
    """
    CREATE TABLE article_outcomes (
        id {pk},
        customer_id TEXT NOT NULL,
        token_id TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        article TEXT NOT NULL,
        outcome TEXT NOT NULL,
        category TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL DEFAULT '',
        counted INTEGER NOT NULL,
        received_at {real} NOT NULL,
        UNIQUE (customer_id, idempotency_key)
    );
    CREATE INDEX article_outcomes_article ON article_outcomes (article, outcome)
    """,
]


class Database:
    """A connection factory for one dialect; :meth:`transaction` is the unit of work."""

    dialect = "sqlite"
    inline_attachments = False  # files stay in the attachments folder until forwarded

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._opened: list[Any] = []
        self._opened_lock = threading.Lock()

    def _keep(self, connection: Any) -> None:
        with self._opened_lock:
            self._opened.append(connection)

    @property
    def placeholders(self) -> dict[str, str]:
        return {"pk": "INTEGER PRIMARY KEY AUTOINCREMENT", "real": "REAL", "blob": "BLOB"}

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("PRAGMA foreign_keys=ON")
        return connection

    def _connection(self) -> sqlite3.Connection:
        # one connection per thread, kept: opening SQLite costs more than the queries
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = self._connect()
            self._local.connection = connection
            self._keep(connection)
        return connection

    @contextmanager
    def transaction(self, *, claim: bool = False, write: bool = True) -> Iterator[Cursor]:
        """One unit of work.

        On SQLite one that may write takes the write lock at once (``BEGIN
        IMMEDIATE``): a deferred transaction that reads and then writes fails at once with
        "database is locked" when another writer committed in between, whatever the busy
        timeout. ``write=False`` promises reads only: those take no lock in WAL mode, so the
        handlers waiting for a helpdesk number do not queue behind the writers. ``claim``
        matters to PostgreSQL only (see :mod:`composer_relay.postgres`).

        Raises:
            IntegrityError: a unique constraint refused a row; nothing was written.
            StorageUnavailable: the database stayed locked past the timeout, or cannot be opened.
        """
        try:
            connection = self._connection()
            connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.OperationalError as exc:
            raise StorageUnavailable(str(exc)) from None
        try:
            yield _SqliteCursor(connection.cursor())
        except sqlite3.IntegrityError as exc:
            connection.execute("ROLLBACK")
            raise IntegrityError(str(exc)) from None
        except sqlite3.OperationalError as exc:
            connection.execute("ROLLBACK")
            raise StorageUnavailable(str(exc)) from None
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def skip_locked(self) -> str:
        """The suffix that makes a SELECT claim rows other workers are not holding."""
        return ""

    def schema_version(self) -> int:
        with self.transaction() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            cursor.execute("SELECT version FROM schema_version")
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> list[int]:
        """Apply the migrations this database lacks; returns the versions applied."""
        applied = []
        current = self.schema_version()
        for version, script in enumerate(MIGRATIONS, start=1):
            if version <= current:
                continue
            with self.transaction(claim=True) as cursor:
                cursor.execute("SELECT version FROM schema_version")
                row = cursor.fetchone()
                if row and int(row[0]) >= version:
                    continue  # another instance migrated meanwhile
                for statement in script.format(**self.placeholders).split(";"):
                    if statement.strip():
                        cursor.execute(statement)
                if row:
                    cursor.execute("UPDATE schema_version SET version = ?", (version,))
                else:
                    cursor.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            applied.append(version)
        return applied

    def close(self) -> None:
        """Close every connection any thread opened; a later use opens new ones."""
        with self._opened_lock:
            opened, self._opened = self._opened, []
            self._local = threading.local()
        for connection in opened:
            connection.close()


class _SqliteCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cursor.execute(sql, tuple(params))

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()


def open_database(url: str) -> Database:
    """The database at ``url``: a file path (SQLite) or ``postgresql://...``.

    Raises:
        ValueError: the URL names a database kind the relay does not speak.
    """
    if url.startswith(("postgresql://", "postgres://")):
        from composer_relay.postgres import PostgresDatabase

        return PostgresDatabase(url)
    if "://" in url and not url.startswith("sqlite://"):
        raise ValueError(url)
    return Database(Path(url.removeprefix("sqlite://")))
