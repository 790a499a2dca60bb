"""The command line imports only the module of the subcommand it runs."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from composer import cli


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
