"""``request-composer --version`` imports almost nothing (its target: under 0.1 s, in a benchmark).

A structural test, not a timed one: the version is printed before pydantic,
the error catalogue or any subcommand module is imported
(``benchmarks/gui_startup.py`` times it).
"""

from __future__ import annotations

import json
import subprocess
import sys


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
