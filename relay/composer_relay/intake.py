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
from composer_relay.i18n import N_
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
            N_("Idempotency-Key missing or malformed"),
            detail=N_("Send the same Idempotency-Key (16 to 128 of A-Z a-z 0-9 . _ : -) on every retry."),
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
        raise Problem(
            415,
            "request.malformed",
            N_("Send multipart/form-data"),
            detail=N_("Got {content_type}."),
            params={"content_type": repr(content_type)},
        )
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
            raise _too_many(limits) from None
        raise Problem(
            400,
            "request.malformed",
            N_("Malformed multipart body"),
            detail="{reason}",
            params={"reason": str(exc)},
        ) from None
    try:
        raw = form.get(part)
        if not isinstance(raw, str):
            raise Problem(400, "request.malformed", N_("The '{part}' part is missing"), params={"part": part})
        try:
            data = json.loads(raw)
        except ValueError:
            raise Problem(
                400, "request.malformed", N_("The '{part}' part is not JSON"), params={"part": part}
            ) from None
        try:
            parsed = model.model_validate(data)
        except ValidationError as exc:
            raise Problem(
                422,
                "request.invalid",
                N_("The request does not follow the intake API's schema"),
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
        N_("The request is too large"),
        detail=N_("At most {limit} bytes."),
        params={"limit": limits.max_request_bytes},
    )


def _too_many(limits: LimitSettings) -> Problem:
    return Problem(
        413,
        "request.too_large",
        N_("Too many files"),
        detail=N_("At most {limit}."),
        params={"limit": limits.max_attachments},
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
        raise _too_many(limits)
    if limits.max_files_bytes is not None and sum(m.size for m in listed) > limits.max_files_bytes:
        raise Problem(
            413,
            "request.too_large",
            N_("The files are too large together"),
            detail=N_("At most {limit} bytes for all files together."),
            params={"limit": limits.max_files_bytes},
        )
    for meta in listed:
        if meta.size > limits.max_attachment_bytes:
            raise Problem(
                413,
                "request.too_large",
                N_("{name} is too large"),
                detail=N_("At most {limit} bytes a file."),
                params={"name": meta.name, "limit": limits.max_attachment_bytes},
            )
        if not limits.media_type_allowed(meta.media_type):
            raise Problem(
                415,
                "attachment.type_not_allowed",
                N_("Files of type {media_type} are not accepted"),
                detail=N_("Accepted: {accepted}"),
                params={"media_type": meta.media_type, "accepted": ", ".join(limits.media_types)},
            )
    if len(listed) != uploaded:
        raise Problem(
            422,
            "attachment.mismatch",
            N_("The files do not match the list in the request"),
            detail=N_("{listed} listed, {sent} sent."),
            params={"listed": len(listed), "sent": uploaded},
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
                    N_("{name} does not match its size or SHA-256"),
                    errors=[{"field": f"attachments.{position}", "message": N_("size or sha256 differs")}],
                    params={"name": meta.name},
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
