"""Bearer tokens the provider issues per customer, tied to the customer's contact addresses.

A token reads ``rct_<id>_<secret>``: the id finds the row, the secret is
compared with its stored SHA-256 in constant time. The secret has 256 bits
of entropy, so a fast hash is as good as a slow one here, and the relay
never stores or logs the token itself: it is shown once, when issued.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from composer_relay.db import Database

__all__ = [
    "ROLES",
    "Token",
    "issue_token",
    "list_tokens",
    "normalise_address",
    "revoke_token",
    "verify_token",
]

PREFIX = "rct_"


ROLES = ("owner", "technical", "billing", "contact", "unconfirmed")
OPEN = "*"  # the address of an open-intake token's only "contact"


@dataclass(frozen=True)
class Token:
    """A customer's token: the addresses that may file with it, each with its role for that customer."""

    id: str
    customer_id: str
    roles: dict[str, str]
    label: str
    revoked: bool = False

    @property
    def contacts(self) -> tuple[str, ...]:
        return tuple(sorted(self.roles))

    @property
    def open(self) -> bool:
        """A token for the open intake: any address, confirmed by a link mailed to it."""
        return OPEN in self.roles

    def allows(self, address: str) -> bool:
        return self.open or normalise_address(address) in self.roles

    def role_of(self, address: str) -> str:
        return self.roles.get(normalise_address(address), "")


def _roles(stored: str) -> dict[str, str]:
    data = json.loads(stored)
    return (
        {str(a): "contact" for a in data}
        if isinstance(data, list)
        else {str(k): str(v) for k, v in data.items()}
    )


def normalise_address(address: str) -> str:
    """Addresses compare without case or spaces (RFC 5321 allows case in the local part; nobody uses it)."""
    return address.strip().lower()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def issue_token(
    database: Database, customer_id: str, contacts: list[str] | dict[str, str], *, label: str = ""
) -> str:
    """A new token for ``customer_id``; the only time it is shown.

    ``contacts`` are the addresses that may file with it: a list (role
    "contact") or address -> role (owner, technical, billing, contact), the
    roles the provider has on record, which go into every ticket as verified.

    Raises:
        ValueError: an unknown role.
    """
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    given = contacts if isinstance(contacts, dict) else dict.fromkeys(contacts, "contact")
    addresses = {a if a == OPEN else normalise_address(a): role for a, role in given.items()}
    if set(addresses.values()) - set(ROLES):
        raise ValueError(", ".join(sorted(set(addresses.values()) - set(ROLES))))
    with database.transaction() as cursor:
        cursor.execute(
            "INSERT INTO tokens (id, secret_hash, customer_id, contacts, label, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (token_id, _hash(secret), customer_id, json.dumps(addresses), label, time.time()),
        )
    return f"{PREFIX}{token_id}_{secret}"


def verify_token(database: Database, presented: str) -> Token | None:
    """The token ``presented`` stands for, or None when it is unknown, malformed or revoked."""
    if not presented.startswith(PREFIX):
        return None
    token_id, sep, secret = presented.removeprefix(PREFIX).partition("_")
    if not sep or not secret.isascii():
        return None
    with database.transaction(write=False) as cursor:
        cursor.execute(
            "SELECT id, secret_hash, customer_id, contacts, label, revoked_at FROM tokens WHERE id = ?",
            (token_id,),
        )
        row = cursor.fetchone()
    if row is None or row[5] is not None:
        return None
    if not hmac.compare_digest(row[1], _hash(secret)):
        return None
    return Token(row[0], row[2], _roles(row[3]), row[4])


def revoke_token(database: Database, token_id: str) -> bool:
    with database.transaction() as cursor:
        cursor.execute(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (time.time(), token_id)
        )
        cursor.execute("SELECT revoked_at FROM tokens WHERE id = ?", (token_id,))
        row = cursor.fetchone()
    return row is not None and row[0] is not None


def list_tokens(database: Database) -> list[Token]:
    with database.transaction(write=False) as cursor:
        cursor.execute("SELECT id, customer_id, contacts, label, revoked_at FROM tokens ORDER BY created_at")
        rows = cursor.fetchall()
    return [Token(r[0], r[1], _roles(r[2]), r[3], r[4] is not None) for r in rows]
