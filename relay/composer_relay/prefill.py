"""Pre-fill codes: what staff prepare for a customer, fetched by a short code (``GET /prefill/{code}``).

A code carries the signed pre-fill staff made with ``request-composer prefill
sign`` (``token``): the customer's app verifies its signature with the
provider's public key and takes the fields from it alone, so the relay, which
only stores and hands it out, is trusted with nothing. Plain ``fields``
without a signature are still stored for display, but an app that checks
signatures does not use them.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from composer_relay.db import Database

__all__ = ["FIELDS", "Prefill", "create_prefill", "get_prefill", "signed_token"]

FIELDS = ("category", "domain", "account", "summary", "description", "follows_up", "urgency")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_TOKEN = re.compile(r"^rcp[0-9]+[.][A-Za-z0-9_-]+[.][A-Za-z0-9_-]+$")
_TOKEN_LIMIT = 6000


def signed_token(text: str) -> str:
    """The signed token in a ``request-composer://prefill?t=...`` link (or the token itself).

    Raises:
        ValueError: when it is not a signed pre-fill.
    """
    value = text.strip()
    if "t=" in value:
        value = value.split("t=", 1)[1].split("&", 1)[0]
    if len(value) > _TOKEN_LIMIT or not _TOKEN.fullmatch(value):
        raise ValueError("not a signed pre-fill (request-composer prefill sign prints one)")
    return value


@dataclass(frozen=True)
class Prefill:
    code: str
    customer_id: str | None
    fields: dict[str, str]
    staff: str
    expires_at: float
    token: str = ""


def create_prefill(
    database: Database,
    fields: dict[str, str],
    *,
    customer_id: str | None = None,
    staff: str = "",
    ttl_seconds: float = 7 * 86400,
    token: str = "",
) -> str:
    """A new code like ``KQ7M-2XHD`` for ``fields`` (only the spec's :data:`FIELDS`) and a signed ``token``.

    Raises:
        ValueError: a field the spec does not allow, or a token that is not a signed pre-fill.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(", ".join(sorted(unknown)))
    if token:
        token = signed_token(token)
    code = "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(2))
    now = time.time()
    with database.transaction() as cursor:
        cursor.execute(
            "INSERT INTO prefills (code, customer_id, fields, staff, created_at, expires_at, token) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (code, customer_id, json.dumps(fields, ensure_ascii=False), staff, now, now + ttl_seconds, token),
        )
    return code


def get_prefill(database: Database, code: str) -> Prefill | None:
    with database.transaction(write=False) as cursor:
        cursor.execute(
            "SELECT code, customer_id, fields, staff, expires_at, token FROM prefills WHERE code = ?",
            (code.upper(),),
        )
        row: Any = cursor.fetchone()
    if row is None:
        return None
    return Prefill(row[0], row[1], json.loads(row[2]), row[3], float(row[4]), row[5] or "")
