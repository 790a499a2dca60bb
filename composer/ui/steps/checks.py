"""The diagnostics step: checks from the customer's own network, live, in plain words.

The diagnosis starts by itself a moment after a valid domain is entered (and
again when it changes), runs on the thread pool through
:func:`composer.diagnostics.runner.run_diagnostics`, and reports each check
through the bridge, so the GUI thread never waits on the network. The user
can cancel and re-run. Findings are shown worst first: a title and
explanation for the customer, the technical detail folded away for the
agent. The finished report goes into the request.

The diagnostics package (dnspython, cryptography, every check family) is not
imported when the window opens: its import starts on the thread pool when a
valid domain is first entered (:func:`preload_diagnostics`), and the job itself
imports what it runs, so neither the start nor the GUI thread waits for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from composer.errors import ValidationError
from composer.i18n import N_, _, ngettext
from composer.localefmt import format_milliseconds, format_time
from composer.model import CheckStatus, Finding, Report, Request, Severity, normalise_domain
from composer.profile import ProviderProfile
from composer.ui.bridge import Bridge, run_task
from composer.ui.controller import DraftController
from composer.ui.steps.base import Step
from composer.ui.visibility import use_fixed_width_font

if TYPE_CHECKING:
    from composer.diagnostics.runner import CancelToken, ProgressEvent
    from composer.diagnostics.settings import DiagnosticsSettings

__all__ = ["ChecksStep", "DiagnosisRunner", "preload_diagnostics"]

_preloading = False


def preload_diagnostics() -> None:
    """Import the diagnostics on the thread pool (once), so that the first check finds them loaded."""
    global _preloading
    if _preloading:
        return
    _preloading = True
    run_task(
        lambda: importlib.import_module("composer.diagnostics.runner"),
        on_result=lambda _module: None,
        on_error=lambda _error: None,  # the job imports it again and reports the error there
    )


SEVERITY_LABELS = {
    Severity.CRITICAL: N_("Serious problem"),
    Severity.PROBLEM: N_("Problem"),
    Severity.WARNING: N_("Worth a look"),
    Severity.INFO: N_("Good to know"),
    Severity.OK: N_("Fine"),
}
STATUS_LABELS = {
    CheckStatus.PENDING: N_("waiting"),
    CheckStatus.RUNNING: N_("checking…"),
    CheckStatus.DONE: N_("done"),
    CheckStatus.FAILED: N_("could not check"),
    CheckStatus.TIMEOUT: N_("took too long"),
    CheckStatus.CANCELLED: N_("cancelled"),
    CheckStatus.SKIPPED: N_("skipped"),
}


class _Job(QRunnable):
    def __init__(
        self,
        runner: DiagnosisRunner,
        domain: str,
        profile: ProviderProfile,
        settings: DiagnosticsSettings,
        token: CancelToken,
        generation: int,
    ) -> None:
        super().__init__()
        self._args = (domain, profile, settings)
        self._token = token
        self._progress = runner.bridge.wrap(lambda event: runner.on_progress(generation, event))
        self._done = runner.bridge.wrap(lambda report: runner.on_done(generation, report))
        self._failed = runner.bridge.wrap(lambda error: runner.on_failed(generation, error))

    def run(self) -> None:
        domain, profile, settings = self._args
        try:
            from composer.diagnostics.runner import run_diagnostics

            report = run_diagnostics(
                domain, profile, settings, on_progress=self._progress, cancel=self._token
            )
        except Exception as exc:
            self._failed(exc)
        else:
            self._done(report)


class DiagnosisRunner(QObject):
    """Runs one diagnosis at a time off the GUI thread; a newer one supersedes an older one."""

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.bridge = Bridge(self)
        self._token: CancelToken | None = None
        self._generation = 0
        self.running = False

    def start(self, domain: str, profile: ProviderProfile, settings: DiagnosticsSettings) -> None:
        from composer.diagnostics.runner import CancelToken  # loaded by preload_diagnostics

        self.cancel()
        self._generation += 1
        self._token = CancelToken()
        self.running = True
        QThreadPool.globalInstance().start(
            _Job(self, domain, profile, settings, self._token, self._generation)
        )

    def cancel(self) -> None:
        if self._token is not None:
            self._token.cancel()

    def on_progress(self, generation: int, event: ProgressEvent) -> None:
        if generation == self._generation:
            self.progress.emit(event)

    def on_done(self, generation: int, report: Report) -> None:
        if generation == self._generation:
            self.running = False
            self.finished.emit(report)

    def on_failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self.running = False
            self.failed.emit(error)


class FindingView(QFrame):
    """One finding: what it means for the customer, with the agent's detail folded away."""

    def __init__(self, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"finding.{finding.code}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(_severity_icon(finding.severity)).pixmap(20, 20))
        top.addWidget(icon)
        title = QLabel(f"<b>{_escape(finding.title)}</b> — {_escape(_(SEVERITY_LABELS[finding.severity]))}")
        title.setWordWrap(True)
        top.addWidget(title, 1)
        layout.addLayout(top)
        for text in (finding.explanation, finding.next_step):
            if text:
                label = QLabel(text)
                label.setWordWrap(True)
                layout.addWidget(label)
        if finding.detail:
            self.toggle = QToolButton()
            self.toggle.setObjectName("finding.details")
            self.toggle.setCheckable(True)
            self.toggle.setText(_("Technical details for the support team"))
            self.toggle.setToolButtonStyle(self.toggle.toolButtonStyle())
            self.details = QLabel(f"{finding.code}\n{finding.detail}")
            use_fixed_width_font(self.details)
            self.details.setWordWrap(True)
            self.details.setVisible(False)
            self.toggle.toggled.connect(self.details.setVisible)
            layout.addWidget(self.toggle)
            layout.addWidget(self.details)


def _severity_icon(severity: Severity) -> QStyle.StandardPixmap:
    if severity in {Severity.CRITICAL, Severity.PROBLEM}:
        return QStyle.StandardPixmap.SP_MessageBoxCritical
    if severity is Severity.WARNING:
        return QStyle.StandardPixmap.SP_MessageBoxWarning
    if severity is Severity.INFO:
        return QStyle.StandardPixmap.SP_MessageBoxInformation
    return QStyle.StandardPixmap.SP_DialogApplyButton


class ChecksStep(Step):
    key = "checks"

    #: seconds of quiet after the domain was typed before the checks start by themselves
    AUTOSTART_DELAY_MS = 1200

    def __init__(
        self,
        controller: DraftController,
        settings: DiagnosticsSettings | Callable[[], DiagnosticsSettings] | None = None,
        *,
        autostart: bool = True,
        cache_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(controller, parent)
        # settings, or what loads them: read when the checks first need them, not at start
        self._settings: DiagnosticsSettings | Callable[[], DiagnosticsSettings] | None = settings
        self._cache_dir = cache_dir
        self.autostart = autostart
        self.runner = DiagnosisRunner(self)
        self.runner.progress.connect(self._progress)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self._domain = ""
        self._rows: dict[str, QListWidgetItem] = {}
        self._autostart = QTimer(self)
        self._autostart.setSingleShot(True)
        self._autostart.setInterval(self.AUTOSTART_DELAY_MS)
        self._autostart.timeout.connect(self.start)

        bar = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("checks.status")
        self.status.setWordWrap(True)
        bar.addWidget(self.status, 1)
        self.progress = QProgressBar()
        self.progress.setObjectName("checks.progress")
        bar.addWidget(self.progress)
        self.cancel = QPushButton()
        self.cancel.setObjectName("action.cancel_checks")
        self.cancel.clicked.connect(self.runner.cancel)
        bar.addWidget(self.cancel)
        self.rerun = QPushButton()
        self.rerun.setObjectName("action.rerun_checks")
        self.rerun.clicked.connect(self.start)
        bar.addWidget(self.rerun)
        self.outer.addLayout(bar)

        self.checks = QListWidget()
        self.checks.setObjectName("checks.list")
        self.checks.setMaximumHeight(150)
        self.outer.addWidget(self.checks)
        self.findings_title = QLabel()
        self.outer.addWidget(self.findings_title)
        self.findings_box = QWidget()
        self.findings_layout = QVBoxLayout(self.findings_box)
        self.findings_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("checks.findings")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.findings_box)
        self.outer.addWidget(scroll, 1)
        controller.changed.connect(self._domain_changed)
        self.retranslate()

    @property
    def settings(self) -> DiagnosticsSettings:
        """The network targets and time-outs of the checks (the defaults until set)."""
        if self._settings is None or callable(self._settings):
            from composer.diagnostics.settings import DiagnosticsSettings

            loaded = DiagnosticsSettings() if self._settings is None else self._settings()
            if loaded.rdap_cache_dir is None and self._cache_dir is not None:
                # a refreshed IANA bootstrap lives with the data
                loaded = loaded.model_copy(update={"rdap_cache_dir": self._cache_dir})
            self._settings = loaded
        return self._settings

    @settings.setter
    def settings(self, settings: DiagnosticsSettings) -> None:
        self._settings = settings

    def retranslate(self) -> None:
        self.intro.setText(
            _(
                "Your computer checks the usual causes from your own network: the "
                "domain's addresses, its registration, the website and the mail "
                "servers. The results go into your request for the support team."
            )
        )
        self.cancel.setText(_("S&top"))
        self.rerun.setText(_("Check &again"))
        self._update_status()

    def rewrite(self) -> None:
        """The scrubber never changes the domain or the report: nothing to show again."""

    def load(self, request: Request) -> None:
        self._domain = ""
        self._show_report(request.report)
        self._domain_changed()

    def shutdown(self) -> None:
        """No check starts any more, and running ones stop (the window is closing)."""
        self.autostart = False
        self._autostart.stop()
        self.runner.cancel()

    # -- starting ---------------------------------------------------------

    def _valid_domain(self) -> str:
        try:
            return normalise_domain(self.controller.request.domain)
        except ValidationError:
            return ""

    def _domain_changed(self) -> None:
        domain = self._valid_domain()
        if domain == self._domain:
            return
        self._domain = domain
        report = self.controller.request.report
        if domain:
            preload_diagnostics()
        if domain and self.autostart and (report is None or report.domain != domain):
            self._autostart.start()
        elif not domain:
            self._autostart.stop()
            self.runner.cancel()
        self._update_status()

    def start(self) -> None:
        """Run the checks for the current domain (cancelling any that still run)."""
        self._autostart.stop()
        domain = self._valid_domain()
        if not domain:
            self._update_status()
            return
        self._domain = domain
        self._rows.clear()
        self.checks.clear()
        self._clear_findings()
        self.progress.setRange(0, 0)
        self.runner.start(domain, self.controller.profile, self.settings)
        self._update_status()

    # -- progress ---------------------------------------------------------

    def _progress(self, event: ProgressEvent) -> None:
        row = self._rows.get(event.check)
        if row is None:
            row = QListWidgetItem()
            self._rows[event.check] = row
            self.checks.addItem(row)
        duration = f" ({format_milliseconds(event.result.duration_ms)})" if event.result else ""
        row.setText(f"{event.title}: {_(STATUS_LABELS[event.status])}{duration}")
        self.progress.setRange(0, max(event.total, 1))
        self.progress.setValue(event.done)
        self._update_status()

    def _finished(self, report: Report) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        if report.domain == self._domain:
            self.controller.update(report=report)
        self._show_report(report)
        self._update_status()

    def _failed(self, error: Any) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(_("The checks could not run: {reason}").format(reason=error))

    def _update_status(self) -> None:
        running = self.runner.running
        self.cancel.setEnabled(running)
        self.rerun.setEnabled(bool(self._valid_domain()) and not running)
        if not self._valid_domain():
            self.status.setText(_("Enter the domain in the step before; the checks start by themselves."))
        elif running:
            self.status.setText(_("Checking {domain}…").format(domain=self.controller.request.domain))
        elif self.controller.request.report is not None:
            report = self.controller.request.report
            problems = sum(1 for f in report.findings if f.severity.rank >= Severity.WARNING.rank)
            self.status.setText(
                ngettext(
                    "Checked at {time}: {count} thing worth a look.",
                    "Checked at {time}: {count} things worth a look.",
                    problems,
                ).format(
                    time=format_time((report.finished_at or report.started_at).astimezone()),
                    count=problems,
                )
            )
        elif self.autostart:
            self.status.setText(_("The checks will start in a moment."))
        else:
            self.status.setText(_("Press “Check again” to run the checks."))

    # -- findings ---------------------------------------------------------

    def _clear_findings(self) -> None:
        while self.findings_layout.count() > 1:
            item = self.findings_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()

    def _show_report(self, report: Report | None) -> None:
        self._clear_findings()
        if report is None:
            self.findings_title.setText("")
            return
        self.findings_title.setText(_("What the checks found, most important first:"))
        from composer.diagnostics.findings import sort_findings

        for index, finding in enumerate(sort_findings(report.findings)):
            self.findings_layout.insertWidget(index, FindingView(finding))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
