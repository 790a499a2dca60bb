"""Does the GUI thread stay responsive while the app diagnoses a domain?

Usage::

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/diagnostics_gui_stall.py \\
        [--runs 3] [--delay 0.2] [--output benchmarks/RESULTS-diagnostics-gui.md]

The real main window runs its checks step against the loopback bed of
``tests/servers/diagnostics_bed.py`` with every DNS and HTTP answer delayed
(200 ms by default), exactly as a user's click on "Check again" does. A 5 ms
``QTimer`` heartbeat on the GUI thread records the longest gap between two of
its ticks: the longest the window could not react. Target: at most 50 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="bench-config-")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from composer.store import Store  # noqa: E402
from composer.ui.main_window import MainWindow  # noqa: E402
from tests.servers.diagnostics_bed import diagnostics_bed  # noqa: E402

TARGET_MS = 50.0


def one_run(app: QApplication, window: MainWindow, domain: str) -> tuple[float, float]:
    """Wall time of the diagnosis and the longest GUI stall, both in ms."""
    clock = QElapsedTimer()
    last = [0]
    worst = [0]

    def beat() -> None:
        now = clock.elapsed()
        worst[0] = max(worst[0], now - last[0])
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(beat)
    window.controller.update(domain=domain, report=None)
    clock.start()
    heartbeat.start()
    started = time.perf_counter()
    loop = QEventLoop()
    window.checks.runner.finished.connect(loop.quit)
    window.checks.runner.failed.connect(loop.quit)
    window.checks.start()
    loop.exec()  # the real event loop, as in the app
    window.checks.runner.finished.disconnect(loop.quit)
    window.checks.runner.failed.disconnect(loop.quit)
    wall = (time.perf_counter() - started) * 1000
    heartbeat.stop()
    return wall, float(worst[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    from composer.ui.gc_guard import GuiThreadCollector

    GuiThreadCollector(app)  # as in the app: no garbage collection on worker threads (parented to app)
    rows = []
    with tempfile.TemporaryDirectory() as folder, diagnostics_bed(Path(folder), delay=args.delay) as bed:
        store = Store(Path(folder) / "data")
        window = MainWindow(bed.profile, store, diagnostics=bed.settings, auto_checks=False)
        window.show()
        window.go(window.steps.index(window.checks))
        for domain in ("good.test", "certexpired.test", "lame.test")[: max(1, args.runs)]:
            wall, stall = one_run(app, window, domain)
            rows.append((domain, wall, stall))
            print(f"{domain}: diagnosis {wall:.0f} ms, longest GUI stall {stall:.0f} ms")
        window.close()
        store.close()
    worst = max(stall for _d, _w, stall in rows)
    median = statistics.median(wall for _d, wall, _s in rows)
    verdict = "met" if worst <= TARGET_MS else "NOT met"
    table = [
        "| domain | diagnosis (ms) | longest GUI stall (ms) |",
        "| --- | ---: | ---: |",
        *(f"| {d} | {w:.0f} | {s:.0f} |" for d, w, s in rows),
    ]
    text = "\n".join(
        [
            "# The GUI thread while the app diagnoses a domain",
            "",
            f"Every DNS and HTTP answer delayed {args.delay * 1000:.0f} ms; 5 ms heartbeat on the GUI "
            f"thread; {platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, offscreen.",
            "",
            *table,
            "",
            f"Longest stall {worst:.0f} ms, median diagnosis {median:.0f} ms: "
            f"target (≤ {TARGET_MS:.0f} ms) {verdict}.",
            "",
            "Reproduce: `QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/diagnostics_gui_stall.py "
            "--output benchmarks/RESULTS-diagnostics-gui.md`",
            "",
        ]
    )
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
