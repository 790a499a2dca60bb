"""What a file manager or browser passes to ``request-composer %u`` becomes the app's arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.cli import _VALUE_OPTIONS, COMMANDS, main
from composer.desktop_args import desktop_arguments


def arguments(*given: str) -> list[str]:
    return desktop_arguments(list(given), COMMANDS, _VALUE_OPTIONS)


def test_a_saved_request_path_or_file_uri_is_opened() -> None:
    assert arguments("/home/me/request-example.gr.zip") == ["open", "/home/me/request-example.gr.zip"]
    assert arguments("file:///home/me/request%20a.ZIP") == ["open", "/home/me/request a.ZIP"]
    assert arguments("--profile", "p.toml", "r.zip") == ["--profile", "p.toml", "open", "r.zip"]
    assert arguments("file:///home/me/for-maria.prefill") == ["open", "/home/me/for-maria.prefill"]


def test_commands_and_option_values_are_left_alone() -> None:
    assert arguments("open", "r.zip") == ["open", "r.zip"]
    assert arguments("--profile", "p.zip") == ["--profile", "p.zip"]
    assert arguments("send", "r.zip") == ["send", "r.zip"]
    assert arguments() == []


def test_a_link_is_opened_and_not_taken_for_a_command() -> None:
    link = "request-composer://prefill?t=rcp1.abc.def"
    assert arguments(link) == ["open", link]
    assert arguments(link, "--no-gui") == ["open", link, "--no-gui"]


def test_an_unsigned_link_is_refused_with_a_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert (
        main(["--data-dir", str(tmp_path), "request-composer://prefill?domain=example.gr", "--no-gui"]) == 1
    )
    assert "no signature" in capsys.readouterr().err
