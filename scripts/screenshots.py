"""Regenerates docs/screenshots/: every step of the form, filled in as a customer would.

Run: .venv/bin/python scripts/screenshots.py  (no display needed: Qt renders offscreen)
     .venv/bin/python scripts/screenshots.py --language hr   (the steps in Croatian,
     filled in by a Croatian customer for a provider that reads Croatian, into
     docs/screenshots/hr/, and the review of the same request to a provider that
     reads English, with the switch to the customer's language; el and ru likewise)

The checks run for real against the loopback test bed of
tests/servers/diagnostics_bed.py, so the checks step shows a real report of a
domain whose mail goes to another provider; nothing leaves the machine.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["LANGUAGE"] = "en"

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from composer.i18n import set_language  # noqa: E402
from composer.model import Request, Requester, Role, Urgency, WorkedBefore  # noqa: E402
from composer.profile import ProviderProfile, load_profile  # noqa: E402
from composer.store import Store  # noqa: E402
from composer.timeparse import parse_started  # noqa: E402
from composer.ui.drafts import DraftsDialog  # noqa: E402
from composer.ui.main_window import MainWindow  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


BOUNCE = """From: Mail Delivery System <MAILER-DAEMON@mx.gmail.example>
To: anna@gmail.example
Subject: Undelivered Mail Returned to Sender

This is the mail system at host mx.gmail.example.
I'm sorry to have to inform you that your message could not be delivered.

<sales@othermail.test>: host mx.elsewhere-mail.test[127.0.0.1] said:
    550 5.1.1 <sales@othermail.test>: Recipient address rejected: User unknown
"""


# what a customer writing in each language types (the rest of the example stays as it is)
CUSTOMER_WORDS: dict[str, dict[str, str]] = {
    "en": {},
    "el": {
        "summary": "Δεν φτάνουν τα μηνύματα από Gmail στο sales@",
        "started_text": "χθες γύρω στις 3",
        "tried": "Επανεκκίνησα το Outlook. Μπήκα στο webmail: ούτε εκεί είναι τα μηνύματα.",
        "description": "Όσοι πελάτες γράφουν από Gmail παίρνουν πίσω το μήνυμά τους με το παρακάτω σφάλμα. "
        "Από άλλους αποστολείς τα μηνύματα φτάνουν.",
        "device": "Φορητός υπολογιστής",
    },
    "hr": {
        "summary": "Ne stiže pošta s Gmaila na prodaja@",
        "started_text": "jučer oko 15 h",
        "tried": "Ponovno sam pokrenula Outlook. Prijavila sam se u webmail: ni tamo nema poruka.",
        "description": "Kupcima koji pišu s Gmaila poruka se vraća s greškom ispod. "
        "Pošta od drugih pošiljatelja stiže.",
        "device": "Prijenosno računalo",
        "name": "Marija Horvat",
        "email": "marija@primjer.hr",
    },
    "ru": {
        "summary": "Не приходят письма с Gmail на sales@",
        "started_text": "вчера около трёх",
        "tried": "Перезапустила Outlook. Зашла в веб-почту: там писем тоже нет.",
        "description": "Клиентам, которые пишут с Gmail, письмо возвращается с ошибкой ниже. "
        "Письма от других отправителей приходят.",
        "device": "Ноутбук",
        "name": "Мария Иванова",
        "email": "maria@primer.ru",
    },
}


def example_request(language: str = "en") -> Request:
    from datetime import datetime

    words = CUSTOMER_WORDS[language]
    started_text = words.get("started_text", "yesterday around 15:00")
    started = parse_started(started_text, now=datetime.now().astimezone())
    return Request(
        summary=words.get("summary", "Mail from Gmail senders to sales@ does not arrive"),
        category="mail_receiving",
        domain="othermail.test",
        account="sales@othermail.test",
        requester=Requester(
            name=words.get("name", "Maria Papadopoulou"),
            email=words.get("email", "maria@example.gr"),
            role=Role.OWNER,
            customer_id="C-10442",
        ),
        device=words.get("device", "Laptop"),
        operating_system="Windows 11",
        client="Outlook",
        client_version="2021",
        error_text="550 5.1.1 <sales@othermail.test>: Recipient address rejected: User unknown",
        started_text=started_text,
        started_at=started.when if started else None,
        worked_before=WorkedBefore.YES,
        tried=words.get(
            "tried", "Restarted Outlook. Logged in to webmail: the messages are not there either."
        ),
        description=words.get(
            "description",
            "Customers who write from Gmail get their message back with the error below. "
            "Mail from other senders arrives.",
        ),
        answers={
            "from_whom": "only_from_gmail_outlook_com_senders",
            "example_message": "anna@gmail.com to sales@παράδειγμα.gr, today at 10:15",
        },
        urgency=Urgency.HIGH,
    )


def save(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    widget.grab().save(str(path))
    print(path.relative_to(ROOT))


def run_checks(app: QApplication, window: MainWindow) -> None:
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    window.checks.runner.finished.connect(loop.quit)
    window.checks.runner.failed.connect(loop.quit)
    window.checks.start()
    loop.exec()


def add_evidence(window: MainWindow, store: Store) -> None:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect

    from composer.ui.redaction_editor import RedactionEditor

    shot = window.grab().toImage()
    editor = RedactionEditor(shot)
    editor.add_redaction(QRect(250, 80, 300, 40))
    editor.add_arrow(shot.rect().center(), shot.rect().center() + QRect(0, 0, 120, 80).bottomRight())
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    editor.edited_image().save(buffer, "PNG")  # type: ignore[call-overload]
    picture = store.add_attachment_bytes(
        "Screenshot of Outlook.png", bytes(data.data()), media_type="image/png"
    )
    bounce = store.add_attachment_bytes(
        "Undelivered Mail Returned to Sender.eml", BOUNCE.encode(), media_type="message/rfc822"
    )
    window.controller.update(attachments=(picture, bounce))


def wait(app: QApplication, condition: Callable[[], object], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screenshot scene did not come about")
        app.processEvents()
        time.sleep(0.01)


def send_and_follow(app: QApplication, store: Store, demo: ProviderProfile) -> None:
    """Send the request to a local intake server: the receipt, the outbox, the history."""
    from keyring.backends.fail import Keyring as FailKeyring

    from composer.credentials import Credentials, identity
    from composer.ui.delivery import DeliveryController
    from composer.ui.history_view import HistoryDialog
    from composer.ui.outbox_view import OutboxDialog
    from composer.ui.receipt import ReceiptDialog
    from tests.servers.intake import TOKEN, IntakeServer

    with IntakeServer(slow_seconds=0) as intake:
        secrets = Credentials(backend=FailKeyring())
        secrets.set(demo.provider.id, identity("intake", "maria@example.gr"), TOKEN)
        channels = [{"kind": "helpdesk", "helpdesk": "intake", "url": intake.url}, {"kind": "file"}]
        profile = demo.model_validate({**demo.model_dump(), "channels": channels})
        delivery = DeliveryController(store, credentials=secrets, poll=0.05)
        window = MainWindow(profile, store, auto_checks=False, delivery=delivery)
        window.resize(1000, 760)
        window.show()
        wait(app, lambda: delivery.is_ready)
        request = example_request()
        window.controller.load(request.model_copy(update={"provider": profile.provider.id}))
        window.send_request()
        wait(app, lambda: isinstance(window.prompts.current, ReceiptDialog))
        receipt = window.prompts.current
        assert receipt is not None
        save(receipt, "receipt.png")
        receipt.accept()
        outbox = OutboxDialog(delivery, window)
        outbox.resize(900, 420)
        outbox.show()
        wait(app, lambda: outbox.findChild(QWidget, "outbox.table") is not None)
        for _ in range(50):
            app.processEvents()
            time.sleep(0.01)
        save(outbox, "outbox.png")
        outbox.close()
        history = HistoryDialog(delivery, window)
        history.resize(900, 560)
        history.show()
        wait(app, lambda: not history.is_searching and history.items)
        history.results.setCurrentRow(0)
        wait(app, lambda: history.detail is not None)
        save(history, "history.png")
        history.close()
        window.close()


def email_cut_off(app: QApplication, store: Store, demo: ProviderProfile) -> None:
    """E-mail whose answer to the end of DATA is lost: the receipt and outbox say it may have arrived."""
    from keyring.backends.fail import Keyring as FailKeyring

    from composer.channels.email import MailSettings
    from composer.channels.factory import save_mail_settings
    from composer.credentials import Credentials
    from composer.outbox import OutboxState, entry_for_request
    from composer.ui.delivery import DeliveryController
    from composer.ui.outbox_view import OutboxDialog
    from composer.ui.receipt import ReceiptDialog
    from tests.servers.cutting_proxy import CuttingProxy
    from tests.servers.smtp import SmtpServer

    channels = [{"kind": "email", "to": "support@example.net", "subject_tag": "[Example #{number}]"}]
    profile = demo.model_validate({**demo.model_dump(), "channels": channels})
    with SmtpServer(security="none") as smtp, CuttingProxy(smtp.port, cut="after_dot") as proxy:
        save_mail_settings(store, MailSettings(host="127.0.0.1", port=proxy.port, security="none"))
        delivery = DeliveryController(store, credentials=Credentials(backend=FailKeyring()), poll=0.05)
        window = MainWindow(profile, store, auto_checks=False, delivery=delivery)
        window.resize(1000, 760)
        window.show()
        wait(app, lambda: delivery.is_ready)
        request = example_request().model_copy(
            update={
                "id": "5a1e" + "0" * 28,
                "provider": profile.provider.id,
                "summary": "Mail to Gmail bounces",
                # another domain than the request sent before: no "you already have an open request"
                "domain": "kafeneio-example.gr",
            }
        )
        window.controller.load(request)
        window.send_request()
        wait(app, lambda: isinstance(window.prompts.current, ReceiptDialog))
        receipt = window.prompts.current
        assert isinstance(receipt, ReceiptDialog)
        wait(app, lambda: receipt.settle is not None and receipt.settle.isVisible())
        save(receipt, "receipt-uncertain.png")
        entry = entry_for_request(store, request.id)
        assert entry is not None and entry.state is OutboxState.UNCERTAIN
        outbox = OutboxDialog(delivery, window)
        outbox.resize(900, 560)
        outbox.show()
        wait(app, lambda: outbox.row_of(entry.id) >= 0)
        outbox.select(entry.id)
        for _ in range(50):
            app.processEvents()
            time.sleep(0.01)
        save(outbox, "outbox-uncertain.png")
        outbox.close()
        # the user pastes the number from the provider's confirmation: the receipt shows it large
        assert receipt.settle is not None
        receipt.settle.reference.setText("4711")
        receipt.settle.keep.click()
        wait(app, lambda: receipt.reference_code == "4711")
        for _ in range(20):
            app.processEvents()
            time.sleep(0.01)
        save(receipt, "receipt-email-number.png")
        receipt.accept()
        window.close()


def prepared_and_related(store: Store, demo: ProviderProfile) -> None:
    """A request prepared by support (a signed pre-fill link), and the offer to follow up an open one."""
    from datetime import UTC, datetime, timedelta

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from composer import prefill
    from composer.history import HistoryItem
    from composer.profile import Prefill
    from composer.ui.related_offer import RelatedOffer

    key = Ed25519PrivateKey.generate()
    profile = demo.model_copy(update={"prefill": Prefill(public_key=prefill.public_key_line(key))})
    window = MainWindow(profile, store, auto_checks=False)
    window.resize(1000, 760)
    window.show()
    fields = prefill.PrefillFields(
        domain="annas-shop.gr",
        account="orders@annas-shop.gr",
        category="mail_receiving",
        note="As we said on the phone: please attach the bounce you received and send.",
    )
    token = prefill.sign_prefill(
        key, fields, staff="Eleni", provider="Demo Hosting", lifetime=timedelta(hours=2)
    )
    window.open_prefill(prefill.link_for(token))
    save(window, "prefill.png")
    window.close()
    sent = HistoryItem(
        request_id="r1",
        title="Mail bounces",
        domain="annas-shop.gr",
        category="mail_receiving",
        reference="EX-00012",
        channel="intake",
        sent_at=datetime.now(UTC) - timedelta(days=2),
    )
    offer = RelatedOffer([sent], demo)
    offer.show()
    save(offer, "related.png")
    offer.close()


def review_in_another_language(store: Store, demo: ProviderProfile, request: Request) -> None:
    """The review when the provider reads English: the text that leaves, which language it is, the switch."""
    window = MainWindow(demo, store, auto_checks=False)
    window.resize(1000, 760)
    window.show()
    window.controller.load(request)
    window.go(len(window.steps) - 1)
    save(window, "07-review-sent-in-english.png")
    window.close()


def identities(store: Store, demo: ProviderProfile) -> None:
    """A web designer files for a client: the identity, "on behalf of" the owner, and the warning."""
    from composer.identities import IdentityBook, client_domain, new_identity, save_book
    from composer.ui.identities_dialog import IdentitiesDialog

    designer = new_identity(
        "Maria Papadopoulou", "maria@studio-m.example", role=Role.TECHNICAL, organisation="Studio M"
    )
    own = new_identity("Maria Papadopoulou", "maria@maria-shop.example", role=Role.OWNER)
    book = IdentityBook(
        identities=(designer, own),
        clients=(
            client_domain(
                "annas-shop.gr", "anna@annas-shop.gr", owner_name="Anna Georgiou", identity=designer.id
            ),
            client_domain("klijent.hr", "ana@klijent.hr", owner_name="Ana Horvat", identity=designer.id),
        ),
    )
    save_book(store, book)
    window = MainWindow(demo, store, auto_checks=False)
    window.resize(1000, 760)
    window.show()
    picker = window.who.identities
    wait(QApplication.instance(), lambda: picker.client.count() == 3)  # type: ignore[arg-type]
    window.controller.load(Request(provider=demo.provider.id, category="billing"))
    index = picker.client.findData("annas-shop.gr")
    picker.client.setCurrentIndex(index)
    picker.client.activated.emit(index)
    window.go(0)
    save(window, "identities.png")
    dialog = IdentitiesDialog(book, provider=demo.provider.name, takes_api_key=True, parent=window)
    dialog.tabs.setCurrentIndex(1)
    dialog.show()
    save(dialog, "identities-dialog.png")
    dialog.close()
    window.close()


def main() -> int:
    import argparse

    from tests.servers.diagnostics_bed import diagnostics_bed

    parser = argparse.ArgumentParser(description="Regenerate docs/screenshots/.")
    parser.add_argument(
        "--language", default="en", choices=sorted(CUSTOMER_WORDS), help="language of the app"
    )
    language = parser.parse_args().language
    global OUT
    if language != "en":
        OUT = OUT / language  # the steps and the drafts list; sending is shown once, in English
    app = QApplication(sys.argv[:1])
    from composer.ui.gc_guard import GuiThreadCollector

    GuiThreadCollector(app)  # as in the app: no garbage collection on worker threads (parented to app)
    set_language(language)
    from composer.ui.start_window import StartWindow

    start = StartWindow()  # what the app's window shows for a moment, before the form is in it
    start.resize(1000, 760)
    start.show()
    assert start.who is not None  # the first step takes typing at once: the first name, typed
    start.who.name.setText(CUSTOMER_WORDS[language].get("name", "Maria Papadopoulou").split()[0])
    save(start, "00-start.png")
    start.close()
    with tempfile.TemporaryDirectory() as folder, diagnostics_bed(Path(folder)) as bed:
        store = Store(Path(folder) / "data")
        demo = load_profile()
        profile = demo.model_copy(update={"expected": bed.profile.expected})
        if language != "en":  # a provider of the customer's country, whose agents read their language
            local = profile.provider.model_copy(update={"languages": [language, "en"]})
            profile = profile.model_copy(update={"provider": local})
        window = MainWindow(profile, store, auto_checks=False, diagnostics=bed.settings)
        window.resize(1000, 760)
        window.show()
        save(window, "00-empty.png")
        window.controller.load(example_request(language))
        window.go(window.steps.index(window.checks))
        run_checks(app, window)
        add_evidence(window, store)
        for index, step in enumerate(window.steps, start=1):
            window.go(index - 1)
            save(window, f"{index:02d}-{step.key}.png")
        store.save_draft(window.controller.request)
        dialog = DraftsDialog(store.list_drafts(), on_start=True, parent=window)
        dialog.show()
        save(dialog, "drafts.png")
        dialog.close()
        request = window.controller.request
        window.close()
        if language != "en":
            review_in_another_language(store, demo, request)
        if language == "en":
            send_and_follow(app, store, profile)
            email_cut_off(app, store, profile)
            prepared_and_related(store, profile)
            identities(store, profile)
        store.close()
    QTimer.singleShot(0, app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
