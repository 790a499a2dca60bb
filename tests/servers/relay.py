"""The real relay (``composer_relay``) under uvicorn on 127.0.0.1, on an ephemeral port.

:class:`RelayServer` runs the same app ``relay serve`` runs, in a thread of
the test process, with a configuration written like a provider's
``relay.toml`` (:func:`relay_config`). :func:`issue` makes a customer's
bearer token as ``relay token issue`` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from composer_relay.app import Relay, create_app
from composer_relay.config import RelayConfig, config_from_data
from composer_relay.server import build_relay
from composer_relay.tokens import issue_token
from tests.servers.standin import UvicornThread

__all__ = ["RelayServer", "issue", "relay_config"]


def relay_config(root: Path, helpdesk: dict[str, Any], **sections: dict[str, Any]) -> RelayConfig:
    """A configuration with its database and attachments under ``root``."""
    data: dict[str, Any] = {
        "server": {"port": 0, "answer_wait_seconds": 5.0, "workers": 2, **sections.pop("server", {})},
        "storage": {"database": str(root / "relay.db"), "attachments": str(root / "attachments")},
        "helpdesk": helpdesk,
        **sections,
    }
    return config_from_data(data, environ={}, private=True)


def issue(config: RelayConfig, customer: str, *emails: str | dict[str, str]) -> str:
    """A token for ``customer``: addresses (role "contact"), or one dict of address -> role."""
    from composer_relay.db import open_database

    database = open_database(config.storage.database)
    database.migrate()
    contacts: dict[str, str] = {}
    for given in emails:
        contacts.update(given if isinstance(given, dict) else {given: "contact"})
    try:
        return issue_token(database, customer, contacts)
    finally:
        database.close()


class RelayServer(UvicornThread):
    """Use as a context manager; :attr:`url` is the intake API's base URL."""

    def __init__(
        self, config: RelayConfig, *, forward: bool = True, tls: tuple[str, str] | None = None
    ) -> None:
        self.config = config
        self.relay: Relay = build_relay(config)
        self.relay.forward = forward
        super().__init__(create_app(self.relay), tls=tls)

    @property
    def url(self) -> str:
        return f"{self.origin}{self.config.server.base_path}"

    @property
    def root(self) -> str:
        return self.origin

    def __enter__(self) -> RelayServer:
        self.start()
        return self
