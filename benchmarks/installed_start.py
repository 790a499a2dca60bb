"""How fast does the installed app show its window, against running it from the source tree?

Usage::

    .venv/bin/python benchmarks/installed_start.py [--app PATH | --no-build] [--runs 7] \\
        [--output benchmarks/RESULTS-installer.md]

Without ``--app`` it builds the Linux bundle and ``.deb`` first
(``installer/build.py`` into ``build/installer``), unpacks the ``.deb`` into
a clean folder (``dpkg-deb -x``: the files ``dpkg -i`` puts in place) and
times ``opt/request-composer/request-composer`` there; give ``--app
/opt/request-composer/request-composer`` to time a ``.deb`` installed with
dpkg. Each run starts a fresh process offscreen with ``--smoke-test``
and a fresh data folder, and stops the clock when the app prints that its
main window is exposed: the time a user waits for the window. The installed
app and the source tree (``.venv/bin/python -m composer``) are timed in
turns in the same run, so both see the same machine. The first run of each
is reported apart (the coldest start this can measure without dropping the
system's file cache), the median over the others as the warm start. Also
reports the size of the bundle (and of the ``.deb`` next to it, if any).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOWN = "request-composer: main window shown"


def time_to_window(command: list[str]) -> float:
    """Seconds from starting ``command`` to its "main window shown" line."""
    with tempfile.TemporaryDirectory(prefix="bench-start-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "VIRTUAL_ENV"))}
        env.update(
            QT_QPA_PLATFORM="offscreen",
            LANGUAGE="en",
            XDG_CONFIG_HOME=f"{home}/config",
            REQUEST_COMPOSER_DATA=f"{home}/data",
        )
        started = time.perf_counter()
        process = subprocess.Popen(
            [*command, "--smoke-test"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith(SHOWN):
                elapsed = time.perf_counter() - started
                break
        else:
            raise SystemExit(f"{command[0]} never showed its window (exit {process.wait()})")
        process.wait(timeout=60)
        return elapsed


def size_mib(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files) / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--app", type=Path, help="the installed request-composer (default: build the bundle)")
    parser.add_argument("--no-build", action="store_true", help="use the last build in build/installer")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--output", type=Path, help="write the results as Markdown here")
    args = parser.parse_args()
    app = args.app
    debs: list[Path] = []
    build_seconds = None
    if app is None:
        out = ROOT / "build" / "installer"
        if not args.no_build:
            build = [sys.executable, str(ROOT / "installer" / "build.py"), "--out", str(out)]
            started = time.perf_counter()
            subprocess.run(build, check=True)
            build_seconds = time.perf_counter() - started
        debs = sorted(out.glob("request-composer_*.deb"))
        root = out / "installed"
        if root.exists():
            shutil.rmtree(root)
        subprocess.run(["dpkg-deb", "-x", str(debs[-1]), str(root)], check=True)
        app = root / "opt" / "request-composer" / "request-composer"
    source = [str(ROOT / ".venv" / "bin" / "python"), "-m", "composer"]
    installed = [str(app)]

    times: dict[str, list[float]] = {"installed": [], "source": []}
    for _ in range(args.runs + 1):
        times["installed"].append(time_to_window(installed))
        times["source"].append(time_to_window(source))
    bundle = app.resolve().parent

    def row(name: str) -> str:
        first, rest = times[name][0], times[name][1:]
        return f"| {name} | {first:.2f} s | {statistics.median(rest):.2f} s | {min(rest):.2f} s |"

    installed_median = statistics.median(times["installed"][1:])
    source_median = statistics.median(times["source"][1:])
    lines = [
        f"# Start-up: installed bundle against the source tree ({time.strftime('%Y-%m-%d')})",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"offscreen; {args.runs} runs each after a first one, in turns; "
        f"load average at the start {os.getloadavg()[0]:.1f}.",
        "",
        "| started from | first run | median | best |",
        "| --- | --- | --- | --- |",
        row("installed"),
        row("source"),
        "",
        f"Installed / source (median): {installed_median / source_median:.2f}x.",
        "",
        f"Bundle ({bundle.relative_to(ROOT) if bundle.is_relative_to(ROOT) else bundle}): "
        f"{size_mib(bundle):.0f} MiB.",
        *[f"Package {deb.name}: {size_mib(deb):.1f} MiB." for deb in debs],
    ]
    if build_seconds is not None:
        lines.append(
            f"Build (installer/build.py: build venv refreshed, bundle, .deb with xz): {build_seconds:.0f} s."
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
