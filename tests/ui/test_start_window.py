"""The app's window: painted before the form's code is loaded, then holding the form, closing with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget
from pytestqt.qtbot import QtBot

from composer import i18n
from composer.credentials import Credentials
from composer.profile import load_profile
from composer.store import Store
from composer.ui.delivery import DeliveryController
from composer.ui.main_window import MainWindow
from composer.ui.start_window import StartWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def start(qtbot: QtBot) -> Iterator[StartWindow]:
    window = StartWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def _form(store: Store) -> MainWindow:
    delivery = DeliveryController(store, credentials=Credentials(backend=FailKeyring()))
    return MainWindow(load_profile(), store, autosave_delay=0.05, auto_checks=False, delivery=delivery)


def _saved_names(data_dir: Path) -> list[str]:
    """The requesters' names of the drafts saved in ``data_dir``."""
    with Store(data_dir) as store:
        drafts = [store.load_draft(info.id) for info in store.list_drafts()]
    return [draft.requester.name for draft in drafts if draft is not None]


def test_before_the_form_the_window_shows_the_steps_in_the_users_language(qtbot: QtBot) -> None:
    i18n.set_language("el")
    try:
        window = StartWindow()
        qtbot.addWidget(window)
        steps = window.findChild(QListWidget, "start.steps")
        assert steps is not None
        titles = [steps.item(row).text() for row in range(steps.count())]
        assert titles[0] == "1. " + i18n._("Who you are") and titles[0] != "1. Who you are"
        assert len(titles) == 6
        opening = window.findChild(QLabel, "start.opening")
        assert opening is not None and opening.text() not in ("", "Opening the form…")
        assert window.windowTitle() == "Request Composer"
    finally:
        i18n.set_language("en")


def test_the_first_paint_is_announced_once(qtbot: QtBot) -> None:
    window = StartWindow()
    qtbot.addWidget(window)
    seen: list[bool] = []
    window.painted.connect(lambda: seen.append(True))
    with qtbot.waitSignal(window.painted, timeout=5000):
        window.show()
    window.repaint()
    window.update()
    qtbot.wait(50)
    assert seen == [True]


def test_the_form_takes_the_window_its_title_and_the_focus(
    qtbot: QtBot, start: StartWindow, store: Store
) -> None:
    form = _form(store)
    start.embed(form)
    start.activateWindow()
    assert start.centralWidget() is form
    qtbot.waitUntil(lambda: start.findChild(QListWidget, "start.steps") is None)  # the outline is gone
    assert start.windowTitle() == form.windowTitle() == "Demo Hosting – Request Composer"
    qtbot.waitUntil(lambda: getattr(form.focusWidget(), "objectName", str)() == "field.name")
    name = form.findChild(QLineEdit, "field.name")
    assert name is not None and name.isVisible()


def test_quit_in_the_forms_menu_closes_the_window_and_keeps_the_draft(
    qtbot: QtBot, start: StartWindow, data_dir: Path
) -> None:
    with Store(data_dir) as store:
        form = _form(store)
        start.embed(form)
        name = form.findChild(QLineEdit, "field.name")
        assert name is not None
        qtbot.keyClicks(name, "Maria")
        form.act_quit.trigger()
        qtbot.waitUntil(lambda: not start.isVisible())
    assert _saved_names(data_dir) == ["Maria"]


def test_closing_the_window_closes_the_form_first(qtbot: QtBot, start: StartWindow, data_dir: Path) -> None:
    with Store(data_dir) as store:
        form = _form(store)
        start.embed(form)
        name = form.findChild(QLineEdit, "field.name")
        assert name is not None
        qtbot.keyClicks(name, "Eleni")
        assert start.close()
        assert form.isHidden()
    assert _saved_names(data_dir) == ["Eleni"]


_FIRST_PAINT = """
import json, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
seen = {}
class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow) and "modules" not in seen:
            seen["modules"] = sorted(sys.modules)
            seen["window"] = watched.objectName()
        return False
probe = FirstPaint()
app.installEventFilter(probe)
from composer.cli import main
code = main(["--smoke-test"])
print(json.dumps({"code": code, **seen}))
"""


def test_the_real_start_paints_its_window_before_it_loads_pydantic(tmp_path: Path) -> None:
    """What the first paint waits for: Qt, the translations and the window; not the form's models.

    The real ``request-composer --smoke-test`` start runs in a new process; at
    the first paint of a main window the probe lists the loaded modules.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(
        QT_QPA_PLATFORM="offscreen",
        REQUEST_COMPOSER_OFFLINE="1",
        REQUEST_COMPOSER_DATA=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        HOME=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_PAINT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["code"] == 0  # the smoke test saw the window, with the form in it
    assert seen["window"] == "window.start"
    loaded = set(seen["modules"])
    assert "composer.ui.start_window" in loaded
    too_early = sorted(loaded & {"pydantic", "composer.model", "composer.profile", "composer.ui.main_window"})
    assert not too_early, too_early
