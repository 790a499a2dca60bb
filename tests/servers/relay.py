"""The real relay (``composer_relay``) under uvicorn on 127.0.0.1, on an ephemeral port.

:class:`RelayServer` runs the same app ``relay serve`` runs, in a thread of
the test process, with a configuration written like a provider's
``relay.toml`` (:func:`relay_config`). :func:`issue` makes a customer's
bearer token as ``relay token issue`` does. :class:`RelayProcess` runs
``relay serve`` as a process of its own (so that a test or a benchmark can
SIGKILL it), from a ``relay.toml`` that :func:`write_config` writes.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from composer_relay.app import Relay, create_app
from composer_relay.config import RelayConfig, config_from_data
from composer_relay.server import build_relay
from composer_relay.tokens import issue_token
from tests.servers.standin import UvicornThread

__all__ = ["RelayProcess", "RelayServer", "issue", "relay_config", "write_config"]


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


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def write_config(path: Path, data: dict[str, Any]) -> Path:
    """``data`` (sections of values and sub-tables) as a ``relay.toml`` that only its owner reads."""
    lines: list[str] = []

    def table(name: str, values: dict[str, Any]) -> None:
        lines.append(f"[{name}]")
        lines.extend(f"{k} = {_toml(v)}" for k, v in values.items() if not isinstance(v, dict))
        for key, sub in values.items():
            if isinstance(sub, dict):
                table(f"{name}.{key}", sub)

    for section, values in data.items():
        table(section, values)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


class RelayProcess:
    """``relay serve`` as a process of its own, on ``server.port`` of its ``relay.toml``."""

    def __init__(self, config: Path, port: int, log: Path) -> None:
        self.config = config
        self.port = port
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def start(self) -> RelayProcess:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "composer_relay", "--config", str(self.config), "serve"],
                stdout=output,
                stderr=output,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"relay serve did not start: {self.log.read_text(errors='replace')[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, its claims and heartbeat are left behind."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(30)

    def __enter__(self) -> RelayProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()
