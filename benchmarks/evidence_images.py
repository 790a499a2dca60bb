"""How long pictures take to prepare, and whether the GUI thread stays responsive.

Usage::

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/evidence_images.py \\
        [--output benchmarks/RESULTS-evidence.md]

Two jobs run through :class:`composer.ui.imaging.ImageEncoder` (the thread pool)
while a 5 ms ``QTimer`` heartbeat on the GUI thread records the longest gap
between its ticks, i.e. the longest the GUI thread was unable to react:

1. a 3840x2160 screenshot (drawn in memory: the offscreen platform's screen is
   800x800, so the real grab is timed separately) encoded as PNG, scaled to the
   2560-pixel default;
2. a 20-megapixel JPEG photo (5472x3648, made with Pillow) read, scaled and
   re-encoded as JPEG.

Target: no stall above 50 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QCoreApplication, QRect, QTimer, qVersion  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from composer.ui.capture import grab_desktop  # noqa: E402
from composer.ui.imaging import EncodedImage, ImageEncoder  # noqa: E402

TARGET_MS = 50.0


def fake_screenshot(width: int = 3840, height: int = 2160) -> QImage:
    """A screenshot-like picture: flat panels, lines of text, a gradient bar."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#f4f4f4"))
    painter = QPainter(image)
    painter.fillRect(QRect(0, 0, width, 90), QColor("#2b5797"))
    painter.fillRect(QRect(0, 90, 480, height - 90), QColor("#e1e1e1"))
    font = QFont()
    font.setPixelSize(22)
    painter.setFont(font)
    for row, y in enumerate(range(130, height - 40, 34)):
        painter.setPen(QColor("#202020") if row % 7 else QColor("#c00000"))
        painter.drawText(520, y, f"Line {row}: Sending reported error (0x800CCC0E) " * 3)
    painter.end()
    return image


def photo(path: Path) -> None:
    """A 20-megapixel photo with detail everywhere (noise compresses like a real photo)."""
    noise = Image.effect_noise((5472, 3648), 64).convert("RGB")
    noise.save(path, quality=92)


class Heartbeat:
    """Ticks every 5 ms on the GUI thread and remembers the longest gap."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, (now - self._last) * 1000)
        self._last = now


def run_job(
    app: QCoreApplication, heartbeat: Heartbeat, source: QImage | Path
) -> tuple[EncodedImage, float, float]:
    encoder = ImageEncoder()
    results: list[EncodedImage] = []
    errors: list[str] = []
    encoder.finished.connect(lambda result, _tag: results.append(result))
    encoder.failed.connect(lambda message, _tag: errors.append(message))
    heartbeat.start()
    started = time.perf_counter()
    encoder.encode(source)
    while not results and not errors:
        app.processEvents()
        time.sleep(0.001)  # the benchmark's own loop; the app's loop never sleeps
    elapsed = (time.perf_counter() - started) * 1000
    heartbeat.timer.stop()
    if errors:
        raise RuntimeError(errors[0])
    return results[0], elapsed, heartbeat.longest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    from composer.ui.gc_guard import GuiThreadCollector

    GuiThreadCollector(app)  # as in the app: no garbage collection on worker threads (parented to app)
    heartbeat = Heartbeat()

    started = time.perf_counter()
    desktop = grab_desktop()
    grab_ms = (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    screenshot = fake_screenshot()
    draw_ms = (time.perf_counter() - started) * 1000
    shot, shot_ms, shot_stall = run_job(app, heartbeat, screenshot)

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "IMG_20MP.jpg"
        photo(path)
        photo_bytes = path.stat().st_size
        pic, photo_ms, photo_stall = run_job(app, heartbeat, path)

    def verdict(stall: float) -> str:
        return "yes" if stall <= TARGET_MS else "**no**"

    raw_shot = screenshot.sizeInBytes()
    lines = [
        "# Evidence pictures: preparation time and GUI stalls",
        "",
        "Reproduce: `QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/evidence_images.py "
        "--output benchmarks/RESULTS-evidence.md`",
        "",
        f"Python {platform.python_version()}, Qt {qVersion()}, {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs, platform plugin "
        f"`{QApplication.platformName()}`.",
        "",
        f"| Job (off the GUI thread) | Input | Output | Time | Longest GUI stall | ≤ {TARGET_MS:.0f} ms |",
        "|---|---|---|---:|---:|---|",
        f"| Screenshot → PNG | 3840×2160, {raw_shot / 1e6:.1f} MB in memory "
        f"| {shot.new_size[0]}×{shot.new_size[1]} {shot.format}, {len(shot.data) / 1e3:.0f} kB "
        f"| {shot_ms:.0f} ms | {shot_stall:.1f} ms | {verdict(shot_stall)} |",
        f"| 20 MP photo → JPEG | 5472×3648 JPEG, {photo_bytes / 1e6:.1f} MB "
        f"| {pic.new_size[0]}×{pic.new_size[1]} {pic.format}, {len(pic.data) / 1e3:.0f} kB "
        f"| {photo_ms:.0f} ms | {photo_stall:.1f} ms | {verdict(photo_stall)} |",
        "",
        "The stall is the longest gap between ticks of a 5 ms `QTimer` on the GUI thread "
        "while the job ran (so about 5 ms is the floor).",
        "",
        f"On the GUI thread, for comparison: `grab_desktop()` of the offscreen platform's "
        f"{desktop.width()}×{desktop.height()} screen took {grab_ms:.1f} ms; drawing the "
        f"synthetic 3840×2160 screenshot took {draw_ms:.0f} ms (benchmark set-up, not app "
        "work). A real 4K `QScreen.grabWindow` happens on the GUI thread (Qt requires it) "
        "and could not be measured here.",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if args.output:
        args.output.write_text(report, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
