"""Render the app icon into the sizes desktops look for (run with PySide6 at hand).

``python installer/icons.py ICON OUTDIR`` writes ``OUTDIR/<n>x<n>/request-composer.png``
for each size in :data:`SIZES`, from an SVG (drawn sharp at every size) or a
PNG (scaled smoothly; give one of at least 256 px). The build script runs it
in the build environment, whose PySide6 has QtSvg; the app itself does not.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(source: Path, folder: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSize, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    written = []
    svg = QSvgRenderer(str(source)) if source.suffix.lower() == ".svg" else None
    if svg is not None and not svg.isValid():
        raise SystemExit(f"{source}: not a valid SVG picture")
    picture = QImage(str(source)) if svg is None else None
    if picture is not None and picture.isNull():
        raise SystemExit(f"{source}: not a picture Qt can read (use SVG or PNG)")
    for size in SIZES:
        if svg is not None:
            image = QImage(QSize(size, size), QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            svg.render(painter)
            painter.end()
        else:
            assert picture is not None
            image = picture.scaled(
                size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        target = folder / f"{size}x{size}" / "request-composer.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target), "PNG"):
            raise SystemExit(f"cannot write {target}")
        written.append(target)
    return written


if __name__ == "__main__":
    render(Path(sys.argv[1]), Path(sys.argv[2]))
