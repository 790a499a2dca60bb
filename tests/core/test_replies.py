"""The provider's number, read back from the user's mailbox through a real Dovecot (IMAP, TLS).

The answers here are shaped like Request Tracker's automatic reply (its
subject tag, ``In-Reply-To`` naming our Message-ID); the test against the
real RT is in ``test_rt_delivery.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Literal

import pytest

from composer import history, settling
from composer import outbox as box
from composer import outbox_claims as claims
from composer.channels.email import MailSettings, smtp_identity
from composer.channels.factory import save_mail_settings
from composer.cli import main
from composer.credentials import Credentials
from composer.errors import ComposerError
from composer.outbox import OutboxEntry, OutboxState
from composer.replies import (
    ReplySettings,
    ReplyWatcher,
    load_reply_settings,
    reference_from_subject,
    save_reply_settings,
)
from composer.store import Store
from tests.core.test_uncertain import PROFILE, TAG, _leave_sending
from tests.servers.imap import DovecotServer
from tests.servers.intake import make_request


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    with Store(data_dir) as opened:
        yield opened


@pytest.fixture(scope="module")
def dovecot() -> Iterator[DovecotServer]:
    with DovecotServer() as server:
        yield server


def setup_mailbox(
    store: Store, server: DovecotServer, security: Literal["tls", "starttls"] = "tls"
) -> Credentials:
    from keyring.backends.fail import Keyring

    mail = MailSettings(host="127.0.0.1", port=2525, username=server.user)
    save_mail_settings(store, mail)
    port = server.port if security == "tls" else server.starttls_port
    save_reply_settings(store, ReplySettings(enabled=True, port=port, security=security))
    secrets = Credentials(backend=Keyring())
    secrets.set("example", smtp_identity(mail), server.password)
    return secrets


def autoreply(entry: OutboxEntry, number: str, *, tag: str = "rt.example") -> bytes:
    message_id = settling.expected_message_id(entry)
    return (
        f"From: Example Hosting <support@hosting.example>\r\n"
        f"To: maria@example.gr\r\n"
        f"Subject: [{tag} #{number}] AutoReply: {entry.request.title()}\r\n"
        f"Message-ID: <rt-5.0.3-{number}@rt.example>\r\n"
        f"In-Reply-To: {message_id}\r\n"
        f"References: <RT-Ticket-{number}@rt.example> {message_id}\r\n"
        f"\r\nGreetings, this message has been automatically generated.\r\n"
    ).encode()


def sent_entry(store: Store, *, uncertain: bool) -> OutboxEntry:
    entry = box.insert_entry(store, make_request(store, seed=len(box.list_entries(store))), PROFILE)
    _leave_sending(store, entry, body_out=True, lease_left=timedelta(minutes=-1))
    claims.recover(store)
    if not uncertain:
        settling.settle_arrived(store, entry.id)
    found = box.get_entry(store, entry.id)
    assert found is not None
    return found


def test_reference_from_subject_follows_the_profile_tag() -> None:
    assert reference_from_subject("[Example #4711] AutoReply: Mail", TAG) == "4711"
    assert reference_from_subject("Re: [example  #4711]  x", TAG) == "4711"
    assert reference_from_subject("[rt.example #12] AutoReply", "[rt.example #{number}]") == "12"
    assert reference_from_subject("[Other #12] AutoReply", TAG) == ""
    assert reference_from_subject("[Example #12]", "") == ""


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_watcher_reads_the_number_and_settles(
    store: Store, dovecot: DovecotServer, security: Literal["tls", "starttls"]
) -> None:
    secrets = setup_mailbox(store, dovecot, security)
    uncertain = sent_entry(store, uncertain=True)
    sent = sent_entry(store, uncertain=False)
    profile_tag = "Example"
    dovecot.deliver(autoreply(uncertain, "4711", tag=profile_tag))
    dovecot.deliver(autoreply(sent, "4712", tag=profile_tag))
    errors: list[ComposerError] = []
    watcher = ReplyWatcher(store, secrets, ssl_context=dovecot.client_context(), on_error=errors.append)
    found = watcher.check_once()
    assert errors == []
    assert {e.id: e.receipt.reference for e in found if e.receipt} == {uncertain.id: "4711", sent.id: "4712"}
    for entry_id, number in ((uncertain.id, "4711"), (sent.id, "4712")):
        entry = box.get_entry(store, entry_id)
        assert entry is not None and entry.state is OutboxState.SENT
        assert entry.receipt is not None and entry.receipt.reference == number
        record = history.get(store, entry.request_id)
        assert record is not None and record[0].receipt is not None
        assert record[0].receipt.reference == number
    assert history.search(store, "4711")  # found by the number
    assert watcher.check_once() == []  # nothing is waiting any more


def test_nothing_is_read_without_consent(store: Store, dovecot: DovecotServer) -> None:
    secrets = setup_mailbox(store, dovecot)
    save_reply_settings(store, ReplySettings())
    assert load_reply_settings(store).enabled is None  # not asked yet: off
    entry = sent_entry(store, uncertain=True)
    dovecot.deliver(autoreply(entry, "99", tag="Example"))
    assert ReplyWatcher(store, secrets, ssl_context=dovecot.client_context()).check_once() == []
    current = box.get_entry(store, entry.id)
    assert current is not None and current.state is OutboxState.UNCERTAIN


def test_wrong_password_and_untrusted_certificate_are_reported_not_raised(
    store: Store, dovecot: DovecotServer
) -> None:
    secrets = setup_mailbox(store, dovecot)
    sent_entry(store, uncertain=True)
    errors: list[ComposerError] = []
    ReplyWatcher(store, secrets, on_error=errors.append).check_once()  # system trust: not this CA
    mail = MailSettings(host="127.0.0.1", port=2525, username=dovecot.user)
    secrets.set("example", smtp_identity(mail), "wrong")
    ReplyWatcher(store, secrets, ssl_context=dovecot.client_context(), on_error=errors.append).check_once()
    assert [e.code for e in errors] == ["replies.failed", "replies.failed"]
    assert errors[0].params["reason"] in {"SSLCertVerificationError", "SSLError"}
    assert dovecot.password not in repr([e.params for e in errors])


def test_replies_command_switches_consent(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(store.folder)
    assert main(["outbox", "replies", "--data-dir", data]) == 0
    assert "not asked yet (off)" in capsys.readouterr().out
    assert main(["outbox", "replies", "on", "--host", "imap.example.gr", "--data-dir", data]) == 0
    assert "imap.example.gr:993 (tls)" in capsys.readouterr().out
    assert load_reply_settings(store) == ReplySettings(enabled=True, host="imap.example.gr")
    assert main(["outbox", "replies", "off", "--data-dir", data]) == 0
    assert load_reply_settings(store).enabled is False
    assert main(["outbox", "replies", "--port", "70000", "--data-dir", data]) == 1
    assert "cannot be used" in capsys.readouterr().err


def test_a_subject_tag_without_the_number_is_refused() -> None:
    from composer.errors import ProfileError
    from composer.profile import load_profile_text

    text = '[provider]\nid = "x"\nname = "X"\n[[channels]]\nkind = "email"\nto = "s@x.example"\n'
    assert load_profile_text(text + 'subject_tag = "[X #{number}]"\n').channels
    with pytest.raises(ProfileError) as raised:
        load_profile_text(text + 'subject_tag = "[X #]"\n')
    assert "{number}" in str(raised.value.params["errors"])


def test_replies_check_from_the_command_line(
    store: Store,
    dovecot: DovecotServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_mailbox(store, dovecot)
    entry = sent_entry(store, uncertain=True)
    dovecot.deliver(autoreply(entry, "5150", tag="Example"))
    ca = tmp_path / "ca.pem"
    dovecot.ca.cert_pem.write_to_path(str(ca))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))
    monkeypatch.setenv("REQUEST_COMPOSER_SECRET", dovecot.password)
    monkeypatch.setattr(
        "keyring.get_keyring", lambda: __import__("keyring.backends.fail").backends.fail.Keyring()
    )
    assert main(["outbox", "replies", "check", "--data-dir", str(store.folder)]) == 0
    assert f"{entry.id[:12]}  5150" in capsys.readouterr().out
    settled = box.get_entry(store, entry.id)
    assert settled is not None and settled.state is OutboxState.SENT
