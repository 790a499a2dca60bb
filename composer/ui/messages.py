"""Errors shown to people: a translated sentence, what to do next, and details folded away.

Core errors carry a code and parameters (:mod:`composer.errors`); this module
only presents them. An unexpected exception never shows a bare traceback: the
crash dialog says the draft is safe and offers the details to copy into a
report.
"""

from __future__ import annotations

import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from composer.errors import ComposerError, describe
from composer.i18n import _

__all__ = ["error_text", "show_error", "show_unexpected"]


def error_text(error: ComposerError) -> tuple[str, str, str]:
    """The sentence, what to do next, and details (field list or technical text)."""
    message, next_step = describe(error.code, error.params)
    details = "\n".join(f"{field}: {problem}" for field, problem in error.params.get("errors", []))
    if error.details:
        details = f"{details}\n{error.details}".strip()
    return message, next_step, details


def show_error(parent: QWidget | None, error: ComposerError, *, title: str = "", note: str = "") -> None:
    """The error dialog; ``note`` says what the app did about it (e.g. which profile it opened instead)."""
    message, next_step, details = error_text(error)
    if note:
        next_step = f"{next_step}\n\n{note}".strip()
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        title or _("Request Composer"),
        message,
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("dialog.error")
    box.setInformativeText(next_step)
    if details:
        box.setDetailedText(details)
    box.exec()


def show_unexpected(
    parent: QWidget | None, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """The crash dialog: reassure, and offer the details for a bug report."""
    message, next_step = describe("internal", {})
    box = QMessageBox(
        QMessageBox.Icon.Critical, _("Request Composer"), message, QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("dialog.crash")
    box.setInformativeText(next_step)
    box.setDetailedText("".join(traceback.format_exception(exc_type, exc, tb)))
    box.exec()
