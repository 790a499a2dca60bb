"""A web designer with two clients: the client domain picks the identity, the owner, the warning, the Cc."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from composer.channels.email import MailSettings, save_mail_settings, smtp_identity
from composer.credentials import Credentials
from composer.delivery import Backoff
from composer.identities import IdentityBook, client_domain, load_book, new_identity, save_book
from composer.model import Role
from composer.store import Store
from composer.ui.delivery import DeliveryController
from composer.ui.identities_dialog import IdentitiesDialog
from composer.ui.main_window import MainWindow
from composer.ui.receipt import ReceiptDialog
from tests.core.factories import copy_owner_profile
from tests.servers.smtp import PASSWORD, USER, SmtpServer
from tests.ui.conftest import when_modal

WAIT = 15_000
SUPPORT = "support@hosting.example"
DESIGNER = new_identity(
    "Maria Papadopoulou", "maria@example.gr", role=Role.TECHNICAL, organisation="Studio M"
)
OWN = new_identity("Maria Papadopoulou", "maria@maria-shop.gr", role=Role.OWNER)
BOOK = IdentityBook(
    identities=(OWN, DESIGNER),
    clients=(
        client_domain(
            "client-one.gr", "nikos@client-one.gr", owner_name="Nikos Georgiou", identity=DESIGNER.id
        ),
        client_domain("klijent.hr", "ana@klijent.hr", owner_name="Ana Horvat", identity=DESIGNER.id),
    ),
)


@pytest.fixture()
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture()
def designer_window(qtbot: QtBot, store: Store, smtp: SmtpServer) -> Iterator[MainWindow]:
    save_book(store, BOOK)
    mail = MailSettings(host="127.0.0.1", port=smtp.port, username=USER, timeout=5)
    save_mail_settings(store, mail)
    secrets = Credentials(backend=FailKeyring())  # the session's memory: no keyring in this test
    secrets.set("example", smtp_identity(mail), PASSWORD)
    delivery = DeliveryController(
        store,
        credentials=secrets,
        poll=0.05,
        ssl_context=smtp.client_context(),
        backoff=Backoff(base=0.05, jitter=0),
    )
    window = MainWindow(
        copy_owner_profile(SUPPORT), store, auto_checks=False, delivery=delivery, autosave_delay=0.05
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: delivery.is_ready and window.who.identities.client.count() == 3, timeout=WAIT)
    yield window
    window.close()


def _field(window: MainWindow, name: str) -> QLineEdit:
    widget = window.findChild(QLineEdit, name)
    assert widget is not None
    return widget


def test_a_client_domain_picks_the_identity_the_owner_and_warns_about_billing(
    qtbot: QtBot, designer_window: MainWindow, smtp: SmtpServer
) -> None:
    window = designer_window
    picker = window.who.identities
    client = window.findChild(QComboBox, "field.client_domain")
    assert client is not None and client.accessibleName() == "For client"
    index = client.findData("client-one.gr")
    client.setCurrentIndex(index)
    client.activated.emit(index)
    assert _field(window, "field.name").text() == "Maria Papadopoulou"
    assert _field(window, "field.email").text() == "maria@example.gr"
    role = window.findChild(QComboBox, "field.role")
    assert role is not None and role.currentData() == "technical"
    on_behalf = _field(window, "field.on_behalf_of")
    assert on_behalf.text() == "Nikos Georgiou <nikos@client-one.gr>" and on_behalf.isVisibleTo(window)
    identity = window.findChild(QComboBox, "field.identity")
    assert identity is not None and identity.currentData() == DESIGNER.id
    assert window.controller.request.domain == "client-one.gr"
    assert _field(window, "field.domain").text() == "client-one.gr"

    # a billing request filed as technical contact: warned, with what to do
    warning = window.findChild(QLabel, "who.filing_warning")
    assert warning is not None and not warning.isVisibleTo(window)
    window.controller.update(category="billing")
    assert warning.isVisibleTo(window)
    assert "Nikos Georgiou <nikos@client-one.gr>" in warning.text()
    assert "add you as a technical contact" in warning.text()
    window.go(len(window.steps) - 1)  # the review's policy panel says the same, next to Send
    filing = window.findChild(QLabel, "policy.filing")
    assert filing is not None and filing.isVisibleTo(window)
    assert "Nikos Georgiou" in filing.text() and "control panel" in filing.text()
    send = window.findChild(QPushButton, "action.send")
    assert send is not None and send.isVisibleTo(window)  # a warning, not a block
    window.go(0)
    window.controller.update(category="site_down")
    assert not warning.isVisibleTo(window)

    # the owner identity for the same client domain: nobody "on behalf of" now, the owner's address stays
    own = identity.findData(OWN.id)
    identity.setCurrentIndex(own)
    identity.activated.emit(own)
    assert window.controller.request.requester.email == OWN.email
    assert window.controller.request.requester.admin_address == "nikos@client-one.gr"
    back = identity.findData(DESIGNER.id)
    identity.setCurrentIndex(back)
    identity.activated.emit(back)
    assert on_behalf.text() == "Nikos Georgiou <nikos@client-one.gr>"

    # typing the other client's domain in step 2 picks that client's owner
    window.go(1)
    domain = _field(window, "field.domain")
    domain.selectAll()
    qtbot.keyClicks(domain, "shop.klijent.hr")
    assert window.controller.request.requester.on_behalf_of == "Ana Horvat <ana@klijent.hr>"
    assert window.controller.request.requester.admin_address == "ana@klijent.hr"
    assert client.currentData() == "klijent.hr"

    # the review shows who files for whom and who has a copy; the e-mail carries them
    window.controller.update(
        summary="The shop shows error 500",
        description="Since this morning every page of the shop shows error 500.",
        error_text="HTTP ERROR 500",
        started_text="today 09:00",
    )
    window.go(len(window.steps) - 1)
    review = window.findChild(QPlainTextEdit, "review.text")
    shown = review.toPlainText() if review is not None else window.controller.request.summary
    assert "(technical contact) on behalf of Ana Horvat <ana@klijent.hr> (owner)" in shown
    assert "ana@klijent.hr" in shown
    send = window.findChild(QPushButton, "action.send")
    assert send is not None and send.isEnabled()
    send.click()
    qtbot.waitUntil(lambda: isinstance(window.prompts.current, ReceiptDialog), timeout=WAIT)
    window.prompts.current.accept()  # type: ignore[union-attr]
    [received] = smtp.messages
    assert received.rcpt_tos == [SUPPORT, "ana@klijent.hr"]
    assert received.message["Cc"] == "ana@klijent.hr"
    assert received.message["From"] == "Maria Papadopoulou <maria@example.gr>"
    body = received.message.get_body(("plain",))
    assert body is not None and "on behalf of Ana Horvat <ana@klijent.hr> (owner)" in body.get_content()
    assert picker.book == BOOK


def test_identities_dialog_from_the_menu_adds_and_removes(
    qtbot: QtBot, designer_window: MainWindow, store: Store
) -> None:
    window = designer_window
    seen: list[str] = []

    def edit(dialog: QWidget) -> None:
        assert isinstance(dialog, IdentitiesDialog)
        seen.append(dialog.objectName())
        dialog.identity_list.setCurrentRow(0)
        assert "only until the app closes" in dialog.secrets_note.text()  # no keyring in this test
        dialog.remove_identity.click()  # the owner identity goes
        dialog.i_mail_password.setText("pw-typed")  # a password of its own, but no mail user of its own
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
        assert "mail user" in dialog.error.text() and dialog.isVisible()
        dialog.i_mail_password.clear()
        dialog.tabs.setCurrentIndex(1)
        dialog.add_client.click()
        qtbot.keyClicks(dialog.c_domain, "klijent.c")
        qtbot.keyClicks(dialog.c_owner_email, "ivo@klijent.com")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
        seen.append(dialog.error.text())  # refused: not a domain ending
        seen.append(dialog.i_api_key.placeholderText())
        dialog.c_domain.setText("drugi-klijent.hr")
        dialog.c_owner_name.setText("Ivo Ivić")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    when_modal(edit)
    action = window.findChild(type(window.act_identities), "action.identities_menu")
    assert action is not None
    action.trigger()
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=WAIT)  # the keyring is asked first, off the GUI thread
    assert seen[0] == "dialog.identities" and "klijent.c" in seen[1]
    assert seen[2] == "not stored; type it to keep it"
    qtbot.waitUntil(lambda: len(load_book(store).clients) == 3, timeout=WAIT)
    saved = load_book(store)
    assert [i.email for i in saved.identities] == [DESIGNER.email]
    assert saved.clients[-1].owner_name == "Ivo Ivić" and saved.clients[-1].domain == "drugi-klijent.hr"
    assert window.who.identities.client.count() == 4
    button = window.findChild(QPushButton, "action.identities")
    assert button is not None and button.isVisibleTo(window)
    opened: list[str] = []

    def cancel(dialog: QWidget) -> None:  # the step's own button opens the same dialog
        opened.append(dialog.objectName())
        dialog.close()

    when_modal(cancel)
    button.click()
    qtbot.waitUntil(lambda: opened == ["dialog.identities"], timeout=WAIT)


def test_a_prefill_naming_a_client_domain_files_under_that_clients_identity(
    qtbot: QtBot, designer_window: MainWindow, store: Store
) -> None:
    from datetime import timedelta

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from composer import prefill
    from composer.profile import Prefill
    from composer.ui.prefill_open import open_prefill

    window = designer_window
    key = Ed25519PrivateKey.generate()
    profile = window.controller.profile
    window.controller.profile = profile.model_copy(
        update={"prefill": Prefill(public_key=prefill.public_key_line(key))}
    )
    token = prefill.sign_prefill(
        key,
        prefill.PrefillFields(domain="www.client-one.gr", category="site_down"),
        staff="Eleni",
        provider="Example Hosting",
        lifetime=timedelta(hours=1),
    )
    assert open_prefill(window, window.controller, window.prefill_notice, prefill.link_for(token))
    requester = window.controller.request.requester
    assert (requester.email, requester.role) == (DESIGNER.email, Role.TECHNICAL)
    assert requester.on_behalf_of == "Nikos Georgiou <nikos@client-one.gr>"
    # it only filled who files: the identities and their secrets are as they were
    assert load_book(store) == BOOK
    for field in ("email", "role", "identity", "password", "api_key"):  # a pre-fill has no place for them
        with pytest.raises(ValueError):
            prefill.PrefillFields.model_validate({field: "x"})


@pytest.mark.parametrize("language", ["en", "el"])
@pytest.mark.parametrize("scale", [1.0, 1.5], ids=["100%", "150%"])
def test_the_who_step_of_a_designer_fits(qtbot: QtBot, store: Store, language: str, scale: float) -> None:
    """Identities, clients and the warning fit the default window at 100 % and 150 % fonts."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from composer import i18n
    from composer.identities import apply_client
    from composer.ui.visibility import default_window_size
    from tests.ui.test_clipping import _clipped_labels

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = QFont(app.font())
    font = QFont(original)
    font.setPointSizeF(original.pointSizeF() * scale)
    app.setFont(font)
    i18n.set_language(language)
    try:
        save_book(store, BOOK)
        window = MainWindow(copy_owner_profile(SUPPORT), store, autosave_delay=0.05, auto_checks=False)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.who.identities.client.count() == 3, timeout=WAIT)
        request = apply_client(window.controller.request, BOOK.clients[0], DESIGNER)
        window.controller.load(request.touched(category="billing"))
        window.go(0)
        QApplication.processEvents()
        assert window.who.identities.warning.isVisibleTo(window)
        assert _clipped_labels(window.who) == []
        # the default window grows with the font (composer/ui/visibility.py): no wider than that
        assert window.width() <= default_window_size(window).width()
        assert window.who.identities.client.width() > 100
        window.close()
    finally:
        app.setFont(original)
        i18n.set_language("en")


@pytest.mark.parametrize("language", ["en", "el", "hr", "ru"])
def test_no_two_mnemonics_clash_in_the_identities_dialog(qtbot: QtBot, language: str) -> None:
    from composer import i18n
    from composer.ui.mnemonics import mnemonic_letter
    from tests.ui.test_languages import _mnemonics_in

    i18n.set_language(language)
    try:
        dialog = IdentitiesDialog(BOOK, provider="Example Hosting", takes_api_key=True)
        qtbot.addWidget(dialog)
        dialog.show()
        clashes = []
        for tab in range(dialog.tabs.count()):
            dialog.tabs.setCurrentIndex(tab)
            found = _mnemonics_in(dialog)
            for index in range(dialog.tabs.count()):
                letter = mnemonic_letter(dialog.tabs.tabText(index))
                if letter:
                    found[letter].append(f"tab {dialog.tabs.tabText(index)!r}")
            clashes += [f"tab {tab}, Alt+{k}: {v}" for k, v in found.items() if len(v) > 1]
        dialog.close()
    finally:
        i18n.set_language("en")
    assert clashes == []
