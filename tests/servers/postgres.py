"""A real PostgreSQL 15 (Debian's packages) on loopback, in a temporary folder, for several relays.

:func:`start_postgres` runs ``initdb`` and ``postgres`` from
``/usr/lib/postgresql/15/bin`` with a data folder of its own, on an
ephemeral port on 127.0.0.1 and a socket in that folder; Debian's own
cluster (``/etc/postgresql``) is neither used nor touched. PostgreSQL
refuses to run as root, so as root it runs as the ``postgres`` user (the
package creates it), through ``runuser``. A machine without PostgreSQL fails
the test that asks for it with the package to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.servers.smtp import free_port

__all__ = ["Postgres", "start_postgres"]

BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass(frozen=True)
class Postgres:
    port: int
    user: str
    database: str

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.database}"


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def start_postgres(root: Path, *, database: str = "relay") -> Iterator[Postgres]:
    """A fresh cluster in ``root`` with ``database`` for a trusted local user; stopped after the block."""
    if not (BIN / "postgres").exists():
        raise RuntimeError("PostgreSQL 15 is not installed; run scripts/setup --dev (postgresql-15)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        raise RuntimeError("running as root needs runuser (util-linux) to start PostgreSQL as postgres")
    data = root / "data"
    root.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        root.chmod(0o700)
        # the folders above must let postgres through
        for parent in root.parents:
            if parent in (Path("/tmp"), Path("/")):
                break
            parent.chmod(parent.stat().st_mode | 0o011)
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "relay")
    subprocess.run(
        _as_owner(
            [str(BIN / "initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8", "--no-sync"]
        ),
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    log = root / "postgres.log"
    server = [str(BIN / "postgres"), "-D", str(data), "-p", str(port), "-c", "listen_addresses=127.0.0.1"]
    server += ["-c", f"unix_socket_directories={root}", "-c", "fsync=off", "-c", "max_connections=200"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            _as_owner(server), stdout=subprocess.DEVNULL, stderr=output, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            ready = subprocess.run(
                [str(BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                capture_output=True,
                check=False,
            )
            if ready.returncode == 0:
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"postgres did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)
        subprocess.run(
            [str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", user, database],
            check=True,
            capture_output=True,
            timeout=60,
        )
        yield Postgres(port, user, database)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
