"""Accessible names and descriptions for every control, set in one place.

A screen reader announces a control by its accessible name and then its
description. Qt derives a name by itself only in some cases (a button's text,
a label that is the field's buddy *and* its sibling), not for a combo box (it
reads out the current choice instead) nor for a field wrapped together with
the line under it. Rather than every widget setting both by hand,
:func:`describe_controls` walks a window after it is built and after every
change of language:

- **name**: the text of the label whose buddy the control is (mnemonic ``&``
  and a trailing colon removed); else the entry for its ``objectName`` in
  :data:`NAMES`; else its own text, tool tip or placeholder;
- **description**: the line under the field (a :class:`HintLabel`, kept up to
  date as it changes: an example, what was understood, an error); else the
  entry in :data:`DESCRIPTIONS`; else its tool tip or placeholder.

The form is a main window of its own that the app's window holds
(:mod:`composer.ui.start_window`); Qt would present it as a second, nameless
window inside the first. :class:`AccessibleWindows` installs a factory that
presents a main window held inside another as a pane, as any other part of
a window.

A name or description a widget set itself is left alone: only the ones this
module set (marked with the ``a11y_auto`` property) are replaced. Stable
object names (the README's table) are what :data:`NAMES` and
:data:`DESCRIPTIONS` are keyed by.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAccessible, QAccessibleEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QAccessibleWidget,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QWidget,
)

from composer.i18n import N_, _
from composer.ui.visibility import secondary_text

__all__ = [
    "DESCRIPTIONS",
    "NAMES",
    "AccessibleWindows",
    "HintLabel",
    "accessible_text",
    "describe_controls",
    "is_control",
]

_AUTO_NAME = "a11y_auto_name"
_AUTO_DESCRIPTION = "a11y_auto_description"

#: names of controls that have no label of their own, by objectName
NAMES: dict[str, str] = {
    "steps": N_("Steps of the request"),
    "checks.list": N_("Checks and their state"),
    "checks.findings": N_("What the checks found"),
    "evidence.list": N_("Attached screenshots and files"),
    "review.problems": N_("What is still missing"),
    "review.text": N_("The text that will be sent"),
    "review.attachments": N_("What will be attached"),
    "review.articles": N_("Knowledge base articles that may help"),
    "coach.scroll": N_("Advice for this step"),
    "capture.mode": N_("What to take a screenshot of"),
    "capture.delay": N_("Delay before the screenshot"),
    "readiness": N_("How complete your request is"),
    "field.os": N_("Operating system"),
    "drafts.list": N_("Unfinished requests"),
    "outbox.table": N_("Requests in the outbox"),
    "history.results": N_("Sent requests"),
    "scrub.matches": N_("Passwords and keys found"),
    "field.client_version": N_("Version of the program"),
}

#: descriptions of controls that have neither a line under them nor a tool tip
DESCRIPTIONS: dict[str, str] = {
    "steps": N_("Choose a step to go to it; a tick means the step has what it needs."),
    "action.back": N_("Go to the previous step."),
    "action.next": N_("Go to the next step."),
    "action.use_suggested_category": N_("Use the kind of problem the app suggests."),
    "field.category": N_("The kind of problem decides which questions come next."),
    "field.role": N_("Whether you may ask for changes depends on your role."),
    "field.device": N_("The computer, phone or tablet where the problem shows."),
    "field.os": N_("The operating system of that device, with its version if you know it."),
    "field.client": N_("The program where the problem shows, e.g. Outlook or a web browser."),
    "field.worked_before": N_("Whether it worked until the problem started."),
    "field.urgency": N_("How urgent it is for you; the provider's response target is shown below."),
    "field.error_text": N_("Paste the message here (Ctrl+V), word for word"),
    "field.description": N_("What did you do, what did you expect, what happened instead?"),
    "action.cancel_checks": N_("Stop the checks that are still running."),
    "action.rerun_checks": N_("Run every check again from this computer."),
    "checks.list": N_("Each check of the domain with its state: waiting, checking, done or could not check."),
    "checks.findings": N_("The findings, most important first, in plain words."),
    "action.add_files": N_("Attach files from this computer."),
    "action.remove_attachment": N_("Remove the chosen attachment from the request."),
    "evidence.list": N_("Everything attached so far, with its size."),
    "capture.mode": N_("The whole screen, one screen, a window or an area you select."),
    "capture.delay": N_("Time to open what you want to show before the screenshot is taken."),
    "capture.attach_file": N_("Attach a screenshot you took before."),
    "review.problems": N_("Choose an entry to go to the field that needs it."),
    "review.text": N_("Exactly the text that leaves this computer."),
    "review.attachments": N_("Each attachment that will be sent; it can still be removed."),
    "review.articles": N_("Articles of the provider's knowledge base that match this problem."),
    "action.send": N_("Send the request to the provider."),
    "action.identities": N_("Add or change the identities you file as and your clients' domains."),
    "action.review_remove_attachment": N_("Remove the chosen attachment from the request."),
    "action.remove_report": N_("Leave the report of the checks out of the request."),
    "coach.scroll": N_("What this step still needs, and why the support team asks for it."),
    "readiness": N_("The share of what the support team needs that the request already has."),
}

# the widgets a user moves to and operates: what must have a name
_CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QTextEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractSlider,
    QAbstractItemView,
)

_TAGS = re.compile(r"<[^>]+>")
_MNEMONIC = re.compile(r"&(?!&)")


def accessible_text(text: str) -> str:
    """A label's text as a screen reader should say it: no ``&``, markup or trailing colon."""
    text = _TAGS.sub(" ", text).replace("&nbsp;", " ")
    text = _MNEMONIC.sub("", text).replace("&&", "&")
    return " ".join(text.split()).rstrip(":").strip()


def is_control(widget: QWidget) -> bool:
    """True for a widget the user moves to with Tab and operates (it needs a name)."""
    return isinstance(widget, _CONTROLS) and not isinstance(widget.parent(), QComboBox)


class HintLabel(QLabel):
    """The line under a field (example, what was understood, error): also the field's description.

    Every ``setText`` goes to the described field's accessible description too,
    and a screen reader is told that it changed, so an error under a field is
    read out with the field.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.described: QWidget | None = None
        self._toning = False
        self._tone()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ParentChange):
            self._tone()

    def _tone(self) -> None:
        """The secondary text colour from the palette around it (it follows a change of theme)."""
        if self._toning:
            return
        self._toning = True
        try:
            parent = self.parentWidget()
            around = parent.palette() if parent is not None else QApplication.palette()
            palette = self.palette()
            palette.setColor(
                QPalette.ColorRole.WindowText,
                secondary_text(
                    around.color(QPalette.ColorRole.WindowText), around.color(QPalette.ColorRole.Window)
                ),
            )
            self.setPalette(palette)
        finally:
            self._toning = False

    def describe(self, widget: QWidget) -> None:
        self.described = widget
        self._sync()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._sync()

    def _sync(self) -> None:
        widget = self.described
        if widget is None:
            return
        text = accessible_text(self.text()) or _fallback_description(widget)
        if _mark(widget, _AUTO_DESCRIPTION) is False:
            return  # the widget set its own
        if widget.accessibleDescription() != text:
            widget.setAccessibleDescription(text)
            widget.setProperty(_AUTO_DESCRIPTION, True)
            if QAccessible.isActive():
                QAccessible.updateAccessibility(
                    QAccessibleEvent(widget, QAccessible.Event.DescriptionChanged)
                )


def _mark(widget: QWidget, key: str) -> bool | None:
    """The mark ``key`` on ``widget``: True (set here), False (the widget's own), None (none yet).

    ``QObject.property`` is only read when the property exists: for a missing one
    PySide6 6.12 returns None without counting the reference (the interpreter then
    aborts in the garbage collector, "deallocating None").
    """
    if key.encode() not in [bytes(name.data()) for name in widget.dynamicPropertyNames()]:
        return None
    return bool(widget.property(key))


def _target(widget: QWidget) -> QWidget:
    """The widget that really takes the focus (a box around a field passes it on)."""
    seen = 0
    while widget.focusProxy() is not None and seen < 5:
        proxy = widget.focusProxy()
        assert proxy is not None
        widget = proxy
        seen += 1
    return widget


def _own_text(widget: QWidget) -> str:
    if isinstance(widget, QAbstractButton):
        return accessible_text(widget.text()) or accessible_text(widget.toolTip())
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return accessible_text(widget.placeholderText()) or accessible_text(widget.toolTip())
    return accessible_text(widget.toolTip())


def _fallback_description(widget: QWidget) -> str:
    listed = DESCRIPTIONS.get(widget.objectName())
    if listed:
        return _(listed)
    if widget.toolTip():
        return accessible_text(widget.toolTip())
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit)):
        return accessible_text(widget.placeholderText())
    if isinstance(widget, QComboBox) and widget.isEditable() and widget.lineEdit() is not None:
        line = widget.lineEdit()
        assert line is not None
        return accessible_text(line.placeholderText())
    return ""


def _set(widget: QWidget, *, name: str | None = None, description: str | None = None) -> None:
    """Set what this module derived, unless the widget set its own (then leave it)."""
    if name is not None:
        mine = _mark(widget, _AUTO_NAME)
        if name and (mine or not widget.accessibleName()) and widget.accessibleName() != name:
            widget.setAccessibleName(name)
            widget.setProperty(_AUTO_NAME, True)
    if description is not None:
        mine = _mark(widget, _AUTO_DESCRIPTION)
        if mine is None and widget.accessibleDescription():
            widget.setProperty(_AUTO_DESCRIPTION, False)  # its own: never replaced
            return
        if description and mine is not False and widget.accessibleDescription() != description:
            widget.setAccessibleDescription(description)
            widget.setProperty(_AUTO_DESCRIPTION, True)


def describe_controls(root: QWidget) -> None:
    """Give every control under ``root`` an accessible name and description (see the module)."""
    labelled: set[int] = set()
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is None:
            continue
        target = _target(buddy)
        text = accessible_text(label.text())
        if text:
            _set(target, name=text)
            labelled.add(id(target))
    hinted: set[int] = set()
    for hint in root.findChildren(HintLabel):
        if hint.described is None:
            box = hint.parentWidget()
            proxy = box.focusProxy() if box is not None else None
            if proxy is not None:
                hint.describe(_target(proxy))
        else:
            hint.describe(hint.described)  # after a change of language: the fallback in it
        if hint.described is not None:
            hinted.add(id(hint.described))
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QScrollArea):
            title = getattr(widget.widget(), "title", None)
            if callable(title):  # the scrolled page of a step: named by its title
                _set(widget, name=accessible_text(str(title())))
            continue
        if not (is_control(widget) or widget.objectName() in NAMES):
            continue
        if id(widget) not in labelled:
            listed = NAMES.get(widget.objectName())
            _set(widget, name=_(listed) if listed else _own_text(widget))
        if id(widget) not in hinted:
            _set(widget, description=_fallback_description(widget))
        if isinstance(widget, QComboBox) and widget.lineEdit() is not None:
            # the text field of an editable choice is what has the focus: the same name
            line = widget.lineEdit()
            assert line is not None
            _set(line, name=widget.accessibleName(), description=widget.accessibleDescription())


class HeldMainWindow(QAccessibleWidget):
    """A main window for a screen reader: a window on its own, a pane inside another window.

    Qt's own interface for a main window says "window" wherever it is: the form
    inside the app's window would be read as a second window, with no name.
    The role is asked each time, since the form is made on its own and then put
    in the app's window.
    """

    def role(self) -> QAccessible.Role:
        widget = self.widget()
        inside = widget is not None and not widget.isWindow()
        return QAccessible.Role.Pane if inside else QAccessible.Role.Window


def _main_windows(_key: str, target: QObject | None) -> QAccessibleWidget | None:
    """The accessibility factory: :class:`HeldMainWindow` for a main window, Qt's own for the rest."""
    return HeldMainWindow(target) if isinstance(target, QMainWindow) else None


class AccessibleWindows(QObject):
    """Names and describes the controls of every window (each dialog too) as it is shown.

    The main window calls :func:`describe_controls` itself after each change of
    language; dialogs are covered by this filter on the application, which runs
    it whenever a top-level window is about to be shown. Main windows are
    presented by :class:`HeldMainWindow`.
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName("accessibility.windows")
        app.installEventFilter(self)
        QAccessible.installFactory(_main_windows)

    @classmethod
    def install(cls, app: QApplication) -> AccessibleWindows:
        """The application's filter (made on the first call)."""
        found = app.findChild(AccessibleWindows, "accessibility.windows")
        return found if isinstance(found, AccessibleWindows) else cls(app)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget) and watched.isWindow():
            describe_controls(watched)
        return False
