"""A main window on the demo profile with a fresh data folder, and helpers to drive it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from composer.credentials import Credentials
from composer.profile import load_profile
from composer.store import Store
from composer.ui.delivery import DeliveryController
from composer.ui.gc_guard import GuiThreadCollector
from composer.ui.main_window import MainWindow
from tests.servers.intake import IntakeServer


@pytest.fixture(scope="session", autouse=True)
def _collect_garbage_on_the_gui_thread(qapp: QApplication) -> Iterator[None]:
    """As the app does: no cycle collection on worker threads (it could free Qt objects there)."""
    collector = GuiThreadCollector(qapp)
    yield
    collector.stop()


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    with Store(data_dir) as store:
        yield store


@pytest.fixture()
def window(qtbot: QtBot, store: Store) -> Iterator[MainWindow]:
    # no diagnostics unless a test asks for them against its own local servers; no real keyring
    delivery = DeliveryController(store, credentials=Credentials(backend=FailKeyring()))
    main = MainWindow(load_profile(), store, autosave_delay=0.05, auto_checks=False, delivery=delivery)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    yield main
    main.close()


@pytest.fixture()
def intake() -> Iterator[IntakeServer]:
    """The intake API on loopback; every request it received must have kept to the spec."""
    with IntakeServer() as server:
        yield server
    assert server.violations == []


def when_modal(action: Callable[[QWidget], None]) -> None:
    """Run ``action`` on the next modal dialog as soon as it is open (it blocks the test)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, poll)
        else:
            action(dialog)

    QTimer.singleShot(20, poll)
