"""How fast does the app's window appear and take typing, against a bare PySide6 window?

Usage::

    .venv/bin/python benchmarks/gui_startup.py [--runs 11] [--output benchmarks/RESULTS-startup.md]

Each run starts a new process offscreen (``QT_QPA_PLATFORM=offscreen``) with
a fresh data and settings folder, and takes three times from the moment the
process is spawned:

- **shown**: the first paint of the app's window (the first ``Paint`` event
  of a ``QMainWindow``: the window has been laid out and drawn once). The app
  paints its window (:mod:`composer.ui.start_window`: its name, size, the
  steps' titles and the first step) before it imports the form's model, and
  builds the rest of the form into it right after that paint;
- **interactive**: after that, the first time the event loop is about to
  wait (``QAbstractEventDispatcher.aboutToBlock``) with the keyboard focus in
  a text field that has been painted (the form's first field,
  ``field.name``), and a key typed into it lands there. The probe waits for
  it (30 s at most, then it fails);
- **the whole form in**: the app only: the first time the event loop waits
  after the form (``window.main``: its menus, its side panel, Back and Next)
  has painted in the window. The key typed at *interactive* must then be in
  the form's draft (the requester's name), or the run fails: what a user
  types before the form is in is kept. For the bare window this is its
  *interactive*;
- and, from the first paint to the whole form, the longest the event loop went
  without a turn (a 5 ms timer notes every turn): the longest a key typed
  meanwhile waited to be taken and painted.

The app (``python -m composer``, no arguments: the demo profile; the probe
goes in through :func:`composer.__main__.run`, the program entry) and the
baseline (a bare ``QMainWindow`` holding one ``QLineEdit``, in the same
interpreter, with the same Qt) are started in turns in the same run, so
both see the same machine. The figures are medians; the ratios are the app's
median over the bare window's median *shown* time (the issue's targets:
shown at most 1.5x, interactive at most 2x a bare window's start), and the
median of the per-pair ratios. A first, unreported pair writes the bytecode
caches (``PYTHONDONTWRITEBYTECODE`` is dropped from the children's
environment: an installed app has its bytecode). ``request-composer
--version`` is timed too (the installed command; target under 0.1 s).

The probe is this file run as ``--child app|bare``: it creates the
``QApplication`` itself (the app reuses it), watches for the main window's
first paint with an application-wide event filter, and prints
``shown``/``interactive``/``form`` with ``time.monotonic()`` (the same clock
in parent and child on Linux).
"""

from __future__ import annotations

import itertools
import sys
import time
from typing import Any

# --- the child: keep it to what both kinds need, so that it costs both the same ---


def _probe(kind: str) -> Any:
    """The ``QApplication``, with the filter that marks the first paint, the first typed key and the form."""
    from PySide6.QtCore import QAbstractEventDispatcher, QEvent, QObject, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QPlainTextEdit

    app = QApplication(sys.argv[:1])
    marks: dict[str, float] = {}
    painted: set[int] = set()  # the text fields painted so far (by id)
    form_painted: list[QMainWindow] = []  # the app's form (``window.main``), once it has painted
    give_up = time.monotonic() + 30
    # from the first paint until the form is in: how long the event loop went without a turn
    # (a timer every 5 ms notes each turn: the longest gap is the longest the window could
    # not take a key or paint one)
    turns: list[float] = []
    pulse = QTimer()
    pulse.setTimerType(Qt.TimerType.PreciseTimer)
    pulse.setInterval(5)
    pulse.timeout.connect(lambda: turns.append(time.monotonic()))

    def finish(code: int, message: str) -> None:
        print(message, flush=True)
        app.exit(code)

    def typed() -> None:
        widget = QApplication.focusWidget()
        if not isinstance(widget, (QLineEdit, QPlainTextEdit)) or id(widget) not in painted:
            if time.monotonic() > give_up:  # the app shows its window before the form: wait for it
                finish(3, f"no text field on the screen has the focus: {widget!r}")
            return
        QTest.keyClick(widget, Qt.Key.Key_Q)
        text = widget.text() if isinstance(widget, QLineEdit) else widget.toPlainText()
        if "q" not in text.lower():
            finish(4, f"the key did not land in {widget.objectName()!r}")
            return
        marks["interactive"] = time.monotonic()
        print(f"focus {widget.objectName() or type(widget).__name__}", flush=True)

    def form_in() -> None:
        """The app: its form is in the window and painted, and the typed key is in its draft."""
        if not form_painted:
            if time.monotonic() > give_up:
                finish(5, "the form did not come")
            return
        marks["form"] = time.monotonic()
        pulse.stop()
        turns.append(marks["form"])
        name = form_painted[0].controller.request.requester.name  # type: ignore[attr-defined]
        if "q" not in name.lower():
            finish(6, f"the key typed before the form is not in its draft: {name!r}")
            return
        report()

    def report() -> None:
        marks.setdefault("form", marks["interactive"])  # (a bare window has no form to wait for)
        for mark in ("shown", "interactive", "form"):
            print(f"{mark} {marks[mark]:.6f}", flush=True)
        print(f"stall {max((b - a for a, b in itertools.pairwise(turns)), default=0.0):.6f}")
        app.exit(0)

    def idle() -> None:
        if "interactive" not in marks:
            typed()
            if "interactive" in marks and kind == "bare":
                report()
        elif "form" not in marks:
            form_in()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                if isinstance(watched, (QLineEdit, QPlainTextEdit)):
                    painted.add(id(watched))
                if "shown" not in marks and isinstance(watched, QMainWindow):
                    marks["shown"] = time.monotonic()
                    turns.append(marks["shown"])
                    pulse.start()
                    dispatcher = QAbstractEventDispatcher.instance()
                    assert dispatcher is not None
                    dispatcher.aboutToBlock.connect(idle)
                if (
                    not form_painted
                    and isinstance(watched, QMainWindow)
                    and watched.objectName() == "window.main"
                ):
                    form_painted.append(watched)
            return False

    app._probe = FirstPaint()  # kept alive with the application
    app._pulse = pulse
    app.installEventFilter(app._probe)
    return app


def _child(kind: str) -> int:
    if kind == "bare":
        from PySide6.QtWidgets import QLineEdit, QMainWindow, QWidget

        app = _probe("bare")
        window = QMainWindow()
        field = QLineEdit()
        central = QWidget()
        field.setParent(central)
        window.setCentralWidget(central)
        window.setWindowTitle("bare")
        window.resize(900, 640)
        window.show()
        field.setFocus()
        result: int = app.exec()
        return result
    # The app starts as ``request-composer`` does; the probe goes in where Qt is first
    # needed (run_gui; a tree from before the window came first, as with --compare,
    # imported the first window's core modules before that), and the app then reuses
    # its QApplication.
    import importlib.util

    from composer import cli

    getattr(cli, "prepare_gui_start", lambda: None)()  # as cli.main does before it imports the app
    from composer import commands

    run_gui = commands.run_gui

    def probed(args: Any) -> int:
        if importlib.util.find_spec("composer.ui.start_window") is None:
            getattr(commands, "preload_first_window", lambda: None)()
        _probe("app")
        started: int = run_gui(args)
        return started

    commands.run_gui = probed
    # through the program entry, as `request-composer` starts (what it sets for the process
    # included); a tree from before that entry existed, as with --compare, through cli.main
    sys.argv[1:] = []
    try:
        from composer.__main__ import run
    except ImportError:
        return cli.main([])
    run()  # ends the process
    return 0


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--child":
    sys.exit(_child(sys.argv[2]))

# --- the parent ---

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET_SHOWN = 1.5
TARGET_INTERACTIVE = 2.0
TARGET_VERSION = 0.1


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_start(kind: str, source: Path | None = None) -> tuple[float, float, float, float, float]:
    """Seconds from spawning a probe child of ``kind`` to its window shown, interactive, the form in.

    Then the longest the event loop went without a turn between the first paint
    and the form, and the child's CPU time from start to exit (it exits right
    after the form is in; a bare window, after the typed key): steadier than
    wall time on a shared machine.
    """
    with tempfile.TemporaryDirectory(prefix="bench-gui-") as home:
        # bytecode is cached as after pip or PyInstaller (PYTHONDONTWRITEBYTECODE would make
        # every start compile the app's modules again)
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("QT_", "REQUEST_COMPOSER", "PYTHONDONTWRITEBYTECODE"))
        }
        env.update(
            QT_QPA_PLATFORM="offscreen",
            LANGUAGE="en",
            HOME=home,
            XDG_CONFIG_HOME=f"{home}/config",
            XDG_CACHE_HOME=f"{home}/cache",
            REQUEST_COMPOSER_DATA=f"{home}/data",
            REQUEST_COMPOSER_OFFLINE="1",
        )
        if source is not None:  # the app from another source tree (``--compare``)
            env["PYTHONPATH"] = str(source)
        cpu = _children_cpu()
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, __file__, "--child", kind],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    marks = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    if result.returncode != 0 or "form" not in marks:
        raise SystemExit(f"{kind} failed (exit {result.returncode}): {result.stdout}{result.stderr[-2000:]}")
    shown, interactive, form = (float(marks[mark]) - started for mark in ("shown", "interactive", "form"))
    return shown, interactive, form, float(marks["stall"]), _children_cpu() - cpu


def version_time() -> float:
    """``request-composer --version``: the installed command (else ``python -m composer``)."""
    script = Path(sys.executable).with_name("request-composer")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "composer"]
    started = time.monotonic()
    subprocess.run([*command, "--version"], cwd=ROOT, capture_output=True, check=True)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--output", type=Path, help="write the results as Markdown here")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="also time the app from this source tree (e.g. a worktree of the commit before), in turns",
    )
    args = parser.parse_args()
    one_start("bare")
    one_start("app")  # bytecode caches
    if args.compare:
        one_start("app", args.compare)
    bare: list[tuple[float, float, float, float, float]] = []
    app: list[tuple[float, float, float, float, float]] = []
    before: list[tuple[float, float, float, float, float]] = []
    versions: list[float] = []
    for _ in range(args.runs):
        bare.append(one_start("bare"))
        app.append(one_start("app"))
        if args.compare:
            before.append(one_start("app", args.compare))
        versions.append(version_time())
    bare_shown = statistics.median(b[0] for b in bare)
    bare_interactive = statistics.median(b[1] for b in bare)
    app_shown = statistics.median(a[0] for a in app)
    app_interactive = statistics.median(a[1] for a in app)
    pair_shown = statistics.median(a[0] / b[0] for a, b in zip(app, bare, strict=True))
    pair_interactive = statistics.median(a[1] / b[0] for a, b in zip(app, bare, strict=True))
    app_form = statistics.median(a[2] for a in app)
    pair_form = statistics.median(a[2] / b[0] for a, b in zip(app, bare, strict=True))
    app_stall = statistics.median(a[3] for a in app)
    bare_cpu = statistics.median(b[4] for b in bare)
    app_cpu = statistics.median(a[4] for a in app)
    version = statistics.median(versions)
    load = os.getloadavg()[0]
    rows = [
        ("bare QMainWindow: shown / interactive", f"{bare_shown:.3f} s / {bare_interactive:.3f} s", ""),
        (
            "the app: shown / interactive / the whole form in",
            f"{app_shown:.3f} s / {app_interactive:.3f} s / {app_form:.3f} s",
            "",
        ),
        (
            "shown, app / bare (ratio of medians; median of pairs)",
            f"{app_shown / bare_shown:.2f}x; {pair_shown:.2f}x",
            f"≤ {TARGET_SHOWN}x",
        ),
        (
            "interactive, app / bare shown (ratio of medians; median of pairs)",
            f"{app_interactive / bare_shown:.2f}x; {pair_interactive:.2f}x",
            f"≤ {TARGET_INTERACTIVE}x",
        ),
        (
            "the whole form in, app / bare shown (ratio of medians; median of pairs)",
            f"{app_form / bare_shown:.2f}x; {pair_form:.2f}x",
            "",
        ),
        (
            "the longest the window could not take a key, from its first paint to the whole form (median)",
            f"{app_stall * 1000:.0f} ms",
            "",
        ),
        (
            "CPU time, start to exit: bare / app (app / bare)",
            f"{bare_cpu:.3f} s / {app_cpu:.3f} s ({app_cpu / bare_cpu:.2f}x)",
            "",
        ),
        ("`request-composer --version`", f"{version:.3f} s", f"< {TARGET_VERSION} s"),
    ]
    if before:
        shown = statistics.median(b[0] for b in before)
        interactive = statistics.median(b[1] for b in before)
        form = statistics.median(b[2] for b in before)
        stall = statistics.median(b[3] for b in before)
        cpu = statistics.median(b[4] for b in before)
        rows.append(
            (
                f"for comparison, `{args.compare}`: shown / interactive / the whole form in / longest"
                " without a turn / CPU",
                f"{shown:.3f} s / {interactive:.3f} s / {form:.3f} s / {stall * 1000:.0f} ms / {cpu:.3f} s"
                f" ({shown / bare_shown:.2f}x / {interactive / bare_shown:.2f}x / {form / bare_shown:.2f}x)",
                "",
            )
        )
    text = "\n".join(
        [
            "# Start-up: the app's window against a bare PySide6 window",
            "",
            f"`.venv/bin/python benchmarks/gui_startup.py --runs {args.runs}"
            f"{' --compare ' + str(args.compare) if args.compare else ''}` "
            f"({platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, load average {load:.1f} at the end; offscreen; medians of {args.runs})",
            "",
            "| What | Figure | Target |",
            "| --- | --- | --- |",
            *(f"| {what} | {figure} | {target} |" for what, figure, target in rows),
            "",
        ]
    )
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
