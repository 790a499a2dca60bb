"""The step list's ticks, the completeness bar and the review agree on one readiness."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QListWidget, QProgressBar
from pytestqt.qtbot import QtBot

from composer.model import Urgency
from composer.ui.main_window import MainWindow
from tests.core.factories import good_mail_request


def _ticked(window: MainWindow) -> list[str]:
    steps = window.findChild(QListWidget, "steps")
    assert steps is not None
    return [window.steps[row].key for row in range(steps.count()) if steps.item(row).text().startswith("✓")]


def test_an_empty_request_has_no_ticks_and_is_not_called_ready(qtbot: QtBot, window: MainWindow) -> None:
    assert _ticked(window) == []
    window.go(5)
    title = window.findChild(QLabel, "review.problems_title")
    bar = window.findChild(QProgressBar, "readiness")
    assert title is not None and bar is not None
    assert "Ready" not in title.text()
    assert bar.value() == 0 and title.text().startswith("0 %")


def test_a_vague_request_as_something_else_is_not_ready(qtbot: QtBot, window: MainWindow) -> None:
    request = good_mail_request().model_copy(
        update={
            "category": "other",
            "summary": "mail doesn't work!!! ASAP",
            "description": "",
            "error_text": "",
            "account": "",
            "started_at": None,
            "started_text": "",
            "answers": {},
        }
    )
    window.controller.load(request)
    window.go(5)
    title = window.findChild(QLabel, "review.problems_title")
    bar = window.findChild(QProgressBar, "readiness")
    assert title is not None and bar is not None
    assert "Ready" not in title.text()
    assert title.text().startswith(f"{bar.value()} %")  # the same number on the bar and the review
    assert bar.value() < 100


def test_ticks_mean_the_step_has_what_it_needs(qtbot: QtBot, window: MainWindow) -> None:
    request = good_mail_request().model_copy(update={"attachments": (), "report": None})
    window.controller.load(request)
    # nothing happened on the checks and the evidence steps: no tick there
    assert _ticked(window) == ["who", "affected", "happens"]
    # an information note (critical problems are handled in writing) keeps the tick
    window.controller.update(urgency=Urgency.CRITICAL)
    assert "happens" in _ticked(window)
    window.controller.update(error_text="")
    assert "happens" not in _ticked(window)
