"""The evidence step: screenshots and files, by dialog, drag and drop, or paste.

Files are checked against the provider's limits, text files are scrubbed of
secrets (the user sees each one and may keep it), and everything is copied
into the store off the GUI thread before it joins the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QWidget,
)

from composer.errors import ComposerError
from composer.evidence import TextEvidence, check_limits, looks_like_text, read_text_evidence, scrubbed_bytes
from composer.i18n import _, ngettext
from composer.localefmt import format_size
from composer.model import Attachment, Request
from composer.render import human_size
from composer.ui.bridge import run_task
from composer.ui.capture import CaptureController, CapturePanel
from composer.ui.controller import DraftController
from composer.ui.imaging import EncodedImage, ImageError, downscale_and_encode
from composer.ui.messages import error_text
from composer.ui.redaction_editor import RedactionEditor
from composer.ui.scrub_dialog import ScrubDialog
from composer.ui.steps.base import Step

__all__ = ["EvidenceStep"]


@dataclass(frozen=True)
class _Incoming:
    """A file or pasted content on its way into the request."""

    name: str
    data: bytes | None = None
    path: Path | None = None
    media_type: str = ""


@dataclass(frozen=True)
class _Prepared:
    incoming: _Incoming
    size: int
    text: TextEvidence | None
    note: str = ""


# Pictures worth shrinking: anything over this is downscaled and recompressed.
SHRINK_ABOVE = 1024 * 1024
PICTURE_ENDINGS = frozenset({".png", ".jpg", ".jpeg", ".webp", ".bmp", ".heic", ".heif", ".tif", ".tiff"})


def shrink_picture(incoming: _Incoming, size: int) -> tuple[_Incoming, int, str]:
    """A large picture, downscaled and recompressed (runs on a worker thread).

    Returns the (possibly) new content, its size, and a note of the saving.
    """
    if Path(incoming.name).suffix.lower() not in PICTURE_ENDINGS or size <= SHRINK_ABOVE:
        return incoming, size, ""
    source: QImage | Path = (
        incoming.path if incoming.path is not None else QImage.fromData(incoming.data or b"")
    )
    try:
        encoded = downscale_and_encode(source)
    except ImageError:
        return incoming, size, ""
    if len(encoded.data) >= size:
        return incoming, size, ""
    name = str(Path(incoming.name).with_suffix(encoded.suffix))
    note = _("reduced from {before} to {after}").format(
        before=human_size(size), after=human_size(len(encoded.data))
    )
    return _Incoming(name=name, data=encoded.data, media_type=encoded.media_type), len(encoded.data), note


class EvidenceStep(Step):
    key = "evidence"

    def __init__(self, controller: DraftController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.setAcceptDrops(True)
        self.pending = 0
        buttons = QHBoxLayout()
        self.add_files = QPushButton()
        self.add_files.setObjectName("action.add_files")
        self.add_files.clicked.connect(self.choose_files)
        buttons.addWidget(self.add_files)
        self.paste = QPushButton()
        self.paste.setObjectName("action.paste")
        self.paste.clicked.connect(self.paste_clipboard)
        buttons.addWidget(self.paste)
        buttons.addStretch(1)
        self.outer.addLayout(buttons)
        # every window of the app hides, whatever is open (the step is not in its window yet here)
        self.capture = CaptureController(hide_app=True, parent=self)
        self.capture_panel = CapturePanel(self.capture)
        self.capture_panel.captured.connect(self.edit_and_add)
        self.capture_panel.file_chosen.connect(lambda path: self.add_path(Path(path)))
        self.outer.addWidget(self.capture_panel)

        self.list = QListWidget()
        self.list.setObjectName("evidence.list")
        self.outer.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.total = QLabel()
        self.total.setObjectName("evidence.total")
        self.total.setWordWrap(True)  # in Greek at 150 % one line was wider than the page
        row.addWidget(self.total, 1)
        self.edit = QPushButton()
        self.edit.setObjectName("action.edit_attachment")
        self.edit.clicked.connect(self.edit_selected)
        row.addWidget(self.edit)
        self.remove = QPushButton()
        self.remove.setObjectName("action.remove_attachment")
        self.remove.clicked.connect(self.remove_selected)
        row.addWidget(self.remove)
        self.outer.addLayout(row)
        self.message = QLabel()
        self.message.setObjectName("evidence.message")
        self.message.setWordWrap(True)
        self.outer.addWidget(self.message)
        self.capture_panel.failed.connect(self.message.setText)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())
        paste = QShortcut(QKeySequence.StandardKey.Paste, self.list)
        paste.activated.connect(self.paste_clipboard)
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.list)
        delete.activated.connect(self.remove_selected)
        controller.changed.connect(self._refresh)
        self.retranslate()

    def retranslate(self) -> None:
        self.intro.setText(
            _(
                "A screenshot of the error and files such as a bounced message or a "
                "log help the most. Drop files here, paste with Ctrl+V, or add them. "
                "Passwords found in text files are removed first."
            )
        )
        self.add_files.setText(_("&Add files…"))
        self.paste.setText(_("Paste"))
        self.paste.setToolTip(_("Attach the picture, text or files on the clipboard (Ctrl+V)"))
        self.remove.setText(_("Remo&ve"))
        self.edit.setText(_("B&lack out or mark…"))
        self.edit.setToolTip(
            _(
                "Cover passwords or personal data with solid boxes, point at the "
                "problem with arrows, or crop the picture"
            )
        )
        self.capture_panel.retranslate()
        self._refresh()

    def load(self, request: Request) -> None:
        self.message.setText("")
        self._refresh()

    # -- intake -----------------------------------------------------------

    def choose_files(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(self, _("Add files"), str(Path.home()))
        for name in names:
            self.add_path(Path(name))

    def add_path(self, path: Path) -> None:
        self.add(_Incoming(name=path.name, path=path))

    def add_image(self, image: QImage, name: str) -> None:
        """Attach a picture from memory: encoded (and shrunk if huge) off the GUI thread."""
        self.pending += 1
        self.message.setText(_("Adding {name}…").format(name=name))
        picture = QImage(image)  # a shallow copy: the worker must not see later changes

        def encoded(result: EncodedImage) -> None:
            self.pending -= 1
            self.add(
                _Incoming(
                    name=str(Path(name).with_suffix(result.suffix)),
                    data=result.data,
                    media_type=result.media_type,
                )
            )

        def failed(error: BaseException) -> None:
            self._done(str(error))

        run_task(lambda: downscale_and_encode(picture), on_result=encoded, on_error=failed)

    def add_mime(self, mime: QMimeData) -> bool:
        """Attach what a drop or the clipboard carries: files, a picture, or text."""
        files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        if files:
            for path in files:
                self.add_path(path)
            return True
        if mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                self.add_image(image, _("Pasted picture.png"))
                return True
        if mime.hasText() and mime.text().strip():
            self.add(
                _Incoming(
                    name=_("Pasted text.txt"), data=mime.text().encode("utf-8"), media_type="text/plain"
                )
            )
            return True
        return False

    def paste_clipboard(self) -> None:
        mime = QApplication.clipboard().mimeData()
        if mime is None or not self.add_mime(mime):
            self.message.setText(_("The clipboard holds nothing to attach."))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage() or mime.hasText():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.add_mime(event.mimeData()):
            event.acceptProposedAction()

    def add(self, incoming: _Incoming) -> None:
        """Check, scrub and store one file off the GUI thread; the request gets it when done."""
        self.pending += 1
        self.message.setText(_("Adding {name}…").format(name=incoming.name))
        secrets = self.controller.known_secrets()

        def prepare() -> _Prepared:
            if incoming.path is not None:
                try:
                    size = incoming.path.stat().st_size
                    with incoming.path.open("rb") as stream:
                        head = stream.read(8192)
                except OSError as exc:
                    raise ComposerError(
                        "attachment.unreadable", name=incoming.name, reason=exc.strerror or str(exc)
                    ) from None
            else:
                size, head = len(incoming.data or b""), (incoming.data or b"")[:8192]
            final, size, note = shrink_picture(incoming, size)
            check_limits(
                self.controller.profile.limits, self.controller.request.attachments, final.name, size
            )
            text = None
            if looks_like_text(final.name, head):
                data = final.data if final.data is not None else final.path.read_bytes()  # type: ignore[union-attr]
                text = read_text_evidence(final.name, data, extra_secrets=secrets)
            return _Prepared(final, size, text, note)

        run_task(prepare, on_result=self._prepared, on_error=self._failed)

    def _prepared(self, prepared: _Prepared) -> None:
        incoming, text = prepared.incoming, prepared.text
        store = self.controller.store
        if text is not None and text.matches:
            dialog = ScrubDialog(incoming.name, text.text, text.matches, self)
            if not dialog.exec():
                self._done(_("{name} was not attached.").format(name=incoming.name))
                return
            data = scrubbed_bytes(text, dialog.kept())
            removed = len(text.matches) - len(dialog.kept())
            note = (
                ngettext("{count} secret removed", "{count} secrets removed", removed).format(count=removed)
                if removed
                else ""
            )
            run_task(
                lambda: store.add_attachment_bytes(
                    incoming.name, data, media_type=incoming.media_type, description=note
                ),
                on_result=self._stored,
                on_error=self._failed,
            )
        elif incoming.data is not None:
            data, note = incoming.data, prepared.note
            run_task(
                lambda: store.add_attachment_bytes(
                    incoming.name, data, media_type=incoming.media_type, description=note
                ),
                on_result=self._stored,
                on_error=self._failed,
            )
        else:
            path = incoming.path
            assert path is not None
            run_task(lambda: store.add_attachment_file(path), on_result=self._stored, on_error=self._failed)

    def _stored(self, attachment: Attachment) -> None:
        request = self.controller.request
        try:
            check_limits(
                self.controller.profile.limits, request.attachments, attachment.name, attachment.size
            )
        except ComposerError as error:
            self._failed(error)
            return
        self.controller.update(attachments=(*request.attachments, attachment))
        self._done(_("{name} was attached.").format(name=attachment.name))

    def _failed(self, error: BaseException) -> None:
        if not isinstance(error, ComposerError):
            raise error
        message, next_step, _details = error_text(error)
        self._done(f"{message} {next_step}")

    def _done(self, message: str) -> None:
        self.pending -= 1
        self.message.setText(message)

    # -- pictures ---------------------------------------------------------

    def edit_and_add(self, image: QImage) -> None:
        """Let the user black out and mark a fresh screenshot; only the edited picture is kept."""
        editor = RedactionEditor(image, self)
        if not editor.exec():
            self.message.setText(_("The screenshot was not attached."))
            return
        stamp = datetime.now().strftime("%Y-%m-%d %H.%M.%S")
        self.add_image(editor.edited_image(), _("Screenshot {time}.png").format(time=stamp))

    def edit_selected(self) -> None:
        """Open the selected picture in the editor; the edited one replaces it."""
        row = self.list.currentRow()
        attachments = list(self.controller.request.attachments)
        if not 0 <= row < len(attachments) or not attachments[row].media_type.startswith("image/"):
            return
        original = attachments[row]
        image = QImage(str(self.controller.store.attachment_path(original)))
        if image.isNull():
            self.message.setText(_("{name} cannot be opened as a picture.").format(name=original.name))
            return
        editor = RedactionEditor(image, self)
        if not editor.exec():
            return
        attachments.pop(row)
        self.controller.update(attachments=tuple(attachments))
        self.add_image(editor.edited_image(), str(Path(original.name).with_suffix(".png")))

    # -- the list ---------------------------------------------------------

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        attachments = list(self.controller.request.attachments)
        if 0 <= row < len(attachments):
            removed = attachments.pop(row)
            self.controller.update(attachments=tuple(attachments))
            self.message.setText(_("{name} was removed.").format(name=removed.name))

    def _refresh(self) -> None:
        attachments = self.controller.request.attachments
        names = [
            f"{a.name} ({format_size(a.size)})" + (f" – {a.description}" if a.description else "")
            for a in attachments
        ]
        if [self.list.item(i).text() for i in range(self.list.count())] != names:
            row = self.list.currentRow()
            self.list.clear()
            for attachment, name in zip(attachments, names, strict=True):
                icon = QStyle.StandardPixmap.SP_FileIcon
                item = QListWidgetItem(self.style().standardIcon(icon), name)
                item.setData(Qt.ItemDataRole.UserRole, attachment.sha256)
                self.list.addItem(item)
            self.list.setCurrentRow(min(row, self.list.count() - 1))
        total = sum(a.size for a in attachments)
        limits = self.controller.profile.limits
        self.total.setText(
            ngettext(
                "{count} file, {size} of {limit} MB allowed",
                "{count} files, {size} of {limit} MB allowed",
                len(attachments),
            ).format(count=len(attachments), size=format_size(total), limit=f"{limits.total_mb:g}")
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        attachments = self.controller.request.attachments
        current = self.list.currentRow()
        self.remove.setEnabled(0 <= current < len(attachments))
        self.edit.setEnabled(
            0 <= current < len(attachments) and attachments[current].media_type.startswith("image/")
        )
