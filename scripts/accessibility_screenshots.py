"""Screenshots of the form at larger fonts, at high DPI and in the dark theme, to look at.

Run: ``.venv/bin/python scripts/accessibility_screenshots.py`` (offscreen, no display needed).

Writes ``docs/screenshots/accessibility/<variant>-<step>.png`` for the variants
``font-125`` and ``font-150`` (the system font at 125 % and 150 %),
``hidpi-200`` (a 2x screen: ``QT_SCALE_FACTOR=2``, the pictures are twice
the size) and ``dark`` (the palette a dark system theme gives Qt), each of
a request filled in as a customer would, with the focus ring on the first
field. Each variant runs in a process of its own (the scale factor is read
when Qt starts) and prints every label that is cut off (the test of
``tests/ui/test_clipping.py``); none should be.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots" / "accessibility"
VARIANTS = {"font-125": {}, "font-150": {}, "hidpi-200": {"QT_SCALE_FACTOR": "2"}, "dark": {}}
STEPS = ("who", "affected", "happens", "review")


def _variant(name: str) -> int:
    sys.path.insert(0, str(ROOT))
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from composer.profile import load_profile
    from composer.store import Store
    from composer.ui.delivery import DeliveryController
    from composer.ui.main_window import MainWindow
    from composer.ui.visibility import FocusRing
    from tests.core.factories import good_mail_request
    from tests.ui.test_accessibility_display import dark_palette
    from tests.ui.test_clipping import _clipped_labels

    app = QApplication(sys.argv[:1])
    if name.startswith("font-"):
        font = QFont(app.font())
        font.setPointSizeF(font.pointSizeF() * int(name.split("-")[1]) / 100)
        app.setFont(font)
    if name == "dark":
        app.setPalette(dark_palette())
    FocusRing.install(app)
    from keyring.backends.fail import Keyring as FailKeyring

    from composer.credentials import Credentials

    with tempfile.TemporaryDirectory() as folder, Store(Path(folder)) as store:
        delivery = DeliveryController(store, credentials=Credentials(backend=FailKeyring()))
        window = MainWindow(load_profile(), store, auto_checks=False, delivery=delivery)
        window.controller.load(good_mail_request())
        window.show()
        window.activateWindow()
        clipped = 0
        for index, step in enumerate(window.steps):
            window.go(index)
            for _ in range(5):
                app.processEvents()
            for problem in _clipped_labels(window):
                print(f"{name} {step.key}: cut off: {problem}")
                clipped += 1
            if step.key in STEPS:
                window.grab().save(str(OUT / f"{name}-{index + 1:02d}-{step.key}.png"))
        window.close()
        delivery.close()
    print(f"{name}: {clipped} labels cut off")
    return 1 if clipped else 0


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--variant":
        return _variant(sys.argv[2])
    OUT.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name, extra in VARIANTS.items():
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "LANGUAGE": "en", **extra}
        child = subprocess.run([sys.executable, __file__, "--variant", name], env=env, check=False)
        failed |= child.returncode
    return failed


if __name__ == "__main__":
    sys.exit(main())
