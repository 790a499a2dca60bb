"""Local diagnostics: DNS, registration, web, mail and environment checks.

No Qt here. The UI calls :func:`run_diagnostics` from a worker thread and
turns :class:`ProgressEvent` callbacks into signals; everything else is data
(:class:`composer.model.Report` with :class:`composer.model.Finding` items,
whose codes are listed in ``docs/diagnostics.md``).

The names below are imported when first used (PEP 562), so that importing
one module of the package (``composer.diagnostics.cli`` to add the
``diagnose`` subcommand to ``--help``) does not import all the checks.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Each public name and the module that defines it.
_HOMES = {
    "CATALOGUE": "findings",
    "make_finding": "findings",
    "retranslate": "findings",
    "sort_findings": "findings",
    "compare_mail_settings": "mail",
    "build_checks": "plan",
    "build_plan": "plan",
    "CancelToken": "runner",
    "Check": "runner",
    "CheckContext": "runner",
    "CheckOutput": "runner",
    "DiagnosisPlan": "runner",
    "ProgressEvent": "runner",
    "run_diagnostics": "runner",
    "run_plan": "runner",
    "DiagnosticsSettings": "settings",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
