"""What a file manager or browser passes to ``request-composer %u`` becomes the app's arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.cli import _VALUE_OPTIONS, COMMANDS, main
from composer.desktop_args import desktop_arguments


def arguments(*given: str) -> tuple[list[str], list[str]]:
    return desktop_arguments(list(given), COMMANDS, _VALUE_OPTIONS)


def test_a_saved_request_path_or_file_uri_is_opened() -> None:
    assert arguments("/home/me/request-example.gr.zip") == (["open", "/home/me/request-example.gr.zip"], [])
    assert arguments("file:///home/me/request%20a.ZIP") == (["open", "/home/me/request a.ZIP"], [])
    assert arguments("--profile", "p.toml", "r.zip") == (["--profile", "p.toml", "open", "r.zip"], [])


def test_commands_and_option_values_are_left_alone() -> None:
    assert arguments("open", "r.zip") == (["open", "r.zip"], [])
    assert arguments("--profile", "p.zip") == (["--profile", "p.zip"], [])
    assert arguments("send", "r.zip") == (["send", "r.zip"], [])
    assert arguments() == ([], [])


def test_a_link_is_taken_out_and_not_taken_for_a_command() -> None:
    assert arguments("request-composer://prefill/ABC") == ([], ["request-composer://prefill/ABC"])


def test_the_command_line_says_links_are_not_read_yet(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["request-composer://prefill/ABC", "drafts"]) == 0
    assert "cannot read request-composer links yet" in capsys.readouterr().err
