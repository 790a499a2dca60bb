"""Step 3: what happens: the exact error, since when, the category's questions, what was tried."""

from __future__ import annotations

import itertools
from datetime import datetime

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from composer.answers import options
from composer.errors import ValidationError
from composer.i18n import _
from composer.localefmt import format_long_moment
from composer.model import URGENCY_LABELS, WORKED_BEFORE_LABELS, Request, Urgency, WorkedBefore
from composer.policy import priority_for
from composer.profile import Question
from composer.quality import advice_text
from composer.timeparse import parse_started
from composer.triage import suggest_urgency
from composer.ui.controller import DraftController
from composer.ui.explain_panel import ExplainPanel, warm_up_explain
from composer.ui.kb_panel import KbPanel
from composer.ui.steps.base import (
    Step,
    error_sentence,
    hint_label,
    set_plain_text,
    set_text,
)
from composer.ui.visibility import use_fixed_width_font


class HappensStep(Step):
    key = "happens"

    def __init__(self, controller: DraftController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.error_text = QPlainTextEdit()
        self.error_text.setTabChangesFocus(True)
        use_fixed_width_font(self.error_text)
        # about seven lines of the pasted error, at whatever size the user's font is
        lines = self.error_text.fontMetrics().lineSpacing() * 7 + 2 * self.error_text.frameWidth() + 10
        self.error_text.setMaximumHeight(max(110, lines))
        self.error_label = QLabel()
        self.error_hint = hint_label("hint.error_text")
        self.add_row(self.error_label, self.register("error_text", self.error_text), self.error_hint)
        self.error_text.textChanged.connect(self._error_changed)
        self.explain_panel = ExplainPanel(controller)
        self.form.addRow(self.explain_panel)
        controller.changed.connect(self.explain_panel.refresh)
        warm_up_explain()

        self.started = QLineEdit()
        self.started_label = QLabel()
        self.started_hint = hint_label("hint.started_at")
        self.add_row(self.started_label, self.register("started_at", self.started), self.started_hint)
        self.started.textEdited.connect(self._started_changed)

        self.worked_before = QComboBox()
        for value in WorkedBefore:
            self.worked_before.addItem("", value.value)
        self.worked_label = QLabel()
        self.add_row(self.worked_label, self.register("worked_before", self.worked_before))
        self.worked_before.currentIndexChanged.connect(self._worked_before_changed)

        self.questions_title = QLabel()
        self.questions_title.setObjectName("questions.title")
        self.form.addRow(self.questions_title)
        self._question_rows: list[tuple[Question, QLabel, QWidget]] = []
        self._questions_for = ""
        self._questions_index = self.form.rowCount()

        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description_label = QLabel()
        self.add_row(self.description_label, self.register("description", self.description))
        self.description.textChanged.connect(lambda: self.apply(description=self.description.toPlainText()))

        self.tried = QPlainTextEdit()
        self.tried.setTabChangesFocus(True)
        self.tried.setMaximumHeight(80)
        self.tried_label = QLabel()
        self.add_row(self.tried_label, self.register("tried", self.tried))
        self.tried.textChanged.connect(lambda: self.apply(tried=self.tried.toPlainText()))

        self.urgency = QComboBox()
        for urgency in Urgency:
            self.urgency.addItem("", urgency.value)
        self.urgency_label = QLabel()
        self.urgency_hint = hint_label("hint.urgency")
        self.add_row(self.urgency_label, self.register("urgency", self.urgency), self.urgency_hint)
        self.urgency.currentIndexChanged.connect(self._urgency_changed)
        self.articles = KbPanel(controller, "happens")
        self.outer.addWidget(self.articles)

        controller.changed.connect(self._sync_questions)
        self.retranslate()

    def retranslate(self) -> None:
        self.intro.setText(
            _("Copy the error message exactly as it appears. Say when it started and what you already tried.")
        )
        self.error_label.setText(_("E&xact error message"))
        self.error_text.setPlaceholderText(_("Paste the message here (Ctrl+V), word for word"))
        self.started_label.setText(_("Since &when"))
        self.started.setPlaceholderText(_("e.g. yesterday around 15:00, 2 hours ago, this morning"))
        self.worked_label.setText(_("Did it wor&k before?"))
        for index in range(self.worked_before.count()):
            value = WorkedBefore(self.worked_before.itemData(index))
            self.worked_before.setItemText(index, _(WORKED_BEFORE_LABELS[value]))
        self.description_label.setText(_("&Description"))
        self.description.setPlaceholderText(_("What did you do, what did you expect, what happened instead?"))
        self.tried_label.setText(_("Already &tried"))
        self.tried.setPlaceholderText(_("e.g. restarted the computer, checked the password in webmail"))
        self.urgency_label.setText(_("&Urgency"))
        for index in range(self.urgency.count()):
            self.urgency.setItemText(index, _(URGENCY_LABELS[Urgency(self.urgency.itemData(index))]))
        self._questions_for = "\0"  # rebuild the question labels in the new language
        self._sync_questions()
        self._show_error_hint()
        self._show_started_hint()
        self._show_urgency_hint()
        self.articles.retranslate()

    def load(self, request: Request) -> None:
        set_plain_text(self.error_text, request.error_text)
        set_text(self.started, request.started_text)
        self.worked_before.setCurrentIndex(max(0, self.worked_before.findData(request.worked_before.value)))
        set_plain_text(self.description, request.description)
        set_plain_text(self.tried, request.tried)
        self.urgency.setCurrentIndex(max(0, self.urgency.findData(request.urgency.value)))
        self._questions_for = "\0"
        self._sync_questions()
        self._show_error_hint()
        self._show_started_hint()
        self._show_urgency_hint()

    def _worked_before_changed(self) -> None:
        self.apply(worked_before=WorkedBefore(self.worked_before.currentData()))

    # -- error text -------------------------------------------------------

    def _error_changed(self) -> None:
        self.apply(error_text=self.error_text.toPlainText())
        self._show_error_hint()

    def _show_error_hint(self) -> None:
        self.explain_panel.show_text(self.error_text.toPlainText())
        result = self.explain_panel.result
        if result is not None and result.decided_by != "none":
            self.error_hint.setText(_("This usually means: {meaning}").format(meaning=result.explanation))
        else:
            self.error_hint.setText(
                _("No message? Describe what you see instead, e.g. “the page stays white”.")
            )

    # -- start time -------------------------------------------------------

    def _started_changed(self, text: str) -> None:
        now = datetime.now().astimezone()
        try:
            parsed = parse_started(text, now=now)
        except ValidationError:
            parsed = None
        self.apply(started_text=text, started_at=parsed.when if parsed else None)
        self._show_started_hint()

    def _show_started_hint(self) -> None:
        text = self.started.text().strip()
        if not text:
            self.started_hint.setText(_("Words are fine: the app turns them into a date and time."))
            return
        try:
            parsed = parse_started(text, now=datetime.now().astimezone())
        except ValidationError as error:
            self.started_hint.setText(error_sentence(error))
            return
        if parsed is not None:
            moment = format_long_moment(parsed.when)
            self.started_hint.setText(
                _("Understood as about {moment}").format(moment=moment)
                if parsed.approximate
                else _("Understood as {moment}").format(moment=moment)
            )

    # -- urgency ----------------------------------------------------------

    def _urgency_changed(self) -> None:
        self.apply(urgency=Urgency(self.urgency.currentData()))
        self._show_urgency_hint()

    def _show_urgency_hint(self) -> None:
        profile = self.controller.profile
        urgency = Urgency(self.urgency.currentData() or Urgency.NORMAL.value)
        parts = []
        request = self.controller.request.model_copy(update={"urgency": urgency})
        priority = priority_for(profile, request)  # the user's plan may raise the tier
        if priority is not None and priority.target:
            parts.append(
                _("{provider} aims to answer {response}.").format(
                    provider=profile.provider.name, response=priority.target
                )
            )
        for note in self.controller.readiness.advice:
            if note.code in {"advice.critical_unsupported", "advice.critical_often"}:
                message, why = advice_text(note)
                parts.append(f"{message} {why}".strip())
        suggested = suggest_urgency(self.controller.request, profile)
        if list(Urgency).index(suggested) < list(Urgency).index(urgency):
            parts.append(
                _("From what you wrote, it may be more urgent: {urgency}.").format(
                    urgency=_(URGENCY_LABELS[suggested])
                )
            )
        self.urgency_hint.setText(" ".join(parts))

    # -- category questions -----------------------------------------------

    def _sync_questions(self) -> None:
        request = self.controller.request
        index = self.urgency.findData(request.urgency.value)
        if index != self.urgency.currentIndex():  # the category or the checks set it
            self.loading = True
            try:
                self.urgency.setCurrentIndex(index)
            finally:
                self.loading = False
        self._show_urgency_hint()
        if request.category == self._questions_for:
            return
        self._questions_for = request.category
        for _question, label, widget in self._question_rows:
            self.form.removeRow(label)
            self.form.removeRow(widget)
        self._question_rows = []
        category = self.controller.profile.category(request.category)
        questions = category.questions if category else []
        self.questions_title.setText(
            _("Questions the support team will ask about this:") if questions else ""
        )
        self.questions_title.setVisible(bool(questions))
        for offset, question in enumerate(questions):
            label = QLabel(_(question.label) + (" *" if question.required else ""))
            label.setWordWrap(True)
            widget = self._question_widget(question, request.answers.get(question.id, ""))
            widget.setObjectName(f"question.{question.id}")
            label.setBuddy(widget)
            # The question above its answer, across the whole width: a long question in
            # the narrow label column was cut at the top and the bottom.
            self.form.insertRow(self._questions_index + 2 * offset, label)
            self.form.insertRow(self._questions_index + 2 * offset + 1, widget)
            self._question_rows.append((question, label, widget))
        self._fix_tab_order()

    def _question_widget(self, question: Question, answer: str) -> QWidget:
        if question.kind in {"choice", "yesno"}:
            combo = QComboBox()
            combo.addItem("", "")
            for identifier, label in options(question):  # the id is stored, the label shown
                combo.addItem(_(label), identifier)
            chosen = [i for i, label in options(question) if answer in {i, label}]
            combo.setCurrentIndex(max(0, combo.findData(chosen[0] if chosen else answer)))
            combo.currentIndexChanged.connect(
                lambda _index, q=question.id, c=combo: self._answer(q, c.currentData() or "")
            )
            return combo
        edit = QLineEdit(answer)
        edit.setPlaceholderText(_(question.hint))
        edit.textEdited.connect(lambda text, q=question.id: self._answer(q, text))
        return edit

    def _answer(self, question_id: str, value: str) -> None:
        if not self.loading:
            self.controller.set_answer(question_id, value)

    def _fix_tab_order(self) -> None:
        # reading order: what the error implies stands under it (hidden buttons take no Tab)
        chain: list[QWidget] = [self.error_text, self.explain_panel.use_category]
        chain += [*self.explain_panel.use_field.values(), self.started, self.worked_before]
        chain += [widget for _q, _l, widget in self._question_rows]
        chain += [self.description, self.tried, self.urgency]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
