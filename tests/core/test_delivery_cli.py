"""``request-composer send`` and ``outbox`` against the test intake server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.cli import main
from composer.profile import load_profile
from composer.render import write_bundle
from composer.store import Store
from tests.servers.intake import TOKEN, IntakeServer, make_request

PROFILE = """
format = 1
[provider]
id = "cli-test"
name = "CLI Test Hosting"
[[channels]]
kind = "helpdesk"
helpdesk = "intake"
url = "{url}"
[[channels]]
kind = "file"
"""


@pytest.fixture()
def intake() -> Iterator[IntakeServer]:
    with IntakeServer() as server:
        yield server
    assert server.violations == []


@pytest.fixture()
def setup(intake: IntakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    monkeypatch.setenv("REQUEST_COMPOSER_SECRET", TOKEN)
    monkeypatch.setattr(
        "keyring.get_keyring", lambda: __import__("keyring.backends.fail").backends.fail.Keyring()
    )
    profile = tmp_path / "profile.toml"
    profile.write_text(PROFILE.format(url=intake.url), encoding="utf-8")
    with Store(tmp_path / "staging") as staging:
        request = make_request(staging, sizes=(50_000,))
        bundle = write_bundle(request, load_profile(profile), staging, tmp_path / "request.zip")
    return profile, bundle, tmp_path / "data"


def test_send_prints_progress_and_reference_once(
    setup: tuple[Path, Path, Path], intake: IntakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    profile, bundle, data = setup
    assert main(["send", str(bundle), "--profile", str(profile), "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert "100% of" in out and "Reference code: EX-00001" in out
    # options before the subcommand work too; sending the same file again files nothing new
    assert main(["--profile", str(profile), "--data-dir", str(data), "send", str(bundle)]) == 0
    assert "EX-00001" in capsys.readouterr().out
    assert len(intake.tickets) == 1 and intake.posts == 1
    assert main(["outbox", "list", "--data-dir", str(data)]) == 0
    assert "sent" in capsys.readouterr().out


def test_rejected_then_next_channel(
    setup: tuple[Path, Path, Path], intake: IntakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    profile, bundle, data = setup
    intake.faults.append("422")
    assert main(["send", str(bundle), "--profile", str(profile), "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert "The domain is not ours" in err and "outbox next" in err
    with Store(data) as store:
        from composer.outbox import list_entries

        [entry] = list_entries(store)
    assert main(["outbox", "next", entry.id[:8], "--data-dir", str(data)]) == 0
    assert "send this file to your provider" in capsys.readouterr().out
    assert main(["outbox", "retry", "nope", "--data-dir", str(data)]) == 1


def test_down_server_leaves_it_in_the_outbox(
    setup: tuple[Path, Path, Path], intake: IntakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    profile, bundle, data = setup
    intake.stop()
    code = main(["send", str(bundle), "--profile", str(profile), "--data-dir", str(data), "--wait", "0.5"])
    assert code == 75
    assert "not sent yet" in capsys.readouterr().err
    intake.start()
    with Store(data) as store:
        from composer.outbox import list_entries

        [entry] = list_entries(store)
    assert main(["outbox", "retry", entry.id, "--data-dir", str(data)]) == 0
    assert len(intake.tickets) == 1
