"""The intake API: our own documented HTTP API for providers who take structured requests.

``resources/openapi.yaml`` is the contract. :class:`IntakeClient` speaks it;
:class:`IntakeChannel` plugs it into the outbox. Attachments are streamed from
the attachment store in 256 KB pieces (:class:`MultipartBody`), so a 25 MB
request costs a few hundred kilobytes of memory, and the same multipart body
is produced again, byte for byte, for every retry. TLS trust is the system's
(``ssl.create_default_context``), which honours ``SSL_CERT_FILE`` and
``SSL_CERT_DIR``. Plain ``http://`` is refused unless the host is loopback.
"""

from __future__ import annotations

import json
import ssl
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from composer import __version__
from composer.channels.base import (
    DeliveryError,
    FailureKind,
    FollowUp,
    ProgressCallback,
    SendContext,
    is_loopback_host,
)
from composer.model import Attachment, Receipt, Request

__all__ = [
    "CHUNK_SIZE",
    "Created",
    "IntakeChannel",
    "IntakeClient",
    "MultipartBody",
    "Part",
]

CHUNK_SIZE = 256 * 1024
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)


@dataclass(frozen=True)
class Part:
    """One part of a multipart body: bytes in memory or a file streamed from disk."""

    name: str
    content_type: str
    data: bytes = b""
    path: Path | None = None
    size: int = 0
    filename: str = ""

    @property
    def length(self) -> int:
        return self.size if self.path is not None else len(self.data)


class MultipartBody:
    """A ``multipart/form-data`` body that streams files and can be sent again.

    Iterating yields the whole body; every iteration reads the files afresh,
    so a retry needs no copy in memory. ``finished`` turns True once the last
    byte has been handed to the connection; ``before_last`` is called just
    before it is (the outbox marks "the body may be out").
    """

    def __init__(
        self,
        parts: list[Part],
        *,
        progress: ProgressCallback | None = None,
        before_last: Callable[[], None] | None = None,
    ) -> None:
        self.boundary = uuid.uuid4().hex
        self._parts = [(self._head(p), p) for p in parts]
        self._tail = f"--{self.boundary}--\r\n".encode("ascii")
        self._progress = progress
        self._before_last = before_last
        self.length = sum(len(h) + p.length + 2 for h, p in self._parts) + len(self._tail)
        self.finished = False

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def _head(self, part: Part) -> bytes:
        disposition = f'form-data; name="{part.name}"'
        if part.filename:
            disposition += f'; filename="{_quote_filename(part.filename)}"'
        return (
            f"--{self.boundary}\r\nContent-Disposition: {disposition}\r\n"
            f"Content-Type: {part.content_type}\r\n\r\n"
        ).encode()

    def __iter__(self) -> Iterator[bytes]:
        self.finished = False
        sent = 0
        for head, part in self._parts:
            yield head
            sent += len(head)
            if part.path is None:
                yield part.data
                sent += len(part.data)
            else:
                with open(part.path, "rb") as stream:
                    while chunk := stream.read(CHUNK_SIZE):
                        yield chunk
                        sent += len(chunk)
                        self._report(sent)
            yield b"\r\n"
            sent += 2
            self._report(sent)
        if self._before_last is not None:
            self._before_last()
        yield self._tail
        sent += len(self._tail)
        self._report(sent)
        self.finished = True

    def _report(self, sent: int) -> None:
        if self._progress is not None:
            self._progress(sent, self.length)


def _quote_filename(name: str) -> str:
    # what browsers do (HTML5): percent-escape the quote and line breaks, keep UTF-8
    return name.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


@dataclass(frozen=True)
class Created:
    """What the intake API answered for a new ticket or message."""

    reference: str
    status_url: str = ""
    web_url: str = ""
    message_id: str = ""


class IntakeClient:
    """A client of the intake API at ``base_url``.

    Args:
        base_url: the URL from the provider profile, e.g. ``https://intake.example/api/v1``.
        token: the bearer token, or None when the call needs none.
        verify: the TLS context; the system's trust store by default.
        transport: an httpx transport, for tests.
        timeout: httpx timeouts.

    Raises:
        DeliveryError: ``delivery.insecure_url`` (CONFIG) for plain http:// to
            anything but loopback, or a URL that is not http(s).
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        verify: ssl.SSLContext | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in {"https", "http"} or not parts.hostname:
            raise DeliveryError("delivery.insecure_url", kind=FailureKind.CONFIG, url=base_url)
        if parts.scheme == "http" and not is_loopback_host(parts.hostname):
            raise DeliveryError("delivery.insecure_url", kind=FailureKind.CONFIG, url=base_url)
        self.base_url = base_url.rstrip("/")
        self.host = parts.hostname
        headers = {"User-Agent": f"request-composer/{__version__}", "Accept": "application/json"}
        self._token = token
        if parts.scheme == "http":
            trust: ssl.SSLContext | bool = False  # loopback only, and no TLS to check
        else:
            trust = verify if verify is not None else ssl.create_default_context()
        self._client = httpx.Client(
            base_url=self.base_url + "/",
            headers=headers,
            verify=trust,
            transport=transport,
            timeout=timeout,
            trust_env=False,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> IntakeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- operations -------------------------------------------------------

    def create_request(
        self,
        document: str,
        files: list[tuple[Attachment, Path]],
        *,
        idempotency_key: str,
        progress: ProgressCallback | None = None,
        body_leaving: Callable[[], None] | None = None,
    ) -> Created:
        """POST /requests: ``document`` is :func:`composer.render.render_json` output.

        Raises:
            DeliveryError: NETWORK, SERVER, REJECTED, AUTH or CONFIG (see
                :mod:`composer.channels.base`).
        """
        parts = [Part("request", "application/json", data=document.encode("utf-8"))]
        parts += _file_parts(files)
        body = MultipartBody(parts, progress=progress, before_last=body_leaving)
        data = self._post("requests", body, idempotency_key)
        return Created(
            reference=str(data.get("reference", "")),
            status_url=str(data.get("status_url", "")),
            web_url=str(data.get("web_url", "")),
        )

    def add_message(
        self,
        reference: str,
        message: dict[str, Any],
        files: list[tuple[Attachment, Path]],
        *,
        idempotency_key: str,
        progress: ProgressCallback | None = None,
        body_leaving: Callable[[], None] | None = None,
    ) -> Created:
        """POST /requests/{reference}/messages.

        Raises:
            DeliveryError: as :meth:`create_request`.
        """
        document = json.dumps(message, ensure_ascii=False).encode("utf-8")
        parts = [Part("message", "application/json", data=document), *_file_parts(files)]
        body = MultipartBody(parts, progress=progress, before_last=body_leaving)
        data = self._post(f"requests/{quote(reference, safe='')}/messages", body, idempotency_key)
        return Created(
            reference=str(data.get("reference", reference)),
            message_id=str(data.get("message_id", "")),
        )

    def get_status(self, reference: str) -> dict[str, Any]:
        """GET /requests/{reference}: the ticket's status document.

        Raises:
            DeliveryError: NETWORK, SERVER, REJECTED (404 is ``delivery.not_found``) or AUTH.
        """
        return self._get(f"requests/{quote(reference, safe='')}")

    def fetch_prefill(self, code: str) -> dict[str, Any]:
        """GET /prefill/{code}: the fields staff prepared for a new draft.

        Raises:
            DeliveryError: NETWORK, SERVER, REJECTED (404 or 410 are
                ``delivery.not_found``) or AUTH.
        """
        data = self._get(f"prefill/{quote(code.strip(), safe='')}")
        fields = data.get("fields")
        return dict(fields) if isinstance(fields, dict) else {}

    # -- plumbing ---------------------------------------------------------

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    def _post(self, path: str, body: MultipartBody, idempotency_key: str) -> dict[str, Any]:
        headers = {
            **self._auth(),
            "Idempotency-Key": idempotency_key,
            "Content-Type": body.content_type,
            "Content-Length": str(body.length),
        }
        return self._call(lambda: self._client.post(path, content=body, headers=headers), body)

    def _get(self, path: str) -> dict[str, Any]:
        return self._call(lambda: self._client.get(path, headers=self._auth()), None)

    def _call(self, send: Callable[[], httpx.Response], body: MultipartBody | None) -> dict[str, Any]:
        try:
            response = send()
        except httpx.TimeoutException as exc:
            raise self._network("delivery.timeout", exc, body) from None
        except httpx.TransportError as exc:
            if _tls_failure(exc):
                raise DeliveryError(
                    "delivery.tls", kind=FailureKind.CONFIG, host=self.host, reason=_tls_reason(exc)
                ) from None
            raise self._network("delivery.network", exc, body) from None
        return self._interpret(response)

    def _network(self, code: str, exc: Exception, body: MultipartBody | None) -> DeliveryError:
        return DeliveryError(
            code,
            kind=FailureKind.NETWORK,
            host=self.host,
            reason=type(exc).__name__,
            maybe_delivered=body is not None and body.finished,
        )

    def _interpret(self, response: httpx.Response) -> dict[str, Any]:
        status = response.status_code
        if 200 <= status < 300:
            try:
                data = response.json()
            except (json.JSONDecodeError, UnicodeDecodeError):
                data = None
            if not isinstance(data, dict):
                raise DeliveryError(
                    "delivery.bad_response", kind=FailureKind.SERVER, host=self.host, status=status
                )
            return data
        problem = _problem(response)
        reason = problem.get("detail") or problem.get("title") or response.reason_phrase
        if status in {401, 403}:
            raise DeliveryError("delivery.auth_failed", kind=FailureKind.AUTH, host=self.host, status=status)
        if status in {404, 410}:
            raise DeliveryError(
                "delivery.not_found", kind=FailureKind.REJECTED, host=self.host, status=status
            )
        if (
            status == 408
            or status == 429
            or status >= 500
            or (status == 409 and problem.get("code") == "idempotency.in_progress")
        ):
            raise DeliveryError(
                "delivery.server_error",
                kind=FailureKind.SERVER,
                host=self.host,
                status=status,
                reason=str(reason),
                retry_after=_retry_after(response),
                maybe_delivered=True,
            )
        errors = problem.get("errors")
        fields = (
            [(str(e.get("field", "")), str(e.get("message", ""))) for e in errors if isinstance(e, dict)]
            if isinstance(errors, list)
            else []
        )
        raise DeliveryError(
            "delivery.rejected",
            kind=FailureKind.REJECTED,
            host=self.host,
            status=status,
            reason=str(reason),
            errors=fields,
        )


def _file_parts(files: list[tuple[Attachment, Path]]) -> list[Part]:
    return [
        Part(
            "attachments",
            attachment.media_type or "application/octet-stream",
            path=path,
            size=attachment.size,
            filename=attachment.name,
        )
        for attachment, path in files
    ]


def _problem(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


def _tls_reason(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return str(seen.verify_message or seen.reason or "certificate")
        seen = seen.__cause__ or seen.__context__
    return "TLS"


class IntakeChannel:
    """The intake API as an outbox channel.

    Args:
        url: the base URL from the profile's helpdesk channel.
        token: returns the bearer token for the request's requester, or None
            when there is none (then ``credential.missing`` is raised, AUTH).
        attachment_path: where the store keeps an attachment's bytes.
        verify, transport, timeout: passed to :class:`IntakeClient`.
    """

    name = "intake"

    def __init__(
        self,
        url: str,
        *,
        token: Callable[[Request], str | None],
        attachment_path: Callable[[Attachment], Path],
        verify: ssl.SSLContext | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        self.url = url
        self._token = token
        self._attachment_path = attachment_path
        self._verify = verify
        self._transport = transport
        self._timeout = timeout

    def _client(self, request: Request) -> IntakeClient:
        token = self._token(request)
        if not token:
            raise DeliveryError(
                "credential.missing", kind=FailureKind.AUTH, host=urlsplit(self.url).hostname or ""
            )
        return IntakeClient(
            self.url,
            token=token,
            verify=self._verify,
            transport=self._transport,
            timeout=self._timeout,
        )

    def _files(self, attachments: tuple[Attachment, ...]) -> list[tuple[Attachment, Path]]:
        files = []
        for attachment in attachments:
            path = self._attachment_path(attachment)
            if not path.is_file():
                raise DeliveryError("attachment.missing", kind=FailureKind.REJECTED, name=attachment.name)
            files.append((attachment, path))
        return files

    def send(self, request: Request, context: SendContext) -> Receipt:
        """Create the ticket; a retry with the same key returns the same ticket.

        Raises:
            DeliveryError: see :meth:`IntakeClient.create_request`.
        """
        from composer.render import render_json

        files = self._files(request.attachments)
        with self._client(request) as client:
            created = client.create_request(
                render_json(request),
                files,
                idempotency_key=context.idempotency_key,
                progress=context.progress,
                body_leaving=context.body_leaving,
            )
        status_url = created.status_url
        if status_url and not urlsplit(status_url).scheme:
            status_url = str(httpx.URL(self.url.rstrip("/") + "/").join(status_url))
        return Receipt(
            channel=self.name,
            reference=created.reference,
            sent_at=datetime.now(UTC),
            url=created.web_url or status_url,
        )

    def send_follow_up(self, follow_up: FollowUp, context: SendContext) -> Receipt:
        """Add a message to the original ticket.

        Raises:
            DeliveryError: see :meth:`IntakeClient.add_message`; REJECTED
                ``delivery.no_reference`` when the original has no reference code.
        """
        original = context.original
        if original is None or original.receipt is None or not original.receipt.reference:
            raise DeliveryError("delivery.no_reference", kind=FailureKind.REJECTED)
        files = self._files(follow_up.attachments)
        message = {
            "text": follow_up.text,
            "author_email": original.requester.email,
            "attachments": [a.model_dump(mode="json") for a in follow_up.attachments],
        }
        with self._client(original) as client:
            created = client.add_message(
                original.receipt.reference,
                message,
                files,
                idempotency_key=context.idempotency_key,
                progress=context.progress,
                body_leaving=context.body_leaving,
            )
        return Receipt(
            channel=self.name,
            reference=created.reference,
            sent_at=datetime.now(UTC),
            message_id=created.message_id,
        )
