"""PostgreSQL for several relay instances behind one load balancer.

The same schema and queries as SQLite (:mod:`composer_relay.db`); what
differs is here: identity columns, ``%s`` placeholders, and claiming with
``SELECT ... FOR UPDATE SKIP LOCKED`` so that two instances never take the
same request, while neither waits for the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from composer_relay.db import Cursor, Database, IntegrityError, StorageUnavailable

__all__ = ["PostgresDatabase"]

_PLACEHOLDER = re.compile(r"\?")


class PostgresDatabase(Database):
    dialect = "postgresql"
    inline_attachments = True  # several instances: the bytes travel in the database, not a shared folder

    def __init__(self, url: str) -> None:
        super().__init__(Path())
        self.url = url

    @property
    def placeholders(self) -> dict[str, str]:
        return {
            "pk": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            "real": "DOUBLE PRECISION",
            "blob": "BYTEA",
        }

    def _pg(self) -> Any:
        import psycopg

        connection = getattr(self._local, "pg", None)
        if connection is None or connection.closed:
            connection = psycopg.connect(self.url, autocommit=True)
            self._local.pg = connection
            self._keep(connection)
        return connection

    @contextmanager
    def transaction(self, *, claim: bool = False, write: bool = True) -> Iterator[Cursor]:
        import psycopg

        try:
            connection = self._pg()
            with connection.transaction(), connection.cursor() as cursor:
                if claim:
                    # migrations: one instance at a time
                    cursor.execute("SELECT pg_advisory_xact_lock(7206417)")
                yield _PgCursor(cursor)
        except psycopg.errors.UniqueViolation as exc:
            raise IntegrityError(str(exc)) from None
        except psycopg.OperationalError as exc:
            self._local.pg = None  # a broken connection: the next unit of work opens a new one
            raise StorageUnavailable(str(exc)) from None

    def skip_locked(self) -> str:
        return " FOR UPDATE SKIP LOCKED"


class _PgCursor:
    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._cursor.execute(_PLACEHOLDER.sub("%s", sql), tuple(params))

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())
