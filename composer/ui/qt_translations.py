"""Qt's own words (OK, Cancel, the file dialog, a field's context menu) follow the app's language.

Qt ships catalogues for many languages (``qtbase_<code>.qm`` in PySide6's
translations folder: Croatian and Russian among them, Greek not). That one is
installed, and above it a small catalogue of our own,
``resources/locale/qt/<code>.toml`` (Qt context -> English -> translation),
for what Qt lacks: all of Greek, and a few file-dialog labels in Croatian and
Russian. Qt asks the translator installed last first, and falls through to
the next when it answers nothing. Both are swapped when the user picks
another language. :func:`follow_language` has a dialog or panel of the
app's own re-translate itself then.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QObject, QTranslator
from shiboken6 import isValid

from composer import i18n
from composer.resources import resource_path

__all__ = ["CatalogueTranslator", "QtTranslations", "follow_language"]


def follow_language(widget: QObject, retranslate: Callable[[], None]) -> None:
    """Call ``retranslate`` after every language switch, for as long as ``widget`` exists."""

    def changed(_code: str) -> None:
        if isValid(widget):
            retranslate()

    unsubscribe = i18n.on_language_changed(changed)
    widget.destroyed.connect(lambda *_args: unsubscribe())


class CatalogueTranslator(QTranslator):
    """Translates Qt's strings from a ``{context: {source: translation}}`` table."""

    def __init__(self, table: dict[str, dict[str, str]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._table = table

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return self._table.get(context, {}).get(source)

    def isEmpty(self) -> bool:
        return not self._table


def own_catalogue(code: str) -> dict[str, dict[str, str]]:
    """Our catalogue of Qt's strings for ``code`` (empty when there is none)."""
    path = resource_path("locale", "qt", f"{code}.toml")
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


class QtTranslations(QObject):
    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._app = app
        self._translators: list[QTranslator] = []
        self._unsubscribe = i18n.on_language_changed(self._follow)
        self.destroyed.connect(lambda *_args: self._unsubscribe())
        self.load(i18n.current_language())

    def _follow(self, code: str) -> None:
        self.load(code)

    def load(self, code: str) -> bool:
        """Install Qt's catalogue for ``code`` and ours; False when neither exists."""
        for translator in self._translators:
            self._app.removeTranslator(translator)
        self._translators = []
        if code == i18n.DEFAULT_LANGUAGE:
            return True
        qt = QTranslator(self)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load(f"qtbase_{code}", folder):
            self._translators.append(qt)
        table = own_catalogue(code)
        if table:
            self._translators.append(CatalogueTranslator(table, self))
        for translator in self._translators:
            self._app.installTranslator(translator)
        return bool(self._translators)
