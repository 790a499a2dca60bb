"""Downscaling and encoding pictures, in a worker thread."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QThread
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from composer.ui.imaging import EncodedImage, ImageEncoder, ImageError, downscale_and_encode


def _screenshot(width: int, height: int) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    return image


def test_a_large_screenshot_is_scaled_down_as_png() -> None:
    result = downscale_and_encode(_screenshot(3840, 2160), max_side=1920)
    assert result.format == "PNG"
    assert result.original_size == (3840, 2160)
    assert result.new_size == (1920, 1080)
    assert result.data.startswith(b"\x89PNG")
    decoded = QImage.fromData(result.data)
    assert (decoded.width(), decoded.height()) == (1920, 1080)


def test_a_small_picture_is_never_scaled_up() -> None:
    result = downscale_and_encode(_screenshot(300, 200))
    assert result.new_size == (300, 200)


def test_the_pixel_limit_applies_too() -> None:
    result = downscale_and_encode(_screenshot(2000, 2000), max_side=5000, max_pixels=1_000_000)
    width, height = result.new_size
    assert width * height <= 1_000_000
    assert width == height


def test_a_big_photo_file_becomes_a_smaller_jpeg_without_metadata(tmp_path: Path) -> None:
    photo = tmp_path / "IMG_0001.JPG"
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    Image.new("RGB", (5000, 4000), (200, 120, 40)).save(photo, quality=95, exif=exif)
    result = downscale_and_encode(photo, max_side=2000, quality=80)
    assert result.format == "JPEG"
    assert result.original_size == (5000, 4000)
    assert result.new_size == (2000, 1600)
    assert len(result.data) < photo.stat().st_size
    with Image.open(io.BytesIO(result.data)) as decoded:
        assert decoded.size == (2000, 1600)
        assert b"PhoneMaker" not in result.data


def test_an_unreadable_file_raises_a_sentence(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    with pytest.raises(ImageError, match=r"broken\.png cannot be read as a picture"):
        downscale_and_encode(broken)


def test_the_encoder_works_off_the_gui_thread(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    import composer.ui.imaging as imaging

    threads: list[bool] = []
    real = imaging.downscale_and_encode

    def spy(*args: object, **kwargs: object) -> EncodedImage:
        threads.append(QThread.isMainThread())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(imaging, "downscale_and_encode", spy)
    encoder = ImageEncoder()
    with qtbot.waitSignal(encoder.finished, timeout=10000) as blocker:
        encoder.encode(_screenshot(4000, 3000), tag="shot-1", max_side=1000)
        assert encoder.pending() == 1
    result, tag = blocker.args
    assert tag == "shot-1"
    assert isinstance(result, EncodedImage)
    assert result.new_size == (1000, 750)
    assert threads == [False]  # it ran in a worker thread
    assert encoder.pending() == 0


def test_the_encoder_reports_failures(qtbot: QtBot, tmp_path: Path) -> None:
    encoder = ImageEncoder()
    with qtbot.waitSignal(encoder.failed, timeout=10000) as blocker:
        encoder.encode(tmp_path / "missing.png", tag="x")
    assert "missing.png" in blocker.args[0]
    assert blocker.args[1] == "x"
