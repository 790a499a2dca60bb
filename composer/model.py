"""The request and everything that travels with it.

The model is the single source of truth: widgets edit it (through
``model_copy(update=...)``, since the models are frozen), the store saves it,
:mod:`composer.render` renders it, and channels send it. Drafts are allowed to
be incomplete: fields are plain values, and what is missing or wrong is
reported by :mod:`composer.quality` as problems with codes, not by raising
here. The normalisation helpers (``normalise_domain``, ``validate_email``, from
:mod:`composer.addresses`) raise :class:`~composer.errors.ValidationError`
with a code and parameters; they and the roles (:mod:`composer.roles`) live
apart so that the form's first step can use them before pydantic is loaded.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field

from composer.addresses import display_domain, normalise_domain, reduced_from, validate_email
from composer.basemodel import Model
from composer.defaults import empty_dict
from composer.i18n import N_
from composer.roles import ROLE_LABELS, Role

__all__ = [
    "ROLE_LABELS",
    "SCHEMA_VERSION",
    "Attachment",
    "CheckResult",
    "CheckStatus",
    "Finding",
    "PreparedBy",
    "Receipt",
    "Report",
    "Request",
    "Requester",
    "Role",
    "Severity",
    "Urgency",
    "WorkedBefore",
    "display_domain",
    "normalise_domain",
    "reduced_from",
    "validate_email",
]

SCHEMA_VERSION = 1


class Urgency(StrEnum):
    """How urgent the user says it is; the provider maps it to its own tiers."""

    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


URGENCY_LABELS: dict[Urgency, str] = {
    Urgency.CRITICAL: N_("Critical: the site, all e-mail or the server is down"),
    Urgency.HIGH: N_("High: an important part does not work"),
    Urgency.NORMAL: N_("Normal: something is wrong but work goes on"),
    Urgency.LOW: N_("Low: a question or a small change"),
}


class WorkedBefore(StrEnum):
    UNKNOWN = "unknown"
    YES = "yes"
    NO = "no"


WORKED_BEFORE_LABELS: dict[WorkedBefore, str] = {
    WorkedBefore.UNKNOWN: N_("I don't know"),
    WorkedBefore.YES: N_("Yes, it worked until then"),
    WorkedBefore.NO: N_("No, it never worked"),
}


class Severity(StrEnum):
    """How bad a diagnostic finding is, from good news to an outage."""

    OK = "ok"
    INFO = "info"
    WARNING = "warning"
    PROBLEM = "problem"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class CheckStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    TIMEOUT = "timeout"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


# (like every model of the app, each is built at its first use: composer/basemodel.py; the diagnostics
# import this module for Finding and Report and never validate a request)
_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Requester(Model):
    """The person filing the request."""

    model_config = _FROZEN

    name: str = ""
    email: str = ""
    role: Role = Role.OWNER
    phone: str = ""
    customer_id: str = ""
    organisation: str = ""
    on_behalf_of: str = ""
    admin_address: str = ""  # the account's administrator address, compared with ``email``


class Attachment(Model):
    """A file that goes with the request, stored by content hash beside the database."""

    model_config = _FROZEN

    name: str
    sha256: str
    size: int
    media_type: str = "application/octet-stream"
    description: str = ""


class Finding(Model):
    """One result of a diagnostic check, in plain words and in technical detail."""

    model_config = _FROZEN

    code: str
    severity: Severity
    title: str
    explanation: str = ""
    next_step: str = ""
    detail: str = ""
    check: str = ""
    params: dict[str, Any] = Field(default_factory=empty_dict)


class CheckResult(Model):
    model_config = _FROZEN

    name: str
    status: CheckStatus
    duration_ms: int = 0
    error: str = ""


class Report(Model):
    """The diagnostics of one domain from the customer's own network."""

    model_config = _FROZEN

    domain: str
    started_at: datetime
    finished_at: datetime | None = None
    findings: tuple[Finding, ...] = ()
    checks: tuple[CheckResult, ...] = ()
    environment: dict[str, Any] = Field(default_factory=empty_dict)

    def worst(self) -> Severity:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=Severity.OK)


class Receipt(Model):
    """What the helpdesk answered: the reference code to quote in every later contact."""

    model_config = _FROZEN

    channel: str
    reference: str = ""
    sent_at: datetime
    url: str = ""
    message_id: str = ""


def _now() -> datetime:
    return datetime.now(UTC)


class PreparedBy(Model):
    """Who at the provider prepared this request with a signed pre-fill (see ``composer.prefill``)."""

    model_config = _FROZEN

    staff: str
    provider: str = ""
    issued_at: datetime
    note: str = ""
    key: str = Field(default="", description="Fingerprint of the key that signed it.")
    diagnostics: tuple[str, ...] = ()


class Request(Model):
    """A support request, complete or still a draft."""

    model_config = _FROZEN

    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    schema_version: int = SCHEMA_VERSION
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)
    language: str = "en"

    provider: str = ""
    requester: Requester = Field(default_factory=Requester)
    service: str = ""
    plan: str = ""  # id of the provider's support plan (composer.profile_support.Plan); "" = default

    category: str = ""
    domain: str = ""
    account: str = ""
    device: str = ""
    operating_system: str = ""
    client: str = ""
    client_version: str = ""

    error_text: str = ""
    started_text: str = ""
    started_at: datetime | None = None
    worked_before: WorkedBefore = WorkedBefore.UNKNOWN
    tried: str = ""
    description: str = ""
    answers: dict[str, str] = Field(default_factory=empty_dict)
    urgency: Urgency = Urgency.NORMAL
    summary: str = ""

    attachments: tuple[Attachment, ...] = ()
    #: what the user kept when the scrubber took it for a password (a false alarm)
    not_secrets: tuple[str, ...] = ()
    report: Report | None = None
    receipt: Receipt | None = None
    follows_up: str = ""
    prepared_by: PreparedBy | None = None

    def touched(self, **changes: Any) -> Request:
        """A copy with ``changes`` applied and ``updated_at`` set to now."""
        return self.model_copy(update={**changes, "updated_at": _now()})

    def title(self) -> str:
        """A short name for lists of drafts and history."""
        parts = [p for p in (self.summary, self.domain or self.account) if p]
        return " · ".join(parts)
