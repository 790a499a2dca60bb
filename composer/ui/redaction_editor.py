"""Editing a screenshot before it is attached: hide what is private, point at the problem.

Redaction boxes are solid and opaque, never a blur (a blur can be undone, and
text under a light blur stays readable). Arrows, rectangles and short labels
point at the problem; crop keeps the part that matters. Every change is a
``QUndoCommand``; nothing touches the original picture. :meth:`RedactionEditor.edited_image`
flattens the changes into a new ``QImage``, so what is sent holds no hidden
layer with the original pixels.

Keyboard use: R, A, B, T, C pick the tool; in the picture, the arrow keys move a
selection frame (Shift+arrows resize it) and Enter applies the current tool to it;
Ctrl+Z and Ctrl+Shift+Z undo and redo; Ctrl+Enter is Done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QLineF, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from composer.i18n import N_, _

__all__ = ["TOOLS", "Annotation", "RedactionEditor", "render"]

REDACT_COLOUR = QColor(0, 0, 0)
MARK_COLOUR = QColor(224, 27, 36)
TOOLS: tuple[str, ...] = ("redact", "arrow", "box", "text", "crop")
_TOOL_LABELS = {
    "redact": (N_("&Hide"), N_("Cover an area with a solid box (R)"), "R"),
    "arrow": (N_("&Arrow"), N_("Draw an arrow that points at the problem (A)"), "A"),
    "box": (N_("&Frame"), N_("Draw a frame around the problem (B)"), "B"),
    "text": (N_("&Label"), N_("Write a short label (T)"), "T"),
    "crop": (N_("&Crop"), N_("Keep only the selected area (C)"), "C"),
}


@dataclass(frozen=True)
class Annotation:
    """One change drawn on the picture, in the picture's pixels."""

    kind: str  # "redact", "arrow", "box" or "text"
    start: QPoint
    end: QPoint
    text: str = ""

    def rect(self) -> QRect:
        return QRect(self.start, self.end).normalized()


def render(base: QImage, items: list[Annotation], crop: QRect | None = None) -> QImage:
    """Flatten ``items`` onto a copy of ``base`` and crop; ``base`` is not changed."""
    image = base.convertToFormat(QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    scale = max(1.0, min(image.width(), image.height()) / 600)
    for item in items:
        if item.kind == "redact":
            # Source mode: the box replaces the pixels, also where the picture is transparent.
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            painter.fillRect(item.rect(), REDACT_COLOUR)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        elif item.kind == "box":
            painter.setPen(QPen(MARK_COLOUR, 3 * scale))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(item.rect())
        elif item.kind == "arrow":
            _draw_arrow(painter, QPointF(item.start), QPointF(item.end), scale)
        elif item.kind == "text":
            font = QFont()
            font.setPixelSize(round(18 * scale))
            font.setBold(True)
            painter.setFont(font)
            metrics = painter.fontMetrics()
            box = metrics.boundingRect(item.text).adjusted(-4, -2, 4, 2)
            box.moveTopLeft(item.start)
            painter.fillRect(box, QColor(255, 255, 255))
            painter.setPen(MARK_COLOUR)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, item.text)
    painter.end()
    if crop is not None and not crop.isEmpty():
        image = image.copy(crop.intersected(image.rect()))
    return image


def _draw_arrow(painter: QPainter, start: QPointF, end: QPointF, scale: float) -> None:
    line = QLineF(start, end)
    if line.length() < 1:
        return
    pen = QPen(MARK_COLOUR, 4 * scale)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawLine(line)
    head = min(24 * scale, line.length() / 2)
    left = QLineF.fromPolar(head, line.angle() + 150).translated(end)
    right = QLineF.fromPolar(head, line.angle() - 150).translated(end)
    painter.setBrush(MARK_COLOUR)
    painter.drawPolygon(QPolygonF([end, left.p2(), right.p2()]))


class _AddItem(QUndoCommand):
    def __init__(self, editor: RedactionEditor, item: Annotation, text: str) -> None:
        super().__init__(text)
        self._editor, self._item = editor, item

    def redo(self) -> None:
        self._editor._items.append(self._item)
        self._editor._changed()

    def undo(self) -> None:
        self._editor._items.remove(self._item)
        self._editor._changed()


class _Crop(QUndoCommand):
    def __init__(self, editor: RedactionEditor, crop: QRect) -> None:
        super().__init__(_("Crop"))
        self._editor, self._old, self._new = editor, editor._crop, crop

    def redo(self) -> None:
        self._editor._crop = self._new
        self._editor._changed()

    def undo(self) -> None:
        self._editor._crop = self._old
        self._editor._changed()


class _Canvas(QWidget):
    """Shows the picture scaled to fit and turns drags (or keys) into rectangles."""

    drawn = Signal(QPoint, QPoint)  # in picture pixels

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("editor.canvas")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(QSize(320, 200))
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.image = QImage()
        self._press: QPoint | None = None
        self._drag = QRect()

    def _target(self) -> QRectF:
        if self.image.isNull():
            return QRectF()
        size = QSize(self.image.size()).scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        scale = min(1.0, size.width() / max(1, self.image.width()))
        w, h = self.image.width() * scale, self.image.height() * scale
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def to_image(self, point: QPoint) -> QPoint:
        target = self._target()
        if target.isEmpty():
            return QPoint()
        sx = self.image.width() / target.width()
        x = round((point.x() - target.x()) * sx)
        y = round((point.y() - target.y()) * sx)
        return QPoint(min(max(x, 0), self.image.width()), min(max(y, 0), self.image.height()))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        painter.drawImage(self._target(), self.image)
        if not self._drag.isNull():
            painter.setPen(QPen(QColor(0, 120, 215), 1, Qt.PenStyle.DashLine))
            painter.drawRect(self._drag)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        self._drag = QRect(self._press, QSize(0, 0))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None:
            self._drag = QRect(self._press, event.position().toPoint()).normalized()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        start, end = self._press, event.position().toPoint()
        self._press, self._drag = None, QRect()
        self.update()
        self.drawn.emit(self.to_image(start), self.to_image(end))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        moves = {
            Qt.Key.Key_Left.value: (-1, 0),
            Qt.Key.Key_Right.value: (1, 0),
            Qt.Key.Key_Up.value: (0, -1),
            Qt.Key.Key_Down.value: (0, 1),
        }
        key = event.key()
        if key in moves:
            if self._drag.isNull():
                target = self._target().toRect()
                self._drag = QRect(target.center(), QSize(80, 40))
            dx, dy = moves[key]
            step = 1 if event.modifiers() & Qt.KeyboardModifier.AltModifier else 10
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self._drag.adjust(0, 0, dx * step, dy * step)
            else:
                self._drag.translate(dx * step, dy * step)
            self.update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self._drag.isNull():
            rect, self._drag = self._drag.normalized(), QRect()
            self.update()
            self.drawn.emit(self.to_image(rect.topLeft()), self.to_image(rect.bottomRight()))
        elif key == Qt.Key.Key_Escape and not self._drag.isNull():
            self._drag = QRect()
            self.update()
        else:
            super().keyPressEvent(event)


_W = TypeVar("_W", bound=QWidget)


def _named(widget: _W, name: str) -> _W:
    widget.setObjectName(name)
    return widget


class RedactionEditor(QDialog):
    """A dialog that edits a copy of a picture; :meth:`edited_image` is the result."""

    def __init__(self, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editor")
        self._original = QImage(image)  # kept only to show that it is never changed
        self._base = image.convertToFormat(QImage.Format.Format_ARGB32)
        self._items: list[Annotation] = []
        self._crop: QRect | None = None
        self._tool = "redact"
        self.undo_stack = QUndoStack(self)
        self.canvas = _Canvas(self)
        self.canvas.drawn.connect(self._apply_tool)
        self.tools = QButtonGroup(self)
        self.tool_buttons: dict[str, QToolButton] = {}
        bar = QHBoxLayout()
        for name in TOOLS:
            button = _named(QToolButton(self), f"editor.tool.{name}")
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.clicked.connect(lambda _checked=False, n=name: self.set_tool(n))
            self.tools.addButton(button)
            self.tool_buttons[name] = button
            bar.addWidget(button)
        bar.addStretch(1)
        self.undo_button = _named(QPushButton(self), "editor.undo")
        self.redo_button = _named(QPushButton(self), "editor.redo")
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        bar.addWidget(self.undo_button)
        bar.addWidget(self.redo_button)
        self.hint = _named(QLabel(self), "editor.hint")
        self.hint.setWordWrap(True)
        self.cancel_button = _named(QPushButton(self), "editor.cancel")
        self.done_button = _named(QPushButton(self), "editor.done")
        self.done_button.setDefault(False)
        self.done_button.setAutoDefault(False)
        self.done_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.cancel_button.clicked.connect(self.reject)
        self.done_button.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(bottom)
        self.set_tool("redact")
        self._changed()
        self.retranslate()

    def retranslate(self) -> None:
        """Set every visible string in the current language."""
        self.setWindowTitle(_("Edit the screenshot"))
        for name, button in self.tool_buttons.items():
            label, tip, _key = _TOOL_LABELS[name]
            button.setText(_(label))
            button.setToolTip(_(tip))
            button.setAccessibleName(_(label).replace("&", ""))
        self.undo_button.setText(_("&Undo"))
        self.redo_button.setText(_("&Redo"))
        self.cancel_button.setText(_("Cancel"))
        self.done_button.setText(_("&Done"))
        self.done_button.setToolTip(_("Use this picture (Ctrl+Enter)"))
        self.canvas.setAccessibleName(_("Screenshot"))
        self.canvas.setAccessibleDescription(
            _("Drag, or use the arrow keys and Enter, to apply the chosen tool.")
        )
        self.hint.setText(
            _(
                "Hide passwords, names and anything private with solid boxes before you "
                "send the picture. Drag with the mouse, or use the arrow keys and Enter."
            )
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys that no child used: tool letters, undo and redo. (Handled here rather
        # than as QAction shortcuts, which need an active window.)
        letters = {_TOOL_LABELS[name][2]: name for name in TOOLS}
        text = event.text().upper()
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo_stack.undo()
        elif event.matches(QKeySequence.StandardKey.Redo):
            self.undo_stack.redo()
        elif text in letters and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
            self.set_tool(letters[text])
        else:
            super().keyPressEvent(event)

    # -- editing ---------------------------------------------------------------------

    def tool(self) -> str:
        return self._tool

    def set_tool(self, name: str) -> None:
        """Choose the tool that the next drag applies: one of :data:`TOOLS`."""
        if name not in TOOLS:
            raise ValueError(name)
        self._tool = name
        self.tool_buttons[name].setChecked(True)

    def add_redaction(self, rect: QRect) -> None:
        """Cover ``rect`` (picture pixels) with a solid box."""
        r = rect.normalized()
        self._push(Annotation("redact", r.topLeft(), r.bottomRight()), _("Hide"))

    def add_box(self, rect: QRect) -> None:
        r = rect.normalized()
        self._push(Annotation("box", r.topLeft(), r.bottomRight()), _("Frame"))

    def add_arrow(self, start: QPoint, end: QPoint) -> None:
        self._push(Annotation("arrow", start, end), _("Arrow"))

    def add_text(self, position: QPoint, text: str) -> None:
        if text.strip():
            self._push(Annotation("text", position, position, text.strip()[:80]), _("Label"))

    def crop_to(self, rect: QRect) -> None:
        """Keep only ``rect`` of the picture (in the uncropped picture's pixels)."""
        rect = rect.normalized().intersected(self._base.rect())
        if rect.width() > 1 and rect.height() > 1:
            self.undo_stack.push(_Crop(self, rect))

    def _push(self, item: Annotation, text: str) -> None:
        self.undo_stack.push(_AddItem(self, item, text))

    def _apply_tool(self, start: QPoint, end: QPoint) -> None:
        # The canvas shows the cropped picture; changes are kept in uncropped pixels.
        offset = self._crop.topLeft() if self._crop is not None else QPoint()
        start, end = start + offset, end + offset
        rect = QRect(start, end).normalized()
        if self._tool == "arrow":
            self.add_arrow(start, end)
        elif self._tool == "text":
            text, ok = QInputDialog.getText(self, _("Label"), _("Text of the label:"))
            if ok:
                self.add_text(start, text)
        elif rect.width() < 2 or rect.height() < 2:
            return
        elif self._tool == "redact":
            self.add_redaction(rect)
        elif self._tool == "box":
            self.add_box(rect)
        elif self._tool == "crop":
            self.crop_to(rect)

    def _changed(self) -> None:
        self.canvas.image = self.edited_image()
        self.canvas.update()

    def edited_image(self) -> QImage:
        """The picture with every change flattened in: a new image, never the original."""
        return render(self._base, list(self._items), self._crop)

    def original_image(self) -> QImage:
        return QImage(self._original)
