"""Provider profiles: one TOML file that tells the app about a hosting provider.

A provider describes its brand, how requests reach it (channels, tried in
order), what a correctly set-up customer domain looks like (nameservers, web
addresses, mail hosts), its support (plans, contact points with their own
hours, the official channel, its own priorities, scope per category and plan:
:mod:`composer.profile_support`), who may file what, its knowledge-base
articles and its categories (which extend or override the built-in ones one
at a time). Texts may be given per language (:mod:`composer.profile_text`).
The app ships a demo profile (``resources/profiles/demo.toml``) so it runs
with no provider set up.

Reading a file (:func:`load_profile`) migrates older formats
(:mod:`composer.profile_migrate`) and reports every mistake in our words with
its line (:mod:`composer.profile_check`). ``request-composer profile schema``
prints the JSON Schema of this model.
"""

from __future__ import annotations

import json
import tomllib
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializeAsAny,
    field_validator,
    model_validator,
)

from composer.basemodel import Model
from composer.branding import default_profile_path
from composer.channels.registry import (
    ChannelSettings,
    default_settings,
    settings_json_schema,
    spec_for,
    validate_settings,
)
from composer.defaults import empty_list
from composer.errors import ProfileError
from composer.i18n import current_language
from composer.profile_support import Plan, Priority, RoleRule, Support
from composer.profile_text import Text, check_language, order_texts, pick
from composer.profile_values import HostName, HttpsUrl, IpAddress, TimeZoneName
from composer.resources import resource_path

__all__ = [
    "DEMO_PROFILE",
    "PROFILE_FORMAT",
    "Category",
    "Channel",
    "ProviderProfile",
    "Question",
    "builtin_category_data",
    "load_profile",
    "load_profile_text",
    "profile_json_schema",
]

#: The format this build writes and reads natively; older ones are migrated.
PROFILE_FORMAT = 2

_STRICT = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Provider(Model):
    """Who the provider is, as the user sees it."""

    model_config = _STRICT

    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9._-]*$",
        description="Stable short name, e.g. 'example-hosting'.",
        examples=["example-hosting"],
    )
    name: str = Field(min_length=1, description="Brand name shown in the window title.")
    website: HttpsUrl | None = Field(default=None, description="Shown with the support policy.")
    languages: list[Annotated[str, AfterValidator(check_language)]] = Field(
        default_factory=lambda: ["en"],
        description="Languages the agents read, preferred first; texts fall back to them in order.",
    )
    time_zone: TimeZoneName = Field(
        default="UTC", description="tz database name of the provider's hours, e.g. Europe/Athens."
    )


def _host_or_empty(value: str) -> str:
    from pydantic import TypeAdapter

    return TypeAdapter(HostName).validate_python(value) if value.strip() else ""


class MailEndpoint(Model):
    model_config = _STRICT

    protocol: Literal["imap", "pop3", "smtp"] = "imap"
    host: HostName
    port: int = Field(ge=1, le=65535)
    security: Literal["tls", "starttls", "none"] = "tls"
    auth: bool = True


class MailClientSettings(Model):
    model_config = _STRICT

    incoming: list[MailEndpoint] = Field(default_factory=empty_list)
    outgoing: list[MailEndpoint] = Field(default_factory=empty_list)

    @field_validator("incoming", "outgoing", mode="before")
    @classmethod
    def _one_is_a_list(cls, value: Any) -> Any:
        """``incoming = { host = ..., port = 993 }``: one endpoint may be written without a list."""
        return [value] if isinstance(value, dict) else value


class Expected(Model):
    """What a correctly set-up customer domain looks like at this provider."""

    model_config = _STRICT

    nameservers: list[HostName] = Field(default_factory=empty_list)
    web_ips: list[IpAddress] = Field(default_factory=empty_list)
    mail_hosts: list[HostName] = Field(default_factory=empty_list)
    spf_include: Annotated[str, AfterValidator(lambda v: _host_or_empty(v))] = Field(
        default="", description="The host customers' SPF records include, e.g. spf.example.net."
    )
    dkim_selectors: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")]] = Field(
        default_factory=empty_list,
        description="DKIM selectors the provider signs customers' mail with; the diagnostics check "
        "that <selector>._domainkey.<domain> publishes a key.",
        examples=[["default", "mail2026"]],
    )
    mail_client: MailClientSettings = MailClientSettings()
    mail_ports: list[Annotated[int, Field(ge=1, le=65535)]] = Field(
        default_factory=lambda: [25, 465, 587, 993, 995]
    )


Channel = Annotated[SerializeAsAny[ChannelSettings], BeforeValidator(validate_settings)]
"""One ``[[channels]]`` entry: the model its channel registered, chosen by ``helpdesk`` or ``kind``."""


class Limits(Model):
    model_config = _STRICT

    attachment_mb: float = Field(default=10, gt=0)
    total_mb: float = Field(default=25, gt=0)
    types: list[str] = Field(default_factory=empty_list, description="Allowed file endings; empty means any.")


class Prefill(Model):
    model_config = _STRICT

    public_key: str = Field(
        default="", description="'ed25519:' and the base64 public key staff sign links with."
    )


class Updates(Model):
    """Where the app asks whether a newer version exists (docs/updates.md); it never updates itself."""

    model_config = _STRICT

    url: HttpsUrl = Field(
        description="The provider's update feed: a small JSON file with the newest version, "
        "its notes and the download page (docs/updates.md). Asked at most once a day."
    )


class Article(Model):
    model_config = _STRICT

    title_text: Text = Field(alias="title")
    url: HttpsUrl
    categories: list[str] = Field(default_factory=empty_list)
    keywords: list[str] = Field(default_factory=empty_list)

    @property
    def title(self) -> str:
        return pick(self.title_text, current_language())


class Question(Model):
    """A category-specific question the agent will otherwise ask back."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label_text: Text = Field(alias="label")
    hint_text: Text = Field(default="", alias="hint")
    kind: Literal["text", "choice", "yesno"] = "text"
    options_text: list[Text] = Field(default_factory=empty_list, alias="options")
    required: bool = False

    @property
    def label(self) -> str:
        return pick(self.label_text, current_language())

    @property
    def hint(self) -> str:
        return pick(self.hint_text, current_language())

    @property
    def options(self) -> list[str]:
        return [pick(option, current_language()) for option in self.options_text]


Need = Literal["domain", "account", "device", "client", "error_text", "started_at"]
UrgencyName = Literal["critical", "high", "normal", "low"]


class Category(Model):
    """A kind of problem, with what it needs and what it asks."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label_text: Text = Field(alias="label")
    description_text: Text = Field(default="", alias="description")
    needs: list[Need] = Field(
        default_factory=empty_list, description="Fields the agent needs for this kind of problem."
    )
    account_is_mailbox: bool = False
    urgency: UrgencyName = "normal"
    keywords: list[str] = Field(
        default_factory=empty_list,
        description="Words in the error text or description that suggest this category.",
    )
    questions: list[Question] = Field(default_factory=empty_list)
    changes_something: bool = Field(
        default=False,
        description="Requests of this kind ask for a change, so the administrator must file them.",
    )

    @property
    def label(self) -> str:
        return pick(self.label_text, current_language())

    @property
    def description(self) -> str:
        return pick(self.description_text, current_language())


class CategoryEntry(Model):
    """A profile's ``[[categories]]`` entry: a new category, or only the keys it changes of a built-in one."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9_]+$", examples=["wordpress"])
    hidden: bool = Field(default=False, description="Leave this built-in category out.")
    label: Text | None = None
    description: Text | None = None
    needs: list[Need] | None = None
    account_is_mailbox: bool | None = None
    urgency: UrgencyName | None = None
    keywords: list[str] | None = None
    questions: list[Question] | None = None
    changes_something: bool | None = None


@cache
def builtin_category_data() -> tuple[dict[str, Any], ...]:
    """The built-in categories as written in ``resources/categories.toml``."""
    data = tomllib.loads(resource_path("categories.toml").read_text(encoding="utf-8"))
    return tuple(data["categories"])


def _default_channels() -> list[ChannelSettings]:
    return default_settings()


class ProviderProfile(Model):
    """A provider profile, as validated from TOML (format 2)."""

    model_config = _STRICT

    format: Literal[2] = Field(default=2, description="Profile format version (see PROFILE_FORMAT).")
    provider: Provider
    support: Support = Support()
    expected: Expected = Expected()
    channels: list[Channel] = Field(default_factory=_default_channels)
    limits: Limits = Limits()
    prefill: Prefill = Prefill()
    updates: Updates | None = Field(
        default=None, description="Tell users when a newer version exists (off when left out)."
    )
    kb: list[Article] = Field(default_factory=empty_list)
    builtin_categories: bool = Field(
        default=True, description="Start from the built-in categories; false: only the profile's own."
    )
    categories: list[CategoryEntry] = Field(
        default_factory=empty_list,
        description="Each one adds a category or changes (or hides) a built-in one with the same id.",
    )
    roles: list[RoleRule] = Field(default_factory=empty_list)

    @model_validator(mode="before")
    @classmethod
    def _provider_languages_first(cls, data: Any) -> Any:
        """Order every text table by ``provider.languages``, so a missing language falls back in that order.

        Texts are read through properties that know only the user's language
        (``Category.label``); the first entry of a table is their fallback.
        """
        if not isinstance(data, dict) or not isinstance(data.get("provider"), dict):
            return data
        languages = data["provider"].get("languages")
        if not isinstance(languages, list):
            return data
        return {
            key: value if key in {"channels", "expected"} else order_texts(value, languages)
            for key, value in data.items()
        }

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.effective_categories() if c.id == category_id), None)

    def effective_categories(self) -> list[Category]:
        """The built-in categories with the profile's entries applied, in order."""
        # kept beside the list it was made from, so a model_copy with other categories recomputes it
        cached = self.__dict__.get("_merged_categories")
        if cached is None or cached[0] is not self.categories or cached[1] != self.builtin_categories:
            cached = (self.categories, self.builtin_categories, self._merge_categories())
            self.__dict__["_merged_categories"] = cached
        return list(cached[2])

    def _merge_categories(self) -> tuple[Category, ...]:
        merged: dict[str, dict[str, Any]] = {}
        if self.builtin_categories:
            merged = {item["id"]: dict(item) for item in builtin_category_data()}
        hidden: set[str] = set()
        for entry in self.categories:
            changes = entry.model_dump(
                exclude_unset=True, exclude_none=True, by_alias=True, exclude={"hidden"}
            )
            merged.setdefault(entry.id, {}).update(changes)
            if entry.hidden:
                hidden.add(entry.id)
        return tuple(
            Category.model_validate(data)
            for key, data in merged.items()
            if key not in hidden and "label" in data
        )

    def sends_directly(self) -> bool:
        """Whether requests can be sent some way other than saving a file."""
        return any(not (spec := spec_for(c)) or not spec.local for c in self.channels)

    def priority(self, name: str) -> Priority | None:
        """The provider's tier for the app's urgency ``name`` (or the tier with that id)."""
        tiers = self.support.priorities
        return next((p for p in tiers if name in p.urgencies), None) or next(
            (p for p in tiers if p.id == name), None
        )

    def plan(self, plan_id: str = "") -> Plan | None:
        """The plan ``plan_id``, else the default plan, else the first (None without plans)."""
        plans = self.support.plans
        return (
            next((p for p in plans if p.id == plan_id), None)
            or next((p for p in plans if p.default), None)
            or (plans[0] if plans else None)
        )

    def text(self, value: str | dict[str, str]) -> str:
        """``value`` in the user's language, else in the provider's languages in order."""
        return pick(value, current_language(), self.provider.languages)


DEMO_PROFILE = resource_path("profiles", "demo.toml")


def load_profile(path: Path | str | None = None, *, with_channels: bool = True) -> ProviderProfile:
    """Read and validate a profile; when ``path`` is None the branded default, else the demo.

    ``with_channels=False`` leaves the channels out (an empty list): the
    diagnostics never send, and checking the channels imports every channel
    module (HTTP client, mail, rendering), a third of ``diagnose``'s start-up.

    Raises:
        ProfileError: ``profile.not_found``, ``profile.unreadable``,
            ``profile.syntax``, ``profile.too_new`` or ``profile.invalid``
            (with ``errors``: a list of ``(place, message)`` pairs, each
            message saying the value, what is expected and an example).
    """
    file = Path(path) if path is not None else default_profile_path()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError("profile.not_found", path=str(file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError("profile.unreadable", path=str(file), reason=str(exc)) from None
    return load_profile_text(text, source=str(file), with_channels=with_channels)


def load_profile_text(text: str, *, source: str = "<profile>", with_channels: bool = True) -> ProviderProfile:
    """Validate profile TOML given as text (see :func:`load_profile`)."""
    from composer.profile_check import check_profile_text

    return check_profile_text(text, source=source, with_channels=with_channels).profile


def profile_json_schema() -> str:
    """The JSON Schema that providers can validate their profile against."""
    schema = ProviderProfile.model_json_schema(by_alias=True)
    # channels come from the registry: one of the models the channel modules declare
    entry, definitions = settings_json_schema()
    schema.setdefault("$defs", {}).update(definitions)
    schema["$defs"].pop("ChannelSettings", None)
    schema["properties"]["channels"]["items"] = entry
    schema["properties"]["channels"].pop("default", None)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Request Composer provider profile"
    return json.dumps(schema, indent=2, ensure_ascii=False)
