"""What a user with low vision needs to see: a focus ring, and text colours that stay readable.

Kept apart from the accessible names (:mod:`composer.ui.accessibility`):
this is about pixels. :func:`contrast` is WCAG 2.1's contrast ratio;
:func:`secondary_text` the colour of the lines under the fields (lighter
than the text, never below 4.5:1); :class:`FocusRing` the frame around the
control that has the keyboard focus. All of them take their colours from the
palette, so they follow a light or dark system theme.
:func:`use_fixed_width_font` gives a pasted log or the request's text the
system's fixed-width font at the size of the rest of the text.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QComboBox, QWidget
from shiboken6 import isValid

__all__ = [
    "COMBO_MIN_CHARACTERS",
    "FocusRing",
    "contrast",
    "default_window_size",
    "fixed_width_font",
    "let_choices_shrink",
    "secondary_text",
    "use_fixed_width_font",
]


def contrast(one: QColor, other: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21; body text wants at least 4.5)."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(colour.redF())
            + 0.7152 * channel(colour.greenF())
            + 0.0722 * channel(colour.blueF())
        )

    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def secondary_text(text: QColor, background: QColor, *, tone: float = 0.35) -> QColor:
    """``text`` moved ``tone`` of the way towards ``background``, as long as it stays readable (4.5:1)."""
    while True:
        mixed = QColor.fromRgbF(
            text.redF() + (background.redF() - text.redF()) * tone,
            text.greenF() + (background.greenF() - text.greenF()) * tone,
            text.blueF() + (background.blueF() - text.blueF()) * tone,
        )
        if tone <= 0 or contrast(mixed, background) >= 4.5:
            return mixed
        tone = max(0.0, tone - 0.05)


class FocusRing(QWidget):
    """A frame in the highlight colour around the control that has the keyboard focus.

    Qt's styles mark the focus faintly (a dotted line, a slightly different
    border) and some not at all. One ring per application follows the focus:
    it lies over the focused control (inside its edges, so no layout or
    scroll area clips it), lets the mouse through, and moves, resizes and
    hides with the control. Its colour is the palette's highlight (the
    provider's accent in a branded build), in the light and the dark palette.
    """

    WIDTH = 2

    def __init__(self, app: QApplication) -> None:
        super().__init__(None)
        self.setObjectName("focus.ring")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target: QWidget | None = None
        app.focusChanged.connect(self._focus_changed)

    @classmethod
    def install(cls, app: QApplication) -> FocusRing:
        """The application's ring (made on the first call)."""
        ring = getattr(app, "_focus_ring", None)
        if not isinstance(ring, FocusRing) or not isValid(ring):
            ring = cls(app)
            app._focus_ring = ring  # type: ignore[attr-defined]
        return ring

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if not isValid(self):
            return
        if self.target is not None and isValid(self.target):
            self.target.removeEventFilter(self)
        self.target = new if new is not None and new.parentWidget() is not None else None
        self._follow()
        if self.target is not None:
            self.target.installEventFilter(self)

    def _follow(self) -> None:
        target = self.target
        if target is None or not isValid(target) or not target.isVisible():
            self.hide()
            return
        parent = target.parentWidget()
        if self.parentWidget() is not parent:
            self.setParent(parent)
        self.setGeometry(target.geometry())
        self.raise_()
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target and event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
            QEvent.Type.ParentChange,
        ):
            self._follow()
        return False

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), self.WIDTH)
        painter.setPen(pen)
        inset = self.WIDTH / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(inset, inset, -inset, -inset), 3, 3)
        painter.end()


#: the characters a choice box keeps room for when it may shrink (its list still shows every choice whole)
COMBO_MIN_CHARACTERS = 10


def let_choices_shrink(root: QWidget) -> None:
    """Choice boxes no longer ask for the width of their longest choice.

    By default a combo box is as wide as its longest item: a long category or
    urgency in Greek at 150 % made the whole page scroll sideways. Boxes left
    at Qt's default policy get a minimum of :data:`COMBO_MIN_CHARACTERS`
    characters instead and grow with the form; the open list shows each
    choice whole. Boxes that chose a policy of their own keep it.
    """
    for box in root.findChildren(QComboBox):
        if box.sizeAdjustPolicy() == QComboBox.SizeAdjustPolicy.AdjustToContentsOnFirstShow:
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(COMBO_MIN_CHARACTERS)
            # the box keeps the minimum size it computed under the old policy until its style
            # changes (Qt resets only the size hint when the policy changes)
            QApplication.sendEvent(box, QEvent(QEvent.Type.StyleChange))
            box.updateGeometry()


def default_window_size(window: QWidget) -> QSize:
    """The main window's first size: 980 x 720 at the usual font, larger with a larger one.

    A user who set the system font to 125 % or 150 % gets a window that grows
    with it, so the form fits without scrolling sideways (the window manager
    keeps it within the screen).
    """
    metrics = window.fontMetrics()
    return QSize(max(980, metrics.averageCharWidth() * 140), max(720, metrics.lineSpacing() * 40))


def fixed_width_font() -> QFont:
    """The system's fixed-width font, grown or shrunk as the app's font is against the system's.

    Qt gives the fixed-width font a size of its own, which does not follow a
    larger application font (the user's 125 % or 150 %): a pasted log or the
    request's text would stay small beside the rest of the window.
    """
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    general = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).pointSizeF()
    current = QApplication.font().pointSizeF()
    if font.pointSizeF() > 0 and general > 0 and current > 0:  # (-1: a size in pixels)
        font.setPointSizeF(font.pointSizeF() * current / general)
    return font


class _FollowsAppFont(QObject):
    """Sets the fixed-width font on its parent again whenever the application's font changes.

    (Qt tells a widget whose font was set of a new application font only if it
    is a window; the application's ``fontChanged`` reaches every one of these.)
    """

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.widget = widget
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.fontChanged.connect(self.refresh)

    def refresh(self, _font: QFont) -> None:
        if isValid(self.widget):
            self.widget.setFont(fixed_width_font())


def use_fixed_width_font(widget: QWidget) -> None:
    """Show ``widget``'s text in :func:`fixed_width_font`, now and after the app's font changes."""
    widget.setFont(fixed_width_font())
    _FollowsAppFont(widget)
