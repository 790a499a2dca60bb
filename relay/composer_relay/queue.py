"""Who forwards what: claims on stored requests and messages, shared by every relay instance.

Each instance writes a heartbeat in ``instances``; a row is claimed by
writing the instance's id in ``lease_owner``, and a row whose owner has not
been seen for ``instance_timeout`` seconds is free again, so any instance
finishes what a dead one began, but not before the helpdesk has had time to
finish what the dead one may have sent: "may be out" also moves the row's
``next_attempt_at`` to the end of that window (the helpdesk's timeout plus
the settle delay), so the search that settles it does not run while the
helpdesk is still working on the first try (a busy helpdesk that commits the
ticket after the search looked would get it twice). The claim itself runs in one transaction:
``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so two workers never take the same row.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from composer_relay.db import Database

__all__ = ["Claim", "Queue"]

RETRY_CAP = 300.0


@dataclass(frozen=True)
class Claim:
    table: str  # "requests" or "messages"
    id: int
    maybe_out: bool
    attempts: int


class Queue:
    def __init__(
        self,
        database: Database,
        instance_id: str,
        *,
        instance_timeout: float = 15.0,
        settle_delay: float = 5.0,
        out_window: float | None = None,
    ) -> None:
        self.database = database
        self.instance_id = instance_id
        self.instance_timeout = instance_timeout
        self.settle_delay = settle_delay
        # how long a try that may be out can still be under way at the helpdesk
        self.out_window = settle_delay if out_window is None else out_window

    def heartbeat(self) -> None:
        now = time.time()
        with self.database.transaction() as cursor:
            cursor.execute("UPDATE instances SET seen_at = ? WHERE id = ?", (now, self.instance_id))
            cursor.execute("SELECT 1 FROM instances WHERE id = ?", (self.instance_id,))
            if cursor.fetchone() is None:
                cursor.execute("INSERT INTO instances (id, seen_at) VALUES (?, ?)", (self.instance_id, now))
            cursor.execute("DELETE FROM instances WHERE seen_at < ?", (now - 86400,))

    def leave(self) -> None:
        """Say this instance is gone, so others take over its rows at once."""
        with self.database.transaction() as cursor:
            cursor.execute("DELETE FROM instances WHERE id = ?", (self.instance_id,))
            for table in ("requests", "messages"):
                cursor.execute(
                    f"UPDATE {table} SET lease_owner = NULL WHERE lease_owner = ?", (self.instance_id,)
                )

    def claim(self) -> Claim | None:
        """The next request to forward, else the next follow-up whose ticket exists; None when idle."""
        return self._claim("requests", "") or self._claim(
            "messages",
            " AND request_ref IN (SELECT id FROM requests WHERE state = 'forwarded')",
        )

    def _claim(self, table: str, condition: str) -> Claim | None:
        now = time.time()
        with self.database.transaction(claim=self.database.dialect == "sqlite") as cursor:
            cursor.execute(
                f"SELECT id, maybe_out, attempts FROM {table} "
                "WHERE state IN ('queued', 'sending') AND next_attempt_at <= ? "
                "AND (lease_owner IS NULL OR lease_owner NOT IN "
                "(SELECT id FROM instances WHERE seen_at > ?))"
                f"{condition} ORDER BY id LIMIT 1{self.database.skip_locked()}",
                (now, now - self.instance_timeout),
            )
            row = cursor.fetchone()
            if row is None:
                return None
            cursor.execute(f"UPDATE {table} SET lease_owner = ? WHERE id = ?", (self.instance_id, row[0]))
        return Claim(table, int(row[0]), bool(row[1]), int(row[2]))

    def mark_may_be_out(self, claim: Claim) -> bool:
        """Record "may be out" before the helpdesk call; False when the claim was lost meanwhile."""
        with self.database.transaction() as cursor:
            cursor.execute(
                f"UPDATE {claim.table} SET state = 'sending', maybe_out = 1, attempts = attempts + 1, "
                "next_attempt_at = ? WHERE id = ? AND lease_owner = ? RETURNING id",
                (time.time() + self.out_window, claim.id, self.instance_id),
            )
            return cursor.fetchone() is not None

    def forwarded(self, claim: Claim, *, helpdesk_id: str, number: str, web_url: str = "") -> None:
        with self.database.transaction() as cursor:
            if claim.table == "requests":
                cursor.execute(
                    "UPDATE requests SET state = 'forwarded', helpdesk_id = ?, helpdesk_number = ?, "
                    "web_url = ?, helpdesk_status = 'new', forwarded_at = ?, lease_owner = NULL, "
                    "last_error = '' WHERE id = ?",
                    (helpdesk_id, number, web_url, time.time(), claim.id),
                )
            else:
                cursor.execute(
                    "UPDATE messages SET state = 'forwarded', helpdesk_message_id = ?, forwarded_at = ?, "
                    "lease_owner = NULL, last_error = '' WHERE id = ?",
                    (helpdesk_id, time.time(), claim.id),
                )

    def retry_later(self, claim: Claim, *, error: str, maybe_out: bool, retry_after: float | None) -> float:
        """Back to the queue; returns the delay. ``maybe_out`` keeps the search-first mark."""
        delay = retry_after if retry_after is not None else min(RETRY_CAP, 2.0 ** min(claim.attempts + 1, 9))
        if maybe_out:
            delay = max(delay, self.settle_delay)  # let a slow helpdesk finish before searching it
        with self.database.transaction() as cursor:
            cursor.execute(
                f"UPDATE {claim.table} SET state = 'queued', maybe_out = ?, next_attempt_at = ?, "
                "last_error = ?, lease_owner = NULL WHERE id = ?",
                (int(maybe_out), time.time() + delay, error, claim.id),
            )
        return delay

    def stop(self, claim: Claim, *, state: str, error: str, maybe_out: bool) -> None:
        """``failed`` (refused for good) or ``unsure`` (outcome unknown, cannot be searched)."""
        assert state in {"failed", "unsure"}
        with self.database.transaction() as cursor:
            cursor.execute(
                f"UPDATE {claim.table} SET state = ?, last_error = ?, maybe_out = ?, lease_owner = NULL "
                "WHERE id = ?",
                (state, error, int(maybe_out), claim.id),
            )

    def requeue(self, table: str, row_id: int, *, maybe_out: bool | None = None) -> None:
        """The operator's ``relay retry`` / ``relay resolve --resend``."""
        with self.database.transaction() as cursor:
            if maybe_out is None:
                cursor.execute(
                    f"UPDATE {table} SET state = 'queued', next_attempt_at = ? WHERE id = ?",
                    (time.time(), row_id),
                )
            else:
                cursor.execute(
                    f"UPDATE {table} SET state = 'queued', maybe_out = ?, next_attempt_at = ? WHERE id = ?",
                    (int(maybe_out), time.time(), row_id),
                )
