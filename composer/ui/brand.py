"""The app's icon and a branded build's accent colour, applied to the application.

The name and the default profile of a branded build are core matters
(:mod:`composer.branding`); here only what Qt shows: the window icon from
``resources/icons`` and the accent colour in the palette (selection and
links), so a provider's colour is where the user's eye goes first.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from composer.branding import branding
from composer.resources import resource_path

__all__ = ["apply_branding"]

ICON = ("icons", "request-composer.png")


def apply_branding(app: QApplication) -> None:
    """Set the window icon and, for a branded build, the accent colour."""
    icon = resource_path(*ICON)
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    accent = branding().accent
    if accent:
        palette = app.palette()
        colour = QColor(accent)
        for role in (QPalette.ColorRole.Highlight, QPalette.ColorRole.Link, QPalette.ColorRole.Accent):
            palette.setColor(role, colour)
        # readable text on the accent: black on light colours, white on dark ones
        text = QColor("#000000") if colour.lightnessF() > 0.6 else QColor("#ffffff")
        palette.setColor(QPalette.ColorRole.HighlightedText, text)
        app.setPalette(palette)
