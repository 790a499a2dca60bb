"""A main window on the demo profile with a fresh data folder, and helpers to drive it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from composer.profile import load_profile
from composer.store import Store
from composer.ui.main_window import MainWindow


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    with Store(data_dir) as store:
        yield store


@pytest.fixture()
def window(qtbot: QtBot, store: Store) -> Iterator[MainWindow]:
    # no diagnostics unless a test asks for them against its own local servers
    main = MainWindow(load_profile(), store, autosave_delay=0.05, auto_checks=False)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    yield main
    main.close()


def when_modal(action: Callable[[QWidget], None]) -> None:
    """Run ``action`` on the next modal dialog as soon as it is open (it blocks the test)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, poll)
        else:
            action(dialog)

    QTimer.singleShot(20, poll)
