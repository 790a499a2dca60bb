"""Settings kept in the database: small pydantic models by key, never a secret.

Channels keep what the user set up once (the outgoing mail server) here;
secrets go to :mod:`composer.credentials`. This sits just above the store,
so channels, the outbox and the UI can all use it without importing each
other.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from composer.store import Store

__all__ = ["load_setting", "save_setting"]

SettingT = TypeVar("SettingT", bound=BaseModel)


def save_setting(store: Store, key: str, value: BaseModel) -> None:
    """Save a setting under ``key`` (never a secret: those go to :mod:`composer.credentials`)."""
    with store.transaction() as db:
        db.execute(
            "INSERT INTO delivery_settings(key, body) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET body = excluded.body",
            (key, value.model_dump_json()),
        )


def load_setting(store: Store, key: str, model: type[SettingT]) -> SettingT | None:
    """The setting saved under ``key``, or None."""
    rows = store.query("SELECT body FROM delivery_settings WHERE key = ?", (key,))
    return model.model_validate_json(rows[0]["body"]) if rows else None
