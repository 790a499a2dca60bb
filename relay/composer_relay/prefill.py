"""Pre-fill codes: fields staff prepare for a customer, fetched by a short code (``GET /prefill/{code}``)."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from composer_relay.db import Database

__all__ = ["FIELDS", "Prefill", "create_prefill", "get_prefill"]

FIELDS = ("category", "domain", "account", "summary", "description", "follows_up", "urgency")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Prefill:
    code: str
    customer_id: str | None
    fields: dict[str, str]
    staff: str
    expires_at: float


def create_prefill(
    database: Database,
    fields: dict[str, str],
    *,
    customer_id: str | None = None,
    staff: str = "",
    ttl_seconds: float = 7 * 86400,
) -> str:
    """A new code like ``KQ7M-2XHD`` for ``fields`` (only the spec's :data:`FIELDS`).

    Raises:
        ValueError: a field the spec does not allow.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(", ".join(sorted(unknown)))
    code = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(2))
    now = time.time()
    with database.transaction() as cursor:
        cursor.execute(
            "INSERT INTO prefills (code, customer_id, fields, staff, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (code, customer_id, json.dumps(fields, ensure_ascii=False), staff, now, now + ttl_seconds),
        )
    return code


def get_prefill(database: Database, code: str) -> Prefill | None:
    with database.transaction(write=False) as cursor:
        cursor.execute(
            "SELECT code, customer_id, fields, staff, expires_at FROM prefills WHERE code = ?",
            (code.upper(),),
        )
        row: Any = cursor.fetchone()
    if row is None:
        return None
    return Prefill(row[0], row[1], json.loads(row[2]), row[3], float(row[4]))
