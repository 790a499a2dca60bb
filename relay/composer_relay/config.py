"""``relay.toml``: where the relay listens, stores, forwards, and what it accepts.

The file is TOML with the sections ``[server]``, ``[storage]``, ``[limits]``
and ``[helpdesk]``; ``helpdesk.kind`` picks the adapter, whose own settings
model (in its module) validates the rest of ``[helpdesk]``. Agent
credentials (the RT token, the SMTP password) are read from the file only
when nobody but its owner can read it; otherwise from the environment:
``RELAY_HELPDESK_<KEY>`` sets ``helpdesk.<key>`` (e.g.
``RELAY_HELPDESK_TOKEN``), so a systemd ``EnvironmentFile`` or a container
secret works. :func:`load_config` turns every mistake into
:class:`ConfigError` lines that name the key and say what to write.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from composer_relay.adapters import AdapterSettings, adapter_kinds, settings_model
from composer_relay.open_intake import OpenIntakeSettings

__all__ = [
    "ConfigError",
    "LimitSettings",
    "RelayConfig",
    "ServerSettings",
    "StorageSettings",
    "load_config",
]

_STRICT = ConfigDict(extra="forbid", frozen=True)
ENV_PREFIX = "RELAY_HELPDESK_"
OPEN_INTAKE_PASSWORD = "RELAY_OPEN_INTAKE_PASSWORD"

DEFAULT_MEDIA_TYPES = (
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain",
    "text/csv",
    "text/html",
    "message/rfc822",
    "application/pdf",
    "application/json",
    "application/zip",
    "application/octet-stream",
)


class ServerSettings(BaseModel):
    model_config = _STRICT

    host: str = Field("127.0.0.1", examples=["127.0.0.1"])
    port: int = Field(8780, ge=0, le=65535, examples=[8780])
    base_path: str = Field("/api/v1", pattern=r"^(/[A-Za-z0-9._-]+)*$", examples=["/api/v1"])
    public_url: str = Field("", examples=["https://intake.example.com/api/v1"])
    answer_wait_seconds: float = Field(5.0, ge=0, le=60, examples=[5])
    workers: int = Field(4, ge=1, le=64, examples=[4])
    instance_timeout_seconds: float = Field(15.0, ge=0.5, examples=[15])
    settle_delay_seconds: float = Field(5.0, ge=0, examples=[5])


class StorageSettings(BaseModel):
    model_config = _STRICT

    database: str = Field(examples=["/var/lib/composer-relay/relay.db", "postgresql://relay@db/relay"])
    # files received, until forwarded (SQLite); on PostgreSQL only a scratch folder of this instance
    attachments: Path = Field(examples=["/var/lib/composer-relay/attachments"])
    # finished requests, their follow-ups and the audit log are kept this long, then purged
    retention_days: float = Field(90.0, ge=1, examples=[90])


class LimitSettings(BaseModel):
    model_config = _STRICT

    max_request_bytes: int = Field(30 * 1024 * 1024, ge=1024, examples=[31457280])
    max_attachment_bytes: int = Field(25 * 1024 * 1024, ge=1, examples=[26214400])
    max_attachments: int = Field(20, ge=0, examples=[20])
    # all files of one request together; None: only max_request_bytes bounds them
    max_files_bytes: int | None = Field(None, ge=1, examples=[20971520])
    media_types: tuple[str, ...] = Field(DEFAULT_MEDIA_TYPES, examples=[["image/*", "text/plain"]])
    requests_per_hour_per_token: int = Field(60, ge=1, examples=[60])
    requests_per_hour_per_address: int = Field(30, ge=1, examples=[30])
    messages_per_hour_per_customer: int = Field(120, ge=1, examples=[120])

    def media_type_allowed(self, media_type: str) -> bool:
        kind = media_type.split(";")[0].strip().lower()
        for allowed in self.media_types:
            allowed = allowed.lower()
            if allowed == kind or (allowed.endswith("/*") and kind.startswith(allowed[:-1])):
                return True
        return False


class RelayConfig(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    server: ServerSettings = ServerSettings()
    storage: StorageSettings
    limits: LimitSettings = LimitSettings()
    open_intake: OpenIntakeSettings = OpenIntakeSettings()
    helpdesk: AdapterSettings


class ConfigError(Exception):
    """The configuration cannot be used; ``lines`` say which key is wrong and what to write."""

    def __init__(self, path: Path | None, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.path = path
        self.lines = lines


def load_config(path: Path, *, environ: Mapping[str, str] | None = None) -> RelayConfig:
    """Read and check ``relay.toml``.

    Raises:
        ConfigError: the file is missing, not TOML, or a key is wrong or missing.
    """
    environ = os.environ if environ is None else environ
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            path, [f"{path}: cannot be read ({exc.strerror}); write it, see relay.example.toml"]
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(path, [f"{path}: not valid TOML ({exc})"]) from None
    private = stat.S_IMODE(path.stat().st_mode) & 0o077 == 0
    return config_from_data(data, environ=environ, private=private, path=path)


def config_from_data(
    data: dict[str, Any], *, environ: Mapping[str, str], private: bool, path: Path | None = None
) -> RelayConfig:
    """Check parsed configuration data; see :func:`load_config`.

    Raises:
        ConfigError: as :func:`load_config`.
    """
    lines: list[str] = []
    helpdesk = dict(data.get("helpdesk") or {})
    kind = helpdesk.get("kind")
    if kind not in adapter_kinds():
        lines.append(
            f"helpdesk.kind: {'missing' if kind is None else repr(kind) + ' is unknown'}; "
            f'write one of {", ".join(repr(k) for k in adapter_kinds())}, e.g. kind = "rt"'
        )
        raise ConfigError(path, lines)
    model = settings_model(str(kind))
    for name in model.secret_fields():
        if name in helpdesk and not private:
            lines.append(
                f"helpdesk.{name}: a secret in a file others can read; make the file readable by "
                f"the relay alone (chmod 600) or remove it and set {ENV_PREFIX}{name.upper()}"
            )
    smtp = (data.get("open_intake") or {}).get("smtp") or {}
    if "password" in smtp and not private:
        lines.append(
            "open_intake.smtp.password: a secret in a file others can read; make the file readable by the "
            f"relay alone (chmod 600) or remove it and set {OPEN_INTAKE_PASSWORD}"
        )
    if OPEN_INTAKE_PASSWORD in environ and isinstance(data.get("open_intake"), dict):
        data = {
            **data,
            "open_intake": {
                **data["open_intake"],
                "smtp": {**smtp, "password": environ[OPEN_INTAKE_PASSWORD]},
            },
        }
    for key, value in environ.items():
        if key.startswith(ENV_PREFIX):
            helpdesk[key.removeprefix(ENV_PREFIX).lower()] = value
    if lines:
        raise ConfigError(path, lines)
    sections: _Sections | None = None
    settings: AdapterSettings | None = None
    try:
        sections = _Sections.model_validate({k: v for k, v in data.items() if k != "helpdesk"})
    except ValidationError as exc:
        lines += _explain(exc, _Sections, prefix="")
    try:
        settings = model.model_validate(helpdesk)
    except ValidationError as exc:
        lines += _explain(exc, model, prefix="helpdesk.")
    if lines or sections is None or settings is None:
        raise ConfigError(path, lines)
    if sections.open_intake.enabled and sections.open_intake.smtp is None:
        raise ConfigError(
            path,
            [
                "open_intake.smtp: missing; the open intake mails confirmation links, write e.g. "
                '[open_intake.smtp] with host = "mail.example.com" and sender = "relay@example.com"'
            ],
        )
    return RelayConfig(
        server=sections.server,
        storage=sections.storage,
        limits=sections.limits,
        open_intake=sections.open_intake,
        helpdesk=settings,
    )


class _Sections(BaseModel):
    model_config = _STRICT

    server: ServerSettings = ServerSettings()
    storage: StorageSettings
    limits: LimitSettings = LimitSettings()
    open_intake: OpenIntakeSettings = OpenIntakeSettings()


def _explain(exc: ValidationError, model: type[BaseModel], *, prefix: str) -> list[str]:
    lines = []
    for error in exc.errors():
        location = [str(part) for part in error["loc"]]
        key = prefix + ".".join(location)
        example = _example(model, location)
        message = "missing" if error["type"] == "missing" else error["msg"]
        if error["type"] == "extra_forbidden":
            message = "not a setting the relay knows; remove it or check its spelling"
        hint = f"; write e.g. {location[-1]} = {_toml(example)}" if example is not None else ""
        lines.append(f"{key}: {message}{hint}")
    return lines


def _example(model: type[BaseModel], location: list[str]) -> Any:
    current: Any = model
    field = None
    for part in location:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = field.annotation
    if field is None or not field.examples:
        return None
    return field.examples[0]


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value).lower() if isinstance(value, bool) else str(value)
