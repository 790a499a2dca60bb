"""What the window does when the user says what a knowledge-base article did.

"This solved it" ends the request after one question (nothing is sent; the
draft is discarded and the form starts afresh); "I followed it, it did not
help" puts the article's link into the request. Either way the outcome is
counted in the local database and, where the profile has the intake API,
reported to the provider (:mod:`composer.kb`), on the delivery worker's
thread, never the GUI's.

Stable object names: ``dialog.kb_solved``, ``kb.end_request``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QPushButton

from composer import kb
from composer.i18n import _, current_language
from composer.profile import Article

if TYPE_CHECKING:
    from composer.delivery import OutboxWorker
    from composer.ui.main_window import MainWindow

__all__ = ["article_outcome"]


def article_outcome(window: MainWindow, article: Article, outcome: kb.Outcome) -> None:
    """Handle a click on "This solved it" or "I followed it, it did not help"."""
    controller = window.controller
    request, profile = controller.request, controller.profile
    if outcome is kb.Outcome.SOLVED:
        if not _confirm_end(window, article):
            return
        controller.discard(request.id)
        controller.new()
        window.go(0)
        window.statusBar().showMessage(_("Good to hear it is solved. Nothing was sent."))
    else:
        controller.replace(kb.followed(request, article))
        window.statusBar().showMessage(_("The article's link is in the request, under “Already tried”."))
    store, email, language = window.store, request.requester.email, current_language()

    def count(worker: OutboxWorker) -> int:
        kb.record(store, article, outcome, category=request.category, draft_id=request.id)
        return kb.report(store, worker.channels, profile, email, language)

    window.delivery.run(count, on_result=lambda _reported: None, on_error=lambda _error: None)


def _confirm_end(window: MainWindow, article: Article) -> bool:
    box = QMessageBox(window)
    box.setObjectName("dialog.kb_solved")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(_("Solved by the article"))
    box.setText(
        _("End this request? “{title}” solved it, so nothing needs to be sent.").format(title=article.title)
    )
    box.setInformativeText(
        _("What you typed is discarded. The provider only learns that the article helped.")
    )
    end = QPushButton(_("&End the request"))
    end.setObjectName("kb.end_request")
    box.addButton(end, QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton(_("&Back"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(end)
    box.setEscapeButton(back)
    box.exec()
    return box.clickedButton() is end
