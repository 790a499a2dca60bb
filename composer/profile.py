"""Provider profiles: one TOML file that tells the app about a hosting provider.

A provider describes its brand, how requests reach it (channels, tried in
order), what a correctly set-up customer domain looks like (nameservers, web
addresses, mail hosts), its office hours, priorities and response targets,
what support is free or paid, its knowledge-base articles and its categories.
The app ships a demo profile (``resources/profiles/demo.toml``) so it runs
with no provider set up.

``request-composer profile schema`` prints the JSON Schema of this model.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticValidationError

from composer.branding import default_profile_path
from composer.errors import ProfileError
from composer.resources import resource_path

__all__ = [
    "DEMO_PROFILE",
    "Category",
    "Channel",
    "ProviderProfile",
    "Question",
    "load_profile",
    "load_profile_text",
    "profile_json_schema",
]

PROFILE_FORMAT = 1

_STRICT = ConfigDict(frozen=True, extra="forbid")


class Provider(BaseModel):
    """Who the provider is, as the user sees it."""

    model_config = _STRICT

    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._-]*$", description="Stable short name, e.g. 'example-hosting'."
    )
    name: str = Field(min_length=1, description="Brand name shown in the window title.")
    website: str = ""
    languages: list[str] = Field(
        default_factory=lambda: ["en"], description="Languages the agents read; the first is preferred."
    )
    time_zone: str = Field(default="UTC", description="IANA time zone of office hours, e.g. Europe/Athens.")
    logo: str = ""


class Priority(BaseModel):
    model_config = _STRICT

    name: Literal["critical", "high", "normal", "low"]
    label: str = ""
    response: str = Field(default="", description="Response target in the provider's words.")
    examples: list[str] = Field(default_factory=list)
    always_open: bool = False


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WORKING_DAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")


class OfficeHours(BaseModel):
    model_config = _STRICT

    days: list[Weekday] = Field(default_factory=lambda: list(_WORKING_DAYS))
    opens: str = Field(default="09:00", pattern=r"^\d{2}:\d{2}$")
    closes: str = Field(default="17:00", pattern=r"^\d{2}:\d{2}$")


class Scope(BaseModel):
    model_config = _STRICT

    free: list[str] = Field(default_factory=list)
    paid: list[str] = Field(default_factory=list)
    never: list[str] = Field(default_factory=list)


class Support(BaseModel):
    """How the provider's support works."""

    model_config = _STRICT

    email: str = ""
    phone: str = ""
    phone_hours: OfficeHours | None = None
    phone_tier: str = Field(default="", description="Paid tier that phone support needs, if any.")
    office_hours: OfficeHours = OfficeHours()
    critical_always_open: bool = True
    changes_require_admin_address: bool = False
    knowledge_base: str = ""
    status_page: str = ""
    priorities: list[Priority] = Field(default_factory=list)
    scope: Scope = Scope()


class MailEndpoint(BaseModel):
    model_config = _STRICT

    protocol: Literal["imap", "pop3", "smtp"] = "imap"
    host: str
    port: int = Field(ge=1, le=65535)
    security: Literal["tls", "starttls", "none"] = "tls"
    auth: bool = True


class MailClientSettings(BaseModel):
    model_config = _STRICT

    incoming: list[MailEndpoint] = Field(default_factory=list)
    outgoing: list[MailEndpoint] = Field(default_factory=list)


class Expected(BaseModel):
    """What a correctly set-up customer domain looks like at this provider."""

    model_config = _STRICT

    nameservers: list[str] = Field(default_factory=list)
    web_ips: list[str] = Field(default_factory=list)
    mail_hosts: list[str] = Field(default_factory=list)
    spf_include: str = ""
    control_panel: str = Field(default="", description="URL of the customer control panel.")
    mail_client: MailClientSettings = MailClientSettings()
    mail_ports: list[int] = Field(default_factory=lambda: [25, 465, 587, 993, 995])

    @field_validator("nameservers", "mail_hosts")
    @classmethod
    def _lower_hosts(cls, value: list[str]) -> list[str]:
        return [v.strip().lower().rstrip(".") for v in value]


class HelpdeskChannel(BaseModel):
    model_config = _STRICT

    kind: Literal["helpdesk"]
    helpdesk: Literal["intake", "rt", "osticket", "zammad", "freshdesk", "zendesk", "whmcs"]
    url: str
    departments: dict[str, int | str] = Field(default_factory=dict)


class EmailChannel(BaseModel):
    model_config = _STRICT

    kind: Literal["email"]
    to: str
    subject_tag: str = Field(
        default="", description="How the helpdesk tags replies, e.g. '[Example #{number}]'."
    )


class FileChannel(BaseModel):
    model_config = _STRICT

    kind: Literal["file"]


Channel = Annotated[HelpdeskChannel | EmailChannel | FileChannel, Field(discriminator="kind")]


class Limits(BaseModel):
    model_config = _STRICT

    attachment_mb: float = Field(default=10, gt=0)
    total_mb: float = Field(default=25, gt=0)
    types: list[str] = Field(default_factory=list, description="Allowed file endings; empty means any.")


class Prefill(BaseModel):
    model_config = _STRICT

    public_key: str = Field(
        default="", description="'ed25519:' and the base64 public key staff sign links with."
    )


class Article(BaseModel):
    model_config = _STRICT

    title: str
    url: str
    categories: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)


class Question(BaseModel):
    """A category-specific question the agent will otherwise ask back."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    hint: str = ""
    kind: Literal["text", "choice", "yesno"] = "text"
    options: list[str] = Field(default_factory=list)
    required: bool = False


class Category(BaseModel):
    """A kind of problem, with what it needs and what it asks."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    description: str = ""
    needs: list[Literal["domain", "account", "device", "client", "error_text", "started_at"]] = Field(
        default_factory=list, description="Fields the agent needs for this kind of problem."
    )
    account_is_mailbox: bool = False
    urgency: Literal["critical", "high", "normal", "low"] = "normal"
    keywords: list[str] = Field(
        default_factory=list, description="Words in the error text or description that suggest this category."
    )
    questions: list[Question] = Field(default_factory=list)
    changes_something: bool = Field(
        default=False,
        description="Requests of this kind ask for a change, so the administrator must file them.",
    )
    department: str = ""


class RoleRule(BaseModel):
    model_config = _STRICT

    role: Literal["owner", "technical", "billing", "other"]
    may_file: list[str] = Field(default_factory=list, description="Category ids; empty means all.")


def _default_channels() -> list[Channel]:
    return [FileChannel(kind="file")]


class ProviderProfile(BaseModel):
    """A provider profile, as validated from TOML."""

    model_config = _STRICT

    format: int = Field(default=PROFILE_FORMAT, description="Profile format version.")
    provider: Provider
    support: Support = Support()
    expected: Expected = Expected()
    channels: list[Channel] = Field(default_factory=_default_channels)
    limits: Limits = Limits()
    prefill: Prefill = Prefill()
    kb: list[Article] = Field(default_factory=list)
    categories: list[Category] = Field(
        default_factory=list, description="Replaces the built-in categories when given."
    )
    roles: list[RoleRule] = Field(default_factory=list)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.effective_categories() if c.id == category_id), None)

    def effective_categories(self) -> list[Category]:
        from composer.triage import builtin_categories

        return self.categories or builtin_categories()

    def sends_directly(self) -> bool:
        """Whether requests can be sent some way other than saving a file."""
        return any(channel.kind != "file" for channel in self.channels)

    def priority(self, name: str) -> Priority | None:
        return next((p for p in self.support.priorities if p.name == name), None)


DEMO_PROFILE = resource_path("profiles", "demo.toml")


def load_profile(path: Path | str | None = None) -> ProviderProfile:
    """Read and validate a profile; when ``path`` is None the branded default, else the demo.

    Raises:
        ProfileError: ``profile.not_found``, ``profile.unreadable``,
            ``profile.syntax`` or ``profile.invalid`` (with ``errors``: a list
            of ``(field, message)`` pairs).
    """
    file = Path(path) if path is not None else default_profile_path()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError("profile.not_found", path=str(file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError("profile.unreadable", path=str(file), reason=str(exc)) from None
    return load_profile_text(text, source=str(file))


def load_profile_text(text: str, *, source: str = "<profile>") -> ProviderProfile:
    """Validate profile TOML given as text (see :func:`load_profile`)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from composer.i18n import _

        line, column = _toml_position(str(exc))
        reason = str(exc).split(" (at ")[0]
        where = (
            _("line {line}, column {column}").format(line=line, column=column)
            if line
            else _("at the end of the file")
        )
        raise ProfileError(
            "profile.syntax", path=source, line=line, column=column, where=where, reason=reason
        ) from None
    try:
        return ProviderProfile.model_validate(data)
    except PydanticValidationError as exc:
        errors = [(_location(e["loc"]), e["msg"]) for e in exc.errors()]
        raise ProfileError("profile.invalid", path=source, count=len(errors), errors=errors) from None


def _toml_position(message: str) -> tuple[int, int]:
    import re

    match = re.search(r"line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def _location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    previous: Any = None
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1]}[{item}]"] if parts else [f"[{item}]"]
        elif (
            isinstance(previous, int)
            and parts[-1].startswith("channels[")
            and item in {"helpdesk", "email", "file"}
        ):
            pass  # pydantic names the union branch; the user does not need it
        else:
            parts.append(str(item))
        previous = item
    return ".".join(parts)


def profile_json_schema() -> str:
    """The JSON Schema that providers can validate their profile against."""
    schema = ProviderProfile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Request Composer provider profile"
    return json.dumps(schema, indent=2, ensure_ascii=False)
