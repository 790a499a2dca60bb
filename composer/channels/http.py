"""The one HTTP layer of every channel that speaks HTTP: TLS, time-outs, status codes, Retry-After, streaming.

:class:`HttpClient` wraps an ``httpx.Client`` and turns everything that can
go wrong into a :class:`~composer.channels.base.DeliveryError` whose
:class:`~composer.channels.base.FailureKind` tells the outbox what to do::

    plain http:// to anything but loopback, not http(s)   -> CONFIG  delivery.insecure_url
    TLS handshake or certificate failure                    -> CONFIG  delivery.tls
    time-out (connect, write, read)                         -> NETWORK delivery.timeout
    refused, reset, DNS                                     -> NETWORK delivery.network
    2xx without a JSON object                               -> SERVER  delivery.bad_response
    401, 403                                                -> AUTH    delivery.auth_failed
    404, 410                                                -> REJECTED delivery.not_found
    408, 429, 5xx (and the caller's retryable problems)     -> SERVER  delivery.server_error
    other 4xx (problem+json ``errors`` kept per field)      -> REJECTED delivery.rejected

A failure after the whole body left the machine carries
``maybe_delivered=True``. ``Retry-After`` (seconds or an HTTP date) is
honoured up to :data:`MAX_RETRY_AFTER`. Bodies are :class:`MultipartBody`:
files stream from disk in :data:`CHUNK_SIZE` pieces and the same bytes are
produced again for every retry, so memory stays flat whatever the size.
TLS trust is the system's (``ssl.create_default_context``, which honours
``SSL_CERT_FILE`` and ``SSL_CERT_DIR``) unless a context is given.
"""

from __future__ import annotations

import json
import ssl
import uuid
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from composer import __version__
from composer.channels.base import DeliveryError, FailureKind, ProgressCallback, is_loopback_host
from composer.i18n import current_language

if TYPE_CHECKING:
    import httpx

__all__ = [
    "CHUNK_SIZE",
    "MAX_RETRY_AFTER",
    "HttpClient",
    "MultipartBody",
    "Part",
    "default_timeout",
    "parse_retry_after",
]

CHUNK_SIZE = 256 * 1024


def default_timeout() -> httpx.Timeout:
    """The time-outs of the HTTP channels (a function: httpx is imported when a channel talks)."""
    import httpx

    return httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)


#: the longest wait a server's Retry-After can impose (a longer one is cut to this)
MAX_RETRY_AFTER = 300.0


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


def parse_retry_after(value: str, *, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delay or HTTP date), at most :data:`MAX_RETRY_AFTER`.

    None when the header is absent or unreadable.
    """
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


class HttpClient:
    """A JSON-over-HTTP client with the failure mapping above.

    Args:
        base_url: the service's base URL, e.g. ``https://intake.example/api/v1``.
        token: a bearer token, or None.
        verify: the TLS context; the system's trust store by default.
        transport: an httpx transport, for tests.
        timeout: httpx time-outs (:func:`default_timeout` when None).
        retryable_problems: problem ``code`` values of a 409 that mean "try
            again later" (e.g. an idempotent replay still in progress).

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
        timeout: httpx.Timeout | None = None,
        retryable_problems: Collection[str] = (),
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in {"https", "http"} or not parts.hostname:
            raise DeliveryError("delivery.insecure_url", kind=FailureKind.CONFIG, url=base_url)
        if parts.scheme == "http" and not is_loopback_host(parts.hostname):
            raise DeliveryError("delivery.insecure_url", kind=FailureKind.CONFIG, url=base_url)
        self.base_url = base_url.rstrip("/")
        self.host = parts.hostname
        self._token = token
        self._retryable = frozenset(retryable_problems)
        if parts.scheme == "http":
            trust: ssl.SSLContext | bool = False  # loopback only, and no TLS to check
        else:
            trust = verify if verify is not None else ssl.create_default_context()
        import httpx  # here, not at the top: the channels' settings are read at start, httpx is not needed

        self._client = httpx.Client(
            base_url=self.base_url + "/",
            headers={
                "User-Agent": f"request-composer/{__version__}",
                "Accept": "application/json",
                # a problem's title and detail are shown to the user: ask for them in the UI's language
                "Accept-Language": current_language(),
            },
            verify=trust,
            transport=transport,
            timeout=timeout or default_timeout(),
            trust_env=False,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    def post(
        self, path: str, body: MultipartBody, *, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """POST a streamed multipart body; the answer's JSON object.

        Raises:
            DeliveryError: see the module's table.
        """
        sent = {
            **self._auth(),
            **(headers or {}),
            "Content-Type": body.content_type,
            "Content-Length": str(body.length),
        }
        return self._call(lambda: self._client.post(path, content=body, headers=sent), body)

    def get(self, path: str) -> dict[str, Any]:
        """GET a JSON object.

        Raises:
            DeliveryError: see the module's table.
        """
        return self._call(lambda: self._client.get(path, headers=self._auth()), None)

    def _call(self, send: Callable[[], httpx.Response], body: MultipartBody | None) -> dict[str, Any]:
        import httpx

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
            data = _json_object(response)
            if data is None:
                raise DeliveryError(
                    "delivery.bad_response", kind=FailureKind.SERVER, host=self.host, status=status
                )
            return data
        problem = _json_object(response) or {}
        reason = problem.get("detail") or problem.get("title") or response.reason_phrase
        if status in {401, 403}:
            raise DeliveryError("delivery.auth_failed", kind=FailureKind.AUTH, host=self.host, status=status)
        if status in {404, 410}:
            raise DeliveryError(
                "delivery.not_found", kind=FailureKind.REJECTED, host=self.host, status=status
            )
        if (
            status in {408, 429}
            or status >= 500
            or (status == 409 and problem.get("code") in self._retryable)
        ):
            raise DeliveryError(
                "delivery.server_error",
                kind=FailureKind.SERVER,
                host=self.host,
                status=status,
                reason=str(reason),
                retry_after=parse_retry_after(response.headers.get("Retry-After", "")),
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


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


def _tls_reason(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return str(seen.verify_message or seen.reason or "certificate")
        if isinstance(seen, ssl.SSLError) and seen.reason:
            return str(seen.reason)
        seen = seen.__cause__ or seen.__context__
    return "TLS"
