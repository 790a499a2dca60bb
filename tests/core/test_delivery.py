"""The outbox worker: persist first, retry what is retryable, offer the next channel, never twice."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from composer import history
from composer import outbox as box
from composer import outbox_claims as claims
from composer.channels.email import MailSettings, save_mail_settings, smtp_identity
from composer.channels.factory import ChannelFactory
from composer.credentials import Credentials, identity
from composer.delivery import Backoff, CredentialNeeded, DeliveryListener, FallbackOffer, OutboxWorker
from composer.outbox import OutboxEntry, OutboxState
from composer.store import Store
from tests.servers.intake import TOKEN, IntakeServer, make_profile, make_request
from tests.servers.relay_intake import RelayIntake
from tests.servers.smtp import PASSWORD, USER, SmtpServer

FAST = Backoff(base=0.05, factor=2, cap=0.5, jitter=0, max_attempts=8)


@dataclass
class Events:
    states: list[tuple[str, str]] = field(default_factory=list)
    progress: list[tuple[int, int]] = field(default_factory=list)
    offers: list[FallbackOffer] = field(default_factory=list)
    credentials: list[CredentialNeeded] = field(default_factory=list)

    def listener(self) -> DeliveryListener:
        return DeliveryListener(
            on_state=lambda e: self.states.append((e.id, e.state)),
            on_progress=lambda _id, s, t: self.progress.append((s, t)),
            on_fallback=self.offers.append,
            on_credential_needed=self.credentials.append,
        )

    def arrived(self, name: str, timeout: float = 10) -> list[Any]:
        """The events called *name*, once at least one has come.

        The worker commits an entry's state before it calls the listener, so a
        test that sees the state in the store waits here for the call itself.
        """
        deadline = time.monotonic() + timeout
        while not getattr(self, name) and time.monotonic() < deadline:
            time.sleep(0.01)
        return list(getattr(self, name))


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    with Store(data_dir) as opened:
        yield opened


@pytest.fixture()
def intake() -> Iterator[IntakeServer]:
    with IntakeServer(slow_seconds=0.6) as server:
        yield server
    assert server.violations == []


def credentials() -> Credentials:
    found = Credentials(backend=FailKeyring())
    assert found.session_only
    return found


def make_worker(
    store: Store, events: Events, secrets: Credentials | None = None, token: str = TOKEN, **factory: Any
) -> OutboxWorker:
    secrets = secrets or credentials()
    secrets.set("example", identity("intake", "maria@example.gr"), token)
    channels = ChannelFactory(
        store, secrets, store.folder / "bundles", http_timeout=httpx.Timeout(0.4), **factory
    )
    return OutboxWorker(store, channels, events.listener(), backoff=FAST, poll=0.05)


def wait_done(store: Store, entry_id: str, timeout: float = 20) -> OutboxEntry:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        entry = box.get_entry(store, entry_id)
        assert entry is not None
        if entry.state in {OutboxState.SENT, OutboxState.FAILED}:
            return entry
        time.sleep(0.02)
    raise AssertionError(f"entry {entry_id} still {entry.state}")


def intake_profile(server: IntakeServer | RelayIntake, *more: dict[str, Any]) -> Any:
    return make_profile({"kind": "helpdesk", "helpdesk": "intake", "url": server.url}, *more)


def test_submit_persists_before_anything_is_sent(store: Store, intake: IntakeServer, data_dir: Path) -> None:
    worker = make_worker(store, Events())
    request = make_request(store)
    store.save_draft(request)
    entry = worker.submit(request, intake_profile(intake))
    assert entry.state is OutboxState.PENDING and intake.posts == 0
    assert store.load_draft(request.id) is None
    with Store(data_dir) as other:
        again = box.get_entry(other, entry.id)
    assert again is not None and again.request == request
    assert worker.submit(request, intake_profile(intake)).id == entry.id


def test_send_in_background_with_progress_receipt_and_history(store: Store, intake: IntakeServer) -> None:
    events = Events()
    worker = make_worker(store, events)
    request = make_request(store, sizes=(600_000,))
    worker.start()
    try:
        entry = wait_done(store, worker.submit(request, intake_profile(intake)).id)
    finally:
        worker.stop()
    assert entry.state is OutboxState.SENT and entry.receipt is not None
    assert entry.receipt.reference == "EX-00001"
    assert [s for _, s in events.states][-1] == "sent" and "sending" in [s for _, s in events.states]
    assert events.progress[-1][0] == events.progress[-1][1] > 600_000
    [attempt] = worker.attempts(entry.id)
    assert (attempt.outcome, attempt.channel, attempt.idempotency_key) == (
        "sent",
        "intake",
        entry.idempotency_key,
    )
    found = history.get(store, request.id)
    assert found is not None and found[0].receipt == entry.receipt
    assert [h.request_id for h in history.search(store, "EX-00001")] == [request.id]
    assert [h.request_id for h in history.search(store, "relaying")] == [request.id]
    assert [h.request_id for h in history.search(store, "example.gr mail")] == [request.id]
    assert history.search(store, "wordpress") == []


@pytest.mark.parametrize("kind", ["intake", "relay"])
@pytest.mark.parametrize(
    "faults",
    [
        ["500"],
        ["drop_mid_upload"],
        ["slow"],
        ["drop_after_create"],
        ["503", "500", "slow", "drop_mid_upload"],
    ],
)
def test_transient_failures_are_retried_and_delivered_once(
    store: Store, faults: list[str], kind: str, tmp_path: Path
) -> None:
    """Also through the real relay (into a helpdesk), with the faults made in the relay for real."""
    server = IntakeServer(slow_seconds=0.6) if kind == "intake" else RelayIntake(tmp_path, slow_seconds=0.6)
    with server:
        worker = make_worker(store, Events(), token=server.token)
        for fault in faults:
            server.faults.append(fault)
        request = make_request(store, sizes=(300_000,))
        worker.start()
        try:
            entry = wait_done(store, worker.submit(request, intake_profile(server)).id)
        finally:
            worker.stop()
        assert entry.state is OutboxState.SENT and entry.receipt is not None
        assert server.tickets_by_request_id() == {request.id: [entry.receipt.reference]}
        attempts = worker.attempts(entry.id)
        assert attempts[-1].outcome == "sent"
        # one failed try per fault; the relay may also say "the first try is still being
        # answered" (409 idempotency.in_progress) to a retry that comes while it waits
        failed: list[str] = []
        for attempt in attempts[:-1]:
            waiting = failed[-1:] == ["delivery.timeout"] and attempt.code == "delivery.server_error"
            if not (kind == "relay" and waiting):
                failed.append(attempt.code)
        assert len(failed) == len(faults), [(a.code, a.detail) for a in attempts]
        assert {h["idempotency-key"] for h in server.received_headers} == {entry.idempotency_key}
    assert server.violations == []


def test_server_down_then_back(store: Store, intake: IntakeServer) -> None:
    worker = make_worker(store, Events())
    intake.stop()
    requests = [make_request(store, seed=i) for i in range(5)]
    worker.start()
    try:
        ids = [worker.submit(r, intake_profile(intake)).id for r in requests]
        time.sleep(0.5)
        assert not worker.entries(OutboxState.SENT, OutboxState.FAILED)
        assert any(a.outcome == "network" for a in worker.attempts(ids[0]))
        intake.start()
        entries = [wait_done(store, i) for i in ids]
    finally:
        worker.stop()
    assert all(e.state is OutboxState.SENT for e in entries)
    assert sorted(intake.tickets_by_request_id()) == sorted(r.id for r in requests)
    assert all(len(refs) == 1 for refs in intake.tickets_by_request_id().values())


def test_rejection_offers_next_channel_and_never_falls_back_silently(
    store: Store, intake: IntakeServer
) -> None:
    events = Events()
    with SmtpServer() as smtp:
        secrets = credentials()
        mail = MailSettings(host="127.0.0.1", port=smtp.port, username=USER, timeout=5)
        save_mail_settings(store, mail)
        secrets.set("example", smtp_identity(mail), PASSWORD)
        worker = make_worker(store, events, secrets, ssl_context=smtp.client_context())
        profile = intake_profile(intake, {"kind": "email", "to": "support@hosting.example"}, {"kind": "file"})
        intake.faults.append("422")
        request = make_request(store)
        worker.start()
        try:
            entry = wait_done(store, worker.submit(request, profile).id)
            assert entry.state is OutboxState.FAILED and entry.reason == "delivery.rejected"
            assert entry.reason_params["reason"] == "The domain is not ours"
            time.sleep(0.2)
            assert smtp.messages == []
            [offer] = events.arrived("offers")
            assert (offer.failed_channel, offer.next_channel) == ("intake", "email")
            assert "The next way is email" in offer.message()
            assert "The domain is not ours" in offer.message()
            worker.continue_with_next(entry.id)
            entry = wait_done(store, entry.id)
        finally:
            worker.stop()
    assert entry.state is OutboxState.SENT and entry.receipt is not None
    assert entry.receipt.channel == "email" and len(smtp.messages) == 1
    assert [a.channel for a in worker.attempts(entry.id)] == ["intake", "email"]


def test_auth_failure_asks_for_the_credential(store: Store, intake: IntakeServer) -> None:
    events = Events()
    secrets = credentials()
    worker = make_worker(store, events, secrets)
    secrets.set("example", identity("intake", "maria@example.gr"), "expired-token")
    worker.start()
    try:
        entry = wait_done(store, worker.submit(make_request(store), intake_profile(intake)).id)
        assert entry.state is OutboxState.FAILED and entry.failure_kind == "auth"
        [needed] = events.arrived("credentials")
        assert (needed.profile_id, needed.identity) == ("example", "intake:maria@example.gr")
        secrets.set(needed.profile_id, needed.identity, TOKEN)
        entry = wait_done(store, worker.retry(entry.id).id)
    finally:
        worker.stop()
    assert entry.state is OutboxState.SENT


def test_gives_up_after_max_attempts_and_offers_the_file(store: Store, intake: IntakeServer) -> None:
    events = Events()
    worker = make_worker(store, events)
    worker.backoff = Backoff(base=0.01, jitter=0, max_attempts=3)
    intake.faults.extend(["500"] * 3)
    worker.start()
    try:
        entry = wait_done(
            store, worker.submit(make_request(store), intake_profile(intake, {"kind": "file"})).id
        )
        assert entry.state is OutboxState.FAILED and entry.attempts == 3
        assert events.arrived("offers")[0].next_channel == "file"
        entry = wait_done(store, worker.continue_with_next(entry.id).id)
    finally:
        worker.stop()
    assert entry.receipt is not None and entry.receipt.channel == "file"
    with zipfile.ZipFile(Path(entry.receipt.url.removeprefix("file://"))) as bundle:
        assert "request.txt" in bundle.namelist()


def test_crash_while_sending_is_recovered_with_the_same_key(store: Store, intake: IntakeServer) -> None:
    request = make_request(store)
    profile = intake_profile(intake)
    worker = make_worker(store, Events())
    entry = worker.submit(request, profile)
    # a process claimed it, reached the server (ticket made), then died
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    owner = f"{claims.HOST}:{dead.stdout.strip()}:0badc0ffee00"
    claimed = claims.claim_due(store, owner, lease=timedelta(minutes=15))
    assert claimed is not None and claimed[0].state is OutboxState.SENDING
    make_worker(store, Events()).channels.make(profile.channels[0], profile).send(request, box_context(entry))
    assert len(intake.tickets) == 1
    worker.start()
    try:
        done = wait_done(store, entry.id)
    finally:
        worker.stop()
    assert done.state is OutboxState.SENT and done.receipt is not None
    assert done.receipt.reference == "EX-00001" and len(intake.tickets) == 1
    assert [a.outcome for a in worker.attempts(entry.id)] == ["interrupted", "sent"]


def box_context(entry: OutboxEntry) -> Any:
    from composer.channels.base import SendContext

    return SendContext(entry.profile, entry.idempotency_key)


def test_live_owner_is_not_recovered(store: Store, intake: IntakeServer) -> None:
    worker = make_worker(store, Events())
    entry = worker.submit(make_request(store), intake_profile(intake))
    other = make_worker(store, Events())
    assert claims.claim_due(store, other._owner, lease=timedelta(minutes=5)) is not None
    assert worker.recover() == []
    other.stop()  # the other worker is gone now
    assert worker.recover() == [entry.id]


def test_edit_save_as_file_and_states(store: Store, intake: IntakeServer, tmp_path: Path) -> None:
    worker = make_worker(store, Events())
    request = make_request(store)
    entry = worker.submit(request, intake_profile(intake))
    saved = worker.save_as_file(entry.id, tmp_path / "mine.zip")
    assert zipfile.ZipFile(saved).read("request.txt")
    draft = worker.edit(entry.id)
    assert draft == request and store.load_draft(request.id) == request
    assert box.get_entry(store, entry.id) is None
    from composer.errors import ComposerError

    with pytest.raises(ComposerError) as missing:
        worker.retry(entry.id)
    assert missing.value.code == "outbox.not_found"
    again = worker.submit(draft, intake_profile(intake))
    assert again.id != entry.id and again.idempotency_key != entry.idempotency_key


def test_follow_ups_go_to_the_same_ticket(store: Store, intake: IntakeServer) -> None:
    worker = make_worker(store, Events())
    request = make_request(store)
    worker.start()
    try:
        wait_done(store, worker.submit(request, intake_profile(intake)).id)
        extra = store.add_attachment_bytes("bounce.eml", b"bounce", media_type="message/rfc822")
        follow = wait_done(store, worker.follow_up(request.id, "Still failing.", (extra,)).id)
    finally:
        worker.stop()
    assert follow.state is OutboxState.SENT
    [message] = intake.tickets["EX-00001"].messages
    assert message["text"] == "Still failing." and message["files"] == [("bounce.eml", b"bounce")]
    [kept] = history.messages(store, request.id)
    assert kept.text == "Still failing." and kept.receipt.reference == "EX-00001"
    assert [h.request_id for h in history.search(store, "still failing")] == [request.id]


def test_reopen_as_template_and_set_reference(store: Store, intake: IntakeServer) -> None:
    worker = make_worker(store, Events())
    request = make_request(store)
    worker.start()
    try:
        wait_done(store, worker.submit(request, intake_profile(intake)).id)
    finally:
        worker.stop()
    template = history.reopen_as_template(store, request.id)
    assert template.id != request.id and template.receipt is None
    assert template.description == request.description
    assert store.load_draft(template.id) == template
    history.set_reference(store, request.id, "T-99")
    assert [h.request_id for h in history.search(store, "T-99")] == [request.id]


def test_concurrent_workers_send_each_entry_once(store: Store, intake: IntakeServer, data_dir: Path) -> None:
    requests = [make_request(store, seed=i) for i in range(12)]
    workers = [make_worker(Store(data_dir), Events()) for _ in range(3)]
    for request in requests:
        workers[0].submit(request, intake_profile(intake))
    threads = [threading.Thread(target=lambda w=w: [w.run_once() for _ in range(12)]) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in workers:
        worker.store.close()
    assert sorted(intake.tickets_by_request_id()) == sorted(r.id for r in requests)
    assert intake.posts == 12


def test_email_retry_keeps_message_id_and_follow_up_threads(store: Store) -> None:
    with SmtpServer() as smtp:
        secrets = credentials()
        mail = MailSettings(host="127.0.0.1", port=smtp.port, username=USER, timeout=5)
        save_mail_settings(store, mail)
        secrets.set("example", smtp_identity(mail), PASSWORD)
        worker = make_worker(store, Events(), secrets, ssl_context=smtp.client_context())
        profile = make_profile(
            {"kind": "email", "to": "support@hosting.example", "subject_tag": "[Ex #{number}]"}
        )
        smtp.faults.append("451")
        request = make_request(store)
        worker.start()
        try:
            entry = wait_done(store, worker.submit(request, profile).id)
            assert entry.state is OutboxState.SENT and entry.receipt is not None
            assert [a.outcome for a in worker.attempts(entry.id)] == ["server", "sent"]
            history.set_reference(store, request.id, "815")
            follow = wait_done(store, worker.follow_up(request.id, "More details.").id)
        finally:
            worker.stop()
    assert follow.state is OutboxState.SENT
    first, second = (m.message for m in smtp.messages)
    assert first["Message-ID"] == entry.receipt.message_id
    assert second["In-Reply-To"] == first["Message-ID"]
    assert second["Subject"].startswith("Re: [Ex #815] ")
