"""``request-composer --version`` imports almost nothing (its target: under 0.1 s, in a benchmark).

A structural test, not a timed one: the version is printed before pydantic,
the error catalogue or any subcommand module is imported
(``benchmarks/gui_startup.py`` times it).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from composer import VERSION_LINE, cli


def test_version_imports_neither_pydantic_nor_the_error_catalogue() -> None:
    code = (
        "import json, sys\n"
        "from composer import cli\n"
        "try:\n"
        "    cli.main(['--version'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    version, modules = result.stdout.splitlines()[0], set(json.loads(result.stdout.splitlines()[1]))
    assert version.startswith("request-composer ")
    heavy = {"pydantic", "composer.errors", "composer.profile", "PySide6", "httpx"} & modules
    assert not heavy, f"--version imported {sorted(heavy)}"


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
