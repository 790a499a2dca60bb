"""A virtual X screen (Xvfb) and the real ``request-composer`` process on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Xvfb screen of its own; Xvfb picks a free display number and tells us through a pipe."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is missing: run scripts/setup --dev, which installs it")
    server, number = start_reporting(
        ["Xvfb", "-displayfd", "{fd}", "-screen", "0", "1280x900x24", "-nolisten", "tcp"]
    )
    assert number, "Xvfb did not start"
    yield f":{number}"
    stop(server)


def start_reporting(
    command: list[str], env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start a server that writes where it listens to a file descriptor (``{fd}`` in ``command``).

    Returns the process and the first line it wrote there (Xvfb's display
    number, dbus-daemon's address).
    """
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [part.replace("{fd}", str(write_end)) for part in command],
        pass_fds=(write_end,),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        return process, pipe.readline().strip()


def stop(process: subprocess.Popen[Any], timeout: float = 10) -> None:
    """Terminate ``process``, and kill it if it does not end within ``timeout`` seconds."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class App:
    """The real app process, started the way a user starts it."""

    def __init__(self, display: str, data_dir: Path, *args: str, env: dict[str, str] | None = None) -> None:
        extra_env = env
        env = {k: v for k, v in os.environ.items() if not k.startswith("QT_QPA")}
        env.update(
            DISPLAY=display,
            LANGUAGE="en",
            REQUEST_COMPOSER_DATA=str(data_dir),
            XDG_CONFIG_HOME=str(data_dir / "config"),
            REQUEST_COMPOSER_OFFLINE="1",  # no refresh of IANA's lists from the internet
        )
        env.update(extra_env or {})
        command = [str(Path(sys.executable).with_name("request-composer"))]
        if not Path(command[0]).exists():
            command = [sys.executable, "-m", "composer"]
        self.env = env
        self.command = command
        self.process = subprocess.Popen(
            [*command, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def xdotool(self, *args: str) -> str:
        run = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=30, check=False
        )
        return run.stdout.strip()

    def wait_for_window(self, title: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read() if self.process.stdout else ""
                raise AssertionError(f"the app exited with {self.process.returncode}:\n{output}")
            found = self.xdotool("search", "--onlyvisible", "--name", title)
            if found:
                return found.splitlines()[0]
            time.sleep(0.2)
        raise AssertionError(f"no window named {title!r} appeared")

    def stop(self) -> None:
        stop(self.process)
        if self.process.stdout is not None:
            self.process.stdout.close()
