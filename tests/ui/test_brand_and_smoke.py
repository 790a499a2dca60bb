"""The branded accent colour and icon on the application, and ``--smoke-test`` on a real window."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from composer import branding as branding_module
from composer.branding import Branding
from composer.ui import brand
from composer.ui.main_window import MainWindow
from composer.ui.smoke import SHOWN_LINE, run_smoke_test


@pytest.fixture()
def restored_palette(qapp: QApplication) -> Iterator[QApplication]:
    palette, icon = qapp.palette(), qapp.windowIcon()
    yield qapp
    qapp.setPalette(palette)
    qapp.setWindowIcon(icon)


def test_a_branded_accent_colours_selections_and_links(
    restored_palette: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(brand, "branding", lambda: Branding(name="Example Hosting Support", accent="#0b5cad"))
    brand.apply_branding(restored_palette)
    palette = restored_palette.palette()
    assert palette.color(QPalette.ColorRole.Highlight).name() == "#0b5cad"
    assert palette.color(QPalette.ColorRole.Link).name() == "#0b5cad"
    assert palette.color(QPalette.ColorRole.HighlightedText).name() == "#ffffff"  # readable on dark blue
    assert not restored_palette.windowIcon().isNull()


def test_the_plain_app_keeps_the_system_palette(restored_palette: QApplication) -> None:
    branding_module.branding.cache_clear()
    before = restored_palette.palette().color(QPalette.ColorRole.Highlight).name()
    brand.apply_branding(restored_palette)
    assert restored_palette.palette().color(QPalette.ColorRole.Highlight).name() == before


def test_the_smoke_test_returns_once_the_window_is_exposed(
    window: MainWindow, capsys: pytest.CaptureFixture[str]
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    assert run_smoke_test(app, window) == 0
    assert capsys.readouterr().out == f"{SHOWN_LINE}: {window.windowTitle()}\n"


def test_the_smoke_test_flag_starts_the_real_app_and_exits() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "composer", "--smoke-test"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith(f"{SHOWN_LINE}: Demo Hosting")


def test_after_the_smoke_test_the_event_loop_is_left_alone(window: MainWindow) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    run_smoke_test(app, window)
    loop = QEventLoop()
    QTimer.singleShot(200, lambda: loop.exit(7))
    assert loop.exec() == 7  # not ended early by a leftover exit() of the smoke test
