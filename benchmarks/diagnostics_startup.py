"""How long ``request-composer diagnose`` takes from start to finish at zero latency.

Starts the loopback test bed (``tests/servers/diagnostics_bed.py``, no delay),
writes its network targets to a settings file and runs the real command
``python -m composer diagnose good.test --settings FILE --json`` as a new
process several times: the wall time includes starting Python, importing
what the command runs and the whole diagnosis. ``--version`` is timed too. A
first run writes the bytecode cache, as installing with pip does.

Run: ``.venv/bin/python benchmarks/diagnostics_startup.py [--runs N] [--compare DIR] [--write]``
(``--write`` also updates benchmarks/RESULTS-diagnostics-startup.md). ``--compare
DIR`` also times the same command from another source tree (e.g. a ``git
archive`` of main), in turns with this one, so both see the same machine: on a
shared machine the figures of separate runs differ by a tenth.
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
# The machine is shared: how fast it runs Python during the run moves every figure (by up to 2x
# between runs a few minutes apart), so the run times this fixed work as well.
SPEED_PROBE = "x = 0\nfor i in range(3_000_000):\n    x += i"
TARGET_VERSION = 0.1


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


Timing = tuple[float, float, float, subprocess.CompletedProcess[str]]


def timed(command: list[str], runs: int, *, other: Path | None = None) -> tuple[Timing, Timing | None]:
    """Median wall, median CPU and fastest wall seconds of ``runs`` new processes, and the last result.

    CPU time is the steadier figure on a shared machine: other processes
    stretch the wall time, hardly the CPU time; the fastest run is the one
    they disturbed least. With ``other`` (a source tree), the same command
    runs from there in turns, and its figures come second.
    """
    trees = [ROOT] if other is None else [ROOT, other]
    walls: list[list[float]] = [[] for _ in trees]
    cpus: list[list[float]] = [[] for _ in trees]
    results: list[subprocess.CompletedProcess[str] | None] = [None for _ in trees]
    for _ in range(runs):
        for index, tree in enumerate(trees):
            env = {**os.environ, "PYTHONPATH": str(tree)}
            cpu = _children_cpu()
            start = time.perf_counter()
            results[index] = subprocess.run(
                command, capture_output=True, text=True, check=False, cwd=tree, env=env
            )
            walls[index].append(time.perf_counter() - start)
            cpus[index].append(_children_cpu() - cpu)
    figures: list[Timing] = []
    for index in range(len(trees)):
        result = results[index]
        assert result is not None
        figures.append(
            (statistics.median(walls[index]), statistics.median(cpus[index]), min(walls[index]), result)
        )
    return figures[0], figures[1] if other is not None else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--compare", type=Path, metavar="DIR", help="another source tree to time in turns")
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
        for tree in (ROOT, args.compare) if args.compare else (ROOT,):
            subprocess.run(
                diagnose, capture_output=True, check=False, cwd=tree, env={**env, "PYTHONPATH": str(tree)}
            )
        (diagnose_wall, diagnose_cpu, diagnose_best, result), compared = timed(
            diagnose, args.runs, other=args.compare
        )
        report = json.loads(result.stdout)
        assert result.returncode == 0, (result.returncode, result.stderr[-500:])
        assert all(c["status"] == "done" for c in report["checks"]), report["checks"]
        checks_ms = max(c["duration_ms"] for c in report["checks"])
        (version_wall, version_cpu, version_best, _version), _ = timed(
            [python, "-m", "composer", "--version"], args.runs
        )
        (bare_wall, bare_cpu, bare_best, _bare), _ = timed([python, "-c", "pass"], args.runs)
        (probe_wall, probe_cpu, probe_best, _probe), _ = timed([python, "-c", SPEED_PROBE], args.runs)
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
        f"| the host's speed: a fixed loop of 3 million additions in a new process | {probe_wall:.3f} | "
        f"{probe_best:.3f} | {probe_cpu:.3f} | |",
        f"| the same diagnosis inside one process, all imported (checks and bed only) | "
        f"{statistics.median(warm):.3f} | {min(warm):.3f} | | |",
        f"| longest check inside the command's diagnosis | {checks_ms / 1000:.3f} | | | |",
    ]
    if compared is not None:
        other_wall, other_cpu, other_best, other_result = compared
        assert other_result.returncode == 0, (other_result.returncode, other_result.stderr[-500:])
        table.append(
            f"| the same command from `{args.compare}`, in turns with it | {other_wall:.3f} | "
            f"{other_best:.3f} | {other_cpu:.3f} | |"
        )
    print("\n".join(table))
    if args.write:
        text = "\n".join(
            [
                "# Diagnostics start-up",
                "",
                f"Command: `.venv/bin/python benchmarks/diagnostics_startup.py --runs {args.runs}"
                f"{' --compare ' + str(args.compare) if args.compare else ''} --write`",
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
