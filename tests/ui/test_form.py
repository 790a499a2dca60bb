"""The guided form, driven through its widgets as a user would."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from composer import i18n
from composer.model import Request, Role, Urgency, WorkedBefore
from composer.profile import load_profile
from composer.store import Store
from composer.ui.main_window import MainWindow
from tests.ui.conftest import when_modal


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def field_of(widget: QWidget) -> str:
    """The field name of the focused widget (the line edit inside a combo box counts as the combo)."""
    while widget is not None and not widget.objectName().startswith(("field.", "question.", "action.")):
        widget = widget.parentWidget()
    return widget.objectName() if widget is not None else ""


def type_text(qtbot: QtBot, text: str) -> None:
    """Type into the focused widget; text beyond ASCII is pasted with Ctrl+V, as QTest only types ASCII."""
    if text.isascii():
        qtbot.keyClicks(focused(), text)
        return
    clipboard = QApplication.clipboard()
    clipboard.setText(text)
    qtbot.keyClick(focused(), Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def tab(qtbot: QtBot, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)


def choose(qtbot: QtBot, text: str) -> None:
    """Pick an entry of the focused combo box with the keyboard (arrow keys, as a user would)."""
    combo = focused()
    assert isinstance(combo, QComboBox), combo
    target = combo.findText(text, Qt.MatchFlag.MatchContains)
    assert target >= 0, text
    while combo.currentIndex() != target:
        key = Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up
        qtbot.keyClick(combo, key)


def alt(qtbot: QtBot, window: MainWindow, key: Qt.Key) -> None:
    """A mnemonic (Alt+letter) typed into the focused widget."""
    QTest.keyClick(focused(), key, Qt.KeyboardModifier.AltModifier)


def next_step(qtbot: QtBot, window: MainWindow) -> None:
    """Alt+N; a button clicked by its mnemonic animates the press before it acts."""
    page = window.pages.currentIndex()
    alt(qtbot, window, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == page + 1, timeout=2000)


def test_a_complete_request_with_the_keyboard_alone(
    qtbot: QtBot, window: MainWindow, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Step 1: who
    assert field_of(focused()) == "field.name"
    type_text(qtbot, "Maria Papadopoulou")
    tab(qtbot)
    assert field_of(focused()) == "field.email"
    type_text(qtbot, "maria@example.gr")
    tab(qtbot)
    assert field_of(focused()) == "field.role"
    choose(qtbot, "Owner")
    next_step(qtbot, window)

    # Step 2: what is affected
    assert window.pages.currentIndex() == 1
    assert field_of(focused()) == "field.summary"
    type_text(qtbot, "Mail from Gmail senders does not arrive")
    tab(qtbot)
    assert field_of(focused()) == "field.category"
    choose(qtbot, "E-mail is not arriving")
    tab(qtbot)
    if field_of(focused()) == "action.use_suggested_category":
        tab(qtbot)
    assert field_of(focused()) == "field.domain"
    type_text(qtbot, "παράδειγμα.gr")
    tab(qtbot)
    assert field_of(focused()) == "field.account"
    type_text(qtbot, "sales@παράδειγμα.gr")
    tab(qtbot)
    assert field_of(focused()) == "field.device"
    type_text(qtbot, "Laptop")
    tab(qtbot)
    assert field_of(focused()) == "field.os"
    type_text(qtbot, "Windows 11")
    tab(qtbot, 2)  # past "This computer"
    assert field_of(focused()) == "field.client"
    type_text(qtbot, "Outlook")
    tab(qtbot)
    assert field_of(focused()) == "field.client_version"
    type_text(qtbot, "2021")
    next_step(qtbot, window)

    # Step 3: checks (not run here: they would leave the machine), then on
    assert window.pages.currentIndex() == 2
    next_step(qtbot, window)

    # Step 4: what happens
    assert window.pages.currentIndex() == 3
    assert field_of(focused()) == "field.error_text"
    type_text(qtbot, "550 5.1.1 <sales@example.gr>: Recipient address rejected: User unknown")
    hint = window.findChild(QLabel, "hint.error_text")
    assert hint is not None and "mailbox does not exist" in hint.text()
    tab(qtbot)
    assert field_of(focused()) == "field.started_at"
    type_text(qtbot, "yesterday around 15:00")
    started_hint = window.findChild(QLabel, "hint.started_at")
    assert started_hint is not None and "Understood as about" in started_hint.text()
    tab(qtbot)
    assert field_of(focused()) == "field.worked_before"
    choose(qtbot, "Yes, it worked")
    tab(qtbot)
    assert field_of(focused()) == "question.from_whom"
    choose(qtbot, "Only from Gmail")
    tab(qtbot)
    assert field_of(focused()) == "question.example_message"
    type_text(qtbot, "anna@gmail.com to sales@, today 10:15")
    tab(qtbot)
    assert field_of(focused()) == "question.bounce"
    choose(qtbot, "Yes")
    tab(qtbot)
    assert field_of(focused()) == "field.description"
    type_text(qtbot, "Customers who write from Gmail get their message back.")
    tab(qtbot)
    assert field_of(focused()) == "field.tried"
    type_text(qtbot, "Restarted Outlook. Checked webmail.")
    tab(qtbot)
    assert field_of(focused()) == "field.urgency"
    choose(qtbot, "High")
    next_step(qtbot, window)

    # Step 5: evidence (tested on its own), then on
    assert window.pages.currentIndex() == 4
    next_step(qtbot, window)

    # Step 6: review, then save with the keyboard
    assert window.pages.currentIndex() == 5
    request: Request = window.controller.request
    assert request.requester.name == "Maria Papadopoulou"
    assert request.requester.role is Role.OWNER
    assert request.category == "mail_receiving"
    assert request.domain == "παράδειγμα.gr"
    assert request.account == "sales@παράδειγμα.gr"
    assert (request.device, request.operating_system) == ("Laptop", "Windows 11")
    assert (request.client, request.client_version) == ("Outlook", "2021")
    assert request.started_at is not None and request.started_at.hour == 15
    assert request.worked_before is WorkedBefore.YES
    assert request.answers["from_whom"] == "only_from_gmail_outlook_com_senders"
    assert request.answers["bounce"] == "yes"
    assert request.urgency is Urgency.HIGH
    assert window.controller.readiness.can_send
    assert [a.code for a in window.controller.readiness.advice] == ["advice.attachments"]

    review = window.findChild(QPlainTextEdit, "review.text")
    assert review is not None
    shown = review.toPlainText()
    assert "παράδειγμα.gr (xn--hxajbheg2az3al.gr)" in shown
    assert "> 550 5.1.1 <sales@example.gr>" in shown

    target = tmp_path / "my-request.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    send = window.findChild(QPushButton, "action.send")
    assert send is not None and send.isEnabled() and focused() is send
    qtbot.keyClick(send, Qt.Key.Key_Space)
    qtbot.waitUntil(target.exists, timeout=5000)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "dialog.saved") is not None, timeout=5000)
    saved = window.findChild(QMessageBox, "dialog.saved")
    assert saved is not None and "support@demo-hosting.example" in saved.text()
    saved.close()
    with zipfile.ZipFile(target) as bundle:
        text = bundle.read("request.txt").decode("utf-8")
    assert text == shown  # what was reviewed is exactly what was saved

    # ... and the draft is in the database, as typed
    assert window.controller.flush()
    assert store.load_draft(request.id) == window.controller.request


def test_bad_domain_and_email_are_explained_under_the_field(qtbot: QtBot, window: MainWindow) -> None:
    email = window.findChild(QLineEdit, "field.email")
    assert email is not None
    qtbot.keyClicks(email, "maria@")
    email.editingFinished.emit()
    hint = window.findChild(QLabel, "hint.email")
    assert hint is not None and "is not an e-mail address" in hint.text()
    window.go(1)
    domain = window.findChild(QLineEdit, "field.domain")
    assert domain is not None
    qtbot.keyClicks(domain, "my site.com")
    domain.editingFinished.emit()
    domain_hint = window.findChild(QLabel, "hint.domain")
    assert domain_hint is not None and "is not a domain name" in domain_hint.text()
    window.go(5)
    problems = [p.code for p in window.controller.readiness.problems]
    assert "domain.invalid" in problems and "email.invalid" in problems
    status = window.findChild(QLabel, "review.status")
    assert status is not None and "cannot be sent yet" in status.text()  # pressing Send says why


def test_clicking_a_problem_goes_to_its_field(qtbot: QtBot, window: MainWindow) -> None:
    window.go(5)
    window.go_to_field("domain")
    assert window.pages.currentIndex() == 1
    assert field_of(focused()) == "field.domain"


def test_the_error_text_suggests_a_category(qtbot: QtBot, window: MainWindow) -> None:
    window.go(3)
    error = window.findChild(QPlainTextEdit, "field.error_text")
    assert error is not None
    qtbot.keyClicks(error, "NET::ERR_CERT_DATE_INVALID")
    window.go(1)
    suggestion = window.findChild(QPushButton, "action.use_suggested_category")
    assert suggestion is not None and suggestion.isVisible()
    qtbot.mouseClick(suggestion, Qt.MouseButton.LeftButton)
    assert window.controller.request.category == "certificate"
    assert not suggestion.isVisible()


def test_unfinished_drafts_are_offered_and_resumed(qtbot: QtBot, window: MainWindow, store: Store) -> None:
    draft = Request(summary="Site is down", domain="example.com", category="site_down")
    store.save_draft(draft)
    when_modal(lambda dialog: dialog.findChild(QPushButton, "drafts.resume").click())  # type: ignore[union-attr]
    window.offer_drafts(on_start=True)
    qtbot.waitUntil(lambda: window.controller.request.id == draft.id, timeout=5000)
    summary = window.findChild(QLineEdit, "field.summary")
    assert summary is not None and summary.text() == "Site is down"
    category = window.findChild(QComboBox, "field.category")
    assert category is not None and category.currentData() == "site_down"


def test_opening_an_unreadable_file_says_so(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "holiday-photos.zip"
    bad.write_bytes(b"not a zip at all")
    seen: list[str] = []

    def read_and_close(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox)
        seen.append(dialog.text() + " " + dialog.informativeText())
        dialog.accept()

    when_modal(read_and_close)
    window.import_bundle(bad)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert "is not a saved request file" in seen[0] and "Choose a .zip file" in seen[0]


def test_the_language_can_be_changed_live(
    qtbot: QtBot, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "xx.po").write_text(
        'msgid "Who you are"\nmsgstr "XX who"\n\nmsgid "&File"\nmsgstr "XX &file"\n', encoding="utf-8"
    )
    monkeypatch.setattr(i18n, "locale_dir", lambda: tmp_path)
    main = MainWindow(load_profile(), store, auto_checks=False)
    qtbot.addWidget(main)
    assert main.header.text() == "Who you are"
    main.language_actions["xx"].trigger()
    assert main.header.text() == "XX who"
    assert main.file_menu.title() == "XX &file"
    main.language_actions["en"].trigger()
    assert main.header.text() == "Who you are"
    main.close()


def test_another_provider_profile_is_used_and_remembered(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from PySide6.QtCore import QSettings

    profile = tmp_path / "acme.toml"
    profile.write_text(
        '[provider]\nid = "acme"\nname = "ACME Hosting"\n'
        '[[categories]]\nid = "wordpress"\nlabel = "WordPress problem"\n',
        encoding="utf-8",
    )
    window.use_profile(profile)
    qtbot.waitUntil(lambda: window.controller.profile.provider.name == "ACME Hosting", timeout=5000)
    assert window.windowTitle().startswith("ACME Hosting")
    category = window.findChild(QComboBox, "field.category")
    assert category is not None
    assert [category.itemData(i) for i in range(category.count())] == ["", "wordpress"]
    assert QSettings().value("profile") == str(profile)
    QSettings().remove("profile")


def test_open_a_saved_request_from_the_command_line(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    """`request-composer open FILE.zip` starts the app with that request as a draft."""
    import argparse

    from composer.render import write_bundle
    from composer.ui.app_form import create_window

    request = Request(summary="Site shows error 500", domain="example.com", category="site_down")
    bundle = write_bundle(request, load_profile(), store, tmp_path / "saved.zip")
    args = argparse.Namespace(profile=None, data_dir=tmp_path / "other-data", bundle=bundle)
    opened = create_window(args)
    opened.checks.shutdown()  # its checks would leave the machine
    qtbot.addWidget(opened)
    qtbot.waitUntil(lambda: opened.controller.request.id == request.id, timeout=5000)
    # the app builds the steps after step 1 when reached (or after the first paint)
    summary = opened.steps[1].findChild(QLineEdit, "field.summary")
    assert summary is not None and summary.text() == "Site shows error 500"
    assert opened.store.load_draft(request.id) is not None
    opened.close()
    opened.store.close()


def test_the_urgency_shown_is_the_request_s_and_follows_the_category(
    qtbot: QtBot, window: MainWindow
) -> None:
    urgency = window.findChild(QComboBox, "field.urgency")
    assert urgency is not None
    assert urgency.currentData() == window.controller.request.urgency.value == "normal"
    category = window.findChild(QComboBox, "field.category")
    assert category is not None
    category.setCurrentIndex(category.findData("site_down"))
    assert window.controller.request.urgency.value == "critical"
    assert urgency.currentData() == "critical"


def test_qt_s_own_buttons_follow_the_language(qtbot: QtBot, qapp: QApplication) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from composer.ui.qt_translations import QtTranslations

    def cancel_text() -> str:
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        button = box.button(QDialogButtonBox.StandardButton.Cancel)
        assert button is not None
        return button.text().replace("&", "")

    translations = QtTranslations(qapp)
    assert cancel_text() == "Cancel"
    assert translations.load("de")  # Qt ships German
    assert cancel_text() == "Abbrechen"
    assert not translations.load("xx")  # and not every language: then Qt's English stays
    assert cancel_text() == "Cancel"
    translations.deleteLater()


@pytest.mark.parametrize("content", [b"[provider\nname = 'x'\n", b"\x89PNG\r\n\x1a\n\x00\xff\xfe", None])
def test_a_bad_profile_on_the_command_line_opens_the_demo_and_says_why(
    qtbot: QtBot, tmp_path: Path, content: bytes | None
) -> None:
    import argparse

    from composer.ui.app_form import create_window

    path = tmp_path / "provider.toml"
    if content is not None:
        path.write_bytes(content)
    seen: list[str] = []
    when_modal(lambda dialog: (seen.append(dialog.objectName() + ":" + dialog.text()), dialog.accept()))  # type: ignore[attr-defined]
    opened = create_window(argparse.Namespace(profile=path, data_dir=tmp_path / "data", bundle=None))
    opened.checks.shutdown()
    qtbot.addWidget(opened)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0].startswith("dialog.error:") and "provider.toml" in seen[0]
    assert opened.controller.profile.provider.name == "Demo Hosting"
    assert "opened with the profile of Demo Hosting" in opened.statusBar().currentMessage()
    opened.close()
    opened.store.close()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("klijent.c", ".c does not exist"),
        ("http://www.παράδειγμα", ".παράδειγμα does not exist"),
        ("https://www.example.gr/shop?id=3", "Only the domain is used: example.gr"),
        ("maria@example.gr", "Only the domain is used: example.gr"),
        ("example.gr", "Will be checked as example.gr"),
    ],
)
def test_the_domain_hint_refuses_made_up_endings_and_says_when_it_was_reduced(
    qtbot: QtBot, window: MainWindow, typed: str, expected: str
) -> None:
    window.go(1)
    domain = window.findChild(QLineEdit, "field.domain")
    assert domain is not None
    domain.setText(typed)
    domain.editingFinished.emit()
    hint = window.findChild(QLabel, "hint.domain")
    assert hint is not None and expected in hint.text()
