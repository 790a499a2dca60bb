"""The real relay (``composer_relay``) under uvicorn on 127.0.0.1, on an ephemeral port.

:class:`RelayServer` runs the same app ``relay serve`` runs, in a thread of
the test process, with a configuration written like a provider's
``relay.toml`` (:func:`relay_config`). :func:`issue` makes a customer's
bearer token as ``relay token issue`` does.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from composer_relay.app import Relay, create_app
from composer_relay.config import RelayConfig, config_from_data
from composer_relay.server import build_relay
from composer_relay.tokens import issue_token

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


def issue(config: RelayConfig, customer: str, *emails: str) -> str:
    from composer_relay.db import open_database

    database = open_database(config.storage.database)
    database.migrate()
    try:
        return issue_token(database, customer, list(emails))
    finally:
        database.close()


class RelayServer:
    """Use as a context manager; :attr:`url` is the intake API's base URL."""

    def __init__(self, config: RelayConfig, *, forward: bool = True) -> None:
        self.config = config
        self.relay: Relay = build_relay(config)
        self.relay.forward = forward
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.config.server.base_path}"

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RelayServer:
        server = uvicorn.Server(
            uvicorn.Config(create_app(self.relay), host="127.0.0.1", port=0, log_config=None, lifespan="on")
        )
        self._server = server
        self._thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the relay did not start")
            time.sleep(0.02)
        self.port = server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            assert self._thread is not None
            self._thread.join(30)
            self._server = None

    def __enter__(self) -> RelayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
