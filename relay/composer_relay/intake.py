"""Reading one POST of the intake API: limits, multipart, the JSON part, the files.

Files are written to a folder of their own under the attachments folder
while their SHA-256 is computed, and fsync'ed, so that once the row is
committed the request is on disk in full. Everything the spec or the
provider's limits do not allow is a :class:`~composer_relay.problems.Problem`.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from composer_relay.config import LimitSettings
from composer_relay.problems import Problem
from composer_relay.store import Staged, discard_staged
from composer_relay.wire import IDEMPOTENCY_KEY, AttachmentMeta

__all__ = ["Received", "idempotency_key", "read_post"]

JSON_PART_LIMIT = 8 * 1024 * 1024
COPY_CHUNK = 256 * 1024


@dataclass(frozen=True)
class Received:
    """A parsed POST: its JSON part (parsed and validated), the files staged on disk, the body hash."""

    data: dict[str, Any]
    model: BaseModel
    files: list[Staged]
    body_hash: str


def idempotency_key(request: Request) -> str:
    """The ``Idempotency-Key`` header, checked against the spec's pattern.

    Raises:
        Problem: 400 ``idempotency.key_missing``.
    """
    key = request.headers.get("idempotency-key", "")
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise Problem(
            400,
            "idempotency.key_missing",
            "Idempotency-Key missing or malformed",
            detail="Send the same Idempotency-Key (16 to 128 of A-Z a-z 0-9 . _ : -) on every retry.",
        )
    return key


async def read_post(
    request: Request, *, part: str, model: type[BaseModel], limits: LimitSettings, attachments_dir: Path
) -> Received:
    """Parse a multipart POST whose JSON part is ``part`` (validated by ``model``).

    Raises:
        Problem: 400, 413, 415 or 422 with the codes of :mod:`composer_relay.problems`.
    """
    content_type = request.headers.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "multipart/form-data":
        raise Problem(415, "request.malformed", "Send multipart/form-data", detail=f"Got {content_type!r}.")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.max_request_bytes:
        raise _too_large(limits)
    parser = MultiPartParser(
        request.headers,
        _limited(request, limits),
        max_files=limits.max_attachments,
        max_fields=4,
        max_part_size=JSON_PART_LIMIT,
    )
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        if "Too many files" in str(exc):
            raise Problem(
                413, "request.too_large", "Too many files", detail=f"At most {limits.max_attachments}."
            ) from None
        raise Problem(400, "request.malformed", "Malformed multipart body", detail=str(exc)) from None
    try:
        raw = form.get(part)
        if not isinstance(raw, str):
            raise Problem(400, "request.malformed", f"The {part!r} part is missing")
        try:
            data = json.loads(raw)
        except ValueError:
            raise Problem(400, "request.malformed", f"The {part!r} part is not JSON") from None
        try:
            parsed = model.model_validate(data)
        except ValidationError as exc:
            raise Problem(
                422,
                "request.invalid",
                "The request does not follow the intake API's schema",
                errors=[
                    {"field": ".".join(str(p) for p in e["loc"]) or part, "message": e["msg"]}
                    for e in exc.errors()
                ],
            ) from None
        uploads = [f for f in form.getlist("attachments") if isinstance(f, UploadFile)]
        listed: tuple[AttachmentMeta, ...] = getattr(parsed, "attachments", ())
        if part == "request":
            listed = parsed.request.attachments  # type: ignore[attr-defined]
        _check_listed(listed, len(uploads), limits)
        files = await _stage(uploads, listed, attachments_dir)
    finally:
        await form.close()
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8"))
    for staged in files:
        digest.update(staged.sha256.encode("ascii"))
    return Received(data, parsed, files, digest.hexdigest())


def _too_large(limits: LimitSettings) -> Problem:
    return Problem(
        413,
        "request.too_large",
        "The request is too large",
        detail=f"At most {limits.max_request_bytes} bytes.",
    )


async def _limited(request: Request, limits: LimitSettings) -> AsyncGenerator[bytes, None]:
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > limits.max_request_bytes:
            raise _too_large(limits)
        yield chunk


def _check_listed(listed: tuple[AttachmentMeta, ...], uploaded: int, limits: LimitSettings) -> None:
    if len(listed) > limits.max_attachments:
        raise Problem(413, "request.too_large", "Too many files", detail=f"At most {limits.max_attachments}.")
    for meta in listed:
        if meta.size > limits.max_attachment_bytes:
            raise Problem(
                413,
                "request.too_large",
                f"{meta.name} is too large",
                detail=f"At most {limits.max_attachment_bytes} bytes a file.",
            )
        if not limits.media_type_allowed(meta.media_type):
            raise Problem(
                415,
                "attachment.type_not_allowed",
                f"Files of type {meta.media_type} are not accepted",
                detail="Accepted: " + ", ".join(limits.media_types),
            )
    if len(listed) != uploaded:
        raise Problem(
            422,
            "attachment.mismatch",
            "The files do not match the list in the request",
            detail=f"{len(listed)} listed, {uploaded} sent.",
        )


async def _stage(uploads: list[UploadFile], listed: tuple[AttachmentMeta, ...], folder: Path) -> list[Staged]:
    target = folder / uuid.uuid4().hex
    staged: list[Staged] = []
    try:
        for position, (upload, meta) in enumerate(zip(uploads, listed, strict=True)):
            path = target / str(position)
            size, sha256 = await run_in_threadpool(_copy, upload, path)
            if size != meta.size or sha256 != meta.sha256:
                raise Problem(
                    422,
                    "attachment.mismatch",
                    f"{meta.name} does not match its size or SHA-256",
                    errors=[{"field": f"attachments.{position}", "message": "size or sha256 differs"}],
                )
            staged.append(Staged(meta.name, meta.media_type, size, sha256, path))
    except BaseException:
        discard_staged([*staged, Staged("", "", 0, "", target / "x")])
        raise
    return staged


def _copy(upload: UploadFile, path: Path) -> tuple[int, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    upload.file.seek(0)
    with open(path, "wb") as out:
        while chunk := upload.file.read(COPY_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return size, digest.hexdigest()
