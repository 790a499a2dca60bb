"""How long ``request-composer diagnose`` takes from start to finish at zero latency.

Starts the loopback test bed (``tests/servers/diagnostics_bed.py``, no delay),
writes its network targets to a settings file and runs the real command
``python -m composer diagnose good.test --settings FILE --json`` as a new
process several times: the wall time includes starting Python, importing
what the command runs and the whole diagnosis. ``--version`` is timed too. A
first run writes the bytecode cache, as installing with pip does.

Run: ``.venv/bin/python benchmarks/diagnostics_startup.py [--runs N] [--write]``
(``--write`` also updates benchmarks/RESULTS-diagnostics-startup.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers.diagnostics_bed import PROFILE_TOML, diagnostics_bed, fresh_suffix_list  # noqa: E402

TARGET_DIAGNOSE = 0.25
TARGET_VERSION = 0.1


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], runs: int) -> tuple[float, float, float, subprocess.CompletedProcess[str]]:
    """Median wall, median CPU and fastest wall seconds of ``runs`` new processes, and the last result.

    CPU time is the steadier figure on a shared machine: other processes
    stretch the wall time, hardly the CPU time; the fastest run is the one
    they disturbed least.
    """
    walls: list[float] = []
    cpus: list[float] = []
    result = None
    for _ in range(runs):
        cpu = _children_cpu()
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        cpus.append(_children_cpu() - cpu)
    assert result is not None
    return statistics.median(walls), statistics.median(cpus), min(walls), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name, diagnostics_bed(Path(name)) as bed:
        folder = Path(name)
        data = fresh_suffix_list(folder / "data")
        settings = bed.settings.model_copy(update={"rdap_cache_dir": data / "cache"})
        (folder / "settings.json").write_text(settings.model_dump_json(), encoding="utf-8")
        (folder / "profile.toml").write_text(PROFILE_TOML, encoding="utf-8")
        python = sys.executable
        diagnose = [
            python, "-m", "composer", "--data-dir", str(data), "diagnose", "good.test",
            "--profile", str(folder / "profile.toml"), "--settings", str(folder / "settings.json"), "--json",
        ]  # fmt: skip
        # as installed: pip writes the bytecode cache on install, so let the warm-up run write it
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        subprocess.run(diagnose, capture_output=True, check=False, cwd=ROOT, env=env)
        diagnose_wall, diagnose_cpu, diagnose_best, result = timed(diagnose, args.runs)
        report = json.loads(result.stdout)
        assert result.returncode == 0, (result.returncode, result.stderr[-500:])
        assert all(c["status"] == "done" for c in report["checks"]), report["checks"]
        checks_ms = max(c["duration_ms"] for c in report["checks"])
        version_wall, version_cpu, version_best, _version = timed(
            [python, "-m", "composer", "--version"], args.runs
        )
        bare_wall, bare_cpu, bare_best, _bare = timed([python, "-c", "pass"], args.runs)
        # the same diagnosis in this process, everything imported: what the checks and the bed take
        from composer.diagnostics import run_diagnostics
        from composer.profile import load_profile

        profile = load_profile(folder / "profile.toml", with_channels=False)
        run_diagnostics("good.test", profile, settings)
        warm: list[float] = []
        for _ in range(args.runs):
            start = time.perf_counter()
            run_diagnostics("good.test", profile, settings)
            warm.append(time.perf_counter() - start)
    load = os.getloadavg()[0]
    table = [
        "| command (new process, zero latency) | median wall s | fastest wall s | median CPU s | target |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| `request-composer diagnose good.test --json` (whole diagnosis) | {diagnose_wall:.3f} | "
        f"{diagnose_best:.3f} | {diagnose_cpu:.3f} | <= {TARGET_DIAGNOSE} |",
        f"| `request-composer --version` | {version_wall:.3f} | {version_best:.3f} | {version_cpu:.3f} | "
        f"<= {TARGET_VERSION} |",
        f"| `python -c pass` (the interpreter alone) | {bare_wall:.3f} | {bare_best:.3f} | "
        f"{bare_cpu:.3f} | |",
        f"| the same diagnosis inside one process, all imported (checks and bed only) | "
        f"{statistics.median(warm):.3f} | {min(warm):.3f} | | |",
        f"| longest check inside the command's diagnosis | {checks_ms / 1000:.3f} | | | |",
    ]
    print("\n".join(table))
    if args.write:
        text = "\n".join(
            [
                "# Diagnostics start-up",
                "",
                "Command: `.venv/bin/python benchmarks/diagnostics_startup.py --write`",
                "",
                *table,
                "",
                f"Median of {args.runs} runs each, on the loopback bed of tests/servers/diagnostics_bed.py; "
                f"load average {load:.1f} on {os.cpu_count()} CPUs during the run.",
                "",
            ]
        )
        (ROOT / "benchmarks" / "RESULTS-diagnostics-startup.md").write_text(text, encoding="utf-8")
    return 0 if diagnose_wall <= TARGET_DIAGNOSE and version_wall <= TARGET_VERSION else 1


if __name__ == "__main__":
    sys.exit(main())
