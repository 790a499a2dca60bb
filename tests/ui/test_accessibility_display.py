"""What a user with low vision or only a keyboard needs to see: focus, contrast, themes.

The system's light or dark theme reaches the app as Qt's palette (Qt follows
the platform's colour scheme); both palettes are applied here as the system
would deliver them, and the secondary lines under the fields and the focus
ring must stay readable (WCAG 2.1: 4.5:1 for text, 3:1 for a focus indicator)
in each, in their new colours. The ring must sit on the focused control.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from composer import i18n
from composer.profile import load_profile
from composer.store import Store
from composer.ui.accessibility import HintLabel
from composer.ui.main_window import MainWindow
from composer.ui.visibility import FocusRing, contrast, use_fixed_width_font
from tests.core.factories import good_mail_request
from tests.ui.test_clipping import scaled  # noqa: F401 (the font at 100, 125 and 150 %)

Role = QPalette.ColorRole


def dark_palette() -> QPalette:
    """A dark palette of the shape Qt's Fusion style uses when the system's scheme is dark."""
    palette = QPalette()
    colours = {
        Role.Window: "#2b2b2b",
        Role.WindowText: "#f0f0f0",
        Role.Base: "#1e1e1e",
        Role.AlternateBase: "#262626",
        Role.Text: "#f0f0f0",
        Role.Button: "#353535",
        Role.ButtonText: "#f0f0f0",
        Role.Highlight: "#3d8ee6",
        Role.HighlightedText: "#ffffff",
        Role.PlaceholderText: "#8a8a8a",
        Role.ToolTipBase: "#353535",
        Role.ToolTipText: "#f0f0f0",
        Role.Link: "#6cb4ff",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    # greyed out, as a dark system theme gives its disabled controls (Next on the last step)
    for role in (Role.WindowText, Role.Text, Role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7f7f7f"))
    return palette


@pytest.fixture(params=["light", "dark"])
def themed(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    before = qapp.palette()
    qapp.setPalette(qapp.style().standardPalette() if request.param == "light" else dark_palette())
    yield request.param
    qapp.setPalette(before)


def test_the_lines_under_the_fields_stay_readable_in_either_theme(
    themed: str, window: MainWindow, qapp: QApplication
) -> None:
    QApplication.processEvents()
    hints = window.findChildren(HintLabel)
    assert len(hints) >= 6
    background = qapp.palette().color(Role.Window)
    for hint in hints:
        colour = hint.palette().color(Role.WindowText)
        ratio = contrast(colour, hint.palette().color(Role.Window))
        assert ratio >= 4.5, f"{hint.objectName()} in the {themed} theme: {colour.name()} at {ratio:.1f}:1"
        assert contrast(colour, background) >= 4.5
        # secondary: visibly lighter than the main text, and in the theme's direction
        text = qapp.palette().color(Role.WindowText)
        assert colour != text
        assert (colour.lightness() > text.lightness()) == (themed == "light")


def test_the_focus_ring_follows_the_focus_and_stands_out(
    themed: str, qtbot: QtBot, window: MainWindow, qapp: QApplication
) -> None:
    ring = FocusRing.install(qapp)
    for name in ("field.email", "field.role", "action.next"):
        widget = window.findChild(QWidget, name)
        assert widget is not None
        widget.setFocus()
        qtbot.waitUntil(lambda w=widget: ring.target is w and ring.isVisible())
        assert ring.parentWidget() is widget.parentWidget()
        assert ring.geometry() == widget.geometry()
    ratio = contrast(ring.palette().color(Role.Highlight), qapp.palette().color(Role.Window))
    assert ratio >= 3.0, f"focus ring in the {themed} theme: {ratio:.1f}:1"
    # it moves with the field (a window resized re-lays the form out)
    email = window.findChild(QLineEdit, "field.email")
    assert email is not None
    email.setFocus()
    window.resize(window.width() + 120, window.height())
    qtbot.waitUntil(lambda: ring.geometry() == email.geometry())


@pytest.mark.parametrize("language", ["en", "el", "hr", "ru"])
def test_no_step_scrolls_sideways_at_a_larger_system_font(
    qtbot: QtBot,
    store: Store,
    scaled: float,  # noqa: F811 (the fixture imported above)
    language: str,
) -> None:
    """The window grows with the font and long choices do not widen the page: nothing hides on the right."""
    i18n.set_language(language)
    try:
        window = MainWindow(load_profile(), store, autosave_delay=0.05, auto_checks=False)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.controller.load(good_mail_request())
        wide: list[str] = []
        for index, step in enumerate(window.steps):
            window.go(index)
            QApplication.processEvents()
            scroll = step.parentWidget().parentWidget()
            assert isinstance(scroll, QScrollArea)
            if scroll.horizontalScrollBar().maximum() > 0:
                wide.append(f"{step.key}: {step.minimumSizeHint().width()} > {scroll.viewport().width()}")
        window.close()
    finally:
        i18n.set_language("en")
    assert not wide, f"at {scaled:.0%} in {language}, pages wider than the window: {wide}"


def test_pasted_errors_and_the_request_grow_with_a_larger_system_font(
    qtbot: QtBot,
    store: Store,
    scaled: float,  # noqa: F811 (the fixture imported above)
) -> None:
    """The fixed-width text (the pasted error, the request as it leaves) is as much larger as the rest."""
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    window = MainWindow(load_profile(), store, autosave_delay=0.05, auto_checks=False)
    qtbot.addWidget(window)
    window.controller.load(good_mail_request())
    for index in range(len(window.steps)):
        window.go(index)  # (every step built)
    for name in ("field.error_text", "review.text"):
        text = window.findChild(QPlainTextEdit, name)
        assert text is not None, name
        assert text.font().family() == fixed.family()
        assert text.font().pointSizeF() == pytest.approx(fixed.pointSizeF() * scaled), name
    error = window.findChild(QPlainTextEdit, "field.error_text")
    assert error is not None
    assert error.maximumHeight() >= 7 * error.fontMetrics().lineSpacing()  # still about seven lines


def test_fixed_width_text_follows_the_font_when_it_changes_while_the_app_runs(
    qtbot: QtBot, qapp: QApplication
) -> None:
    page = QWidget()  # inside a window, as in the form (Qt tells only windows of a new font)
    qtbot.addWidget(page)
    text = QPlainTextEdit(page)
    use_fixed_width_font(text)
    before = text.font().pointSizeF()
    original = QFont(qapp.font())
    larger = QFont(original)
    larger.setPointSizeF(original.pointSizeF() * 1.5)
    qapp.setFont(larger)
    try:
        assert text.font().pointSizeF() == pytest.approx(before * 1.5)
        assert text.font().family() == QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    finally:
        qapp.setFont(original)
    assert text.font().pointSizeF() == pytest.approx(before)
