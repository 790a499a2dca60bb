"""A screen reader sees the form's fields by name, over AT-SPI, as Orca would.

The test runs its own D-Bus session bus (``dbus-daemon --session``) and, on
it, the accessibility bus (``at-spi-bus-launcher``, which starts
``at-spi2-registryd``): the same services a Linux desktop runs for Orca,
but private to the test and stopped after it. The real app starts on Xvfb
with Qt's AT-SPI bridge on (``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1``, as when
a screen reader is running). ``tests/e2e/atspi_reader.py`` (Debian's
pyatspi, hence the system's Python) then reads the window: one window (the
form inside it is a pane, not a second window), every field of the first
step by its label, with the line under it as description, the buttons, and
the text typed with the keyboard (the completeness the app computes from it
changes too, so the keys reached the request, not only the widget).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import App, start_reporting, stop

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
READER = Path(__file__).with_name("atspi_reader.py")
SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"


@pytest.fixture()
def accessibility_bus(tmp_path: Path) -> Iterator[str]:
    """A D-Bus session of the test's own, with the AT-SPI bus on it; yields its address."""
    missing = [
        what
        for what, present in (
            ("dbus-daemon (package dbus-daemon)", shutil.which("dbus-daemon")),
            ("at-spi-bus-launcher (package at-spi2-core)", Path(BUS_LAUNCHER).exists()),
            ("pyatspi (package python3-pyatspi)", _has_pyatspi()),
        )
        if not present
    ]
    if missing:
        pytest.fail(f"missing for the screen-reader test: {', '.join(missing)}; run scripts/setup --dev")
    bus, address = start_reporting(["dbus-daemon", "--session", "--nofork", "--print-address={fd}"])
    assert address, "dbus-daemon gave no address"
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address, "XDG_RUNTIME_DIR": str(tmp_path)}
    launcher = subprocess.Popen(
        [BUS_LAUNCHER, "--launch-immediately"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield address
    finally:
        stop(launcher)
        stop(bus)


def _has_pyatspi() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False)
    return probe.returncode == 0


def _read(env: dict[str, str], *extra: str) -> dict[str, object]:
    result = subprocess.run(
        [SYSTEM_PYTHON, str(READER), "Request Composer", *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data: dict[str, object] = json.loads(result.stdout)
    return data


def _by_name(controls: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(control["name"]): control for control in controls}


def test_a_screen_reader_sees_the_fields_by_name_and_what_is_typed(
    display: str, accessibility_bus: str, tmp_path: Path
) -> None:
    env = {
        "DBUS_SESSION_BUS_ADDRESS": accessibility_bus,
        "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",  # what Qt does when a screen reader runs
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    app = App(display, tmp_path / "data", env=env)
    env = app.env
    try:
        window = app.wait_for_window("Demo Hosting – Request Composer")
        first = _read(env)
        controls = _by_name(first["controls"])  # type: ignore[arg-type]
        # one window, the app's: the form inside it is not read as a second, nameless one
        assert first["frames"] == ["Demo Hosting – Request Composer"], first["frames"]
        for name in ("Your name", "Your e-mail", "Customer number", "Hosting package", "Phone"):
            assert name in controls, f"{name!r} not seen; the reader saw {sorted(controls)}"
            assert controls[name]["role"] == "text"
            assert controls[name]["description"], f"{name!r} has no description"
        roles = [c for c in first["controls"] if c["role"] == "combo box"]  # type: ignore[union-attr]
        assert any("Your role" in c["labelled_by"] for c in roles), roles
        assert "Next >" in controls and controls["Next >"]["role"] == "push button"
        assert controls["Steps of the request"]["role"] == "list"

        # the user types with the keyboard; the reader reads it back, and the app took it
        app.xdotool("windowactivate", "--sync", window)
        time.sleep(0.5)
        app.xdotool("type", "--delay", "30", "Maria Papadopoulou")
        time.sleep(1.0)
        after = _by_name(_read(env)["controls"])  # type: ignore[arg-type]
        assert after["Your name"]["text"] == "Maria Papadopoulou"
    finally:
        app.stop()
    from composer.store import Store

    with Store(tmp_path / "data") as store:
        drafts = store.list_drafts()
        draft = store.load_draft(drafts[0].id) if drafts else None
    assert draft is not None and draft.requester.name == "Maria Papadopoulou"
