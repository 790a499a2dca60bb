"""The checks step against the loopback bed: starts by itself, live, cancellable, worst first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QPushButton, QToolButton
from pytestqt.qtbot import QtBot

from composer.model import Severity
from composer.store import Store
from composer.ui.main_window import MainWindow
from composer.ui.steps.checks import ChecksStep
from tests.servers.diagnostics_bed import Bed, diagnostics_bed


@pytest.fixture(scope="module")
def bed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bed]:
    with diagnostics_bed(tmp_path_factory.mktemp("bed")) as bed:
        yield bed


@pytest.fixture()
def checked(qtbot: QtBot, store: Store, bed: Bed) -> Iterator[MainWindow]:
    window = MainWindow(bed.profile, store, autosave_delay=0.05, diagnostics=bed.settings)
    window.checks.AUTOSTART_DELAY_MS = 50
    window.checks._autostart.setInterval(50)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.checks.runner.cancel()
    qtbot.waitUntil(lambda: not window.checks.runner.running, timeout=20000)
    window.close()


def test_checks_start_by_themselves_and_show_the_worst_first(qtbot: QtBot, checked: MainWindow) -> None:
    step = checked.checks
    checked.controller.update(domain="certexpired.test", category="site_down")
    qtbot.waitUntil(lambda: step.runner.running, timeout=5000)
    listing = checked.findChild(QListWidget, "checks.list")
    assert listing is not None
    qtbot.waitUntil(lambda: checked.controller.request.report is not None, timeout=30000)
    report = checked.controller.request.report
    assert report is not None and report.domain == "certexpired.test"
    assert listing.count() == len(report.checks) >= 5
    views = [w for w in step.findings_box.findChildren(QFrame) if w.objectName().startswith("finding.")]
    assert views[0].objectName() == "finding.web.cert_expired"
    ranks = [
        next(f for f in report.findings if f"finding.{f.code}" == v.objectName()).severity.rank for v in views
    ]
    assert ranks == sorted(ranks, reverse=True)
    toggle = views[0].findChild(QToolButton, "finding.details")
    assert toggle is not None and views[0].details.isHidden()  # type: ignore[attr-defined]
    toggle.click()
    assert not views[0].details.isHidden()  # type: ignore[attr-defined]
    status = checked.findChild(QLabel, "checks.status")
    assert status is not None and "worth a look" in status.text()
    # the report is in the request, and feeds the suggestions
    assert "web.cert_expired" in checked.review.text.toPlainText()  # type: ignore[attr-defined]
    assert any(f.severity.rank >= Severity.PROBLEM.rank for f in report.findings)


def test_a_healthy_domain_has_only_good_news_and_can_be_checked_again(
    qtbot: QtBot, checked: MainWindow
) -> None:
    step: ChecksStep = checked.checks
    checked.controller.update(domain="good.test")
    qtbot.waitUntil(lambda: checked.controller.request.report is not None, timeout=30000)
    first = checked.controller.request.report
    assert first is not None
    assert {f.severity for f in first.findings} <= {Severity.OK, Severity.INFO}
    rerun = checked.findChild(QPushButton, "action.rerun_checks")
    assert rerun is not None and rerun.isEnabled()
    rerun.click()
    qtbot.waitUntil(
        lambda: (
            checked.controller.request.report is not first and checked.controller.request.report is not None
        ),
        timeout=30000,
    )
    assert not step.runner.running


def test_the_checks_can_be_stopped(qtbot: QtBot, store: Store, bed: Bed, tmp_path: Path) -> None:
    with diagnostics_bed(tmp_path, delay=0.5) as slow:
        window = MainWindow(slow.profile, store, diagnostics=slow.settings, auto_checks=False)
        qtbot.addWidget(window)
        window.controller.update(domain="good.test")
        step = window.checks
        step.start()
        assert step.runner.running
        stop = window.findChild(QPushButton, "action.cancel_checks")
        assert stop is not None and stop.isEnabled()
        stop.click()
        qtbot.waitUntil(lambda: not step.runner.running, timeout=10000)
        report = window.controller.request.report
        assert report is not None
        assert any(c.status.value == "cancelled" for c in report.checks)
        window.close()
