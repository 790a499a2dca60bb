"""``relay`` as a provider runs it: check-config, migrate, tokens, serve; and no agent credential ever leaves.

``relay serve`` runs as a real process with a real ``relay.toml`` in front
of the real RT; its logs (standard error), every answer it gives, its
database and its metrics are searched for the RT token (the mail adapter's
password: ``test_mail_adapter``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from composer_relay.cli import main as relay_main
from composer_relay.db import MIGRATIONS
from tests.relay.conftest import CUSTOMER, REQUESTER
from tests.relay.test_api import document
from tests.servers.rt import RequestTracker
from tests.servers.smtp import free_port


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def check(path: Path, capsys: pytest.CaptureFixture[str], **env: str) -> tuple[int, str]:
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        code = relay_main(["--config", str(path), "check-config"])
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_check_config_names_the_key_and_what_to_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = check(tmp_path / "missing.toml", capsys)
    assert code == 1 and "cannot be read" in out
    code, out = check(write(tmp_path / "a.toml", "[storage]\n"), capsys)
    assert code == 1 and "helpdesk.kind: missing; write one of 'rt', 'mail', 'zammad'" in out
    assert 'e.g. kind = "rt"' in out
    code, out = check(write(tmp_path / "b.toml", '[helpdesk]\nkind = "jira"\n'), capsys)
    assert "helpdesk.kind: 'jira' is unknown" in out
    bad = write(
        tmp_path / "c.toml",
        '[server]\nport = "web"\ncolour = 1\n[storage]\nattachments = "/tmp/x"\n'
        '[helpdesk]\nkind = "rt"\nurl = "rt.example.com"\n',
    )
    code, out = check(bad, capsys, RELAY_HELPDESK_TOKEN="t0ken-from-env")
    assert code == 1
    assert "server.port: Input should be a valid integer" in out and "write e.g. port = 8780" in out
    assert "server.colour: not a setting the relay knows" in out
    assert 'storage.database: missing; write e.g. database = "/var/lib/composer-relay/relay.db"' in out
    assert (
        "helpdesk.url: String should match pattern" in out and 'url = "https://helpdesk.example.com"' in out
    )
    assert "t0ken-from-env" not in out
    good = '[storage]\ndatabase = "{db}"\nattachments = "{files}"\n[helpdesk]\nkind = "rt"\nurl = "https://rt.example.com"\n'
    text = good.format(db=tmp_path / "r.db", files=tmp_path / "files")
    readable = write(tmp_path / "d.toml", text + 'token = "in-file-secret"\n', mode=0o644)
    code, out = check(readable, capsys)
    assert code == 1 and "helpdesk.token: a secret in a file others can read" in out and "chmod 600" in out
    assert "in-file-secret" not in out
    code, out = check(write(tmp_path / "e.toml", text), capsys, RELAY_HELPDESK_TOKEN="t0ken-from-env")
    assert code == 0 and "configuration is usable" in out and "search by request id" in out
    assert "no: the operator settles those" in out  # no request id custom field configured
    assert "t0ken-from-env" not in out


def test_the_example_configuration_is_usable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[2] / "relay" / "relay.example.toml"
    text = example.read_text(encoding="utf-8").replace("/var/lib/composer-relay", str(tmp_path))
    code, out = check(write(tmp_path / "relay.toml", text), capsys, RELAY_HELPDESK_TOKEN="t0ken-from-env")
    assert code == 0, out
    assert (
        "Request Tracker (REST2)" in out
        and "search by request id (exactly once after an unknown outcome): yes" in out
    )


def test_migrate_and_tokens_are_stored_hashed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "relay.db"
    config = write(
        tmp_path / "relay.toml",
        f'[storage]\ndatabase = "{db}"\nattachments = "{tmp_path / "files"}"\n'
        '[helpdesk]\nkind = "mail"\nto = "support@example.test"\n'
        'sender = "relay@example.test"\nhost = "127.0.0.1"\n',
    )
    assert relay_main(["--config", str(config), "migrate"]) == 0
    latest = len(MIGRATIONS)
    applied = list(range(1, latest + 1))
    assert f"schema at version {latest} (applied {applied})" in capsys.readouterr().out
    assert relay_main(["--config", str(config), "migrate"]) == 0
    assert capsys.readouterr().out.strip() == f"schema at version {latest}"
    assert (
        relay_main(
            [
                "--config",
                str(config),
                "token",
                "issue",
                "--customer",
                CUSTOMER,
                "--owner",
                "Owner@Example.gr",
                "--technical",
                "web@studio.example",
            ]
        )
        == 0
    )
    token = capsys.readouterr().out.strip()
    assert token.startswith("rct_")
    secret = token.split("_", 2)[2]
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("relay.db*"))
    assert secret.encode() not in raw and token.encode() not in raw
    assert relay_main(["--config", str(config), "token", "list"]) == 0
    listed = capsys.readouterr().out
    assert "owner@example.gr (owner), web@studio.example (technical)" in listed and secret not in listed
    token_id = listed.split("\t")[0]
    assert relay_main(["--config", str(config), "token", "revoke", token_id]) == 0
    assert relay_main(["--config", str(config), "token", "revoke", "nope"]) == 1
    assert (
        relay_main(["--config", str(config), "prefill", "--customer", CUSTOMER, "--domain", "example.gr"])
        == 0
    )
    assert len(capsys.readouterr().out.strip()) == 9


def test_serve_process_never_shows_agent_credentials(
    tmp_path: Path, request_tracker: RequestTracker, rt_fields: dict[str, str]
) -> None:
    port = free_port()
    fields = "".join(f'{ours} = "{theirs}"\n' for ours, theirs in rt_fields.items())
    config = write(
        tmp_path / "relay.toml",
        f"[server]\nport = {port}\nanswer_wait_seconds = 5\n"
        f'[storage]\ndatabase = "{tmp_path / "relay.db"}"\nattachments = "{tmp_path / "files"}"\n'
        f'[helpdesk]\nkind = "rt"\nurl = "{request_tracker.url}"\ntoken = "{request_tracker.token}"\n'
        f"[helpdesk.custom_fields]\n{fields}",
    )
    assert (
        relay_main(["--config", str(config), "token", "issue", "--customer", CUSTOMER, "--email", REQUESTER])
        == 0
    )
    env = {**os.environ, "RELAY_CONFIG": str(config)}
    token = _issued(tmp_path, config)
    log = tmp_path / "serve.log"
    with log.open("wb") as errors:
        process = subprocess.Popen([sys.executable, "-m", "composer_relay", "serve"], env=env, stderr=errors)
    seen: list[str] = []
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_up(base, process)
        with httpx.Client(base_url=base + "/api/v1/", timeout=30) as client:
            auth = {"Authorization": f"Bearer {token}"}
            import json

            for key, doc in (
                ("key-serve-000000000001", document(id="serve-0001")),
                ("key-serve-000000000001", document(id="serve-0001")),
                ("key-serve-000000000001", document(id="serve-0002")),
                ("key-serve-000000000002", document(id="serve-0003", email="eve@x.example")),
            ):
                answer = client.post(
                    "requests",
                    files=[("request", (None, json.dumps(doc), "application/json"))],
                    headers={**auth, "Idempotency-Key": key},
                )
                seen.append(answer.text + str(answer.headers))
            reference = json.loads(seen[0][: seen[0].index("}") + 1])["reference"]
            for path in (f"requests/{reference}", "requests/RC-NONE", "prefill/NOPE-0000"):
                answer = client.get(path, headers=auth)
                seen.append(answer.text + str(answer.headers))
            seen.append(client.get(base + "/metrics").text)
            seen.append(client.get(base + "/healthz").text)
            assert int(reference) > 0
    finally:
        process.terminate()
        process.wait(20)
    logged = log.read_text(encoding="utf-8")
    lines = [line for line in logged.splitlines() if line.strip()]
    import json

    events = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(e.get("event") == "forwarded" and e.get("helpdesk_number") == reference for e in events)
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("relay.db*"))
    secret = request_tracker.token
    assert secret not in logged
    assert all(secret not in text for text in seen)
    assert secret.encode() not in stored


def _issued(tmp_path: Path, config: Path) -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "composer_relay",
            "--config",
            str(config),
            "token",
            "issue",
            "--customer",
            CUSTOMER,
            "--email",
            REQUESTER,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _wait_up(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "relay serve exited"
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("relay serve did not come up")
