"""The channel registry: every way out of the desktop declares itself here, and only here.

A channel module (``intake``, ``email``, ``folder``, and the helpdesks to
come) describes itself with a :class:`ChannelSpec` in a module-level
``SPECS`` tuple: the pydantic model of its entry in a provider profile, its
label, what it can do (:class:`Capability`), the secret it needs
(:class:`CredentialShape`) and how to build it. The core only iterates the
registry: profile validation (:func:`validate_settings`), the JSON Schema
(:func:`settings_json_schema`) and the channel factory find a channel by the
key its profile entry names, and nothing else names a channel. A new
channel is one module in :mod:`composer.channels` (found by
:func:`load_builtin`) or one :func:`register` call (tests, plugins).

A profile entry is selected by its discriminator: ``helpdesk = "..."`` for
``kind = "helpdesk"`` entries, otherwise ``kind`` itself (``email``,
``file``). This module imports no channel and no profile, so that the
profile can depend on it and imports keep pointing down.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ConfigDict, create_model
from pydantic_core import PydanticCustomError

from composer.basemodel import Model

if TYPE_CHECKING:
    from composer.channels.base import Channel
    from composer.channels.factory import ChannelFactory
    from composer.model import Request
    from composer.profile import ProviderProfile

__all__ = [
    "Capability",
    "ChannelSettings",
    "ChannelSpec",
    "CredentialShape",
    "default_settings",
    "load_builtin",
    "register",
    "settings_json_schema",
    "spec_for",
    "specs",
    "unregister",
    "validate_settings",
]


class Capability(StrEnum):
    """What a channel can do; stable values, shown by ``profile check`` and used by the core."""

    CREATE = "create"
    ATTACHMENTS = "attachments"
    FOLLOW_UP = "follow_up"
    STATUS = "status"
    FIND_BY_REQUEST_ID = "find_by_request_id"
    # sending the same request again makes no second ticket (an idempotency key, a file overwritten)
    REPEAT_SAFE = "repeat_safe"


class ChannelSettings(Model):
    """The base of every channel's profile entry (``[[channels]]`` in the TOML)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str

    def key(self) -> str:
        """The registry key of this entry, e.g. ``intake``, ``email``, ``file``."""
        return str(getattr(self, "helpdesk", "") or self.kind)


@dataclass(frozen=True)
class CredentialShape:
    """The secret a channel needs, kept in the keyring under ``identity(...)``.

    Attributes:
        label: what the secret is called when the user is asked for it (``N_()``).
        identity: the keyring identity for a profile entry and a request, or
            None when this entry needs no secret (e-mail without a user name).
    """

    label: str
    identity: Callable[[Any, Request, ChannelFactory], str | None]


@dataclass(frozen=True)
class ChannelSpec:
    """One way out, as the core sees it.

    Attributes:
        key: the discriminator value its profile entries carry.
        settings: the pydantic model of its profile entry.
        label: its name for people (``N_()``; translated where shown).
        capabilities: what it can do.
        build: makes the channel for one profile entry; None while the
            channel is announced but not built (the outbox then reports
            ``delivery.unsupported_channel`` and offers the next one).
        credential: the secret it needs, if any.
        local: True when nothing leaves the machine (the file channel).
        default: True for the channel a profile without ``[[channels]]`` uses.
    """

    key: str
    settings: type[ChannelSettings]
    label: str
    capabilities: frozenset[Capability]
    build: Callable[[Any, ProviderProfile, ChannelFactory], Channel] | None = None
    credential: CredentialShape | None = None
    local: bool = False
    default: bool = False

    @property
    def available(self) -> bool:
        return self.build is not None

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities


_specs: dict[str, ChannelSpec] = {}
_lock = threading.RLock()
_loaded = False


def register(*new: ChannelSpec) -> None:
    """Add channels to the registry (a later registration of the same key replaces it)."""
    with _lock:
        for spec in new:
            _specs[spec.key] = spec


def unregister(key: str) -> None:
    """Remove a channel (for tests that registered one)."""
    with _lock:
        _specs.pop(key, None)


def load_builtin() -> None:
    """Import every module of :mod:`composer.channels` once and register its ``SPECS``."""
    global _loaded
    with _lock:
        if _loaded:
            return
        _loaded = True
        import pkgutil  # not at the top: the diagnostics import this module and never send

        package = importlib.import_module("composer.channels")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("_") or info.name == "registry":
                continue
            module = importlib.import_module(f"composer.channels.{info.name}")
            found: Iterable[ChannelSpec] = getattr(module, "SPECS", ())
            for spec in found:
                _specs.setdefault(spec.key, spec)


def specs() -> list[ChannelSpec]:
    """Every registered channel, in the order they were registered."""
    load_builtin()
    with _lock:
        return list(_specs.values())


def spec_for(settings: ChannelSettings | str) -> ChannelSpec | None:
    """The spec of a profile entry (or of a key), or None when nothing registered it."""
    load_builtin()
    key = settings if isinstance(settings, str) else settings.key()
    with _lock:
        return _specs.get(key)


def _key_of(data: Mapping[str, Any]) -> str:
    kind = data.get("kind")
    if kind == "helpdesk":
        return str(data.get("helpdesk", ""))
    return str(kind or "")


def _refuse(field: str, value: Any, choices: list[str]) -> None:
    """Raise pydantic's own "Input should be ..." error at ``field``."""
    if not choices:
        raise PydanticCustomError("channel_none", "no channel of this kind is available")
    # a throw-away model gives the error its location and the usual wording
    choice = create_model(
        "ChannelChoice",
        __config__=ConfigDict(extra="ignore"),
        **{field: (Literal[tuple(choices)], ...)},  # type: ignore[call-overload]
    )
    choice.model_validate({field: value})


def validate_settings(value: Any) -> Any:
    """Turn one profile entry (a mapping) into its channel's settings model.

    Used as pydantic's before-validator of ``ProviderProfile.channels``; errors
    keep their location (``channels[1].url``).
    """
    if isinstance(value, ChannelSettings):
        return value
    if not isinstance(value, Mapping):
        raise PydanticCustomError("channel_table", "a channel must be a table with a 'kind'")
    registered = specs()
    key = _key_of(value)
    spec = next((s for s in registered if s.key == key), None)
    if spec is None:
        kinds = sorted({_kind_of(s) for s in registered})
        if value.get("kind") not in kinds:
            _refuse("kind", value.get("kind"), kinds)
        helpdesks = [s.key for s in registered if _kind_of(s) == "helpdesk"]
        _refuse("helpdesk", value.get("helpdesk"), helpdesks)
        raise PydanticCustomError("channel_unknown", "unknown channel")  # pragma: no cover
    return spec.settings.model_validate(dict(value))


def _kind_of(spec: ChannelSpec) -> str:
    field = spec.settings.model_fields["kind"]
    args = getattr(field.annotation, "__args__", ())
    return str(args[0]) if args else spec.key


def default_settings() -> list[ChannelSettings]:
    """The channels of a profile that names none (saving the request as a file)."""
    return [s.settings.model_validate({"kind": _kind_of(s)}) for s in specs() if s.default]


def settings_json_schema(ref_template: str = "#/$defs/{model}") -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON Schema of one profile entry (``oneOf`` the registered models) and its ``$defs``."""
    definitions: dict[str, Any] = {}
    refs: list[dict[str, str]] = []
    seen: set[type[ChannelSettings]] = set()
    for spec in specs():
        if spec.settings in seen:
            continue
        seen.add(spec.settings)
        schema = spec.settings.model_json_schema(ref_template=ref_template)
        definitions.update(schema.pop("$defs", {}))
        name = spec.settings.__name__
        definitions[name] = schema
        refs.append({"$ref": ref_template.format(model=name)})
    return {"oneOf": refs}, definitions
