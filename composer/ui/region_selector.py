"""Choosing a region of a screenshot: a full-screen overlay over the frozen picture.

Used by :class:`~composer.ui.capture.CaptureController` for "An area I
select" where the app reads the screen itself (not on Wayland, where the
desktop's own dialog chooses).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QWidget,
)

from composer.i18n import _
from composer.ui.capture_sources import bring_to_front

__all__ = ["RegionSelector"]


# -- region selection -----------------------------------------------------------------


class RegionSelector(QWidget):
    """A full-screen overlay over a frozen screenshot where the user drags a rectangle.

    The screenshot is shown dimmed and the selection at full brightness. Enter
    takes the selection (or the whole picture when nothing is selected), Escape or
    a right click cancels; arrow keys move the selection, Shift+arrow resizes it.
    :attr:`selected` carries the rectangle in the screenshot's pixels.
    """

    selected = Signal(QRect)
    cancelled = Signal()

    def __init__(self, screenshot: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("capture.region")
        self._shot = screenshot
        self._origin: QPoint | None = None
        self._selection = QRect()
        self.setWindowFlags(
            Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.Tool
        )
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(_("Select an area of the screen"))
        self.setToolTip(_("Drag to select an area. Enter takes it, Escape cancels. Arrow keys move it."))

    def show_over_desktop(self) -> None:
        """Cover every screen and take the keyboard."""
        screens = QGuiApplication.screens()
        if screens:
            self.setGeometry(screens[0].virtualGeometry())
        self.show()
        bring_to_front(self)
        self.setFocus()

    def selection(self) -> QRect:
        """The current selection in widget coordinates."""
        return QRect(self._selection)

    def set_selection(self, rect: QRect) -> None:
        self._selection = rect.normalized().intersected(self.rect())
        self.update()

    def _scale(self) -> tuple[float, float]:
        width, height = max(1, self.width()), max(1, self.height())
        return self._shot.width() / width, self._shot.height() / height

    def image_rect(self) -> QRect:
        """The selection in the screenshot's pixels (the whole picture when empty)."""
        if self._selection.isEmpty():
            return self._shot.rect()
        sx, sy = self._scale()
        r = self._selection
        return QRect(
            round(r.x() * sx), round(r.y() * sy), round(r.width() * sx), round(r.height() * sy)
        ).intersected(self._shot.rect())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawImage(self.rect(), self._shot)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 110))
        if not self._selection.isEmpty():
            sx, sy = self._scale()
            r = self._selection
            source = QRect(
                round(r.x() * sx), round(r.y() * sy), round(r.width() * sx), round(r.height() * sy)
            )
            painter.drawImage(r, self._shot, source)
            painter.setPen(QColor(0, 120, 215))
            painter.drawRect(r.adjusted(0, 0, -1, -1))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self._cancel()
            return
        self._origin = event.position().toPoint()
        self.set_selection(QRect(self._origin, QSize(0, 0)))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._origin is not None:
            self.set_selection(_between(self._origin, event.position().toPoint()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._origin is None:
            return
        self.set_selection(_between(self._origin, event.position().toPoint()))
        self._origin = None
        if self._selection.width() > 2 and self._selection.height() > 2:
            self._accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self._cancel()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._accept()
        elif key in _ARROWS:
            dx, dy = _ARROWS[key]
            step = 1 if event.modifiers() & Qt.KeyboardModifier.AltModifier else 10
            r = self._selection if not self._selection.isEmpty() else self._centre_box()
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                r = r.adjusted(0, 0, dx * step, dy * step)
            else:
                r = r.translated(dx * step, dy * step)
            self.set_selection(r)
        else:
            super().keyPressEvent(event)

    def _centre_box(self) -> QRect:
        box = QRect(0, 0, self.width() // 2, self.height() // 2)
        box.moveCenter(self.rect().center())
        return box

    def _accept(self) -> None:
        self.hide()
        self.selected.emit(self.image_rect())

    def _cancel(self) -> None:
        self.hide()
        self.cancelled.emit()


def _between(a: QPoint, b: QPoint) -> QRect:
    """The rectangle with corners ``a`` and ``b``, as wide as the drag (not one more)."""
    return QRect(min(a.x(), b.x()), min(a.y(), b.y()), abs(a.x() - b.x()), abs(a.y() - b.y()))


_ARROWS: dict[int, tuple[int, int]] = {
    Qt.Key.Key_Left.value: (-1, 0),
    Qt.Key.Key_Right.value: (1, 0),
    Qt.Key.Key_Up.value: (0, -1),
    Qt.Key.Key_Down.value: (0, 1),
}
