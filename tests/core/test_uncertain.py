"""Exactly once: a try cut off after the body left is never resent blindly.

Real parts: aiosmtpd on loopback behind a proxy that cuts the connection
where a laptop would (after the final dot of DATA, or halfway through the
body), the real outbox worker and SQLite, and the real command line.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from composer import history, settling
from composer import outbox as box
from composer import outbox_claims as claims
from composer.channels.email import MailSettings
from composer.channels.factory import save_mail_settings
from composer.cli import main
from composer.errors import ComposerError
from composer.outbox import OutboxEntry, OutboxState
from composer.store import Store
from tests.core.test_delivery import Events, intake_profile, make_worker
from tests.servers.cutting_proxy import CuttingProxy
from tests.servers.intake import IntakeServer, make_profile, make_request
from tests.servers.smtp import SmtpServer

SUPPORT = "support@hosting.example"
TAG = "[Example #{number}]"
PROFILE = make_profile({"kind": "email", "to": SUPPORT, "subject_tag": TAG})


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    with Store(data_dir) as opened:
        yield opened


@pytest.fixture()
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer(security="none") as server:
        yield server


def use_port(store: Store, port: int) -> None:
    save_mail_settings(store, MailSettings(host="127.0.0.1", port=port, security="none", timeout=5))


def wait_state(store: Store, entry_id: str, *states: OutboxState, timeout: float = 20) -> OutboxEntry:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entry = box.get_entry(store, entry_id)
        assert entry is not None
        if entry.state in states:
            return entry
        time.sleep(0.02)
    raise AssertionError(f"entry {entry_id} is {entry.state}, not {states}")


def test_lost_reply_after_the_dot_makes_it_uncertain_and_never_resends(
    smtp: SmtpServer, store: Store
) -> None:
    with CuttingProxy(smtp.port, cut="after_dot") as proxy:
        use_port(store, proxy.port)
        worker = make_worker(store, Events())
        worker.start()
        try:
            entry = worker.submit(make_request(store), PROFILE)
            entry = wait_state(store, entry.id, OutboxState.UNCERTAIN, OutboxState.SENT, OutboxState.FAILED)
            time.sleep(0.5)  # a worker that resent by itself would have done so by now
        finally:
            worker.stop()
    assert entry.state is OutboxState.UNCERTAIN and entry.reason == "delivery.maybe_delivered"
    assert proxy.cuts == 1 and len(smtp.messages) == 1
    assert [a.outcome for a in worker.attempts(entry.id)] == ["uncertain"]
    with pytest.raises(ComposerError) as raised:
        worker.retry(entry.id)
    assert raised.value.code == "outbox.uncertain"
    with pytest.raises(ComposerError):
        worker.edit(entry.id)
    # the user found the confirmation: it arrived, with its number, into the history
    settled = worker.keep_reference(entry.id, " #4711 ")
    assert settled.state is OutboxState.SENT and settled.receipt is not None
    assert settled.receipt.reference == "4711"
    assert settled.receipt.message_id == smtp.messages[0].message["Message-ID"]
    found = history.get(store, entry.request_id)
    assert found is not None and found[0].receipt is not None and found[0].receipt.reference == "4711"
    assert len(smtp.messages) == 1


def test_cut_before_the_dot_is_sent_again_by_itself_once(smtp: SmtpServer, store: Store) -> None:
    with CuttingProxy(smtp.port, cut="in_body") as proxy:
        use_port(store, proxy.port)
        worker = make_worker(store, Events())
        worker.start()
        try:
            entry = worker.submit(make_request(store, sizes=(3_000_000,)), PROFILE)
            entry = wait_state(store, entry.id, OutboxState.SENT, OutboxState.FAILED, OutboxState.UNCERTAIN)
        finally:
            worker.stop()
    assert proxy.cuts == 1
    assert entry.state is OutboxState.SENT
    assert [a.outcome for a in worker.attempts(entry.id)] == ["network", "sent"]
    assert len(smtp.messages) == 1


def test_user_says_send_it_again(smtp: SmtpServer, store: Store) -> None:
    with CuttingProxy(smtp.port, cut="after_dot") as proxy:
        use_port(store, proxy.port)
        worker = make_worker(store, Events())
        worker.start()
        try:
            entry = worker.submit(make_request(store), PROFILE)
            wait_state(store, entry.id, OutboxState.UNCERTAIN)
            worker.settle(entry.id, arrived=False)
            entry = wait_state(store, entry.id, OutboxState.SENT)
        finally:
            worker.stop()
    first, second = (m.message for m in smtp.messages)
    assert first["Message-ID"] == second["Message-ID"]  # a helpdesk that de-duplicates sees one
    with pytest.raises(ComposerError) as raised:
        settling.settle_resend(store, entry.id)
    assert raised.value.code == "outbox.not_uncertain"


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _leave_sending(store: Store, entry: OutboxEntry, *, body_out: bool, lease_left: timedelta) -> None:
    """What a sender killed mid-send leaves behind."""
    owner = f"{claims.HOST}:{_dead_pid()}:deadbeef0000"
    claimed = claims.claim_due(store, owner, lease=lease_left)
    assert claimed is not None and claimed[0].id == entry.id
    if body_out:
        settling.mark_body_out(store, entry.id, owner, claimed[1])


@pytest.mark.parametrize(
    ("channel", "expected"), [("email", OutboxState.UNCERTAIN), ("intake", OutboxState.PENDING)]
)
def test_killed_after_the_body_left(store: Store, channel: str, expected: OutboxState) -> None:
    profile = PROFILE if channel == "email" else intake_profile(IntakeServer())
    entry = box.insert_entry(store, make_request(store), profile)
    _leave_sending(store, entry, body_out=True, lease_left=timedelta(minutes=5))
    assert claims.recover(store) == [entry.id]
    recovered = box.get_entry(store, entry.id)
    assert recovered is not None and recovered.state is expected
    assert [a.outcome for a in box.list_attempts(store, entry.id)] == ["interrupted"]


def test_retry_takes_over_an_entry_whose_sender_died(
    store: Store, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the issue: 16 minutes after the lease ran out, `outbox retry` still said "being sent right now"
    use_port(store, smtp.port)
    entry = box.insert_entry(store, make_request(store), PROFILE)
    _leave_sending(store, entry, body_out=False, lease_left=timedelta(minutes=-16))
    monkeypatch.setattr("composer.outbox_claims._owner_alive", lambda _owner: True)  # its pid was reused
    data = str(store.folder)
    assert main(["outbox", "retry", entry.id[:8], "--data-dir", data, "--wait", "20"]) == 0
    assert len(smtp.messages) == 1
    assert [a.outcome for a in box.list_attempts(store, entry.id)] == ["interrupted", "sent"]
    assert main(["outbox", "list", "--data-dir", data]) == 0
    assert " sent " in capsys.readouterr().out


def test_cli_shows_settles_and_keeps_the_number(
    smtp: SmtpServer, store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(store.folder)
    request = make_request(store)
    entry = box.insert_entry(store, request, PROFILE)
    # a send killed after the dot, as `kill -9` leaves it
    _leave_sending(store, entry, body_out=True, lease_left=timedelta(minutes=5))
    assert main(["outbox", "list", "--data-dir", data]) == 0
    out = capsys.readouterr().out
    assert "MAY HAVE ARRIVED" in out and f"outbox settle {entry.id[:12]} arrived|resend" in out
    assert main(["outbox", "retry", entry.id[:8], "--data-dir", data]) == 1
    err = capsys.readouterr().err
    assert "may have arrived" in err and "settle" in err
    assert main(["outbox", "keep-reference", entry.id[:8], "not a number!", "--data-dir", data]) == 1
    assert main(["outbox", "settle", entry.id[:8], "arrived", "--data-dir", data]) == 0
    assert "outbox keep-reference" in capsys.readouterr().out
    assert main(["outbox", "keep-reference", entry.id[:8], "[Example #815]", "--data-dir", data]) == 0
    assert "815" in capsys.readouterr().out
    assert main(["outbox", "list", "--data-dir", data]) == 0
    assert "number 815" in capsys.readouterr().out
    # a follow-up now carries the tag, so the helpdesk threads it
    use_port(store, smtp.port)
    worker = make_worker(store, Events())
    worker.start()
    try:
        follow = wait_state(store, worker.follow_up(request.id, "More.").id, OutboxState.SENT)
    finally:
        worker.stop()
    assert follow.receipt is not None and follow.receipt.reference == "815"
    [message] = (m.message for m in smtp.messages)
    assert message["Subject"].startswith("Re: [Example #815] ")
    assert message["In-Reply-To"] == settling.expected_message_id(entry)


def test_send_command_reports_may_have_arrived(
    smtp: SmtpServer, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from composer.profile import load_profile
    from composer.render import write_bundle

    profile_file = tmp_path / "profile.toml"
    profile_file.write_text(
        'format = 1\n[provider]\nid = "example"\nname = "Example Hosting"\n'
        f'[[channels]]\nkind = "email"\nto = "{SUPPORT}"\nsubject_tag = "{TAG}"\n',
        encoding="utf-8",
    )
    with Store(tmp_path / "staging") as staging:
        bundle = write_bundle(make_request(staging), load_profile(profile_file), staging, tmp_path / "r.zip")
    with CuttingProxy(smtp.port) as proxy:
        use_port(store, proxy.port)
        args: list[Any] = ["send", str(bundle), "--profile", str(profile_file)]
        args += ["--data-dir", str(store.folder)]
        assert main(args) == 4
        err = capsys.readouterr().err
        assert "may have arrived" in err and "[Example #…]" in err
        assert main(args) == 4  # sending the file again sends nothing
    assert len(smtp.messages) == 1


def test_intake_upload_marks_the_body_out_just_before_its_last_bytes() -> None:
    from composer.channels.intake import MultipartBody, Part

    seen: list[str] = []
    body = MultipartBody(
        [Part("request", "application/json", data=b"{}"), Part("note", "text/plain", data=b"x" * 10)],
        before_last=lambda: seen.append(f"mark after {sum(len(c) for c in chunks)}"),
    )
    chunks: list[bytes] = []
    for chunk in body:
        chunks.append(chunk)
    assert seen == [f"mark after {body.length - len(chunks[-1])}"]
    assert chunks[-1].endswith(b"--\r\n") and body.finished
