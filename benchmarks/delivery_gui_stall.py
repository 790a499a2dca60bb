"""How long the GUI thread stalls while a 25 MB request is sent through DeliveryController.

The intake test server runs in its own process on 127.0.0.1 (so its parsing
of the upload does not compete for this process's GIL). In this process a
``QApplication`` shows the outbox window (progress bar) and the delivery
prompts (the receipt at the end), as the app does, while a 10 ms ``QTimer``
heartbeat on the GUI thread records the longest gap between two ticks. A gap
is a stall: the window would not repaint or react for that long.

Measured per run: the whole send (``send()`` until the ``sent`` signal), the
time ``send()`` itself takes on the GUI thread, the longest stall, and the
number of progress signals. Before the runs, the same heartbeat runs while
the controller starts (keyring probe and outbox recovery are off the GUI
thread) and while nothing happens (the floor of this machine). Target: no
stall above 50 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.delivery_gui_stall [--runs 5] [--write]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QTimer, qVersion  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

SIZES = (10 * 1024 * 1024, 10 * 1024 * 1024, 5 * 1024 * 1024)
HEARTBEAT_MS = 10
TARGET_MS = 50.0
#: the test server sleeps this long after each 64 kB it reads: about 12 MB/s, a long upload
SLOW_READ_DELAY = 0.005
RESULTS = ROOT / "benchmarks" / "RESULTS-delivery-gui.md"
COMMAND = "QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.delivery_gui_stall --runs 5 --write"


class Heartbeat:
    """A timer on the GUI thread; ``longest`` is the longest gap between ticks, in ms."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(HEARTBEAT_MS)
        self.timer.timeout.connect(self._tick)
        self.clock = QElapsedTimer()
        self.longest = 0.0
        self.ticks = 0
        self._last = 0.0

    def start(self) -> None:
        self.longest = 0.0
        self.ticks = 0
        self.clock.start()
        self._last = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        self.longest = max(self.longest, now - self._last)
        self._last = now
        self.ticks += 1

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.longest


def _scenario(read_delay: float) -> str:
    return "full speed" if not read_delay else f"{read_delay * 1000:.0f} ms per 64 kB read"


def spin_until(app: QApplication, done: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the send did not finish in time")
        app.processEvents()
        time.sleep(0.001)


def start_server(read_delay: float) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.intake", str(read_delay)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    url = server.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        server.kill()
        raise RuntimeError("the intake test server did not start")
    return server, url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args()

    from keyring.backends.fail import Keyring as FailKeyring

    from composer.credentials import Credentials, identity
    from composer.delivery import Backoff
    from composer.outbox import OutboxEntry
    from composer.store import Store
    from composer.ui.credential_prompt import DeliveryPrompts
    from composer.ui.delivery import DeliveryController
    from composer.ui.outbox_view import OutboxDialog
    from tests.servers.intake import TOKEN, make_profile, make_request

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from composer.ui.gc_guard import GuiThreadCollector

    GuiThreadCollector(app)  # as in the app: no garbage collection on worker threads (parented to app)
    assert isinstance(app, QApplication)
    heartbeat = Heartbeat()
    servers = {delay: start_server(delay) for delay in (0.0, SLOW_READ_DELAY)}
    rows: list[dict[str, Any]] = []
    try:
        with (
            tempfile.TemporaryDirectory(prefix="composer-gui-stall-") as folder,
            Store(Path(folder)) as store,
        ):
            runs = [(delay, seed) for delay in servers for seed in range(args.runs)]
            requests = [(delay, make_request(store, sizes=SIZES, seed=seed)) for delay, seed in runs]
            secrets = Credentials(backend=FailKeyring())
            secrets.set("example", identity("intake", "maria@example.gr"), TOKEN)
            window = QWidget()
            window.resize(900, 600)
            window.show()

            heartbeat.start()
            spin_until(app, lambda: heartbeat.ticks >= 100)
            idle = heartbeat.stop()

            heartbeat.start()
            clock = time.perf_counter()
            controller = DeliveryController(store, credentials=secrets, backoff=Backoff(), parent=window)
            construct_ms = (time.perf_counter() - clock) * 1000
            spin_until(app, lambda: controller.is_ready)
            start_stall = heartbeat.stop()

            prompts = DeliveryPrompts(controller, window)
            outbox = OutboxDialog(controller, window)
            outbox.show()
            sent: dict[str, OutboxEntry] = {}
            counts: dict[str, int] = {}
            controller.sent.connect(lambda entry: sent.__setitem__(entry.request_id, entry))
            controller.progress.connect(
                lambda entry_id, *_sizes: counts.__setitem__(entry_id, counts.get(entry_id, 0) + 1)
            )
            for delay, request in requests:
                url = servers[delay][1]
                profile = make_profile({"kind": "helpdesk", "helpdesk": "intake", "url": url})
                heartbeat.start()
                clock = time.perf_counter()
                controller.send(request, profile)
                call_ms = (time.perf_counter() - clock) * 1000
                spin_until(app, lambda r=request: r.id in sent)  # type: ignore[misc]
                total = time.perf_counter() - clock
                stall = heartbeat.stop()
                entry = sent[request.id]
                if prompts.current is not None:
                    prompts.current.accept()  # the receipt
                rows.append(
                    {
                        "server": _scenario(delay),
                        "reference": entry.receipt.reference if entry.receipt else "",
                        "total_s": total,
                        "call_ms": call_ms,
                        "stall_ms": stall,
                        "progress": counts.get(entry.id, 0),
                        "ticks": heartbeat.ticks,
                    }
                )
                print(
                    f"run {len(rows)} ({_scenario(delay)}): {total:.2f} s, send() {call_ms:.1f} ms, "
                    f"longest stall {stall:.1f} ms, {counts.get(entry.id, 0)} progress signals",
                    flush=True,
                )
            outbox.accept()
            controller.close()
            window.close()
    finally:
        for server, _url in servers.values():
            assert server.stdin is not None
            server.stdin.close()
            server.wait(10)

    worst = max(r["stall_ms"] for r in rows)
    megabytes = sum(SIZES) / 1024 / 1024
    lines = [
        "# Delivery: GUI stalls while sending",
        "",
        f"`{COMMAND}`",
        "",
        f"A request with {len(SIZES)} attachments ({megabytes:.0f} MB) sent through `DeliveryController` "
        "to the intake test server (its own process, 127.0.0.1; at full speed, and throttled to a long "
        "upload by sleeping after each 64 kB it reads), with the outbox window (progress bar) "
        f"and the receipt on screen. A {HEARTBEAT_MS} ms `QTimer` on the GUI thread records the longest "
        f"gap between ticks. Python {platform.python_version()}, Qt {qVersion()}, "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, platform plugin "
        f"`{QApplication.platformName()}`.",
        "",
        f"| run | server | send to `sent` signal | `send()` on the GUI thread | progress signals "
        f"| longest GUI stall | ≤ {TARGET_MS:.0f} ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for number, row in enumerate(rows, 1):
        verdict = "yes" if row["stall_ms"] <= TARGET_MS else "**no**"
        lines.append(
            f"| {number} | {row['server']} | {row['total_s']:.2f} s | {row['call_ms']:.2f} ms "
            f"| {row['progress']} | {row['stall_ms']:.1f} ms | {verdict} |"
        )
    lines += [
        "",
        f"Median longest stall {statistics.median(r['stall_ms'] for r in rows):.1f} ms, worst {worst:.1f} ms "
        f"(target ≤ {TARGET_MS:.0f} ms: {'met' if worst <= TARGET_MS else '**not met**'}).",
        "",
        f"For comparison: the heartbeat alone, nothing else running: longest gap {idle:.1f} ms. "
        f"Starting the controller (keyring probe and outbox recovery on the thread pool): the constructor "
        f"took {construct_ms:.1f} ms on the GUI thread, longest gap until the worker ran "
        f"{start_stall:.1f} ms.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if args.write:
        RESULTS.write_text(report, encoding="utf-8")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
