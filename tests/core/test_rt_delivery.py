"""E-mail into a real Request Tracker 5: the number read back, follow-ups in the same ticket, once.

Real parts only: RT (``tests/servers/rt.py``) behind its SMTP gateway
(STARTTLS and AUTH, ``250`` only once ``rt-mailgate`` handed the message to
RT), RT's own automatic reply filed into the requester's Maildir and served
by a real Dovecot over TLS, the real outbox worker and reply watcher, and a
proxy that loses the gateway's answer to the end of DATA.
"""

from __future__ import annotations

import ssl
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
from keyring.backends.fail import Keyring as FailKeyring

from composer import history
from composer.channels.email import MailSettings, smtp_identity
from composer.channels.factory import ChannelFactory, save_mail_settings
from composer.credentials import Credentials
from composer.delivery import OutboxWorker
from composer.model import Requester
from composer.outbox import OutboxEntry, OutboxState
from composer.replies import ReplySettings, ReplyWatcher, save_reply_settings
from composer.store import Store
from tests.core.test_delivery import FAST
from tests.core.test_uncertain import wait_state
from tests.servers.cutting_proxy import CuttingProxy
from tests.servers.imap import DovecotServer
from tests.servers.intake import make_profile, make_request
from tests.servers.rt import CORRESPOND_ADDRESS, RTNAME, RequestTracker, RtMailGateway

TAG = f"[{RTNAME} #{{number}}]"
PROFILE = make_profile({"kind": "email", "to": CORRESPOND_ADDRESS, "subject_tag": TAG})


@dataclass
class Setup:
    tracker: RequestTracker
    store: Store
    sender: str
    password: str
    worker: OutboxWorker
    watcher: ReplyWatcher

    def request(self, **fields: Any) -> Any:
        return make_request(
            self.store, requester=Requester(name="Maria Papadopoulou", email=self.sender), **fields
        )

    def tickets(self) -> list[dict[str, Any]]:
        return self.tracker.tickets(f"Requestor.EmailAddress = '{self.sender}'")

    def read_number(self, entry: OutboxEntry, timeout: float = 20) -> OutboxEntry:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for found in self.watcher.check_once():
                if found.id == entry.id and found.receipt is not None and found.receipt.reference:
                    return found
            time.sleep(0.2)
        raise AssertionError("no number came back from RT's automatic reply")


def _setup(
    tracker: RequestTracker, data_dir: Path, security: Literal["starttls", "none"]
) -> Iterator[tuple[Setup, RtMailGateway]]:
    sender = f"maria-{uuid.uuid4().hex[:8]}@example.gr"
    password = f"pw-{uuid.uuid4().hex[:10]}"
    with (
        Store(data_dir) as store,
        RtMailGateway(tracker, security=security, user=sender, password=password) as gateway,
        DovecotServer(user=sender, password=password) as dovecot,
    ):
        dovecot.link_from(tracker.mail_root / sender)
        trust = ssl.create_default_context()
        gateway.ca.configure_trust(trust)
        dovecot.ca.configure_trust(trust)
        mail = MailSettings(host="127.0.0.1", port=gateway.port, security=security, username=sender)
        save_mail_settings(store, mail)
        save_reply_settings(store, ReplySettings(enabled=True, port=dovecot.port))
        secrets = Credentials(backend=FailKeyring())
        secrets.set("example", smtp_identity(mail), password)
        channels = ChannelFactory(store, secrets, store.folder / "bundles", ssl_context=trust)
        worker = OutboxWorker(store, channels, backoff=FAST, poll=0.05)
        errors: list[Any] = []
        watcher = ReplyWatcher(store, secrets, ssl_context=trust, on_error=errors.append)
        yield Setup(tracker, store, sender, password, worker, watcher), gateway
        assert gateway.failures == []
        assert [(e.code, e.params) for e in errors] == []


@pytest.fixture()
def rt(request_tracker: RequestTracker, data_dir: Path) -> Iterator[Setup]:
    for setup, _gateway in _setup(request_tracker, data_dir, "starttls"):
        yield setup


def test_number_from_rts_autoreply_and_follow_up_in_the_same_ticket(rt: Setup) -> None:
    request = rt.request()
    rt.worker.start()
    try:
        entry = wait_state(
            rt.store, rt.worker.submit(request, PROFILE).id, OutboxState.SENT, OutboxState.FAILED
        )
        assert entry.state is OutboxState.SENT and entry.receipt is not None
        assert entry.receipt.reference == ""  # the e-mail itself carries no number
        numbered = rt.read_number(entry)
        [ticket] = rt.tickets()
        assert numbered.receipt is not None and numbered.receipt.reference == str(ticket["id"])
        record = history.get(rt.store, request.id)
        assert record is not None and record[0].receipt is not None
        assert record[0].receipt.reference == str(ticket["id"])

        follow = rt.worker.follow_up(request.id, "The bounce came again at 10:42; the log is attached.")
        follow = wait_state(rt.store, follow.id, OutboxState.SENT, OutboxState.FAILED)
        assert follow.state is OutboxState.SENT
    finally:
        rt.worker.stop()
    assert [t["id"] for t in rt.tickets()] == [ticket["id"]]
    texts = rt.tracker.correspondence(ticket["id"])
    assert any("The bounce came again at 10:42" in text for text in texts)


def test_lost_reply_after_data_makes_no_second_ticket_and_the_autoreply_settles_it(
    request_tracker: RequestTracker, data_dir: Path
) -> None:
    for rt, gateway in _setup(request_tracker, data_dir, "none"):
        with CuttingProxy(gateway.port, cut="after_dot") as proxy:
            mail = MailSettings(host="127.0.0.1", port=proxy.port, security="none", username=rt.sender)
            save_mail_settings(rt.store, mail)
            rt.worker.channels.credentials.set("example", smtp_identity(mail), rt.password)
            rt.worker.start()
            try:
                entry = rt.worker.submit(rt.request(), PROFILE)
                entry = wait_state(
                    rt.store, entry.id, OutboxState.UNCERTAIN, OutboxState.SENT, OutboxState.FAILED
                )
                time.sleep(1.0)  # time enough for a blind resend, which must not come
            finally:
                rt.worker.stop()
        assert proxy.cuts == 1 and entry.state is OutboxState.UNCERTAIN
        [ticket] = rt.tickets()
        settled = rt.read_number(entry)
        assert settled.state is OutboxState.SENT
        assert settled.receipt is not None and settled.receipt.reference == str(ticket["id"])
        assert len(rt.tickets()) == 1
        assert len(gateway.messages) == 1
