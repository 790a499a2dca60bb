"""The intake API: our own documented HTTP API for providers who take structured requests.

``resources/openapi.yaml`` is the contract. :class:`IntakeClient` speaks it
over the shared HTTP layer (:mod:`composer.channels.http`: TLS, time-outs,
status codes, Retry-After, streamed multipart bodies); :class:`IntakeChannel`
plugs it into the outbox, and :data:`SPECS` registers it
(``helpdesk = "intake"``). The request's own id travels in the JSON
document (``request.id``, the API's field for it) and in the text.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlsplit

from pydantic import Field

from composer.channels.base import (
    DeliveryError,
    FailureKind,
    FollowUp,
    ProgressCallback,
    SendContext,
)
from composer.channels.http import CHUNK_SIZE, HttpClient, MultipartBody, Part
from composer.channels.registry import Capability, ChannelSettings, ChannelSpec, CredentialShape
from composer.credentials import identity
from composer.i18n import N_
from composer.model import Attachment, Receipt, Request

if TYPE_CHECKING:
    import httpx

    from composer.channels.factory import ChannelFactory
    from composer.profile import ProviderProfile

__all__ = [
    "CHUNK_SIZE",
    "SPECS",
    "Created",
    "IntakeChannel",
    "IntakeClient",
    "IntakeSettings",
    "MultipartBody",
    "Part",
]


@dataclass(frozen=True)
class Created:
    """What the intake API answered for a new ticket or message."""

    reference: str
    status_url: str = ""
    web_url: str = ""
    message_id: str = ""


class IntakeClient:
    """A client of the intake API at ``base_url`` (the profile's URL, e.g. ``https://intake.example/api/v1``).

    The arguments, and ``delivery.insecure_url``, are those of
    :class:`~composer.channels.http.HttpClient`, which does the talking; a 409
    ``idempotency.in_progress`` (a replay of a request still being created)
    is retried like a 5xx.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        verify: ssl.SSLContext | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | None = None,
    ) -> None:
        self._http = HttpClient(
            base_url,
            token=token,
            verify=verify,
            transport=transport,
            timeout=timeout,
            retryable_problems={"idempotency.in_progress"},
        )
        self.base_url = self._http.base_url
        self.host = self._http.host

    def close(self) -> None:
        self._http.close()

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
                :mod:`composer.channels.http`).
        """
        parts = [Part("request", "application/json", data=document.encode("utf-8"))]
        parts += _file_parts(files)
        body = MultipartBody(parts, progress=progress, before_last=body_leaving)
        data = self._http.post("requests", body, headers={"Idempotency-Key": idempotency_key})
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
        data = self._http.post(
            f"requests/{quote(reference, safe='')}/messages",
            body,
            headers={"Idempotency-Key": idempotency_key},
        )
        return Created(
            reference=str(data.get("reference", reference)),
            message_id=str(data.get("message_id", "")),
        )

    def get_status(self, reference: str) -> dict[str, Any]:
        """GET /requests/{reference}: the ticket's status document.

        Raises:
            DeliveryError: NETWORK, SERVER, REJECTED (404 is ``delivery.not_found``) or AUTH.
        """
        return self._http.get(f"requests/{quote(reference, safe='')}")

    def report_article_outcome(self, outcome: dict[str, Any], *, idempotency_key: str) -> dict[str, Any]:
        """POST /articles/outcomes: a knowledge-base article solved a problem, or did not.

        Raises:
            DeliveryError: as :meth:`create_request`.
        """
        document = json.dumps(outcome, ensure_ascii=False).encode("utf-8")
        body = MultipartBody([Part("outcome", "application/json", data=document)])
        return self._http.post("articles/outcomes", body, headers={"Idempotency-Key": idempotency_key})

    def fetch_prefill(self, code: str) -> dict[str, Any]:
        """GET /prefill/{code}: what staff prepared, as the relay stored it.

        The answer's ``token`` is the signed pre-fill: only it may fill a
        draft, once :func:`composer.prefill.read_relay_prefill` has checked it
        (:func:`composer.prefill_code.fetch_by_code` does both).

        Raises:
            DeliveryError: NETWORK, SERVER, REJECTED (404 or 410 are
                ``delivery.not_found``) or AUTH.
        """
        return self._http.get(f"prefill/{quote(code.strip(), safe='')}")


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
        timeout: httpx.Timeout | None = None,
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
        from composer.identities import owner_copy
        from composer.render import render_json
        from composer.rendered import render_request

        files = self._files(request.attachments)
        rendered = context.rendered or render_request(request, context.profile)
        copy = owner_copy(request, context.profile)  # the owner, when the profile wants them in copy
        extra: dict[str, Any] = {"subject": rendered.subject, "language": rendered.language}
        if copy:
            extra["copy_to"] = [copy]
        document = render_json(request, text=rendered.text, extra=extra)
        with self._client(request) as client:
            created = client.create_request(
                document,
                files,
                idempotency_key=context.idempotency_key,
                progress=context.progress,
                body_leaving=context.body_leaving,
            )
        status_url = created.status_url
        if status_url and not urlsplit(status_url).scheme:
            from httpx import URL

            status_url = str(URL(self.url.rstrip("/") + "/").join(status_url))
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


# -- registration --------------------------------------------------------------


class IntakeSettings(ChannelSettings):
    """``[[channels]] kind = "helpdesk", helpdesk = "intake"``: the provider's intake API."""

    kind: Literal["helpdesk"]
    helpdesk: Literal["intake"]
    url: str = Field(description="Base URL of the intake API, e.g. https://support.example/api/v1.")


def _token_identity(settings: IntakeSettings, request: Request, _factory: ChannelFactory) -> str:
    return identity(settings.helpdesk, request.requester.email)


def _build(settings: IntakeSettings, profile: ProviderProfile, factory: ChannelFactory) -> IntakeChannel:
    profile_id = profile.provider.id

    def token(request: Request) -> str | None:
        return factory.credentials.get(profile_id, _token_identity(settings, request, factory))

    return IntakeChannel(
        settings.url,
        token=token,
        attachment_path=factory.store.attachment_path,
        verify=factory.trust(settings.url),
        transport=factory.http_transport,
        timeout=factory.http_timeout,
    )


SPECS = (
    ChannelSpec(
        key="intake",
        settings=IntakeSettings,
        label=N_("the provider's request service"),
        capabilities=frozenset(
            {
                Capability.CREATE,
                Capability.ATTACHMENTS,
                Capability.FOLLOW_UP,
                Capability.STATUS,
                Capability.REPEAT_SAFE,
            }
        ),
        build=_build,
        credential=CredentialShape(label=N_("Access key"), identity=_token_identity),
    ),
)
