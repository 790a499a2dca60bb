"""Under the pasted error: what it means, what to do next, and what it implies, offered to confirm.

The panel shows :func:`composer.explain.explain`, the same answer as
``request-composer explain``. What the text implies is only offered: the
kind of problem it sounds like and the mailbox, domain and start time it
names become buttons, and nothing changes until the user presses one. A
kind of problem the user chose is never replaced behind their back.

The meaning goes in the error field's hint (``hint.error_text``, set by the
step). Stable object names: ``happens.explanation`` (the next step and the codes),
``action.use_explained_category``, ``action.use_found.account``,
``action.use_found.domain`` and ``action.use_found.started_at``.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from composer.explain import Explanation, FieldSuggestion, explain, field_suggestions
from composer.i18n import _
from composer.model import Urgency
from composer.ui.controller import DraftController

__all__ = ["ExplainPanel"]

_FIELDS = ("account", "domain", "started_at")


class ExplainPanel(QWidget):
    """The explanation of the error text and the buttons that take what it implies."""

    def __init__(self, controller: DraftController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.result: Explanation | None = None
        self._suggestions: dict[str, FieldSuggestion] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.explanation = QLabel()
        self.explanation.setObjectName("happens.explanation")
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        self.use_category = QPushButton()
        self.use_category.setObjectName("action.use_explained_category")
        self.use_category.clicked.connect(self._use_category)
        row.addWidget(self.use_category)
        self.use_field: dict[str, QPushButton] = {}
        for field in _FIELDS:
            button = QPushButton()
            button.setObjectName(f"action.use_found.{field}")
            button.clicked.connect(lambda _checked=False, f=field: self._use_field(f))
            row.addWidget(button)
            self.use_field[field] = button
        row.addStretch(1)
        layout.addLayout(row)
        self.show_text("")

    def show_text(self, text: str) -> None:
        """Explain ``text`` (the error field's content) and offer what it implies."""
        self.result = explain(text, profile=self.controller.profile) if text.strip() else None
        self.refresh()

    def refresh(self) -> None:
        """Show the current result against the current request (a field filled since hides its button)."""
        result, request = self.result, self.controller.request
        profile = self.controller.profile
        self.explanation.setVisible(result is not None)
        if result is None:
            self.explanation.setText("")
            self._suggestions = {}
        else:
            parts = [_("What to do next: {step}").format(step=result.next_step)]
            if result.codes:
                parts.append(_("Codes: {codes}").format(codes=", ".join(result.codes)))
            self.explanation.setText("\n".join(parts))
            self._suggestions = {s.field: s for s in field_suggestions(result, request)}
        category = profile.category(result.category) if result is not None else None
        offer = (
            category is not None
            and result is not None
            and result.decided_by != "none"
            and category.id != "other"
            and category.id != request.category
        )
        if offer and category is not None:
            self.use_category.setText(_("Sounds like: {category}. Use it").format(category=_(category.label)))
        self.use_category.setVisible(offer)
        labels = {
            "account": _("Use {value} as the mailbox or account"),
            "domain": _("Use {value} as the domain"),
            "started_at": _("Started {value}: use it"),
        }
        for field, button in self.use_field.items():
            suggestion = self._suggestions.get(field)
            if suggestion is not None:
                button.setText(labels[field].format(value=suggestion.value))
            button.setVisible(suggestion is not None)

    def _use_category(self) -> None:
        result = self.result
        category = self.controller.profile.category(result.category) if result is not None else None
        if category is None:
            return
        request = self.controller.request
        self.controller.replace(
            request.model_copy(update={"category": category.id, "urgency": Urgency(category.urgency)})
        )

    def _use_field(self, field: str) -> None:
        suggestion = self._suggestions.get(field)
        if suggestion is None:
            return
        request = self.controller.request
        if field == "started_at":
            from composer.errors import ValidationError
            from composer.timeparse import parse_started

            try:
                parsed = parse_started(suggestion.value, now=datetime.now().astimezone())
            except ValidationError:  # offered only when it parsed; the clock may have moved on
                parsed = None
            update: dict[str, object] = {
                "started_text": suggestion.value,
                "started_at": parsed.when if parsed else None,
            }
        else:
            update = {field: suggestion.value}
        self.controller.replace(request.model_copy(update=update))


def warm_up_explain() -> None:
    """Train the classifier off the GUI thread, so the first paste does not wait for it."""
    from composer.classify import default_classifier
    from composer.ui.bridge import run_task

    run_task(default_classifier, on_result=lambda _result: None, on_error=lambda _error: None)
