"""Knowledge-base articles that may already answer the request, as the user types, with what they did.

The articles come from :func:`composer.triage.matching_articles` (the
category, the checks' findings and the words typed) and follow every change
of the draft. Each has two buttons: "This solved it" (the main window ends
the request: nothing is sent) and "I followed it, it did not help" (the
article's link goes into the request). The panel only says which: the
window records and reports the outcome (:mod:`composer.kb`).

Stable object names: ``kb.panel`` (with a suffix per place: ``kb.panel.happens``,
``kb.panel.review``), ``kb.article.<n>``, ``kb.solved.<n>``, ``kb.not_helped.<n>``
(n from 0, best match first).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from composer.i18n import _
from composer.kb import Outcome
from composer.profile import Article
from composer.triage import matching_articles
from composer.ui.controller import DraftController

__all__ = ["KbPanel"]


class KbPanel(QWidget):
    """The matching articles, each with "This solved it" and "I followed it, it did not help"."""

    #: (article, Outcome): the user said what the article did
    outcome = Signal(object, object)

    def __init__(self, controller: DraftController, place: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"kb.panel.{place}")
        self.controller = controller
        self.articles: list[Article] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.grid)
        self._rows: list[tuple[QLabel, QPushButton, QPushButton]] = []
        controller.changed.connect(self.refresh)
        controller.replaced.connect(self.refresh)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(_("Before you send, these articles may already answer it:"))
        self.articles = []  # rebuilt in the new language
        self.refresh()

    def refresh(self) -> None:
        articles = matching_articles(self.controller.request, self.controller.profile)
        self.setVisible(bool(articles))
        if articles != self.articles:
            self._rebuild(articles)
        tried = self.controller.request.tried
        for article, (_link, _solved, failed) in zip(self.articles, self._rows, strict=True):
            failed.setEnabled(str(article.url) not in tried)  # its link is in the request already

    def _rebuild(self, articles: list[Article]) -> None:
        self.articles = articles
        for widgets in self._rows:
            for widget in widgets:
                self.grid.removeWidget(widget)
                widget.deleteLater()
        self._rows = []
        for index, article in enumerate(articles):
            link = QLabel(f'<a href="{_html(str(article.url))}">{_html(article.title)}</a>')
            link.setObjectName(f"kb.article.{index}")
            link.setTextFormat(Qt.TextFormat.RichText)
            link.setOpenExternalLinks(True)
            link.setWordWrap(True)
            solved = QPushButton(_("This solved it"))
            solved.setObjectName(f"kb.solved.{index}")
            solved.setToolTip(
                _("End this request: nothing is sent, and the provider learns the article helped")
            )
            solved.clicked.connect(lambda _checked=False, a=article: self.outcome.emit(a, Outcome.SOLVED))
            failed = QPushButton(_("I followed it, it did not help"))
            failed.setObjectName(f"kb.not_helped.{index}")
            failed.setToolTip(_("Put the article's link into the request, under “Already tried”"))
            failed.clicked.connect(lambda _checked=False, a=article: self.outcome.emit(a, Outcome.NOT_HELPED))
            self.grid.addWidget(link, index, 0)
            self.grid.addWidget(solved, index, 1)
            self.grid.addWidget(failed, index, 2)
            self._rows.append((link, solved, failed))
        self.grid.setColumnStretch(0, 1)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
