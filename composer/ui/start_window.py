"""The app's window, on the screen before the form's code is loaded, then holding the form.

The form (:class:`~composer.ui.main_window.MainWindow`) needs the request
model and the provider's profile, and with them pydantic: importing and
building those takes longer than Qt's own start. So the app first shows this
window, with the app's name, its size and the six steps' titles (everything
in it comes from Qt and the translations alone), lets it paint, and only
then imports the form and puts it in (:meth:`StartWindow.embed`): the user
sees the window at about the time a bare Qt window would appear, and types
into the first field a moment later. ``benchmarks/gui_startup.py`` measures
both moments.

The form is a ``QMainWindow`` of its own (its menus, status bar and the
tests that drive it stay as they are) set as this window's central widget;
this window takes its title, closes when the form closes (its Quit) and
asks the form first when the user closes the window.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenuBar,
    QVBoxLayout,
    QWidget,
)

from composer.branding import branding
from composer.i18n import _
from composer.ui.step_titles import STEP_KEYS, STEP_TITLES
from composer.ui.visibility import default_window_size

__all__ = ["PAINT_WAIT_MS", "StartWindow"]

#: how long the form waits for the window's first paint: a window started minimized, or on a
#: screen that is locked, may not be painted for a long time, and the form must not wait for it
PAINT_WAIT_MS = 1000


class StartWindow(QMainWindow):
    """The top-level window of the app: the steps' outline until the form is in it."""

    #: the first paint is done (emitted from the event loop, once; or after :data:`PAINT_WAIT_MS`)
    painted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("window.start")
        self.setWindowTitle(branding().name)
        self.form: QMainWindow | None = None
        self._painted = False
        self._closing = False
        self.setCentralWidget(self._outline())
        self.resize(default_window_size(self))

    def _outline(self) -> QWidget:
        """What the window shows until the form is loaded: the steps, the first step's title."""
        outline = QWidget()
        outline.setObjectName("start.outline")
        layout = QHBoxLayout(outline)
        # room above for the form's menu bar, so that nothing moves down when the form comes in
        bar = QMenuBar()
        bar.addMenu(_("&File"))
        margins = layout.contentsMargins()
        layout.setContentsMargins(
            margins.left(), margins.top() + bar.sizeHint().height(), margins.right(), margins.bottom()
        )
        steps = QListWidget()
        steps.setObjectName("start.steps")
        steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # nothing to do in it: the form's list replaces it
        steps.setFixedWidth(max(230, self.fontMetrics().averageCharWidth() * 32))
        for number, key in enumerate(STEP_KEYS, start=1):
            steps.addItem(f"{number}. {_(STEP_TITLES[key])}")
        # as tall as its rows, as the form's list is (the form's coach goes under it)
        rows = sum(max(steps.sizeHintForRow(row), 0) for row in range(steps.count()))
        steps.setFixedHeight(rows + 2 * steps.frameWidth() + 4)
        side = QVBoxLayout()
        side.addWidget(steps)
        side.addStretch(1)
        layout.addLayout(side)
        page = QVBoxLayout()
        header = QLabel(_(STEP_TITLES[STEP_KEYS[0]]))
        font = QFont(header.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        header.setFont(font)
        page.addWidget(header)
        opening = QLabel(_("Opening the form…"))
        opening.setObjectName("start.opening")
        page.addWidget(opening)
        page.addStretch(1)
        layout.addLayout(page, 1)
        return outline

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(PAINT_WAIT_MS, self, self._announce)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        QTimer.singleShot(0, self, self._announce)  # once this paint is on the screen

    def _announce(self) -> None:
        """Emit :attr:`painted`, the first time only (after the first paint, or after the wait)."""
        if not self._painted:
            self._painted = True
            self.painted.emit()

    def embed(self, form: QMainWindow) -> None:
        """Put ``form`` in this window in place of the outline, with the focus where the form put it."""
        focus = form.focusWidget()
        self.form = form
        self.setCentralWidget(form)  # a child now (the outline is deleted)
        form.show()
        self.setWindowTitle(form.windowTitle())
        form.windowTitleChanged.connect(self.setWindowTitle)
        form.installEventFilter(self)
        if focus is not None:
            focus.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # the form closed itself (its Quit, Ctrl+Q): the window goes with it
        if (
            watched is self.form
            and event.type() == QEvent.Type.Hide
            and not event.spontaneous()
            and self.form.isHidden()
            and not self._closing
        ):
            QTimer.singleShot(0, self, self.close)
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        """The form is asked first (it saves the draft, stops its work); the window closes if it did."""
        if self.form is not None and not self.form.isHidden() and not self._closing:
            self._closing = True
            try:
                closed = self.form.close()
            finally:
                self._closing = False
            if not closed:
                event.ignore()
                return
        super().closeEvent(event)
