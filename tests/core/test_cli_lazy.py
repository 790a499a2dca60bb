"""The command line imports only the module of the subcommand it runs."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from composer import VERSION_LINE, cli


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], None),
        (["--help"], None),
        (["--profile", "p.toml", "send", "x.zip"], "send"),
        (["--language", "el", "--data-dir", "/tmp/d", "outbox", "list"], "outbox"),
        (["--profile=p.toml", "diagnose", "example.gr"], "diagnose"),
    ],
)
def test_chosen_command(argv: list[str], expected: str | None) -> None:
    assert cli.chosen_command(argv) == expected


def test_every_listed_command_is_registered_by_its_module() -> None:
    for name, (module, help_line) in cli.COMMANDS.items():
        parser = cli.build_parser([name])
        choices = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
        assert name in choices, f"{module} does not register {name}"
        registered = next(a for a in parser._subparsers._group_actions[0]._choices_actions if a.dest == name)  # type: ignore[union-attr]
        assert registered.help == help_line, f"{name}: help differs from cli.COMMANDS"
        importlib.import_module(module)


def test_help_and_version_import_no_subcommand_module() -> None:
    modules = sorted({module for module, _help in cli.COMMANDS.values()})
    code = (
        "import sys\n"
        "from composer import cli\n"
        "for argv in (['--version'], ['--help']):\n"
        "    try:\n"
        "        cli.main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(sorted(m for m in {modules!r} if m in sys.modules))\n"
        "print('PySide6' in sys.modules, 'dns' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    assert lines[-2:] == ["[]", "False False"]


def test_unknown_command_is_refused() -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["no-such-command"])
    assert caught.value.code == 2


def test_version_is_answered_before_the_command_line_is_parsed() -> None:
    """``request-composer --version`` prints what the parser would, without importing it."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "composer", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line}
    assert done.stdout == f"{VERSION_LINE}\n"
    assert not {"composer.cli", "argparse"} & imported


def test_the_parser_prints_the_same_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"{VERSION_LINE}\n"
