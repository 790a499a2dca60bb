"""Making pictures small enough to send, away from the GUI thread.

A 4K screenshot as PNG or a 20-megapixel phone photo is too big for most
helpdesks and slow to upload. :func:`downscale_and_encode` reads (from a file,
decoding at reduced size when the format allows), scales and encodes a picture;
it is a plain function, safe to run in a worker thread (``QImage``,
``QImageReader`` and ``QBuffer`` are reentrant). :class:`ImageEncoder` runs it on
the thread pool through :func:`composer.ui.bridge.run_task` and reports on the
GUI thread.

Re-encoding also drops the photo's metadata (EXIF, including GPS position).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QImageWriter

from composer.i18n import _
from composer.ui.bridge import run_task

__all__ = ["EncodedImage", "ImageEncoder", "downscale_and_encode"]

MAX_SIDE = 2560
MAX_PIXELS = 4_000_000
JPEG_QUALITY = 85
_PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".heic", ".heif", ".webp"})


@dataclass(frozen=True)
class EncodedImage:
    """An encoded picture and what was done to it."""

    data: bytes
    format: str  # "PNG" or "JPEG"
    original_size: tuple[int, int]
    new_size: tuple[int, int]

    @property
    def media_type(self) -> str:
        return "image/png" if self.format == "PNG" else "image/jpeg"

    @property
    def suffix(self) -> str:
        return ".png" if self.format == "PNG" else ".jpg"


class ImageError(Exception):
    """A picture that cannot be read or written; the message is for the user."""


def _fitted(size: QSize, max_side: int, max_pixels: int) -> QSize:
    scale = min(1.0, max_side / max(1, size.width()), max_side / max(1, size.height()))
    pixels = size.width() * size.height() * scale * scale
    if pixels > max_pixels:
        scale *= (max_pixels / pixels) ** 0.5
    return QSize(max(1, int(size.width() * scale)), max(1, int(size.height() * scale)))


def downscale_and_encode(
    source: QImage | str | Path,
    *,
    max_side: int = MAX_SIDE,
    max_pixels: int = MAX_PIXELS,
    quality: int = JPEG_QUALITY,
    image_format: str | None = None,
) -> EncodedImage:
    """Scale a picture down to fit the limits (never up) and encode it.

    Args:
        source: A picture in memory (a screenshot) or the path of a picture file.
        max_side: Longest side allowed, in pixels.
        max_pixels: Most pixels allowed in all.
        quality: JPEG quality, 1 to 100.
        image_format: "PNG" or "JPEG"; by default JPEG for photo files (.jpg, .heic,
            .webp) and PNG for everything else, screenshots above all (text stays sharp).

    Returns:
        The encoded bytes with the format and the sizes before and after.

    Raises:
        ImageError: The file cannot be read as a picture, or encoding failed.
    """
    if isinstance(source, QImage):
        image = source
        original = source.size()
        chosen = image_format or "PNG"
    else:
        path = Path(source)
        reader = QImageReader(str(path))
        reader.setAutoTransform(True)  # photos taken sideways come out upright
        original = reader.size()
        if original.isValid():
            # Transposed sizes (EXIF rotation) still fit, since the limits are symmetric.
            reader.setScaledSize(_fitted(original, max_side, max_pixels))
        image = reader.read()
        if image.isNull():
            raise ImageError(
                _("{name} cannot be read as a picture: {reason}").format(
                    name=path.name, reason=reader.errorString()
                )
            )
        if not original.isValid():
            original = image.size()
        chosen = image_format or ("JPEG" if path.suffix.lower() in _PHOTO_SUFFIXES else "PNG")
    if image.isNull():
        raise ImageError(_("The picture is empty."))
    target = _fitted(image.size(), max_side, max_pixels)
    if target.width() < image.width() or target.height() < image.height():
        image = image.scaled(
            target,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    if chosen == "JPEG" and image.hasAlphaChannel():
        image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, chosen.encode("ascii"))
    if chosen == "JPEG":
        writer.setQuality(quality)
        writer.setOptimizedWrite(True)
    if not writer.write(image):
        raise ImageError(_("The picture could not be encoded: {reason}").format(reason=writer.errorString()))
    buffer.close()
    return EncodedImage(
        data=bytes(data.data()),
        format=chosen,
        original_size=(original.width(), original.height()),
        new_size=(image.width(), image.height()),
    )


class ImageEncoder(QObject):
    """Runs :func:`downscale_and_encode` on the thread pool; results arrive as signals.

    ``finished`` carries an :class:`EncodedImage` and the ``tag`` given to
    :meth:`encode`; ``failed`` carries a sentence for the user and the tag.
    """

    finished = Signal(object, str)
    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending = 0

    def pending(self) -> int:
        """How many pictures are still being worked on."""
        return self._pending

    def encode(
        self,
        source: QImage | str | Path,
        *,
        tag: str = "",
        max_side: int = MAX_SIDE,
        max_pixels: int = MAX_PIXELS,
        quality: int = JPEG_QUALITY,
        image_format: str | None = None,
    ) -> None:
        """Start work on one picture; returns at once."""
        # A copy, so that the caller may go on painting on its image meanwhile.
        work = QImage(source) if isinstance(source, QImage) else source
        self._pending += 1

        def job() -> EncodedImage:
            return downscale_and_encode(
                work,
                max_side=max_side,
                max_pixels=max_pixels,
                quality=quality,
                image_format=image_format,
            )

        def done(result: object) -> None:
            self._pending -= 1
            self.finished.emit(result, tag)

        def failed(error: BaseException) -> None:
            self._pending -= 1
            message = str(error) if isinstance(error, ImageError) else _("The picture failed.")
            self.failed.emit(message, tag)

        run_task(job, on_result=done, on_error=failed)
