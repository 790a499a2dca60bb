"""A provider's branding baked into an installer: its default profile, name and colours.

A branded build (``installer/build-branded``) writes ``branding.toml`` into
the shipped resources. Without that file (a source checkout, the plain
installer) the app is Request Composer on the bundled demo profile. The file
is data, read once, and never written by the app::

    name = "Example Hosting Support"      # the app's name in menus and the installer
    profile = "profiles/branded.toml"     # relative to the resources folder
    accent = "#0b5cad"                     # highlight and link colour (#rrggbb)

The profile the user chose last time (remembered by the UI) and ``--profile``
still win over the branded default: branding only changes where a fresh
installation starts.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from composer.resources import resource_path

__all__ = ["BRANDING_FILE", "DEFAULT_NAME", "Branding", "branding", "default_profile_path"]

BRANDING_FILE = "branding.toml"
DEFAULT_NAME = "Request Composer"
DEMO_PROFILE = "profiles/demo.toml"


class Branding(BaseModel):
    """What a branded build changes; the defaults are the unbranded app."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(default=DEFAULT_NAME, min_length=1, description="The app's name shown to users.")
    profile: str = Field(
        default=DEMO_PROFILE,
        pattern=r"^[A-Za-z0-9._/-]+\.toml$",
        description="The default profile, relative to the resources folder.",
    )
    accent: str = Field(
        default="", pattern=r"^(#[0-9a-fA-F]{6})?$", description="Highlight colour, #rrggbb, or empty."
    )

    @property
    def branded(self) -> bool:
        return self.name != DEFAULT_NAME or self.profile != DEMO_PROFILE or bool(self.accent)


def read_branding(path: Path) -> Branding:
    """The branding in ``path``; the unbranded defaults when the file is absent.

    A broken file (only a faulty build script makes one) falls back to the
    defaults rather than stopping the app: the provider's profile then still
    loads through ``--profile`` and the user can work.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Branding.model_validate(data)
    except FileNotFoundError:
        return Branding()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError):
        return Branding()


@cache
def branding() -> Branding:
    """The branding shipped with this installation (read once)."""
    return read_branding(resource_path(BRANDING_FILE))


def default_profile_path() -> Path:
    """The profile a fresh installation starts on: the branded one, else the demo."""
    chosen = resource_path(*branding().profile.split("/"))
    return chosen if chosen.is_file() else resource_path(*DEMO_PROFILE.split("/"))
