"""What travels on the intake API, as ``resources/openapi.yaml`` defines it.

The relay keeps its own models of the wire format instead of importing the
desktop's (``composer.model``): the desktop distribution pulls PySide6, and a
server must not. The models accept what the spec accepts (unknown properties
included, as the spec allows them) and reject what it forbids.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "IDEMPOTENCY_KEY",
    "PREFILL_CODE",
    "REFERENCE",
    "ArticleOutcome",
    "AttachmentMeta",
    "Message",
    "RequestBody",
    "RequestDocument",
    "Requester",
    "TicketState",
    "Urgency",
]

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9._:-]{16,128}$")
REFERENCE = re.compile(r"^[A-Za-z0-9._#-]{1,64}$")
PREFILL_CODE = re.compile(r"^[A-Za-z0-9-]{4,64}$")

_OPEN = ConfigDict(extra="allow", frozen=True)
_SHA256 = r"^[0-9a-f]{64}$"


class Urgency(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


class TicketState(StrEnum):
    """The ``Status.status`` values of the spec; adapters map their helpdesk's states onto these."""

    NEW = "new"
    OPEN = "open"
    WAITING = "waiting_for_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


class AttachmentMeta(BaseModel):
    model_config = _OPEN

    name: str = Field(min_length=1)
    sha256: str = Field(pattern=_SHA256)
    size: int = Field(ge=0)
    media_type: str = "application/octet-stream"
    description: str = ""


class Requester(BaseModel):
    model_config = _OPEN

    email: str
    name: str = ""
    role: Literal["owner", "technical", "billing", "other"] = "owner"
    phone: str = ""
    customer_id: str = ""
    organisation: str = ""
    on_behalf_of: str = ""


class RequestBody(BaseModel):
    """``components/schemas/Request``: the request model the customer reviewed."""

    model_config = _OPEN

    id: str = Field(min_length=1)
    schema_version: int
    requester: Requester
    attachments: tuple[AttachmentMeta, ...]
    language: str = ""
    provider: str = ""
    service: str = ""
    category: str = ""
    domain: str = ""
    account: str = ""
    device: str = ""
    operating_system: str = ""
    client: str = ""
    client_version: str = ""
    error_text: str = ""
    started_text: str = ""
    started_at: str | None = None
    worked_before: Literal["unknown", "yes", "no"] = "unknown"
    tried: str = ""
    description: str = ""
    answers: dict[str, str] = Field(default_factory=dict)
    urgency: Urgency = Urgency.NORMAL
    summary: str = ""
    report: dict[str, Any] | None = None
    receipt: None = None
    follows_up: str = ""


class RequestDocument(BaseModel):
    """``components/schemas/RequestDocument``: the desktop's ``render_json`` output."""

    model_config = _OPEN

    format: Literal["request-composer/bundle"]
    schema_version: int = Field(ge=1)
    generator: str = ""
    # rendered once at Send in the provider's language (composer/rendered.py): the ticket's subject
    subject: str = ""
    language: str = ""
    # who wants a copy (the owner, when a technical contact files for them): the ticket's Cc,
    # each address one of the token's customer's contacts (checked before the request is stored)
    copy_to: tuple[str, ...] = Field((), max_length=20)
    request: RequestBody


class Message(BaseModel):
    """``components/schemas/Message``: a follow-up to an existing ticket."""

    model_config = _OPEN

    text: str = Field(min_length=1)
    author_email: str = ""
    attachments: tuple[AttachmentMeta, ...] = ()


class ArticleOutcome(BaseModel):
    """``components/schemas/ArticleOutcome``: what a knowledge-base article did; no personal data.

    The spec closes it (``additionalProperties: false``): whatever else a client
    sends is refused, so nothing personal is stored by mistake.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    article: str = Field(min_length=1, max_length=2048, pattern=r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
    outcome: Literal["solved", "not_helped"]
    category: str = Field("", max_length=200)
    language: str = Field("", max_length=35)
