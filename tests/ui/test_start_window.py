"""The app's window: painted before the form's code is loaded, then holding the form, closing with it."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface, QPaintEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QListWidget
from pytestqt.qtbot import QtBot

from composer import i18n
from composer.credentials import Credentials
from composer.profile import load_profile
from composer.store import Store
from composer.ui.accessibility import AccessibleWindows
from composer.ui.delivery import DeliveryController
from composer.ui.main_window import MainWindow
from composer.ui.start_window import PAINT_WAIT_MS, StartWindow


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


def _embedded(start: StartWindow, store: Store) -> tuple[MainWindow, QLineEdit]:
    """A form on ``store`` put in ``start``, the window active; the form and its first field."""
    form = _form(store)
    start.embed(form)
    start.activateWindow()
    name = form.findChild(QLineEdit, "field.name")
    assert name is not None
    return form, name


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


def test_a_click_on_the_steps_before_the_form_changes_nothing(qtbot: QtBot, start: StartWindow) -> None:
    steps = start.findChild(QListWidget, "start.steps")
    name = start.findChild(QLineEdit, "field.name")
    assert steps is not None and name is not None
    start.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is name)
    item = steps.item(2)
    assert item is not None
    QTest.mouseClick(steps.viewport(), Qt.MouseButton.LeftButton, pos=steps.visualItemRect(item).center())
    assert steps.selectedItems() == []  # no step looks chosen: the form's list is where one goes to it
    assert QApplication.focusWidget() is name  # the user types on where they were


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


class _NeverPainted(StartWindow):
    def paintEvent(self, event: QPaintEvent) -> None:  # a window that is minimized, or on a locked screen
        pass


def test_the_form_does_not_wait_for_a_paint_that_does_not_come(qtbot: QtBot) -> None:
    window = _NeverPainted()
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.painted, timeout=PAINT_WAIT_MS + 3000):
        window.show()


def test_the_form_takes_the_window_its_title_and_the_focus(
    qtbot: QtBot, start: StartWindow, store: Store
) -> None:
    form, name = _embedded(start, store)
    assert start.centralWidget() is form
    qtbot.waitUntil(lambda: start.findChild(QListWidget, "start.steps") is None)  # the outline is gone
    assert start.windowTitle() == form.windowTitle() == "Demo Hosting – Request Composer"
    qtbot.waitUntil(lambda: form.focusWidget() is name)
    assert name.isVisible()


def _roles_below(node: QAccessibleInterface) -> list[QAccessible.Role]:
    """The roles of everything under ``node``, as a screen reader walks it."""
    roles: list[QAccessible.Role] = []
    for index in range(node.childCount()):
        child = node.child(index)
        if child is not None and child.isValid():
            roles += [child.role(), *_roles_below(child)]
    return roles


def test_a_screen_reader_finds_the_form_as_part_of_the_window_not_a_second_window(
    qtbot: QtBot, start: StartWindow, store: Store, qapp: QApplication
) -> None:
    AccessibleWindows.install(qapp)
    form = _form(store)
    qtbot.addWidget(form)
    alone = QAccessible.queryAccessibleInterface(form)  # a window while it is on its own
    assert alone is not None and alone.role() is QAccessible.Role.Window
    start.embed(form)
    window = QAccessible.queryAccessibleInterface(start)
    held = QAccessible.queryAccessibleInterface(form)
    assert window is not None and held is not None
    assert window.role() is QAccessible.Role.Window
    assert held.role() is QAccessible.Role.Pane
    assert held.parent() is not None and held.parent().object() is start
    below = _roles_below(window)
    assert QAccessible.Role.Window not in below, "the form reads as a window inside the window"
    assert QAccessible.Role.MenuBar in below and QAccessible.Role.EditableText in below
    # the first field's way up to the window passes the pane, as a reader announces it
    node = QAccessible.queryAccessibleInterface(form.findChild(QLineEdit, "field.name"))
    ancestors = []
    while node is not None and node.object() is not start:
        node = node.parent()
        ancestors.append(node.role() if node is not None else None)
    assert ancestors[-1] is QAccessible.Role.Window and QAccessible.Role.Pane in ancestors


@pytest.mark.parametrize("how", ["the form's Quit", "the window's close button"])
def test_the_window_and_the_form_close_together_and_keep_the_draft(
    qtbot: QtBot, start: StartWindow, data_dir: Path, how: str
) -> None:
    with Store(data_dir) as store:
        form, name = _embedded(start, store)
        qtbot.keyClicks(name, "Maria")
        if how == "the form's Quit":
            form.act_quit.trigger()  # the form closes itself: the window follows
            qtbot.waitUntil(lambda: not start.isVisible())
        else:
            assert start.close()  # the form is asked first
            assert form.isHidden()
    assert _saved_names(data_dir) == ["Maria"]


def test_the_forms_mnemonics_and_shortcuts_work_in_the_window(
    qtbot: QtBot, start: StartWindow, store: Store
) -> None:
    """The form's buttons and menu actions answer their keys once the form is inside the window."""
    form, name = _embedded(start, store)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is name)
    QTest.keyClick(name, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # Next
    qtbot.waitUntil(lambda: form.pages.currentIndex() == 1, timeout=2000)
    focus = QApplication.focusWidget()
    assert focus is not None
    QTest.keyClick(focus, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # File > New request
    qtbot.waitUntil(lambda: form.pages.currentIndex() == 0, timeout=2000)


def _app_and_args(data_dir: Path) -> tuple[QApplication, argparse.Namespace]:
    """The application, and the arguments of a start on ``data_dir`` without a file or link.

    (A new data folder: no unfinished requests are offered over the window.)
    """
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    args = argparse.Namespace(
        profile=None, data_dir=data_dir, smoke_test=False, bundle=None, prefill_text=None
    )
    return app, args


def test_what_the_start_made_is_out_of_the_collectors_sight_once_the_form_is_in(
    qtbot: QtBot, start: StartWindow, data_dir: Path
) -> None:
    """The first collection after the form is built walks only what was made after it.

    Automatic collection is off from the start, so without this the timer's first
    collection would walk every object of the start (the modules, the profile, the form).
    """
    import gc

    from composer.ui.app_form import open_form

    frozen = gc.get_freeze_count()
    try:
        app, args = _app_and_args(data_dir)
        open_form(app, start, args)
        assert start.form is not None
        assert gc.get_freeze_count() > frozen
        assert gc.get_count()[0] < 1000  # the youngest generation starts afresh
    finally:
        gc.unfreeze()  # the rest of the test session collects as before
        if start.form is not None:
            start.form.close()


def _open_form_in(start: StartWindow, data_dir: Path) -> MainWindow:
    """The app's step after the first paint: the form built for the start's arguments, in ``start``."""
    from composer.ui.app_form import open_form

    app, args = _app_and_args(data_dir)
    open_form(app, start, args)
    form = start.form
    assert isinstance(form, MainWindow)
    return form


def test_what_is_typed_before_the_form_is_in_goes_into_its_draft(
    qtbot: QtBot, start: StartWindow, data_dir: Path
) -> None:
    """The first step takes typing before the model is loaded; the form takes the step and the typing."""
    who = start.who
    assert who is not None
    start.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is who.name)
    qtbot.keyClicks(who.name, "Mar")
    who.email.setFocus()
    qtbot.keyClicks(who.email, "maria@example.gr")
    who.role.setCurrentIndex(who.role.findData("technical"))
    qtbot.keyClicks(who.service, "Business 2")
    who.name.setFocus()
    who.name.setCursorPosition(3)
    form = _open_form_in(start, data_dir)
    try:
        assert form.who is who  # the same step, not a copy
        requester = form.controller.request.requester
        typed = ("Mar", "maria@example.gr", "technical")
        assert (requester.name, requester.email, requester.role.value) == typed
        assert form.controller.request.service == "Business 2"
        qtbot.waitUntil(lambda: QApplication.focusWidget() is who.name)  # the cursor stayed where it was
        qtbot.keyClicks(who.name, "ia")
        assert who.name.text() == "Maria"
        assert form.controller.request.requester.name == "Maria"
        assert who.on_behalf.isVisibleTo(form)  # the technical contact's "whose account" is shown
    finally:
        form.controller.flush()
        form.close()
    assert _saved_names(data_dir) == ["Maria"]


def test_nothing_moves_when_the_form_comes_in(qtbot: QtBot, start: StartWindow, data_dir: Path) -> None:
    who = start.who
    assert who is not None
    fields = [who.name, who.email, who.role, who.customer_id, who.service, who.phone]
    before = [(field.mapTo(start, field.rect().topLeft()), field.size()) for field in fields]
    form = _open_form_in(start, data_dir)
    try:
        qtbot.waitUntil(lambda: form.isVisible())
        after = [(field.mapTo(start, field.rect().topLeft()), field.size()) for field in fields]
        assert after == before
    finally:
        form.close()


def test_the_window_takes_keys_while_the_form_loads(qtbot: QtBot, start: StartWindow, data_dir: Path) -> None:
    """The form loads in many short turns of the event loop: keys typed meanwhile are taken at once.

    A key is typed at every turn of the event loop from before the loading starts; many
    must land before the form is in (the loading does not hold the window in one
    stretch), and every one of them is in the form's draft after.
    """

    from PySide6.QtCore import QTimer

    from composer.ui import app as ui_app

    who = start.who
    assert who is not None
    start.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is who.name)
    text = "Maria Papadopoulou from Thessaloniki, owner of the account"
    keys = iter(text)
    before_the_form: list[str] = []

    def type_one() -> None:
        key = next(keys, None)
        if key is None:
            typer.stop()
            return
        QTest.keyClicks(QApplication.focusWidget(), key)
        if start.form is None:
            before_the_form.append(key)

    typer = QTimer()
    typer.timeout.connect(type_one)
    typer.start(0)
    app, args = _app_and_args(data_dir)
    ui_app._open_form(app, start, args)
    qtbot.waitUntil(lambda: start.form is not None and not typer.isActive(), timeout=20000)
    form = start.form
    assert isinstance(form, MainWindow)
    try:
        assert len(before_the_form) >= 10, before_the_form
        assert who.name.text() == text
        assert form.controller.request.requester.name == text
    finally:
        form.controller.flush()
        form.close()
