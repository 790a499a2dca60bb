"""Secrets live in the real Secret Service, or in memory for the session; never anywhere else."""

from __future__ import annotations

import logging
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from composer import outbox as box
from composer.channels.email import MailSettings, save_mail_settings, smtp_identity
from composer.channels.factory import ChannelFactory
from composer.credentials import Credentials, identity
from composer.delivery import Backoff, DeliveryListener, OutboxWorker
from composer.outbox import OutboxState
from composer.render import render_json, render_text, write_bundle
from composer.store import Store
from tests.servers.intake import IntakeServer, make_profile, make_request
from tests.servers.keyring import SecretService
from tests.servers.smtp import USER, SmtpServer


@pytest.fixture()
def secret_service(tmp_path: Path) -> Iterator[SecretService]:
    # a real Secret Service; scripts/setup installs dbus and gnome-keyring, so no skipping
    with SecretService(tmp_path / "keyring") as service:
        yield service


def test_keyring_roundtrip_per_profile_and_identity(secret_service: SecretService) -> None:
    credentials = Credentials(backend=secret_service.backend())
    assert not credentials.session_only
    assert credentials.set("example", identity("smtp", "Maria@Example.gr"), "one")
    credentials.set("other", identity("smtp", "maria@example.gr"), "two")
    assert credentials.get("example", "smtp:maria@example.gr") == "one"
    assert credentials.get("other", "smtp:maria@example.gr") == "two"
    # a second process (a new Credentials) reads it from the keyring, not from memory
    again = Credentials(backend=secret_service.backend())
    assert again.get("example", "smtp:maria@example.gr") == "one"
    again.forget("example", "smtp:maria@example.gr")
    assert again.get("example", "smtp:maria@example.gr") is None
    again.forget("example", "smtp:maria@example.gr")  # forgetting twice is fine


def test_no_keyring_keeps_secrets_in_memory_and_says_so() -> None:
    credentials = Credentials(backend=FailKeyring())
    assert credentials.session_only
    assert not credentials.set("example", "smtp:a", "secret")
    assert credentials.get("example", "smtp:a") == "secret"
    assert Credentials(backend=FailKeyring()).get("example", "smtp:a") is None


class BrokenKeyring:
    priority = 5

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError(f"locked while reading {service}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"cannot store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise RuntimeError("locked")


def test_a_failing_keyring_falls_back_without_leaking(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    credentials = Credentials(backend=BrokenKeyring())
    assert not credentials.session_only
    assert not credentials.set("example", "intake:a", "s3cr3t-value")
    assert credentials.session_only
    assert credentials.get("example", "intake:a") == "s3cr3t-value"
    assert "s3cr3t-value" not in caplog.text


SMTP_PASSWORD = "Zq8-smtp-very-secret-41f0"
TOKEN = "tok-intake-very-secret-93ab"


def test_full_send_leaves_no_secret_anywhere(
    secret_service: SecretService, data_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    credentials = Credentials(backend=secret_service.backend())
    with (
        Store(data_dir) as store,
        SmtpServer(password=SMTP_PASSWORD) as smtp,
        IntakeServer(tokens={TOKEN}) as intake,
    ):
        mail = MailSettings(host="127.0.0.1", port=smtp.port, username=USER, timeout=5)
        save_mail_settings(store, mail)
        assert credentials.set("example", smtp_identity(mail), SMTP_PASSWORD)
        assert credentials.set("example", identity("intake", "maria@example.gr"), TOKEN)
        profile = make_profile(
            {"kind": "helpdesk", "helpdesk": "intake", "url": intake.url},
            {"kind": "email", "to": "support@hosting.example"},
        )
        channels = ChannelFactory(
            store,
            credentials,
            data_dir / "bundles",
            ssl_context=smtp.client_context(),
            http_timeout=httpx.Timeout(5),
        )
        offers: list[Any] = []
        worker = OutboxWorker(
            store,
            channels,
            DeliveryListener(on_fallback=offers.append),
            backoff=Backoff(base=0.01, jitter=0),
            poll=0.05,
        )
        request = make_request(store, sizes=(2000,))
        intake.faults.append("401")
        worker.start()
        try:
            entry = worker.submit(request, profile)
            deadline = time.monotonic() + 20
            while not offers and time.monotonic() < deadline:
                time.sleep(0.02)
            worker.continue_with_next(entry.id)
            while time.monotonic() < deadline:
                current = box.get_entry(store, entry.id)
                assert current is not None
                if current.state is OutboxState.SENT:
                    break
                time.sleep(0.02)
            # the intake API works as well, with the token from the keyring
            second = worker.submit(make_request(store, seed=2), profile)
            while time.monotonic() < deadline:
                current = box.get_entry(store, second.id)
                assert current is not None
                if current.state is OutboxState.SENT:
                    break
                time.sleep(0.02)
        finally:
            worker.stop()
        assert len(smtp.messages) == 1 and len(intake.tickets) == 1
        rendered = render_text(request, profile) + render_json(request)
        bundle = write_bundle(request, profile, store, tmp_path / "out.zip")
        with zipfile.ZipFile(bundle) as opened:
            rendered += "".join(opened.read(n).decode("utf-8", "replace") for n in opened.namelist())
        attempts = "".join(f"{a.code}{a.detail}" for a in worker.attempts(entry.id))
    traffic = b"".join(m.data for m in smtp.messages) + b"".join(
        repr(t.document).encode() for t in intake.tickets.values()
    )
    for secret in (SMTP_PASSWORD, TOKEN):
        for path in data_dir.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), path
        assert secret not in caplog.text
        assert secret not in rendered and secret not in attempts
        assert secret.encode() not in traffic
