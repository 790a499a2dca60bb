"""Evidence rules that need no display: limits, what counts as text, secret scrubbing of files.

Screenshots and files are attached through the UI's evidence step; this
module decides whether a file may be attached under the provider's limits,
whether it is text that must be scrubbed for secrets first, and turns the
user's decisions into the bytes that are stored.
"""

from __future__ import annotations

import codecs
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import PurePath

from composer.errors import ValidationError
from composer.model import Attachment
from composer.profile import Limits
from composer.redact import SecretMatch, apply_redactions, find_secrets

__all__ = ["TextEvidence", "check_limits", "looks_like_text", "read_text_evidence", "scrubbed_bytes"]

MB = 1024 * 1024

# Endings of files people attach that are text and may hold secrets.
TEXT_ENDINGS = frozenset(
    {
        ".txt",
        ".log",
        ".eml",
        ".msg",
        ".har",
        ".json",
        ".env",
        ".conf",
        ".cfg",
        ".ini",
        ".xml",
        ".csv",
        ".yaml",
        ".yml",
        ".php",
        ".htaccess",
        ".md",
        ".sh",
        ".py",
        ".js",
        ".html",
        ".htm",
        ".sql",
        ".out",
        ".err",
    }
)


def check_limits(limits: Limits, existing: Iterable[Attachment], name: str, size: int) -> None:
    """Refuse a file the provider will not accept, saying which limit and what to do.

    Raises:
        ValidationError: ``attachment.type_not_allowed``, ``attachment.too_large`` or
            ``attachment.total_too_large``.
    """
    ending = PurePath(name).suffix.lower()
    if limits.types and ending not in {
        t.lower() if t.startswith(".") else f".{t.lower()}" for t in limits.types
    }:
        raise ValidationError("attachment.type_not_allowed", name=name, types=", ".join(limits.types))
    if size > limits.attachment_mb * MB:
        raise ValidationError(
            "attachment.too_large", name=name, size=_mb(size), limit=_mb_limit(limits.attachment_mb)
        )
    total = sum(a.size for a in existing) + size
    if total > limits.total_mb * MB:
        raise ValidationError(
            "attachment.total_too_large", name=name, total=_mb(total), limit=_mb_limit(limits.total_mb)
        )


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _mb_limit(limit: float) -> str:
    return f"{limit:g} MB"


def looks_like_text(name: str, head: bytes) -> bool:
    """Whether a file is text to scrub: by its ending, or by bytes that decode as text."""
    if PurePath(name).suffix.lower() in TEXT_ENDINGS or PurePath(name).name.lower() in {".env", ".htaccess"}:
        return b"\x00" not in head[:4096]
    if not head or b"\x00" in head[:4096]:
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head[:4096])
    except UnicodeDecodeError:
        return False
    return True


@dataclass(frozen=True)
class TextEvidence:
    """A text file read for scrubbing, with the secrets found in it."""

    name: str
    text: str
    encoding: str
    matches: tuple[SecretMatch, ...]


def read_text_evidence(name: str, data: bytes, *, extra_secrets: Iterable[str] = ()) -> TextEvidence:
    """Decode ``data`` (UTF-8, else Latin-1, which never fails) and find its secrets."""
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin-1"
    return TextEvidence(name, text, encoding, tuple(find_secrets(text, extra_secrets=extra_secrets)))


def scrubbed_bytes(evidence: TextEvidence, keep: Collection[int | str] = ()) -> bytes:
    """The file's bytes with every secret replaced, except the ones the user keeps."""
    return apply_redactions(evidence.text, evidence.matches, keep=keep).encode(evidence.encoding, "replace")
