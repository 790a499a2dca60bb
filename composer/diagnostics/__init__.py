"""Local diagnostics: DNS, registration, web, mail and environment checks.

No Qt here. The UI calls :func:`run_diagnostics` from a worker thread and
turns :class:`ProgressEvent` callbacks into signals; everything else is data
(:class:`composer.model.Report` with :class:`composer.model.Finding` items,
whose codes are listed in ``docs/diagnostics.md``).
"""

from composer.diagnostics.findings import CATALOGUE, make_finding, retranslate, sort_findings
from composer.diagnostics.mail import compare_mail_settings
from composer.diagnostics.plan import build_checks, build_plan
from composer.diagnostics.runner import (
    CancelToken,
    Check,
    CheckContext,
    CheckOutput,
    DiagnosisPlan,
    ProgressEvent,
    run_diagnostics,
    run_plan,
)
from composer.diagnostics.settings import DiagnosticsSettings

__all__ = [
    "CATALOGUE",
    "CancelToken",
    "Check",
    "CheckContext",
    "CheckOutput",
    "DiagnosisPlan",
    "DiagnosticsSettings",
    "ProgressEvent",
    "build_checks",
    "build_plan",
    "compare_mail_settings",
    "make_finding",
    "retranslate",
    "run_diagnostics",
    "run_plan",
    "sort_findings",
]
