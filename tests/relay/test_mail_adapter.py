"""The mail-intake adapter through a real SMTP server (aiosmtpd, STARTTLS, AUTH).

And what the operator does when a send was refused or its outcome is unknown.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer_relay.cli import main as relay_main
from composer_relay.db import open_database
from tests.relay.conftest import CUSTOMER, REQUESTER
from tests.relay.test_api import document
from tests.relay.test_forwarding import _post, _until
from tests.servers.relay import RelayServer, issue, relay_config
from tests.servers.smtp import SmtpServer


@pytest.fixture()
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def mail_settings(smtp: SmtpServer, tmp_path: Path) -> dict[str, Any]:
    ca = tmp_path / "ca.pem"
    smtp.ca.cert_pem.write_to_path(str(ca))
    return {
        "kind": "mail",
        "to": "support@example.test",
        "sender": "relay@example.test",
        "host": "localhost",
        "port": smtp.port,
        "username": smtp.user,
        "password": smtp.password,
        "ca_file": str(ca),
        "message_domain": "intake.example.test",
    }


def test_request_and_follow_up_arrive_as_threaded_mail(smtp: SmtpServer, tmp_path: Path) -> None:
    config = relay_config(tmp_path, mail_settings(smtp, tmp_path), server={"answer_wait_seconds": 5.0})
    token = issue(config, CUSTOMER, REQUESTER)
    shot = ("shot.png", b"\x89PNG" + bytes(range(256)), "image/png")
    with RelayServer(config) as server:
        answer = _post(
            server,
            token,
            document(shot, id="mail-0001", error_text="550 5.7.1 Relaying denied"),
            "key-mail-000000000001",
            [shot],
        )
        assert answer.status_code == 201
        reference = answer.json()["reference"]
        assert reference.startswith("RC-")  # a mailbox has no number to give back
        [first] = smtp.messages
        message = first.message
        assert first.rcpt_tos == ["support@example.test"] and first.mail_from == "relay@example.test"
        assert (
            message["From"] == "Maria <maria@example.gr>" and message["X-Request-Composer-Id"] == "mail-0001"
        )
        assert reference in message["Subject"] and message["Message-ID"] == "<mail-0001@intake.example.test>"
        body = message.get_body(("plain",))
        assert body is not None and "550 5.7.1 Relaying denied" in body.get_content()
        [attached] = list(message.iter_attachments())
        assert attached.get_filename() == "shot.png" and attached.get_content() == shot[1]
        import httpx

        with httpx.Client() as client:
            posted = client.post(
                f"{server.url}/requests/{reference}/messages",
                files=[("message", (None, '{"text": "Still failing."}', "application/json"))],
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "key-mail-follow-0001"},
            )
        assert posted.status_code == 201, posted.text
        _until(lambda: len(smtp.messages) == 2)
        follow = smtp.messages[1].message
        assert follow["In-Reply-To"] == "<mail-0001@intake.example.test>"
        assert "Still failing." in follow.get_content() if not follow.is_multipart() else True


def test_temporary_refusal_is_retried_and_permanent_one_waits_for_the_operator(
    smtp: SmtpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    config = relay_config(
        tmp_path,
        mail_settings(smtp, tmp_path),
        server={"answer_wait_seconds": 0.0, "settle_delay_seconds": 0.1},
    )
    token = issue(config, CUSTOMER, REQUESTER)
    smtp.faults += ["451", "554"]
    with RelayServer(config) as server:
        _post(server, token, document(id="mail-temp-0001"), "key-mail-temp-000001")
        _until(lambda: _state(config, "mail-temp-0001") == "failed", timeout=20)
    assert smtp.messages == []  # 451, then 554: nothing delivered, nothing duplicated
    # the SMTP password is in no log line, no error the operator sees, nowhere in the database
    assert "forward refused" in caplog.text and smtp.password not in caplog.text
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("relay.db*"))
    assert b"SMTP 554" in stored and smtp.password.encode() not in stored
    config_file = _write_config(tmp_path, config)
    assert relay_main(["--config", str(config_file), "pending"]) == 0
    reference = capsys.readouterr().out.split("\t")[0]
    assert relay_main(["--config", str(config_file), "retry", reference]) == 0
    with RelayServer(config):
        _until(lambda: _state(config, "mail-temp-0001") == "forwarded")
    assert len(smtp.messages) == 1


def _state(config: Any, request_id: str) -> str:
    database = open_database(config.storage.database)
    try:
        with database.transaction() as cursor:
            cursor.execute("SELECT state FROM requests WHERE request_id = ?", (request_id,))
            row = cursor.fetchone()
        return str(row[0]) if row else ""
    finally:
        database.close()


def _write_config(tmp_path: Path, config: Any) -> Path:
    path = tmp_path / "relay.toml"
    path.write_text(
        f'[storage]\ndatabase = "{config.storage.database}"\nattachments = "{config.storage.attachments}"\n'
        '[helpdesk]\nkind = "mail"\nto = "support@example.test"\n'
        'sender = "relay@example.test"\nhost = "127.0.0.1"\n',
        encoding="utf-8",
    )
    return path


def test_unknown_outcome_is_left_to_the_operator_not_resent(
    smtp: SmtpServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = relay_config(tmp_path, mail_settings(smtp, tmp_path), server={"answer_wait_seconds": 0.0})
    token = issue(config, CUSTOMER, REQUESTER)
    with RelayServer(config, forward=False) as server:
        _post(server, token, document(id="mail-unsure-0001"), "key-mail-unsure-00001")
    database = open_database(config.storage.database)
    with database.transaction() as cursor:
        # what a crash between "may be out" and the answer leaves behind
        cursor.execute("UPDATE requests SET state = 'sending', maybe_out = 1")
    database.close()
    with RelayServer(config):
        _until(lambda: _state(config, "mail-unsure-0001") == "unsure")
        time.sleep(0.3)
    assert smtp.messages == []
    config_file = _write_config(tmp_path, config)
    relay_main(["--config", str(config_file), "pending"])
    reference = capsys.readouterr().out.split("\t")[0]
    assert relay_main(["--config", str(config_file), "resolve", reference, "--resend"]) == 0
    with RelayServer(config):
        _until(lambda: _state(config, "mail-unsure-0001") == "forwarded")
    assert len(smtp.messages) == 1
