"""The request and everything that travels with it.

The model is the single source of truth: widgets edit it (through
``model_copy(update=...)``, since the models are frozen), the store saves it,
:mod:`composer.render` renders it, and channels send it. Drafts are allowed to
be incomplete: fields are plain values, and what is missing or wrong is
reported by :mod:`composer.quality` as problems with codes, not by raising
here. Normalisation helpers (``normalise_domain``, ``validate_email``) raise
:class:`~composer.errors.ValidationError` with a code and parameters.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import idna
from pydantic import BaseModel, ConfigDict, Field

from composer.defaults import empty_dict
from composer.errors import ValidationError
from composer.i18n import N_
from composer.tlds import is_known_tld

__all__ = [
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


class Role(StrEnum):
    """Who is asking, which decides what they may ask for."""

    OWNER = "owner"
    TECHNICAL = "technical"
    BILLING = "billing"
    OTHER = "other"


ROLE_LABELS: dict[Role, str] = {
    Role.OWNER: N_("Owner or administrator of the account"),
    Role.TECHNICAL: N_("Technical contact (web designer, developer)"),
    Role.BILLING: N_("Billing contact"),
    Role.OTHER: N_("Someone else (employee, friend helping out)"),
}


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


_FROZEN = ConfigDict(frozen=True, extra="forbid")
# The models of the request itself are built on first use, not on import: the diagnostics import this
# module for Finding and Report and never validate a request (building them costs ~1.5 ms).
_FROZEN_ON_USE = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Requester(BaseModel):
    """The person filing the request."""

    model_config = _FROZEN_ON_USE

    name: str = ""
    email: str = ""
    role: Role = Role.OWNER
    phone: str = ""
    customer_id: str = ""
    organisation: str = ""
    on_behalf_of: str = ""
    admin_address: str = ""  # the account's administrator address, compared with ``email``


class Attachment(BaseModel):
    """A file that goes with the request, stored by content hash beside the database."""

    model_config = _FROZEN_ON_USE

    name: str
    sha256: str
    size: int
    media_type: str = "application/octet-stream"
    description: str = ""


class Finding(BaseModel):
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


class CheckResult(BaseModel):
    model_config = _FROZEN

    name: str
    status: CheckStatus
    duration_ms: int = 0
    error: str = ""


class Report(BaseModel):
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


class Receipt(BaseModel):
    """What the helpdesk answered: the reference code to quote in every later contact."""

    model_config = _FROZEN_ON_USE

    channel: str
    reference: str = ""
    sent_at: datetime
    url: str = ""
    message_id: str = ""


def _now() -> datetime:
    return datetime.now(UTC)


class PreparedBy(BaseModel):
    """Who at the provider prepared this request with a signed pre-fill (see ``composer.prefill``)."""

    model_config = _FROZEN_ON_USE

    staff: str
    provider: str = ""
    issued_at: datetime
    note: str = ""
    key: str = Field(default="", description="Fingerprint of the key that signed it.")
    diagnostics: tuple[str, ...] = ()


class Request(BaseModel):
    """A support request, complete or still a draft."""

    model_config = _FROZEN_ON_USE

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


_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")


def normalise_domain(value: str, *, known_tld: bool = True) -> str:
    """The ASCII (A-label) form of a domain the user typed, lower case, no trailing dot.

    Accepts internationalised names (``παράδειγμα.gr``, ``пример.рф``) and
    forgives what users paste: a scheme, a leading ``www.``, a path or a port
    is dropped.

    Raises:
        ValidationError: ``domain.empty``, ``domain.invalid``, ``domain.no_tld`` or
            ``domain.unknown_tld`` (the ending is not in IANA's list of top-level domains;
            only with ``known_tld``: the diagnostics check any name they are given, e.g. a
            provider's private test zone, while the form and the coach insist on it).
    """
    raw = value.strip()
    text = raw
    if not text:
        raise ValidationError("domain.empty")
    text = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", text)
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = re.sub(r":\d+$", "", text).strip().rstrip(".")
    text = text.replace("。", ".").replace("．", ".")
    if not text or " " in text:
        raise ValidationError("domain.invalid", value=raw)
    try:
        ascii_name = idna.encode(text, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError):
        raise ValidationError("domain.invalid", value=raw) from None
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValidationError("domain.invalid", value=raw)
    if len(labels) < 2:
        raise ValidationError("domain.no_tld", value=raw)
    if labels[0] == "www" and len(labels) > 2:
        ascii_name = ".".join(labels[1:])  # the domain, not its web host name
    if labels[-1].isdigit():
        raise ValidationError("domain.invalid", value=raw)
    if known_tld and not is_known_tld(labels[-1]):  # "klijent.c", "www.παράδειγμα": no such ending
        raise ValidationError("domain.unknown_tld", value=raw, tld=display_domain(labels[-1]))
    return ascii_name


def reduced_from(value: str, ascii_name: str) -> bool:
    """Whether more than the domain was typed (a web address, an e-mail address, ``www.``).

    The form says so, so that the user knows which name is checked and sent.
    """
    typed = value.strip().rstrip(".").lower()
    return typed not in {ascii_name, display_domain(ascii_name).lower()}


def display_domain(ascii_name: str) -> str:
    """The form a person reads (U-label), e.g. ``παράδειγμα.gr`` for ``xn--hxajbheg2az3al.gr``."""
    try:
        return idna.decode(ascii_name)
    except (idna.IDNAError, UnicodeError):
        return ascii_name


def validate_email(value: str, *, code: str = "email.invalid") -> str:
    """An e-mail address with its domain normalised; international domains are accepted.

    Raises:
        ValidationError: ``email.empty`` or ``code`` (default ``email.invalid``).
    """
    text = value.strip()
    if not text:
        raise ValidationError("email.empty")
    local, at, domain = text.rpartition("@")
    if not at or not local or len(local) > 64 or not _EMAIL_LOCAL.match(local):
        raise ValidationError(code, value=text)
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise ValidationError(code, value=text)
    try:
        ascii_domain = normalise_domain(domain)
    except ValidationError:
        raise ValidationError(code, value=text) from None
    if domain != domain.strip() or "/" in domain or ":" in domain:
        raise ValidationError(code, value=text)
    return f"{local}@{display_domain(ascii_domain)}"
