"""``request-composer new``, ``send`` without ``--profile`` and ``follow-up``, run as the real command.

Against the intake test server (tests/servers/intake.py); the e-mail path and
``mail-settings`` are in test_mail_settings_cli.py.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.cli import main
from composer.compose import fields_markdown
from composer.errors import describe
from composer.profile import load_profile
from composer.provenance import fingerprint
from composer.render import read_bundle
from composer.store import Store
from tests.servers.intake import TOKEN, IntakeServer

ROOT = Path(__file__).resolve().parents[2]
PROFILE = """
format = 1
[provider]
id = "{id}"
name = "{name}"
[limits]
attachment_mb = 1
[[channels]]
kind = "helpdesk"
helpdesk = "intake"
url = "{url}"
"""
SECRET = "Zq9-very-secret-Pw"
FIELDS = [
    "name=Maria Papadopoulou",
    "email=maria@example.gr",
    "role=owner",
    "category=mail_sending",
    "domain=example.gr",
    "account=sales@example.gr",
    "summary=No mail leaves the office",
    f"description=Since yesterday nothing goes out. I set password={SECRET} in Outlook.",
    "error_text=550 5.7.1 Relaying denied",
    "started_at=yesterday 15:00",
    "worked_before=yes",
    "question.to_whom=only to some recipients",
]


@pytest.fixture()
def intake() -> Iterator[IntakeServer]:
    with IntakeServer() as server:
        yield server
    assert server.violations == []


@pytest.fixture()
def env(intake: IntakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setenv("REQUEST_COMPOSER_SECRET", TOKEN)
    monkeypatch.setattr(
        "keyring.get_keyring", lambda: __import__("keyring.backends.fail").backends.fail.Keyring()
    )
    profile = tmp_path / "profile.toml"
    profile.write_text(PROFILE.format(id="cli-hosting", name="CLI Hosting", url=intake.url), encoding="utf-8")
    other = tmp_path / "other.toml"
    other.write_text(
        PROFILE.format(id="other-hosting", name="Other Hosting", url=intake.url), encoding="utf-8"
    )
    log = tmp_path / "mail.log"
    log.write_text(f"connect from office\nAUTH PLAIN login=maria password={SECRET}\nrelay denied\n")
    return {"profile": profile, "other": other, "log": log, "data": tmp_path / "data", "tmp": tmp_path}


def new(env: dict[str, Path], *extra: str, fields: list[str] = FIELDS, output: str = "request.zip") -> int:
    argv = ["new", "--profile", str(env["profile"]), "--data-dir", str(env["data"])]
    for field in fields:
        argv += ["--field", field]
    return main([*argv, *extra, "--output", str(env["tmp"] / output)])


def test_new_writes_a_scrubbed_bundle_that_names_its_provider(
    env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(env, "--attach", str(env["log"])) == 0
    captured = capsys.readouterr()
    assert "Saved the request for CLI Hosting" in captured.out
    assert (
        "mail.log: 1 secret removed" in captured.err and "The description: 1 secret removed" in captured.err
    )
    with zipfile.ZipFile(env["tmp"] / "request.zip") as bundle:
        document = json.loads(bundle.read("request.json"))
        text = bundle.read("request.txt").decode()
        attached = bundle.read("attachments/mail.log").decode()
    request = document["request"]
    assert request["requester"]["email"] == "maria@example.gr" and request["worked_before"] == "yes"
    assert request["answers"] == {"to_whom": "only to some recipients"}
    assert request["started_text"] == "yesterday 15:00" and request["started_at"]
    assert SECRET not in text and SECRET not in attached and "relay denied" in attached
    assert f"request {request['id']}" in text
    provider = document["provider"]
    assert provider["id"] == "cli-hosting" and provider["name"] == "CLI Hosting"
    assert provider["fingerprint"] == fingerprint(load_profile(env["profile"]))


def test_send_finds_the_profile_in_the_bundle(
    env: dict[str, Path], intake: IntakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(env) == 0
    bundle = str(env["tmp"] / "request.zip")
    # another provider's profile is refused, and nothing is sent
    assert main(["send", bundle, "--profile", str(env["other"]), "--data-dir", str(env["data"])]) == 1
    err = capsys.readouterr().err
    assert "was made for CLI Hosting (cli-hosting), not for Other Hosting (other-hosting)" in err
    assert intake.posts == 0
    assert main(["send", bundle, "--data-dir", str(env["data"])]) == 0
    assert "Reference code: EX-00001" in capsys.readouterr().out
    assert main(["send", bundle, "--profile", str(env["profile"]), "--data-dir", str(env["data"])]) == 0
    assert len(intake.tickets) == 1


@pytest.mark.parametrize(
    ("fields", "code", "params"),
    [
        (["email=maria@"], "email.invalid", {"value": "maria@"}),
        (["name="], "name.empty", {}),
        (["domain=example"], "domain.no_tld", {"value": "example"}),
        (["started_at=next tuesday-ish"], "started_at.unparsed", {"value": "next tuesday-ish"}),
    ],
)
def test_new_refuses_what_the_form_refuses_in_its_words(
    env: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    fields: list[str],
    code: str,
    params: dict[str, str],
) -> None:
    assert new(env, fields=[*FIELDS, *fields]) == 1
    err = capsys.readouterr().err
    assert describe(code, params)[0] in err
    assert not (env["tmp"] / "request.zip").exists()


def test_new_names_the_fields_and_choices_it_takes(
    env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(env, fields=[*FIELDS, "colour=blue"]) == 1
    assert "The form has no field “colour”" in capsys.readouterr().err
    assert new(env, fields=[*FIELDS, "urgency=whenever"]) == 1
    assert "critical, high, normal, low" in capsys.readouterr().err
    assert new(env, fields=[*FIELDS, "category=plumbing"]) == 1
    assert "mail_sending" in capsys.readouterr().err
    assert new(env, fields=[*FIELDS, "summary"]) == 1
    assert "is not NAME=VALUE" in capsys.readouterr().err


def test_new_applies_the_providers_attachment_limits(
    env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    big = env["tmp"] / "screen.png"
    big.write_bytes(b"\x89PNG" + b"\0" * 1_200_000)
    assert new(env, "--attach", str(big)) == 1
    assert "the most one file may be" in capsys.readouterr().err
    assert not (env["tmp"] / "request.zip").exists()


def test_the_readme_lists_the_fields_of_the_model() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- fields: made by `request-composer new --list-fields` -->\n", "<!-- /fields -->"
    assert start in readme, "README.md has no generated field list"
    listed = readme.split(start, 1)[1].split(end, 1)[0]
    assert listed == fields_markdown(), "README's field list is out of date: paste `new --list-fields`"


def test_follow_up_by_reference_or_id_goes_into_the_same_ticket(
    env: dict[str, Path], intake: IntakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert new(env) == 0
    assert main(["send", str(env["tmp"] / "request.zip"), "--data-dir", str(env["data"])]) == 0
    capsys.readouterr()
    data = ["--data-dir", str(env["data"])]
    assert (
        main(
            ["follow-up", "EX-00001", "--text", "It works from webmail.", "--attach", str(env["log"]), *data]
        )
        == 0
    )
    assert "Reference code: EX-00001" in capsys.readouterr().out
    [ticket] = intake.tickets.values()
    request_id = ticket.document["request"]["id"]
    assert main(["follow-up", request_id[:8], "--text", f"My password={SECRET} again", *data]) == 0
    assert len(intake.tickets) == 1 and len(ticket.messages) == 2
    first, second = ticket.messages
    assert first["text"] == "It works from webmail."
    assert [name for name, _data in first["files"]] == ["mail.log"]
    assert SECRET not in first["files"][0][1].decode() and SECRET not in second["text"]
    # the id `outbox list` shows works too
    from composer.outbox import list_entries
    from composer.store import Store

    with Store(env["data"]) as store:
        entry_id = next(e.id for e in list_entries(store) if e.follow_up is None)
    assert main(["follow-up", entry_id[:12], "--text", "Third note.", *data]) == 0
    assert len(ticket.messages) == 3
    assert main(["follow-up", "EX-99999", "--text", "hello", *data]) == 1
    assert "No sent request EX-99999" in capsys.readouterr().err
    assert main(["follow-up", "EX-00001", "--text", " ", *data]) == 1
    assert "The follow-up has no text" in capsys.readouterr().err


def test_new_files_as_an_identity_for_a_clients_domain(
    env: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A client's domain picks who files and for whom; --identity picks the filer; a refusal is a note."""
    where = ["--data-dir", str(env["data"])]
    person = ["--name", "Maria P", "--email", "maria@studio.gr", "--role", "technical"]
    assert main(["identity", "add", *person, *where]) == 0
    assert (
        main(["identity", "add", "--name", "Maria", "--email", "maria@own.gr", "--role", "owner", *where])
        == 0
    )
    client = ["--domain", "client-one.gr", "--owner-email", "nikos@client-one.gr", "--owner-name", "Nikos K"]
    assert main(["identity", "client", "add", *client, "--identity", "maria@studio.gr", *where]) == 0
    capsys.readouterr()
    fields = [f for f in FIELDS if f.split("=")[0] not in {"name", "email", "role", "domain"}]
    fields.append("domain=shop.client-one.gr")

    assert new(env, fields=fields) == 0
    with Store(env["data"]) as store:
        request = read_bundle(env["tmp"] / "request.zip", store)
    assert request.requester.email == "maria@studio.gr" and request.requester.role.value == "technical"
    assert request.requester.on_behalf_of == "Nikos K <nikos@client-one.gr>"
    assert request.requester.admin_address == "nikos@client-one.gr"

    assert new(env, "--identity", "maria@own.gr", fields=fields, output="own.zip") == 0
    with Store(env["data"]) as store:
        request = read_bundle(env["tmp"] / "own.zip", store)
    assert request.requester.email == "maria@own.gr"
    assert request.requester.on_behalf_of == "Nikos K <nikos@client-one.gr>"  # still for the client

    typed = [*fields, "name=Maria Papadopoulou"]
    assert new(env, fields=typed, output="typed.zip") == 0
    with Store(env["data"]) as store:
        request = read_bundle(env["tmp"] / "typed.zip", store)
    assert request.requester.name == "Maria Papadopoulou" and request.requester.email == "maria@studio.gr"

    capsys.readouterr()
    assert new(env, "--identity", "nobody@x.gr", fields=fields, output="none.zip") == 1
    assert "There is no identity" in capsys.readouterr().err
    assert not (env["tmp"] / "none.zip").exists()
