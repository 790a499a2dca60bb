"""Qt's own words follow the app's language: Qt's catalogues where PySide6 ships them, ours where not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from composer import i18n
from composer.resources import resource_path
from composer.ui.qt_translations import QtTranslations, own_catalogue

Button = QMessageBox.StandardButton
BUTTONS = [Button.Ok, Button.Cancel, Button.Yes, Button.No, Button.Save, Button.Open, Button.Close]
EXPECTED = {
    "en": ["OK", "Cancel", "Yes", "No", "Save", "Open", "Close"],
    "el": ["OK", "Άκυρο", "Ναι", "Όχι", "Αποθήκευση", "Άνοιγμα", "Κλείσιμο"],
    "hr": ["U redu", "Odustani", "Da", "Ne", "Spremi", "Otvori", "Zatvori"],
    "ru": ["OK", "Отмена", "Да", "Нет", "Сохранить", "Открыть", "Закрыть"],
}
LOOK_IN = {"en": "Look in:", "el": "Αναζήτηση σε:", "hr": "Traži u:", "ru": "Папка:"}


@pytest.fixture()
def translations(qapp: QApplication) -> Iterator[QtTranslations]:
    installed = QtTranslations(qapp)
    yield installed
    i18n.set_language("en")
    installed.deleteLater()


@pytest.mark.parametrize("language", ["en", "el", "hr", "ru"])
def test_message_box_buttons_follow_the_language(
    qtbot: QtBot, translations: QtTranslations, language: str
) -> None:
    i18n.set_language(language)  # the app switches; Qt's translators follow
    box = QMessageBox()
    qtbot.addWidget(box)
    for button in BUTTONS:
        box.addButton(button)
    texts = []
    for button in BUTTONS:
        widget = box.button(button)
        assert widget is not None
        texts.append(widget.text().replace("&", ""))
    assert texts == EXPECTED[language]


@pytest.mark.parametrize("language", ["el", "hr", "ru"])
def test_the_file_dialog_follows_the_language(
    qtbot: QtBot, translations: QtTranslations, language: str
) -> None:
    i18n.set_language(language)
    dialog = QFileDialog()
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    labels = {label.text().replace("&", "") for label in dialog.findChildren(QLabel)}
    assert LOOK_IN[language] in labels
    assert "File name:" not in labels and "Files of type:" not in labels


def test_our_catalogues_keep_qt_s_placeholders_and_mnemonics() -> None:
    for path in sorted(resource_path("locale", "qt").glob("*.toml")):
        for context, table in own_catalogue(path.stem).items():
            for source, text in table.items():
                where = f"{path.name} [{context}] {source!r}"
                assert text.strip(), where
                assert ("%1" in source) == ("%1" in text), where
                assert source.replace("&&", "").count("&") == text.replace("&&", "").count("&"), where
