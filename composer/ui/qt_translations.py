"""Qt's own words (OK, Cancel, Close, the file dialog) follow the app's language.

Qt ships catalogues for many languages (``qtbase_<code>.qm``); the one for
the current language is installed, and swapped when the user picks another.
Where Qt has none (Greek, for one), its buttons stay English.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QObject, QTranslator

from composer import i18n

__all__ = ["QtTranslations"]


class QtTranslations(QObject):
    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self._app = app
        self._translator: QTranslator | None = None
        self._unsubscribe = i18n.on_language_changed(self._follow)
        self.destroyed.connect(lambda *_args: self._unsubscribe())
        self.load(i18n.current_language())

    def _follow(self, code: str) -> None:
        self.load(code)

    def load(self, code: str) -> bool:
        """Install Qt's catalogue for ``code``; False when Qt has none."""
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None
        if code == i18n.DEFAULT_LANGUAGE:
            return True
        translator = QTranslator(self)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if not translator.load(f"qtbase_{code}", folder):
            return False
        self._app.installTranslator(translator)
        self._translator = translator
        return True
