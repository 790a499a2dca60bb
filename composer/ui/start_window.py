"""The app's window, on the screen before the form's code is loaded, then holding the form.

The form (:class:`~composer.ui.main_window.MainWindow`) needs the request
model and the provider's profile, and with them pydantic: importing and
building those takes longer than Qt's own start. So the app first shows this
window, with the app's name, the six steps' titles and the first step itself
(:class:`~composer.ui.steps.who.WhoStep`: name, e-mail, role; none of it
needs the model), lets it paint, and only then imports the form and puts it
in (:meth:`StartWindow.embed`). The user can type their name the moment the
window is there; the form takes the step, with what was typed and where the
cursor is, and the draft gets what was typed (:meth:`WhoStep.attach`).
``benchmarks/gui_startup.py`` measures the moments: shown, typing, form.

The first step stands exactly where the form's page puts it (the same
margins, the menu bar's room above), so nothing moves when the form comes in;
until then the side shows "Opening the form…" where the form's progress
goes, and there is no Next button: nothing on the screen waits for the form.

The form is a ``QMainWindow`` of its own (its menus, status bar and the
tests that drive it stay as they are) set as this window's central widget;
this window takes its title, closes when the form closes (its Quit) and
asks the form first when the user closes the window.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenuBar,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from composer.branding import branding
from composer.i18n import _
from composer.ui.accessibility import describe_controls
from composer.ui.step_titles import STEP_KEYS, STEP_TITLES
from composer.ui.steps.who import WhoStep
from composer.ui.visibility import default_window_size, let_choices_shrink

__all__ = ["PAINT_WAIT_MS", "StartWindow"]

#: how long the form waits for the window's first paint: a window started minimized, or on a
#: screen that is locked, may not be painted for a long time, and the form must not wait for it
PAINT_WAIT_MS = 1000


class StartWindow(QMainWindow):
    """The top-level window of the app: the steps' outline and the first step until the form is in it."""

    #: the first paint is done (emitted from the event loop, once; or after :data:`PAINT_WAIT_MS`)
    painted = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("window.start")
        self.setWindowTitle(branding().name)
        self.form: QMainWindow | None = None
        self._painted = False
        self._closing = False
        #: the first step, typed into before the form is loaded (until the form takes it)
        self.who: WhoStep | None = WhoStep()
        self._typing_in: QWidget | None = None
        self.setCentralWidget(self._outline(self.who))
        self.resize(default_window_size(self))
        self.who.name.setFocus()  # where the form puts the cursor too

    def take_who(self) -> WhoStep | None:
        """The first step with what was typed in it, for the form (once; later None).

        Where the cursor is in it is kept, and given back by :meth:`embed`.
        """
        who, self.who = self.who, None
        if who is None:
            return None
        focus = QApplication.focusWidget()
        if focus is not None and who.isAncestorOf(focus):
            self._typing_in = focus
        self._page.takeWidget()  # (the page would delete it with the outline)
        return who

    def _outline(self, who: WhoStep) -> QWidget:
        """What the window shows until the form is loaded: the steps, the first step with its title."""
        outline = QWidget()
        outline.setObjectName("start.outline")
        layout = QHBoxLayout(outline)
        # room above for the form's menu bar, so that nothing moves down when the form comes in
        bar = QMenuBar()
        bar.addMenu(_("&File"))
        # (the margins a layout inside the window has, as the form's: this widget has no parent yet)
        metric = self.style().pixelMetric
        layout.setContentsMargins(
            metric(QStyle.PixelMetric.PM_LayoutLeftMargin),
            metric(QStyle.PixelMetric.PM_LayoutTopMargin) + bar.sizeHint().height(),
            metric(QStyle.PixelMetric.PM_LayoutRightMargin),
            metric(QStyle.PixelMetric.PM_LayoutBottomMargin),
        )
        steps = QListWidget()
        steps.setObjectName("start.steps")
        # nothing to do in it (the form's list replaces it): no focus, and a click marks no row
        steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        steps.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        steps.setFixedWidth(max(230, self.fontMetrics().averageCharWidth() * 32))
        for number, key in enumerate(STEP_KEYS, start=1):
            steps.addItem(f"{number}. {_(STEP_TITLES[key])}")
        # as tall as its rows, as the form's list is (the form's coach goes under it)
        rows = sum(max(steps.sizeHintForRow(row), 0) for row in range(steps.count()))
        steps.setFixedHeight(rows + 2 * steps.frameWidth() + 4)
        side = QVBoxLayout()
        side.addWidget(steps)
        opening = QLabel(_("Opening the form…"))  # where the form shows how complete the request is
        opening.setObjectName("start.opening")
        side.addWidget(opening)
        side.addStretch(1)
        layout.addLayout(side)
        page = QVBoxLayout()
        header = QLabel(_(STEP_TITLES[STEP_KEYS[0]]))
        font = QFont(header.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        header.setFont(font)
        page.addWidget(header)
        # the step in a frameless scroll area, as the form's page holds it
        scroll = QScrollArea()
        scroll.setObjectName("start.page")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(who)
        self._page = scroll
        page.addWidget(scroll, 1)
        layout.addLayout(page, 1)
        describe_controls(who)  # accessible names and descriptions, as the form gives them
        let_choices_shrink(who)
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
        """Put ``form`` in this window in place of the outline.

        The keyboard focus is where the user was typing, if the form took the
        first step (:meth:`take_who`), else where the form put it.
        """
        typing_in, self._typing_in = self._typing_in, None
        focus = typing_in if typing_in is not None and form.isAncestorOf(typing_in) else form.focusWidget()
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
