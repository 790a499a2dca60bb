"""A real Secret Service (gnome-keyring-daemon) on a private D-Bus session bus.

Needs the Debian packages ``dbus`` and ``gnome-keyring`` (scripts/apt-packages.txt).
The keyring lives under a temporary HOME and is unlocked with a throw-away
password; the bus address is set in the environment of this process while
the service runs, which is what the ``keyring`` SecretService backend reads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any


class SecretServiceUnavailable(RuntimeError):
    pass


class SecretService:
    """Start with :meth:`start`, stop with :meth:`stop` (or use as a context manager)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._processes: list[subprocess.Popen[bytes]] = []
        self._saved: dict[str, str | None] = {}

    def start(self) -> SecretService:
        if not (shutil.which("dbus-daemon") and shutil.which("gnome-keyring-daemon")):
            raise SecretServiceUnavailable(
                "dbus-daemon or gnome-keyring-daemon is not installed: run scripts/setup --dev"
            )
        # Now and then gnome-keyring comes up without the login keyring it was asked to
        # create; a fresh bus and daemon then works, so a few attempts are made.
        problem = ""
        for attempt in range(3):
            folder = self.folder / f"attempt-{attempt}"
            self._launch(folder)
            problem = self._wait_ready(seconds=8)
            if not problem:
                return self
            log = folder / "gnome-keyring.log"
            problem += " / " + (log.read_text(errors="replace").strip()[-300:] if log.exists() else "")
            self.stop()
        raise SecretServiceUnavailable(f"the Secret Service did not come up: {problem}")

    def _launch(self, folder: Path) -> None:
        home = folder / "home"
        runtime = folder / "run"
        for path in (home, runtime):
            path.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        env = {
            **os.environ,
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_RUNTIME_DIR": str(runtime),
        }
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._processes.append(bus)
        assert bus.stdout is not None
        address = bus.stdout.readline().decode().strip()
        bus.stdout.close()
        if not address:
            self.stop()
            raise SecretServiceUnavailable("dbus-daemon did not start")
        env["DBUS_SESSION_BUS_ADDRESS"] = address
        with open(folder / "gnome-keyring.log", "wb") as log:
            daemon = subprocess.Popen(
                ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=log,
                env=env,
            )
        self._processes.append(daemon)
        assert daemon.stdin is not None
        daemon.stdin.write(b"keyring-unlock-for-tests")
        daemon.stdin.close()
        for name in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"):
            self._saved.setdefault(name, os.environ.get(name))
            os.environ[name] = env[name]

    def _wait_ready(self, *, seconds: float) -> str:
        """ "" when the default collection is there and unlocked, else what was last seen."""
        import secretstorage

        deadline = time.monotonic() + seconds
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                connection = secretstorage.dbus_init()
                try:
                    # Collection() only looks the default alias up; get_default_collection()
                    # would try to create it while gnome-keyring is still creating the
                    # login keyring, and that needs a prompt nobody can answer here.
                    collection = secretstorage.Collection(connection)
                    if not collection.is_locked():
                        return ""
                finally:
                    connection.close()
            except Exception as exc:  # not up yet: no bus, no service, no default collection
                last = exc
            time.sleep(0.1)
        return repr(last)

    def backend(self) -> Any:
        """The ``keyring`` backend that talks to this service."""
        from keyring.backends.SecretService import Keyring

        return Keyring()

    def stop(self) -> None:
        for process in reversed(self._processes):
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
        self._processes.clear()
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved.clear()

    def __enter__(self) -> SecretService:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
