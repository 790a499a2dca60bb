"""Every language on the real window: Alt+N/Alt+B go Next/Back, and no two mnemonics clash on a step."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from composer import i18n
from composer.localefmt import format_long_moment
from composer.po_catalogue import parse_entries
from composer.resources import resource_path
from composer.ui.main_window import MainWindow
from composer.ui.mnemonics import mnemonic_letter

LANGUAGES = ["en", "el", "hr", "ru"]
TEMPLATE = resource_path("locale", "messages.pot")


def paste_into(field: QLineEdit, text: str) -> None:
    """As a user does (QTest types only ASCII): the text on the clipboard, then Ctrl+V."""
    field.setFocus()
    QApplication.clipboard().setText(text)
    QTest.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


@pytest.mark.parametrize("language", LANGUAGES)
def test_alt_n_and_alt_b_go_next_and_back_in_every_language(
    qtbot: QtBot, window: MainWindow, language: str
) -> None:
    i18n.set_language(language)
    name = window.findChild(QLineEdit, "field.name")
    assert name is not None
    name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is name)
    QTest.keyClick(name, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 1, timeout=2000)
    assert name.text() == ""  # the letter was not typed into the field
    focus = QApplication.focusWidget()
    assert focus is not None
    QTest.keyClick(focus, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == 0, timeout=2000)


def _mnemonics_in(root: QWidget) -> dict[str, list[str]]:
    """Letter -> what it triggers, for every mnemonic live in ``root`` (a window or a dialog)."""
    found: dict[str, list[str]] = defaultdict(list)

    def add(text: str, what: str) -> None:
        letter = mnemonic_letter(text)
        if letter:
            found[letter].append(f"{what} {text!r}")

    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not root:
            continue
        if isinstance(widget, QAbstractButton):
            add(widget.text(), widget.objectName() or type(widget).__name__)
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            add(widget.text(), f"label of {widget.buddy().objectName()}")
        elif isinstance(widget, QGroupBox):
            add(widget.title(), widget.objectName() or "group")
    return found


def _mnemonics_on_screen(window: MainWindow) -> dict[str, list[str]]:
    """The step's mnemonics, the menu bar's and the Alt+N / Alt+B that are on."""
    found = _mnemonics_in(window)
    for menu_action in window.menuBar().actions():
        letter = mnemonic_letter(menu_action.text())
        if letter:
            found[letter].append(f"menu {menu_action.text()!r}")
    for action in (window.act_next_latin, window.act_back_latin):
        if action.isEnabled():
            found[action.shortcut().toString().split("+")[-1].lower()].append(action.objectName())
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_two_mnemonics_clash_on_a_step(qtbot: QtBot, window: MainWindow, language: str) -> None:
    """Walks every step at run time: what is on screen together must not share a letter."""
    i18n.set_language(language)
    category = window.findChild(QComboBox, "field.category")
    assert category is not None
    clashes = set()
    # every kind of problem: the labels and questions of steps 2 and 4 follow it
    for choice in range(category.count()):
        window.go(1)
        category.setCurrentIndex(choice)
        for index in range(len(window.steps)):
            window.go(index)
            qtbot.waitUntil(lambda i=index: window.pages.currentIndex() == i)
            for letter, targets in _mnemonics_on_screen(window).items():
                if len(targets) > 1:
                    clashes.add(f"step {index + 1}, Alt+{letter}: {targets}")
    assert sorted(clashes) == [], "\n".join(sorted(clashes))


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("en", "yesterday around 3"),
        ("el", "χθες γύρω στις 3"),
        ("hr", "jučer oko 15 h"),
        ("ru", "вчера около трёх"),
    ],
)
def test_a_typed_time_shows_what_was_understood_in_the_users_words(
    qtbot: QtBot, window: MainWindow, language: str, typed: str
) -> None:
    i18n.set_language(language)
    started = window.findChild(QLineEdit, "field.started_at")
    hint = window.findChild(QLabel, "hint.started_at")
    assert started is not None and hint is not None
    paste_into(started, typed)
    yesterday = (datetime.now().astimezone() - timedelta(days=1)).replace(hour=15, minute=0, second=0)
    expected = i18n._("Understood as about {moment}").format(moment=format_long_moment(yesterday))
    qtbot.waitUntil(lambda: hint.text() == expected, timeout=2000)
    assert window.controller.request.started_at is not None
    assert window.controller.request.started_at.hour == 15
    assert window.controller.request.started_text == typed


def test_a_typed_future_year_is_refused_and_not_moved(qtbot: QtBot, window: MainWindow) -> None:
    started = window.findChild(QLineEdit, "field.started_at")
    hint = window.findChild(QLabel, "hint.started_at")
    assert started is not None and hint is not None
    next_year = datetime.now().year + 1
    paste_into(started, f"31/12/{next_year}")
    qtbot.waitUntil(lambda: "future" in hint.text(), timeout=2000)
    assert window.controller.request.started_at is None


def _texts_on_screen(window: MainWindow) -> set[str]:
    """Every piece of text a user can see on the current step (and the menus)."""
    texts: set[str] = set()
    for menu_action in window.menuBar().actions():
        texts.add(menu_action.text())
        menu = menu_action.menu()
        if menu is not None:
            texts |= {action.text() for action in menu.actions()}
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not window:
            continue
        if isinstance(widget, QAbstractButton | QLabel):
            texts.add(widget.text())
        if isinstance(widget, QLineEdit):
            texts.add(widget.placeholderText())
        if isinstance(widget, QComboBox):
            texts |= {widget.itemText(i) for i in range(widget.count())}
        if isinstance(widget, QGroupBox):
            texts.add(widget.title())
        texts.add(widget.toolTip())
    return {text for text in texts if text.strip()}


def _english_on_screen(window: MainWindow, language: str) -> set[str]:
    """Texts on the current step that are still the template's English (names people use excepted)."""
    if language == "en":
        return set()
    template = {entry.msgid for entry in parse_entries(TEMPLATE.read_text(encoding="utf-8"))[1]}
    same_in_every_language = {"OK", "IMAP", "POP3", "SSL/TLS", "STARTTLS", "Exchange / ActiveSync"}
    same_in_every_language |= {"FTP / SFTP", "Webmail", "Tablet"}  # names, or the word people use
    same_in_every_language |= {"el": {"&Domain"}}.get(language, set())  # Greek providers say "domain"
    return {t for t in _texts_on_screen(window) if t in template and t not in same_in_every_language}


@pytest.mark.parametrize("language", ["el", "hr", "ru"])
def test_no_english_is_left_on_any_step(qtbot: QtBot, window: MainWindow, language: str) -> None:
    """A string the template knows shows translated: a missing catalogue entry or a missing _() fails."""
    i18n.set_language(language)
    category = window.findChild(QComboBox, "field.category")
    assert category is not None
    english = set()
    for choice in range(category.count()):
        window.go(1)
        category.setCurrentIndex(choice)
        for index in range(len(window.steps)):
            window.go(index)
            english |= {f"step {index + 1}: {text!r}" for text in _english_on_screen(window, language)}
    assert sorted(english) == [], "\n".join(sorted(english))


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_two_mnemonics_clash_in_a_dialog(qtbot: QtBot, window: MainWindow, language: str) -> None:
    from PySide6.QtGui import QImage

    from composer.diagnostics.settings import DiagnosticsSettings
    from composer.store import DraftInfo
    from composer.ui.drafts import DraftsDialog
    from composer.ui.history_view import HistoryDialog
    from composer.ui.mail_settings import MailSettingsDialog
    from composer.ui.outbox_view import OutboxDialog
    from composer.ui.redaction_editor import RedactionEditor
    from composer.ui.settings_dialog import NetworkSettingsDialog

    i18n.set_language(language)
    now = datetime.now().astimezone()
    draft = DraftInfo(
        id="d1", title="Mail", domain="example.com", category="", created_at=now, updated_at=now
    )
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    dialogs: list[QWidget] = [
        NetworkSettingsDialog(DiagnosticsSettings(), window),
        DraftsDialog([draft], on_start=True, parent=window),
        RedactionEditor(image, window),
        OutboxDialog(window.delivery, window),
        HistoryDialog(window.delivery, window),
        MailSettingsDialog(window.delivery, window.controller.profile, window),
    ]
    clashes = []
    for dialog in dialogs:
        dialog.show()
        qtbot.waitExposed(dialog)
        for letter, targets in _mnemonics_in(dialog).items():
            if len(targets) > 1:
                clashes.append(f"{dialog.objectName()}, Alt+{letter}: {targets}")
        dialog.close()
    assert clashes == [], "\n".join(clashes)


WORDS = {
    "el": ("Δεν φτάνουν τα μηνύματα από Gmail", "χθες γύρω στις 3", "Επανεκκίνησα το Outlook."),
    "hr": ("Ne stiže pošta s Gmaila", "jučer oko 15 h", "Ponovno sam pokrenula Outlook."),
    "ru": ("Не приходят письма с Gmail", "вчера около трёх", "Перезапустила Outlook."),
    "en": ("Mail from Gmail senders does not arrive", "yesterday around 3", "Restarted Outlook."),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_request_with_the_keyboard_alone_in_every_language(
    qtbot: QtBot, window: MainWindow, language: str
) -> None:
    """Tab, the arrow keys, typing (pasting what is not ASCII) and Alt+N: the whole form in each language.

    On every step, with what was typed in it, no English the template knows is left on screen;
    on the review, Space on the language switch shows the request in the user's language.
    """
    from tests.ui.test_form import choose, field_of, focused, tab, type_text
    from tests.ui.test_form import next_step as alt_n

    english: set[str] = set()

    def next_step(qtbot: QtBot, window: MainWindow) -> None:
        english.update(
            f"step {window.pages.currentIndex() + 1}: {t!r}" for t in _english_on_screen(window, language)
        )
        alt_n(qtbot, window)

    i18n.set_language(language)
    summary, started, tried = WORDS[language]
    name = window.findChild(QLineEdit, "field.name")
    assert name is not None
    name.setFocus()
    qtbot.waitUntil(lambda: field_of(focused()) == "field.name")
    type_text(qtbot, "Марија Horvat")
    tab(qtbot)
    type_text(qtbot, "marija@example.hr")
    tab(qtbot)
    choose(qtbot, i18n._("Owner or administrator of the account"))
    next_step(qtbot, window)
    assert field_of(focused()) == "field.summary"
    type_text(qtbot, summary)
    tab(qtbot)
    choose(qtbot, i18n._("E-mail is not arriving"))
    tab(qtbot)
    if field_of(focused()) == "action.use_suggested_category":
        tab(qtbot)
    assert field_of(focused()) == "field.domain"
    type_text(qtbot, "primjer.hr")
    tab(qtbot)
    type_text(qtbot, "prodaja@primjer.hr")
    next_step(qtbot, window)
    next_step(qtbot, window)  # the checks are not run here
    assert field_of(focused()) == "field.error_text"
    type_text(qtbot, "550 5.1.1 User unknown")
    tab(qtbot)
    assert field_of(focused()) == "field.started_at"
    type_text(qtbot, started)
    hint = window.findChild(QLabel, "hint.started_at")
    assert hint is not None
    assert hint.text().startswith(i18n._("Understood as about {moment}").split("{")[0])
    for _ in range(6):  # on to "Already tried", whatever the questions of this kind are
        if field_of(focused()) == "field.tried":
            break
        tab(qtbot)
    assert field_of(focused()) == "field.tried"
    type_text(qtbot, tried)
    next_step(qtbot, window)
    next_step(qtbot, window)
    assert window.pages.currentIndex() == 5
    request = window.controller.request
    assert (request.summary, request.started_text, request.tried) == (summary, started, tried)
    assert request.category == "mail_receiving" and request.domain == "primjer.hr"
    assert request.started_at is not None and request.started_at.hour == 15
    english |= {f"step 6: {t!r}" for t in _english_on_screen(window, language)}
    assert sorted(english) == [], "\n".join(sorted(english))
    text = window.findChild(QPlainTextEdit, "review.text")
    switch = window.findChild(QCheckBox, "review.show_in_my_language")
    assert text is not None and switch is not None
    assert summary in text.toPlainText()  # the customer's words, in the provider's English request
    assert switch.isVisible() is (language != "en")  # the demo provider reads English
    if language != "en":
        for _ in range(40):  # Tab on to the switch, as a keyboard user does
            if focused() is switch:
                break
            tab(qtbot)
        assert focused() is switch
        qtbot.keyClick(switch, Qt.Key.Key_Space)
        assert switch.isChecked()
        assert i18n._("Who is asking") in text.toPlainText() and summary in text.toPlainText()
        assert _english_on_screen(window, language) == set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_two_mnemonics_clash_in_a_menu(window: MainWindow, language: str) -> None:
    i18n.set_language(language)
    clashes = []
    menus = [action.menu() for action in window.menuBar().actions()]
    while menus:
        menu = menus.pop()
        if menu is None:
            continue
        letters: dict[str, list[str]] = defaultdict(list)
        for action in menu.actions():
            if action.menu() is not None:
                menus.append(action.menu())
            letter = mnemonic_letter(action.text())
            if letter and action.isVisible():
                letters[letter].append(action.text())
        clashes += [f"{menu.title()!r}, Alt+{k}: {v}" for k, v in letters.items() if len(v) > 1]
    assert clashes == [], "\n".join(clashes)
