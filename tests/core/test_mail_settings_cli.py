"""``request-composer mail-settings``, then ``new``, ``send`` and ``follow-up`` by e-mail.

Real parts: the Secret Service (gnome-keyring on a private D-Bus,
tests/servers/keyring.py) holds the password, aiosmtpd with STARTTLS and
AUTH (tests/servers/smtp.py) receives the mail, the command runs as
``cli.main`` in this process and as a subprocess.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.channels.email import MailSettings, smtp_identity
from composer.cli import main
from composer.credentials import Credentials
from composer.errors import describe
from tests.servers.keyring import SecretService
from tests.servers.smtp import PASSWORD, USER, SmtpServer

SUPPORT = "support@hosting.example"
PROFILE = f"""
[provider]
id = "mail-hosting"
name = "Mail Hosting"
[[expected.mail_client.outgoing]]
protocol = "smtp"
host = "smtp.mail-hosting.example"
port = 465
security = "tls"
[[channels]]
kind = "email"
to = "{SUPPORT}"
subject_tag = "[Mail Hosting #{{number}}]"
"""
FIELDS = [
    "name=Maria Papadopoulou",
    f"email={USER}",
    "category=site_down",
    "domain=example.gr",
    "summary=The shop shows a white page",
    "description=Since this morning the shop shows nothing.",
]


@pytest.fixture()
def secret_service(tmp_path: Path) -> Iterator[SecretService]:
    with SecretService(tmp_path / "keyring") as service:
        yield service


@pytest.fixture()
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture()
def env(
    secret_service: SecretService, smtp: SmtpServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Path]:
    monkeypatch.setattr("keyring.get_keyring", secret_service.backend)
    monkeypatch.delenv("REQUEST_COMPOSER_SECRET", raising=False)
    ca = tmp_path / "ca.pem"
    smtp.ca.cert_pem.write_to_path(str(ca))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca))  # the system's trust, as a user would set it
    profile = tmp_path / "profile.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    return {"profile": profile, "data": tmp_path / "data", "tmp": tmp_path}


def run(env: dict[str, Path], *argv: str, stdin: str = "") -> int:
    sys.stdin = io.StringIO(stdin)
    try:
        return main([*argv, "--profile", str(env["profile"]), "--data-dir", str(env["data"])])
    finally:
        sys.stdin = sys.__stdin__


def test_set_keeps_the_password_in_the_keyring_only(
    env: dict[str, Path], smtp: SmtpServer, secret_service: SecretService, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(env, "mail-settings") == 0
    out = capsys.readouterr().out
    assert "not set up yet" in out and "Mail Hosting recommends smtp.mail-hosting.example, port 465" in out
    port = str(smtp.port)
    set_args = ["mail-settings", "set", "--host", "127.0.0.1", "--port", port, "--security", "starttls"]
    assert run(env, *set_args, "--user", USER, "--password-stdin", stdin=PASSWORD + "\n") == 0
    assert "kept in your system's keyring" in capsys.readouterr().out
    stored = MailSettings(host="127.0.0.1", port=smtp.port, security="starttls", username=USER)
    keyring = Credentials(backend=secret_service.backend())
    assert keyring.get("mail-hosting", smtp_identity(stored)) == PASSWORD
    for file in env["data"].rglob("*"):
        if file.is_file():
            assert PASSWORD.encode() not in file.read_bytes(), f"the password is in {file}"
    assert run(env, "mail-settings", "show") == 0
    out = capsys.readouterr().out
    assert "127.0.0.1" in out and port in out and USER in out and "stored in your system's keyring" in out
    assert PASSWORD not in out
    # a change of port alone keeps the rest; the stored password belongs to the old port
    assert run(env, "mail-settings", "set", "--port", "2525") == 1
    assert describe("mail.password_missing")[1] in capsys.readouterr().err
    assert run(env, "mail-settings", "set", "--host", "") == 1
    assert describe("mail.host_missing")[1] in capsys.readouterr().err


def test_new_send_and_follow_up_by_e_mail(
    env: dict[str, Path], smtp: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    port = str(smtp.port)
    assert (
        run(
            env,
            "mail-settings",
            "set",
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--user",
            USER,
            "--password-stdin",
            stdin=PASSWORD + "\n",
        )
        == 0
    )
    bundle = str(env["tmp"] / "request.zip")
    fields = [arg for field in FIELDS for arg in ("--field", field)]
    assert run(env, "new", *fields, "--output", bundle) == 0
    # no --profile: the bundle knows its provider
    assert main(["send", bundle, "--data-dir", str(env["data"])]) == 0
    assert "Sent by email" in capsys.readouterr().out
    [first] = smtp.messages
    message = first.message
    request_id = message["X-Request-Composer-Id"]
    assert first.rcpt_tos == [SUPPORT] and request_id in message.get_body().get_content()
    assert run(env, "follow-up", request_id[:10], "--text", "Now it also shows error 500.") == 0
    second = smtp.messages[1].message
    assert second["In-Reply-To"] == message["Message-ID"]
    assert "error 500" in second.get_body().get_content()
    assert smtp.auth_attempts and all(ok for _user, ok in smtp.auth_attempts)


def test_password_from_standard_input_in_a_subprocess(
    env: dict[str, Path], smtp: SmtpServer, secret_service: SecretService
) -> None:
    command = [
        sys.executable,
        "-m",
        "composer",
        "--profile",
        str(env["profile"]),
        "--data-dir",
        str(env["data"]),
    ]
    environment = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring"}
    done = subprocess.run(
        [
            *command,
            "mail-settings",
            "set",
            "--host",
            "localhost",
            "--security",
            "tls",
            "--user",
            USER,
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    shown = subprocess.run(
        [*command, "mail-settings", "show"], capture_output=True, text=True, env=environment, timeout=60
    )
    assert shown.returncode == 0, shown.stderr
    assert "465" in shown.stdout and "stored in your system's keyring" in shown.stdout
    assert PASSWORD not in shown.stdout + shown.stderr
    stored = MailSettings(host="localhost", port=465, security="tls", username=USER)
    assert (
        Credentials(backend=secret_service.backend()).get("mail-hosting", smtp_identity(stored)) == PASSWORD
    )
