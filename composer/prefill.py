"""Signed pre-fill links: provider staff fill in what they know, the customer's app verifies it.

A pre-fill carries a few request fields (domain, account, category, the
reference of an open ticket, a note from the agent, which checks to run), who
prepared it and when it expires, signed with the provider's Ed25519 private
key. The app verifies it with the public key in the provider profile before it
touches the draft. A pre-fill only fills fields: where the request goes, the
credentials and the review are never in it (the format has no place for
them), so a forged or replayed link can at worst suggest wrong field values,
which the customer sees and reviews.

The signed token is versioned and canonical::

    rcp1.<payload>.<signature>

``payload`` is the base64url (no padding) of the UTF-8 JSON of
:class:`PrefillPayload` with sorted keys and no spaces; ``signature`` is the
base64url Ed25519 signature of ``b"request-composer-prefill-v1\\0" +
payload-bytes`` (the prefix keeps a signature made for this purpose from
being valid for any other). The signature covers the exact bytes that are
parsed, so nothing is re-encoded before it is checked.

It travels as ``request-composer://prefill?t=<token>``, as an ``https://``
link a provider hosts (``...#t=<token>`` or ``...?t=<token>``), as a small
file holding the link or the token, or through the relay by a short code (the
relay hands back the same signed token; it is trusted with nothing).

Errors are :class:`PrefillError` with a stable code (``prefill.*`` in
:mod:`composer.errors`), never a traceback.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import ConfigDict, Field, ValidationError, field_validator

from composer.basemodel import Model
from composer.errors import ComposerError
from composer.errors import ValidationError as FieldError
from composer.model import PreparedBy, Request, Urgency, normalise_domain, validate_email

__all__ = [
    "MAX_LIFETIME",
    "MAX_TOKEN_LENGTH",
    "PREFILL_FIELDS",
    "PrefillError",
    "PrefillFields",
    "PrefillPayload",
    "VerifiedPrefill",
    "apply_prefill",
    "generate_key",
    "link_for",
    "load_private_key",
    "parse_public_key",
    "public_key_line",
    "read_prefill",
    "read_relay_prefill",
    "sign_prefill",
    "token_from_text",
    "verify_token",
]

VERSION = "rcp1"
SCHEME = "request-composer"
_CONTEXT = b"request-composer-prefill-v1\0"
MAX_TOKEN_LENGTH = 6000
MAX_LIFETIME = timedelta(days=30)
# How far a staff member's clock may be ahead of the customer's.
CLOCK_SKEW = timedelta(minutes=5)
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_KEY_PREFIX = "ed25519:"


class PrefillError(ComposerError):
    """A pre-fill that cannot be used: unsigned, tampered, expired, foreign, or malformed."""


class PrefillFields(Model):
    """What a pre-fill may fill in. Nothing here says where a request goes."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    domain: str = Field(default="", max_length=253)
    account: str = Field(default="", max_length=320)
    category: str = Field(default="", max_length=64)
    summary: str = Field(default="", max_length=200)
    follows_up: str = Field(default="", max_length=64, description="Reference of an open ticket.")
    urgency: Urgency | None = None
    note: str = Field(default="", max_length=1000, description="A note from the agent to the customer.")
    diagnostics: tuple[str, ...] = Field(default=(), max_length=16)

    @field_validator("diagnostics")
    @classmethod
    def _check_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not re.fullmatch(r"[a-z][a-z0-9_.-]{0,40}", name):
                raise ValueError(f"not a check name: {name!r}")
        return value


PREFILL_FIELDS: tuple[str, ...] = tuple(PrefillFields.model_fields)


class PrefillPayload(Model):
    """The signed document: its version, who prepared it, when, and the fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    v: int = 1
    staff: str = Field(min_length=1, max_length=120)
    provider: str = Field(default="", max_length=120)
    issued_at: datetime
    expires_at: datetime
    nonce: str = Field(min_length=8, max_length=64)
    fields: PrefillFields

    @field_validator("issued_at", "expires_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("a time zone is required")
        return value.astimezone(UTC)


class VerifiedPrefill(Model):
    """A pre-fill whose signature and times were checked."""

    model_config = ConfigDict(frozen=True)

    payload: PrefillPayload
    key_fingerprint: str

    @property
    def fields(self) -> PrefillFields:
        return self.payload.fields

    @property
    def staff(self) -> str:
        return self.payload.staff

    def prepared_by(self) -> PreparedBy:
        """What the draft keeps of it, so the agent sees who prepared the request."""
        payload = self.payload
        return PreparedBy(
            staff=payload.staff,
            provider=payload.provider,
            issued_at=payload.issued_at,
            note=payload.fields.note,
            key=self.key_fingerprint,
            diagnostics=payload.fields.diagnostics,
        )


# -- keys -----------------------------------------------------------------


def generate_key(path: Path) -> Ed25519PrivateKey:
    """Write a new private key to ``path`` (PEM, readable by its owner only); never overwrites.

    Raises:
        PrefillError: ``prefill.key_exists`` or ``prefill.key_unwritable``.
    """
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        with open(path, "xb", opener=_open_private) as out:
            out.write(pem)
    except FileExistsError:
        raise PrefillError("prefill.key_exists", path=str(path)) from None
    except OSError as error:
        raise PrefillError("prefill.key_unwritable", path=str(path), reason=error.strerror or "") from None
    return key


def _open_private(name: str, flags: int) -> int:
    return os.open(name, flags, 0o600)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """Read a private key written by :func:`generate_key`.

    Raises:
        PrefillError: ``prefill.key_unreadable``.
    """
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise PrefillError("prefill.key_unreadable", path=str(path), reason=reason) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise PrefillError("prefill.key_unreadable", path=str(path), reason="not an Ed25519 key")
    return key


def public_key_line(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """``ed25519:<base64>``, the value of the profile's ``[prefill] public_key``."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _KEY_PREFIX + base64.b64encode(raw).decode("ascii")


def parse_public_key(line: str) -> Ed25519PublicKey:
    """The key of a profile's ``public_key`` value.

    Raises:
        PrefillError: ``prefill.no_key`` (empty) or ``prefill.bad_key``.
    """
    text = line.strip()
    if not text:
        raise PrefillError("prefill.no_key")
    if not text.startswith(_KEY_PREFIX):
        raise PrefillError("prefill.bad_key")
    try:
        raw = base64.b64decode(text[len(_KEY_PREFIX) :], validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError):
        raise PrefillError("prefill.bad_key") from None


def _fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# -- signing --------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise PrefillError("prefill.malformed")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise PrefillError("prefill.malformed") from None


def sign_prefill(
    key: Ed25519PrivateKey,
    fields: PrefillFields,
    *,
    staff: str,
    provider: str = "",
    lifetime: timedelta,
    now: datetime | None = None,
) -> str:
    """The signed token for ``fields``, valid for ``lifetime`` from ``now``.

    Raises:
        PrefillError: ``prefill.bad_lifetime`` or ``prefill.too_large``.
    """
    if lifetime <= timedelta(0) or lifetime > MAX_LIFETIME:
        raise PrefillError("prefill.bad_lifetime", days=MAX_LIFETIME.days)
    issued = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    payload = PrefillPayload(
        staff=staff,
        provider=provider,
        issued_at=issued,
        expires_at=issued + lifetime,
        nonce=secrets.token_hex(8),
        fields=fields,
    )
    document = payload.model_dump(mode="json", exclude_defaults=False)
    body = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    signature = key.sign(_CONTEXT + body)
    token = f"{VERSION}.{_b64(body)}.{_b64(signature)}"
    if len(token) > MAX_TOKEN_LENGTH:
        raise PrefillError("prefill.too_large", limit=MAX_TOKEN_LENGTH)
    return token


def link_for(token: str, *, https_base: str = "") -> str:
    """The link staff send: ``request-composer://prefill?t=...``, or on the provider's page."""
    if https_base:
        return f"{https_base.rstrip('#')}#t={token}"
    return f"{SCHEME}://prefill?t={token}"


# -- reading and verifying --------------------------------------------------


def token_from_text(text: str) -> str:
    """The token inside a link, a file's text, or the token itself.

    Raises:
        PrefillError: ``prefill.too_large``, ``prefill.unsigned`` or ``prefill.malformed``.
    """
    value = text.strip()
    if len(value) > MAX_TOKEN_LENGTH + 512:
        raise PrefillError("prefill.too_large", limit=MAX_TOKEN_LENGTH)
    if re.match(r"rcp\d+\.", value):
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        raise PrefillError("prefill.malformed") from None
    if parts.scheme == SCHEME:
        if parts.netloc != "prefill":
            raise PrefillError("prefill.malformed")
    elif parts.scheme != "https":
        raise PrefillError("prefill.malformed")
    found: list[str] = []
    for part in (parts.fragment, parts.query):
        found.extend(parse_qs(part, keep_blank_values=True).get("t", []))
    if not found:
        raise PrefillError("prefill.unsigned")
    if len(found) > 1:
        raise PrefillError("prefill.malformed")
    return found[0]


def verify_token(token: str, public_key: str, *, now: datetime | None = None) -> VerifiedPrefill:
    """Check a token against the profile's ``public_key`` and the clock.

    Raises:
        PrefillError: ``prefill.no_key``, ``prefill.bad_key``, ``prefill.too_large``,
            ``prefill.unsigned``, ``prefill.unsupported``, ``prefill.malformed``,
            ``prefill.bad_signature`` (tampered, or signed by another key),
            ``prefill.expired`` or ``prefill.not_yet_valid``.
    """
    key = parse_public_key(public_key)
    if len(token) > MAX_TOKEN_LENGTH:
        raise PrefillError("prefill.too_large", limit=MAX_TOKEN_LENGTH)
    parts = token.split(".")
    if parts[0] != VERSION and re.fullmatch(r"rcp\d+", parts[0]):
        raise PrefillError("prefill.unsupported")
    if len(parts) != 3 or not parts[2]:
        # a token cut short (copied in part): the signature is what is missing
        raise PrefillError("prefill.malformed")
    version, body_text, signature_text = parts
    if version != VERSION:
        raise PrefillError("prefill.malformed")
    body, signature = _unb64(body_text), _unb64(signature_text)
    try:
        key.verify(signature, _CONTEXT + body)
    except InvalidSignature:
        raise PrefillError("prefill.bad_signature") from None
    # Only signed bytes are parsed from here on.
    try:
        document: Any = json.loads(body.decode("utf-8"))
        payload = PrefillPayload.model_validate(document)
    except (UnicodeDecodeError, json.JSONDecodeError, ValidationError):
        raise PrefillError("prefill.malformed") from None
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    if payload.expires_at - payload.issued_at > MAX_LIFETIME or payload.expires_at <= payload.issued_at:
        raise PrefillError("prefill.malformed")
    if payload.issued_at > moment + CLOCK_SKEW:
        raise PrefillError("prefill.not_yet_valid")
    if moment >= payload.expires_at:
        raise PrefillError("prefill.expired", expired=payload.expires_at.isoformat(timespec="minutes"))
    return VerifiedPrefill(payload=payload, key_fingerprint=_fingerprint(key))


def read_prefill(text: str, public_key: str, *, now: datetime | None = None) -> VerifiedPrefill:
    """A link, a file's content or a bare token, verified. See :func:`verify_token`."""
    return verify_token(token_from_text(text), public_key, now=now)


def read_relay_prefill(document: Any, public_key: str, *, now: datetime | None = None) -> VerifiedPrefill:
    """The pre-fill a relay returned for a session code (``GET /prefill/{code}``), verified.

    Only the signed ``token`` counts; the relay's copy of the fields is ignored.

    Raises:
        PrefillError: ``prefill.unsigned`` when the answer carries no token, or
            any reason of :func:`verify_token`.
    """
    token = document.get("token") if isinstance(document, dict) else None
    if not isinstance(token, str) or not token:
        raise PrefillError("prefill.unsigned")
    return verify_token(token, public_key, now=now)


def apply_prefill(
    request: Request, prefill: VerifiedPrefill, *, categories: set[str]
) -> tuple[Request, list[str]]:
    """The draft with the pre-filled fields set, and the names of fields left out.

    Only the fields of :class:`PrefillFields` can change, and ``prepared_by``
    records who prepared it; what the customer already filled in is kept. A
    domain or mailbox the form would refuse, or a category the profile does
    not know, is left out rather than guessed.
    """
    fields = prefill.fields
    changes: dict[str, Any] = {"prepared_by": prefill.prepared_by()}
    ignored: list[str] = []
    if fields.domain:
        try:
            domain = normalise_domain(fields.domain)
        except FieldError:
            ignored.append("domain")
        else:
            if not request.domain:
                changes["domain"] = domain
    if fields.account:
        try:
            account = (
                validate_email(fields.account, code="account.invalid")
                if "@" in fields.account
                else fields.account
            )
        except FieldError:
            ignored.append("account")
        else:
            if not request.account:
                changes["account"] = account
    for name in ("summary", "follows_up"):
        value = getattr(fields, name)
        if value and not getattr(request, name):
            changes[name] = value
    if fields.category:
        if fields.category not in categories:
            ignored.append("category")
        elif not request.category:
            changes["category"] = fields.category
    if fields.urgency is not None:
        changes["urgency"] = fields.urgency
    return request.touched(**changes), ignored
