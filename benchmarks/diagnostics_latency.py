"""How long a full diagnosis takes when every DNS and HTTP answer is 200 ms late.

Starts the loopback test bed of ``tests/servers/diagnostics_bed.py`` with a
200 ms delay inside every DNS server, web server and the RDAP server, then
diagnoses good.test (every check: DNS with its three views, registration,
four web URLs with redirects, seven mail ports):

- concurrent: the runner as the app uses it (median of several runs);
- sequential: the same checks and exchanges one after another;
- floor: the longest chain of round trips that depend on each other,
  times the delay. For this bed it is 3: the DNS walk (parent NS from the
  resolver -> referral from the parent -> the domain's nameservers), and
  the web chain (address -> ``http://`` answers 301 -> ``https://`` answers).

Run: ``.venv/bin/python benchmarks/diagnostics_latency.py [--runs N] [--write]``
(``--write`` also updates benchmarks/RESULTS-diagnostics.md).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from composer.diagnostics import run_diagnostics  # noqa: E402
from composer.model import CheckStatus, Severity  # noqa: E402
from tests.servers.diagnostics_bed import diagnostics_bed  # noqa: E402

DELAY = 0.2
CHAIN = 3  # dependent round trips on the longest path (see the module docstring)
DOMAIN = "good.test"


def count_round_trips(bed: object) -> int:
    servers = [*bed.dns_servers()]  # type: ignore[attr-defined]
    return sum(s.resolver.queries for s in servers)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, diagnostics_bed(Path(folder), delay=DELAY) as bed:
        settings = bed.settings.model_copy(update={"query_timeout": 5.0, "timeout": 60.0})
        run_diagnostics(DOMAIN, bed.profile, settings)  # warm up (imports, certificates)
        walls: list[float] = []
        for _ in range(args.runs):
            before = count_round_trips(bed)
            start = time.perf_counter()
            report = run_diagnostics(DOMAIN, bed.profile, settings)
            walls.append(time.perf_counter() - start)
            dns_queries = count_round_trips(bed) - before
            assert all(c.status is CheckStatus.DONE for c in report.checks), report.checks
            assert report.worst().rank <= Severity.INFO.rank, [f.code for f in report.findings]
        start = time.perf_counter()
        sequential_report = run_diagnostics(DOMAIN, bed.profile, settings, sequential=True)
        sequential = time.perf_counter() - start
        assert all(c.status is CheckStatus.DONE for c in sequential_report.checks)
    wall = statistics.median(walls)
    floor = CHAIN * DELAY
    rows = [
        (f"concurrent (median of {args.runs})", wall),
        ("sequential", sequential),
        (f"floor: {CHAIN} dependent round trips x {DELAY * 1000:.0f} ms", floor),
    ]
    table = [
        "| diagnosis of one domain, every DNS/HTTP answer delayed 200 ms | seconds |",
        "| --- | ---: |",
        *(f"| {name} | {value:.2f} |" for name, value in rows),
        f"| concurrent / floor | {wall / floor:.2f}x (target <= 1.5x) |",
        f"| sequential / concurrent | {sequential / wall:.1f}x (target >= 5x) |",
    ]
    summary = (
        f"{len(report.checks)} checks, {dns_queries} DNS queries per run; "
        f"Python {platform.python_version()} on {platform.system()}, {platform.machine()}"
    )
    print("\n".join(table))
    print()
    print(summary)
    if args.write:
        text = "\n".join(
            [
                "# Diagnostics latency",
                "",
                "Command: `.venv/bin/python benchmarks/diagnostics_latency.py --write`",
                "",
                *table,
                "",
                summary + ".",
                "",
                "The bed (tests/servers/diagnostics_bed.py) runs every server on 127.0.0.1; the",
                "delay is a sleep inside each DNS, web and RDAP server before it answers.",
                "",
            ]
        )
        (ROOT / "benchmarks" / "RESULTS-diagnostics.md").write_text(text, encoding="utf-8")
    ok = wall <= 1.5 * floor and sequential >= 5 * wall
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
