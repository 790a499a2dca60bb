"""A customer opens a signed pre-fill: the form is filled and names who prepared it; a forgery is refused."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from composer import prefill
from composer.profile import Prefill
from composer.render import render_text
from composer.ui.main_window import MainWindow
from composer.ui.prefill_open import PrefillNotice, open_prefill
from composer.ui.single_instance import InstanceServer, instance_name
from tests.ui.conftest import when_modal

KEY = Ed25519PrivateKey.generate()


def _link(**fields: object) -> str:
    token = prefill.sign_prefill(
        KEY,
        prefill.PrefillFields.model_validate(fields),
        staff="Eleni",
        provider="Example Hosting",
        lifetime=timedelta(hours=2),
    )
    return prefill.link_for(token)


def _with_key(window: MainWindow) -> None:
    profile = window.controller.profile
    window.controller.profile = profile.model_copy(
        update={"prefill": Prefill(public_key=prefill.public_key_line(KEY))}
    )


def test_opening_a_link_fills_the_form_and_names_who_prepared_it(qtbot: QtBot, window: MainWindow) -> None:
    _with_key(window)
    notice = PrefillNotice()
    qtbot.addWidget(notice)
    window.controller.update(summary="typed before")
    link = _link(
        domain="παράδειγμα.gr",
        account="sales@example.gr",
        category="no_such_category",
        note="As we said on the phone: add the bounce.",
    )
    assert open_prefill(window, window.controller, notice, link)
    request = window.controller.request
    assert request.domain == "xn--hxajbheg2az3al.gr"
    assert request.account == "sales@example.gr"
    assert request.summary == ""  # a new draft: nothing of the other one
    assert request.prepared_by is not None and request.prepared_by.staff == "Eleni"
    shown = notice.text.text()
    assert notice.isVisible()
    assert "Eleni, Example Hosting prepared this request" in shown
    assert "Domain" in shown and "Mailbox or account" in shown
    assert "Left out" in shown and "Kind of problem" in shown
    assert "As we said on the phone" in shown
    text = render_text(request, window.controller.profile)
    assert re.search(
        r"Prepared by:\s+Eleni, Example Hosting \(\d{4}-\d\d-\d\d \d\d:\d\d UTC, key [0-9a-f]{16}\)", text
    )
    # the draft is on disk at once
    qtbot.waitUntil(lambda: any(d.id == request.id for d in window.store.list_drafts()), timeout=3000)


def test_a_forged_link_changes_nothing_and_says_why(qtbot: QtBot, window: MainWindow) -> None:
    _with_key(window)
    notice = PrefillNotice()
    qtbot.addWidget(notice)
    window.controller.update(domain="example.gr")
    before = window.controller.request
    other = Ed25519PrivateKey.generate()
    forged = prefill.link_for(
        prefill.sign_prefill(
            other,
            prefill.PrefillFields(domain="attacker.example"),
            staff="Eleni",
            lifetime=timedelta(hours=1),
        )
    )
    seen: list[str] = []

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox)
        seen.append(dialog.text() + " " + dialog.informativeText())
        dialog.accept()

    when_modal(answer)
    assert not open_prefill(window, window.controller, notice, forged)
    assert seen and "does not come from your provider" in seen[0]
    assert window.controller.request.id == before.id
    assert window.controller.request.domain == "example.gr"
    assert not notice.isVisible()


def test_a_second_start_hands_its_link_to_the_running_app(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    name = instance_name(tmp_path)
    server = InstanceServer(name, qapp)
    assert server.listening
    code = (
        "import sys\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from composer.ui.single_instance import hand_to_running\n"
        "app = QCoreApplication([])\n"
        f"sys.exit(0 if hand_to_running({name!r}, sys.argv[1], timeout_ms=5000) else 3)\n"
    )
    link = _link(domain="example.gr")
    with qtbot.waitSignal(server.received, timeout=10000) as blocker:
        client = subprocess.Popen([sys.executable, "-c", code, link])
        # the event loop runs while waitSignal waits; the client exits once we answered
    assert blocker.args == [link]
    assert client.wait(timeout=10) == 0
    server.close()
    server.deleteLater()
    nobody = subprocess.run([sys.executable, "-c", code, link], timeout=30, check=False)
    assert nobody.returncode == 3


def test_the_window_opens_a_link_as_a_new_draft_at_the_first_step(qtbot: QtBot, window: MainWindow) -> None:
    _with_key(window)
    window.go(3)
    assert window.open_prefill(_link(domain="example.gr", note="Please add the screenshot."))
    assert window.pages.currentIndex() == 0
    assert window.prefill_notice.isVisible()
    assert "Please add the screenshot." in window.prefill_notice.text.text()
    assert window.controller.request.domain == "example.gr"
