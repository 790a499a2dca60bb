"""Regenerates docs/screenshots/: every step of the form, filled in as a customer would.

Run: .venv/bin/python scripts/screenshots.py  (no display needed: Qt renders offscreen)
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["LANGUAGE"] = "en"

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from composer.i18n import set_language  # noqa: E402
from composer.model import Request, Requester, Role, Urgency, WorkedBefore  # noqa: E402
from composer.profile import load_profile  # noqa: E402
from composer.store import Store  # noqa: E402
from composer.timeparse import parse_started  # noqa: E402
from composer.ui.drafts import DraftsDialog  # noqa: E402
from composer.ui.main_window import MainWindow  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def example_request() -> Request:
    from datetime import datetime

    started = parse_started("yesterday around 15:00", now=datetime.now().astimezone())
    return Request(
        summary="Mail from Gmail senders to sales@ does not arrive",
        category="mail_receiving",
        domain="παράδειγμα.gr",
        account="sales@παράδειγμα.gr",
        requester=Requester(
            name="Maria Papadopoulou", email="maria@example.gr", role=Role.OWNER, customer_id="C-10442"
        ),
        device="Laptop",
        operating_system="Windows 11",
        client="Outlook",
        client_version="2021",
        error_text="550 5.1.1 <sales@xn--hxajbheg2az3al.gr>: Recipient address rejected: User unknown",
        started_text="yesterday around 15:00",
        started_at=started.when if started else None,
        worked_before=WorkedBefore.YES,
        tried="Restarted Outlook. Logged in to webmail: the messages are not there either.",
        description="Customers who write from Gmail get their message back with the error below. "
        "Mail from other senders arrives.",
        answers={
            "from_whom": "Only from Gmail / Outlook.com senders",
            "example_message": "anna@gmail.com to sales@παράδειγμα.gr, today at 10:15",
        },
        urgency=Urgency.HIGH,
    )


def save(widget: QWidget, name: str) -> None:
    QApplication.processEvents()
    path = OUT / name
    widget.grab().save(str(path))
    print(path.relative_to(ROOT))


def main() -> int:
    app = QApplication(sys.argv[:1])
    set_language("en")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder))
        window = MainWindow(load_profile(), store, auto_checks=False)
        window.resize(1000, 760)
        window.show()
        save(window, "00-empty.png")
        window.controller.load(example_request())
        for index, step in enumerate(window.steps, start=1):
            window.go(index - 1)
            save(window, f"{index:02d}-{step.key}.png")
        store.save_draft(window.controller.request)
        dialog = DraftsDialog(store.list_drafts(), on_start=True, parent=window)
        dialog.show()
        save(dialog, "drafts.png")
        dialog.close()
        window.close()
        store.close()
    QTimer.singleShot(0, app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
