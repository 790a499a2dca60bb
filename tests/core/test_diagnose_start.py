"""How ``request-composer diagnose`` starts and ends: what it imports, its garbage collection, its exit.

Structural checks only (what is imported, which models are built, what the
process prints and returns); how long it takes is measured by
``benchmarks/diagnostics_startup.py``, never here.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer import cli
from tests.servers.diagnostics_bed import PROFILE_TOML, Bed, diagnostics_bed, fresh_suffix_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bed]:
    with diagnostics_bed(tmp_path_factory.mktemp("bed")) as started:
        yield started


def _arguments(bed: Bed, folder: Path, domain: str = "good.test") -> list[str]:
    settings = folder / "settings.json"
    settings.write_text(bed.settings.model_dump_json(), encoding="utf-8")
    profile = folder / "profile.toml"
    profile.write_text(PROFILE_TOML, encoding="utf-8")
    data = fresh_suffix_list(folder / "data")
    chosen = ["--profile", str(profile), "--settings", str(settings)]
    return ["--data-dir", str(data), "diagnose", domain, *chosen]


def _loaded_after(arguments: list[str]) -> dict[str, object]:
    """Run the command in a new interpreter through ``cli.main`` and say what it left imported and built."""
    code = (
        "import json, sys\n"
        "from composer.cli import main\n"
        "code = main(json.loads(sys.argv[1]))\n"
        "import composer.model, composer.profile\n"
        "models = {name: getattr(module, name).__pydantic_complete__ for module, names in (\n"
        "    (composer.model, ('Request', 'Requester', 'Attachment', 'Receipt', 'PreparedBy', 'Report')),\n"
        "    (composer.profile, ('ProviderProfile',))) for name in names}\n"
        "found = {'code': code, 'modules': sorted(sys.modules), 'built': models}\n"
        "print(json.dumps(found), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(arguments)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    result: dict[str, object] = json.loads(done.stderr.strip().splitlines()[-1])
    result["stdout"] = done.stdout
    return result


def test_diagnose_imports_only_what_it_runs(bed: Bed, tmp_path: Path) -> None:
    """No channel module, no cryptography, no request model built, no stdlib module it does not use."""
    result = _loaded_after([*_arguments(bed, tmp_path), "--json"])
    assert result["code"] == 0
    assert '"domain": "good.test"' in str(result["stdout"])
    modules = set(result["modules"])  # type: ignore[call-overload]
    for heavy in ("httpx", "cryptography", "click", "composer.channels.factory", "composer.render"):
        assert heavy not in modules, heavy
    # imported where they are used, off this path: spelling suggestions for a broken profile, the
    # channel modules' discovery, the system's resolver configuration (the bed's settings name resolvers),
    # time.strptime (certificate dates are read without it)
    # dnspython's query module (zone transfers, DNS over HTTPS and QUIC): the questions go out through
    # composer.diagnostics.dns_exchange
    for unused in ("difflib", "statistics", "pkgutil", "dns.resolver", "_strptime", "dns.query", "dns.quic"):
        assert unused not in modules, unused
    assert result["built"] == {
        "Request": False,
        "Requester": False,
        "Attachment": False,
        "Receipt": False,
        "PreparedBy": False,
        "Report": True,
        "ProviderProfile": True,
    }


def test_diagnose_leaves_the_collector_as_it_found_it(bed: Bed, tmp_path: Path) -> None:
    """In-process (as tests and any embedding program call it): nothing frozen afterwards, collection on."""
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert cli.main([*_arguments(bed, tmp_path), "--json"]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.parametrize(("domain", "expected"), [("good.test", 0), ("certexpired.test", 3)])
def test_the_program_prints_everything_and_returns_the_code(
    bed: Bed, tmp_path: Path, domain: str, expected: int
) -> None:
    """The program ends without the interpreter's teardown: its output must still be whole, its code kept."""
    done = subprocess.run(
        [sys.executable, "-m", "composer", *_arguments(bed, tmp_path, domain), "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == expected, done.stderr[-500:]
    assert json.loads(done.stdout)["domain"] == domain
    text = subprocess.run(
        [sys.executable, "-m", "composer", *_arguments(bed, tmp_path, domain)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert text.returncode == expected
    assert text.stdout.startswith("Diagnosis of") and text.stdout.endswith("\n")
    assert "/" in text.stderr  # the progress lines ("  3/12 ..."), flushed before the quick exit


def test_quick_exit_only_when_allowed_and_alone() -> None:
    """A thread still working would be cut short: then the process ends the usual way."""
    code = (
        "import threading\n"
        "from composer import cli\n"
        "before = cli.quick_exit_allowed()\n"
        "cli.allow_quick_exit()\n"
        "alone = cli.quick_exit_allowed()\n"
        "stop = threading.Event()\n"
        "worker = threading.Thread(target=stop.wait)\n"
        "worker.start()\n"
        "print(before, alone, cli.quick_exit_allowed())\n"
        "stop.set()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.split() == ["False", "True", "False"]


@pytest.mark.parametrize(("preset", "expected"), [(None, "__all__"), ("", "")])
def test_the_entry_turns_pydantic_plugins_off_unless_told(
    monkeypatch: pytest.MonkeyPatch, preset: str | None, expected: str
) -> None:
    from composer import __main__ as entry

    if preset is None:
        monkeypatch.delenv("PYDANTIC_DISABLE_PLUGINS", raising=False)
    else:
        monkeypatch.setenv("PYDANTIC_DISABLE_PLUGINS", preset)
    monkeypatch.setattr(cli, "main", lambda: 0)
    monkeypatch.setattr(cli, "_quick_exit", False)
    with pytest.raises(SystemExit) as ended:
        entry.run()
    assert ended.value.code == 0
    assert os.environ["PYDANTIC_DISABLE_PLUGINS"] == expected


def test_the_console_script_is_the_same_entry(bed: Bed, tmp_path: Path) -> None:
    """The console script (pyproject.toml) runs composer.__main__.run, as ``python -m composer`` does."""
    import tomllib

    entry = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"][
        "request-composer"
    ]
    assert entry == "composer.__main__:run"
    wrapper = (  # what pip writes for it
        "import sys\nfrom composer.__main__ import run\nsys.argv[0] = 'request-composer'\nsys.exit(run())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *_arguments(bed, tmp_path, "certexpired.test"), "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 3
    assert json.loads(done.stdout)["domain"] == "certexpired.test"


def test_the_quick_exit_copes_with_a_closed_output(bed: Bed, tmp_path: Path) -> None:
    """Started with stdout closed (``>&-``): no traceback, the code as before the quick exit."""
    import shlex

    command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "composer", *_arguments(bed, tmp_path)])
    done = subprocess.run(
        f"{command} --json >&-", shell=True, capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert "Traceback" not in done.stderr
