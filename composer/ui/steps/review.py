"""The last step: exactly the text that will leave the machine, what is still missing, and send.

The text is shown in the language the provider reads (the first of its
``provider.languages``), which is the language it is sent in, rendered by the
same :func:`composer.render.render_text` the outbox stores at Send. When the
window is in another language, ``review.show_in_my_language`` shows it in
the user's language instead, for reading only, and ``review.language_note``
says which of the two leaves.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QWidget,
)

from composer.i18n import _, current_language, language_name, ngettext
from composer.localefmt import format_size
from composer.model import Attachment
from composer.quality import advice_text
from composer.render import render_text
from composer.rendered import request_language
from composer.ui.bridge import run_task
from composer.ui.controller import DraftController
from composer.ui.kb_panel import KbPanel
from composer.ui.policy_panel import PolicyPanel
from composer.ui.sending import sends_directly
from composer.ui.steps.base import Step
from composer.ui.visibility import use_fixed_width_font

THUMBNAIL = 72


class ReviewStep(Step):
    key = "review"

    #: the user clicked a problem: go to this field
    go_to_field = Signal(str)
    #: the user pressed the send button
    send_requested = Signal()

    def __init__(self, controller: DraftController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.problems_title = QLabel()
        self.problems_title.setObjectName("review.problems_title")
        self.problems_title.setWordWrap(True)  # at 150 % fonts one line was wider than the page
        self.outer.addWidget(self.problems_title)
        self.problems = QListWidget()
        self.problems.setObjectName("review.problems")
        self.problems.setMaximumHeight(110)
        self.problems.itemActivated.connect(self._activate)
        self.problems.itemClicked.connect(self._activate)
        self.outer.addWidget(self.problems)
        self.policy = PolicyPanel(controller)
        self.outer.addWidget(self.policy)

        self.articles = KbPanel(controller, "review")
        self.outer.addWidget(self.articles)

        self.text_title = QLabel()
        self.outer.addWidget(self.text_title)
        language_row = QHBoxLayout()
        self.language_note = QLabel()
        self.language_note.setObjectName("review.language_note")
        self.language_note.setWordWrap(True)
        language_row.addWidget(self.language_note, 1)
        self.show_in_my_language = QCheckBox()
        self.show_in_my_language.setObjectName("review.show_in_my_language")
        self.show_in_my_language.toggled.connect(lambda _on: self.refresh())
        language_row.addWidget(self.show_in_my_language)
        self.outer.addLayout(language_row)
        self.text = QPlainTextEdit()
        self.text.setObjectName("review.text")
        self.text.setReadOnly(True)
        self.text.setTabChangesFocus(True)
        use_fixed_width_font(self.text)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text_title.setBuddy(self.text)
        self.outer.addWidget(self.text, 1)

        self.sent_with = QLabel()
        self.sent_with.setObjectName("review.sent_with")
        self.outer.addWidget(self.sent_with)
        self.attachments = QListWidget()
        self.attachments.setObjectName("review.attachments")
        self.attachments.setIconSize(QSize(THUMBNAIL, THUMBNAIL))
        self.attachments.setMaximumHeight(THUMBNAIL * 2 + 16)
        self.attachments.setFlow(QListWidget.Flow.LeftToRight)
        self.attachments.setWrapping(True)
        self.outer.addWidget(self.attachments)
        remove_row = QHBoxLayout()
        self.remove_attachment = QPushButton()
        self.remove_attachment.setObjectName("action.review_remove_attachment")
        self.remove_attachment.clicked.connect(self._remove_attachment)
        remove_row.addWidget(self.remove_attachment)
        self.remove_report = QPushButton()
        self.remove_report.setObjectName("action.remove_report")
        self.remove_report.clicked.connect(lambda: self.controller.update(report=None))
        remove_row.addWidget(self.remove_report)
        remove_row.addStretch(1)
        self.outer.addLayout(remove_row)
        self._thumbnails: dict[str, QIcon] = {}

        # The action row is not part of the scrolled page: the main window puts it
        # under the page, so that Send / Save is visible whatever the window's size.
        self.action_bar = QWidget()
        self.action_bar.setObjectName("review.action_bar")
        row = QHBoxLayout(self.action_bar)
        row.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel()
        self.status.setObjectName("review.status")
        self.status.setWordWrap(True)
        row.addWidget(self.status, 1)
        self.send = QPushButton()
        self.send.setObjectName("action.send")
        self.send.setDefault(True)
        self.send.clicked.connect(self.send_requested.emit)
        row.addWidget(self.send)
        controller.changed.connect(self.refresh)
        self.retranslate()

    def retranslate(self) -> None:
        self.intro.setText(
            _("This is exactly what the support team will receive. Nothing else leaves your computer.")
        )
        self.text_title.setText(_("The &request"))
        self.remove_attachment.setText(_("Remove the selected file"))
        self.remove_report.setText(_("Leave out the report of the checks"))
        self.policy.retranslate()
        self.articles.retranslate()
        if sends_directly(self.controller.profile):
            self.send.setText(_("Sen&d request"))
            self.send.setToolTip(
                _("Put the request in the outbox; it is sent in the background and kept until it has arrived")
            )
        else:
            self.send.setText(_("Sa&ve request as file…"))
            self.send.setToolTip(
                _(
                    "Save the request with its attachments as one .zip file that you "
                    "can send or upload to your provider"
                )
            )
        self.refresh()

    def load(self, request: object) -> None:
        self.refresh()

    def _remove_attachment(self) -> None:
        row = self.attachments.currentRow()
        attachments = list(self.controller.request.attachments)
        if 0 <= row < len(attachments):
            attachments.pop(row)
            self.controller.update(attachments=tuple(attachments))

    def _show_attachments(self) -> None:
        request = self.controller.request
        parts = []
        if request.report is not None:
            parts.append(_("the report of the checks (diagnostics.json)"))
        if request.attachments:
            parts.append(
                ngettext("{count} file, {size}", "{count} files, {size}", len(request.attachments)).format(
                    count=len(request.attachments), size=format_size(sum(a.size for a in request.attachments))
                )
            )
        self.sent_with.setText(
            _("Sent with it: {what}").format(what=" · ".join(parts)) if parts else _("Nothing is attached.")
        )
        self.remove_report.setVisible(request.report is not None)
        self.remove_attachment.setVisible(bool(request.attachments))
        self.attachments.setVisible(bool(request.attachments))
        self.attachments.clear()
        for attachment in request.attachments:
            item = QListWidgetItem(f"{attachment.name}\n{format_size(attachment.size)}")
            item.setToolTip(attachment.description or attachment.name)
            icon = self._thumbnails.get(attachment.sha256)
            if icon is None:
                icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
                if attachment.media_type.startswith("image/"):
                    self._load_thumbnail(attachment)
            item.setIcon(icon)
            self.attachments.addItem(item)

    def _load_thumbnail(self, attachment: Attachment) -> None:
        """Decode and shrink a picture off the GUI thread, then show it."""
        path = self.controller.store.attachment_path(attachment)

        def shrink() -> QImage:
            image = QImage(str(path))
            return image.scaled(
                THUMBNAIL,
                THUMBNAIL,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )

        def show(image: QImage) -> None:
            if not image.isNull():
                self._thumbnails[attachment.sha256] = QIcon(QPixmap.fromImage(image))
                self._show_attachments()

        run_task(shrink, on_result=show, on_error=lambda _error: None)

    def _languages(self) -> tuple[str, str]:
        """The language the request is sent in, and the one the window is in."""
        return request_language(self.controller.profile), current_language()

    def _show_language(self) -> str:
        """Which language the text is shown in, and say so (and which one leaves)."""
        sent, mine = self._languages()
        differs = sent.split("-")[0] != mine.split("-")[0]
        self.language_note.setVisible(differs)
        self.show_in_my_language.setVisible(differs)
        if not differs:
            return sent
        provider = self.controller.profile.provider.name
        self.show_in_my_language.setText(
            _("Show it in &my language ({language})").format(language=language_name(mine))
        )
        if self.show_in_my_language.isChecked():
            self.language_note.setText(
                _(
                    "Shown in {language} for you to read: this is not sent. "
                    "{provider} receives it in {sent_language}."
                ).format(language=language_name(mine), provider=provider, sent_language=language_name(sent))
            )
            return mine
        self.language_note.setText(
            _(
                "This is sent in {language}, the language {provider} reads; "
                "what you wrote yourself stays as you wrote it."
            ).format(language=language_name(sent), provider=provider)
        )
        return sent

    def shown_language(self) -> str:
        """The language of the text on screen now (the sent one unless the switch is on)."""
        sent, mine = self._languages()
        differs = sent.split("-")[0] != mine.split("-")[0]
        return mine if differs and self.show_in_my_language.isChecked() else sent

    def refresh(self) -> None:
        controller = self.controller
        request = controller.request
        readiness = controller.readiness
        text = render_text(request, controller.profile, language=self._show_language())
        if self.text.toPlainText() != text:
            scroll = self.text.verticalScrollBar().value()
            self.text.setPlainText(text)
            self.text.verticalScrollBar().setValue(scroll)
        self.problems.clear()
        for item in (*readiness.problems, *readiness.advice):
            message, why = advice_text(item)
            icon = (
                QStyle.StandardPixmap.SP_MessageBoxCritical
                if item.blocking
                else (QStyle.StandardPixmap.SP_MessageBoxInformation)
            )
            entry = QListWidgetItem(self.style().standardIcon(icon), message)
            entry.setToolTip(why)
            entry.setData(Qt.ItemDataRole.UserRole, item.field)
            self.problems.addItem(entry)
        score = _("{score} % complete.").format(score=readiness.score)
        if readiness.problems:
            title = _("Fix these before sending (click one to go there):")
        elif not readiness.ready:
            title = _("The support team would have to ask you for these (click one to go there):")
        elif readiness.gaps():
            title = _("Ready to send. It would help to add (click one to go there):")
        else:
            title = _("Complete: this request has everything the support team asks for.")
        self.problems_title.setText(f"{score} {title}")
        self.problems.setVisible(self.problems.count() > 0)
        self._show_attachments()
        # Enabled even when blocked: pressing it says why and goes to the first missing field.
        self.status.setText(
            "" if readiness.can_send else _("The request cannot be sent yet: see the list above.")
        )

    def _activate(self, item: QListWidgetItem) -> None:
        field = item.data(Qt.ItemDataRole.UserRole)
        if field:
            self.go_to_field.emit(str(field))
