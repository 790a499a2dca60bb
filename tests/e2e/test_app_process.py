"""The real ``request-composer`` process under Xvfb, seen and driven from outside."""

from __future__ import annotations

import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import ImageGrab

from composer.model import Request
from composer.store import Store
from tests.e2e.conftest import App

pytestmark = pytest.mark.e2e


def test_the_window_appears_and_can_be_photographed(display: str, tmp_path: Path) -> None:
    app = App(display, tmp_path / "data")
    try:
        window = app.wait_for_window("Demo Hosting – Request Composer")
        geometry = app.xdotool("getwindowgeometry", window)
        assert "Geometry" in geometry
        time.sleep(1.0)  # let it paint
        shot = ImageGrab.grab(xdisplay=display)
        shot.save(tmp_path / "window.png")
        # the window is not a blank screen: it has many colours (text, widgets)
        colours = shot.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 20
    finally:
        app.stop()


def _kill(app: App) -> None:
    """``kill -9``: nothing of the app's own shutdown runs."""
    if app.process.poll() is None:
        app.process.send_signal(signal.SIGKILL)
        app.process.wait(timeout=10)
    app.stop()


def _the_draft(data: Path) -> Request:
    """The one draft saved in ``data``."""
    with Store(data) as store:
        drafts = store.list_drafts()
        assert len(drafts) == 1
        draft = store.load_draft(drafts[0].id)
    assert draft is not None
    return draft


def test_kill_9_while_typing_loses_nothing_beyond_the_last_second(display: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = App(display, data)
    typed = "Maria Papadopoulou"
    try:
        window = app.wait_for_window("Demo Hosting – Request Composer")
        app.xdotool("windowactivate", "--sync", window)
        time.sleep(0.5)
        app.xdotool("type", "--delay", "40", typed)
        time.sleep(1.0)  # "the last second" may be lost; everything before it may not
    finally:
        _kill(app)
    assert _the_draft(data).requester.name == typed

    # the next start offers the draft back
    again = App(display, data)
    try:
        again.wait_for_window("Unfinished requests")
    finally:
        again.stop()


def test_typing_from_the_moment_the_window_appears_loses_no_key(display: str, tmp_path: Path) -> None:
    """The first step takes keys before the form is in; keys typed across its coming in all reach the draft.

    Typing starts as soon as the window is on the screen (the app's window, titled
    with the app's name until the form is in), slowly enough to go on while the
    form is built into the window: no key is lost or doubled at the handover.
    """
    data = tmp_path / "data"
    app = App(display, data)
    typed = "Maria Papadopoulou from Thessaloniki"
    try:
        window = app.wait_for_window("Request Composer$")  # the first window: the start's or the form's
        app.xdotool("windowactivate", "--sync", window)
        app.xdotool("type", "--delay", "30", typed)
        app.wait_for_window("Demo Hosting – Request Composer")
        time.sleep(1.0)  # the autosave's delay, and then some
    finally:
        _kill(app)
    assert _the_draft(data).requester.name == typed


@pytest.mark.parametrize("content", [b"[provider\nname = 'x'\n", b"\x89PNG\r\n\x1a\n\x00\xff\xfe", None])
def test_a_bad_profile_opens_the_window_on_the_demo_and_says_why(
    display: str, tmp_path: Path, content: bytes | None
) -> None:
    """Broken, binary or missing: the window opens with the demo profile and the menu's error dialog."""
    profile = tmp_path / "provider.toml"
    if content is not None:
        profile.write_bytes(content)
    app = App(display, tmp_path / "data", "--profile", str(profile))
    try:
        app.wait_for_window("Demo Hosting – Request Composer")
        app.wait_for_window("^Request Composer$")  # the error dialog, over the window
        assert app.process.poll() is None  # no traceback, no exit: the app runs on
    finally:
        app.stop()


def test_a_second_start_hands_its_link_to_the_running_window(display: str, tmp_path: Path) -> None:
    """A link opened while the app runs goes to the running window: the second start just hands it over.

    The window listens shortly after it is up (the socket is not needed for the
    first keys); a second start asked a moment later finds it, hands the link over
    and exits at once without a window of its own.
    """
    import subprocess

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from composer import prefill

    token = prefill.sign_prefill(
        Ed25519PrivateKey.generate(),
        prefill.PrefillFields.model_validate({"domain": "example.gr"}),
        staff="Eleni",
        provider="Example Hosting",
        lifetime=timedelta(hours=2),
    )
    link = prefill.link_for(token)
    data = tmp_path / "data"
    app = App(display, data)
    try:
        app.wait_for_window("Demo Hosting – Request Composer")
        time.sleep(1.0)  # past the moment the window starts to listen
        second = subprocess.run(
            [*app.command, "open", link], env=app.env, capture_output=True, text=True, timeout=20, check=False
        )
        assert second.returncode == 0, second.stdout + second.stderr
        # the running window got it: a link signed by a key that is not the provider's is refused there
        app.wait_for_window("^This link cannot be used$")
        assert len(app.xdotool("search", "--onlyvisible", "--name", "Request Composer$").splitlines()) == 1
    finally:
        app.stop()
