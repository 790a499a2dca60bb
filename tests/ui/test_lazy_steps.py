"""The app's window builds only its first step at start; the others look and work as before.

``MainWindow(build_later=True)`` is how the app starts (``composer.ui.app_form.create_window``):
the later steps are built when reached or asked for, and else one per turn of
the event loop shortly after the first paint. These tests hold it to the
window built all at once (what the other UI tests use): the same pixels on a
step, the same Tab order, the same draft values, and no step left unbuilt.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from composer.credentials import Credentials
from composer.model import Request
from composer.profile import load_profile
from composer.store import Store
from composer.ui.delivery import DeliveryController
from composer.ui.main_window import MainWindow

WAIT = 5000


def _window(qtbot: QtBot, store: Store, *, build_later: bool) -> MainWindow:
    delivery = DeliveryController(store, credentials=Credentials(backend=FailKeyring()))
    window = MainWindow(
        load_profile(),
        store,
        autosave_delay=0.05,
        auto_checks=False,
        delivery=delivery,
        build_later=build_later,
    )
    qtbot.addWidget(window)
    return window


@pytest.fixture()
def later(qtbot: QtBot, data_dir: Path) -> Iterator[MainWindow]:
    with Store(data_dir) as store:
        window = _window(qtbot, store, build_later=True)
        yield window
        window.close()


def test_only_the_first_step_is_built_with_the_window(later: MainWindow) -> None:
    assert [later.steps.is_built(index) for index in range(len(later.steps))] == [True] + [False] * 5
    assert later.findChild(QLineEdit, "field.summary") is None
    # the step list names every step all the same
    titles = [later.step_list.item(row).text() for row in range(later.step_list.count())]
    assert titles[3].endswith("4. What happens") and titles[5].endswith("6. Review and send")


def test_a_step_reached_is_built_with_the_draft_s_values(qtbot: QtBot, later: MainWindow) -> None:
    later.controller.load(Request(summary="Site shows error 500", domain="example.com"))
    later.go(1)
    assert later.steps.is_built(1) and not later.steps.is_built(2)
    summary = later.findChild(QLineEdit, "field.summary")
    assert summary is not None and summary.text() == "Site shows error 500"
    assert later.pages.currentIndex() == 1


def test_the_other_steps_are_built_after_the_first_paint(qtbot: QtBot, later: MainWindow) -> None:
    later.show()
    qtbot.waitUntil(lambda: all(later.steps.is_built(i) for i in range(len(later.steps))), timeout=WAIT)
    assert later.pages.currentIndex() == 0  # building them did not move the form


def test_tab_leaves_a_step_built_later_for_back_and_next(qtbot: QtBot, later: MainWindow) -> None:
    later.show()
    later.go(4)
    page = later.pages.widget(4)
    assert page is not None
    # the last control of the page, then Back and Next (widgets that take no focus do not count)
    before_back = later.back.previousInFocusChain()
    assert before_back is not None and page.isAncestorOf(before_back)
    assert before_back.focusPolicy() != Qt.FocusPolicy.NoFocus
    assert later.back.nextInFocusChain() is later.next


def _grab(window: MainWindow, index: int) -> QImage:
    window.go(index)
    QApplication.processEvents()
    focused = QApplication.focusWidget()
    if isinstance(focused, QWidget):
        focused.clearFocus()  # no blinking cursor or focus ring in the picture
    QApplication.processEvents()
    return window.grab().toImage()


@pytest.mark.parametrize("index", [0, 3, 4])
def test_a_step_looks_the_same_built_later(qtbot: QtBot, data_dir: Path, tmp_path: Path, index: int) -> None:
    """Step 1, step 4 and step 5 (the capture panel) show the same pixels either way."""
    with Store(data_dir) as store:
        at_once = _window(qtbot, store, build_later=False)
        at_once.show()
        qtbot.waitExposed(at_once)
        expected = _grab(at_once, index)
        at_once.close()
    with Store(tmp_path / "other") as store:
        later = _window(qtbot, store, build_later=True)
        later.show()
        qtbot.waitExposed(later)
        seen = _grab(later, index)
        later.close()
    assert seen.size() == expected.size()
    if seen != expected:
        seen.save(str(tmp_path / "later.png"))
        expected.save(str(tmp_path / "at-once.png"))
    assert seen == expected, f"step {index + 1} differs: see {tmp_path}"
