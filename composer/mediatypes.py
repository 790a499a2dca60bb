"""The media type of an attachment, from its name: the same answer on every system.

Python's :mod:`mimetypes` reads the system's tables (``/etc/mime.types``,
the Windows registry), so ``.log`` is ``text/plain`` on one machine and
unknown on the next, and an unknown type travels as
``application/octet-stream``: the agent's mail client then offers to save
a log instead of showing it. The evidence people attach is listed here
first; everything else falls back to :mod:`mimetypes`.

HAR files are JSON; there is no registered ``application/har+json``, and
mail clients and helpdesks show ``application/json`` as text, so that is
what they get. A saved e-mail (``.eml``) is ``message/rfc822``, which mail
clients open as a message.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

__all__ = ["OCTET_STREAM", "media_type_for"]

OCTET_STREAM = "application/octet-stream"

_BY_SUFFIX = {
    ".log": "text/plain",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".out": "text/plain",
    ".err": "text/plain",
    ".conf": "text/plain",
    ".cfg": "text/plain",
    ".ini": "text/plain",
    ".env": "text/plain",
    ".csv": "text/csv",
    ".har": "application/json",
    ".json": "application/json",
    ".xml": "application/xml",
    ".yaml": "text/plain",
    ".yml": "text/plain",
    ".eml": "message/rfc822",
    ".msg": "application/vnd.ms-outlook",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".bmp": "image/bmp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".svg": "image/svg+xml",
    ".zip": "application/zip",
    ".gz": "application/gzip",
}

_BY_NAME = {".htaccess": "text/plain", "error_log": "text/plain", "php.ini": "text/plain"}


def media_type_for(name: str, given: str = "") -> str:
    """The media type to send a file called ``name`` with.

    ``given`` (what the source said, e.g. an image encoder) wins unless it is
    empty or the meaningless ``application/octet-stream``.
    """
    if given and given != OCTET_STREAM:
        return given
    base = PurePath(name).name.lower()
    if base in _BY_NAME:
        return _BY_NAME[base]
    suffix = PurePath(base).suffix
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    return mimetypes.guess_type(base)[0] or OCTET_STREAM
