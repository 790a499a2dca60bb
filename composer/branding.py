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

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from composer.resources import resource_path

__all__ = ["BRANDING_FILE", "DEFAULT_NAME", "Branding", "branding", "default_profile_path"]

BRANDING_FILE = "branding.toml"
DEFAULT_NAME = "Request Composer"
DEMO_PROFILE = "profiles/demo.toml"

# what each field must look like (the build script writes the file; see installer/build.py)
_PATTERNS = {
    "name": re.compile(r"(?s).*\S.*"),
    "profile": re.compile(r"[A-Za-z0-9._/-]+\.toml"),
    "accent": re.compile(r"(#[0-9a-fA-F]{6})?"),
}


@dataclass(frozen=True)
class Branding:
    """What a branded build changes; the defaults are the unbranded app.

    A dataclass, not a pydantic model like the profile: the branding is read
    before the app's first window is painted, and that paint does not wait for
    pydantic (see :mod:`composer.ui.start_window`). Its three strings are checked
    by :func:`read_branding`.
    """

    #: the app's name shown to users
    name: str = DEFAULT_NAME
    #: the default profile, relative to the resources folder
    profile: str = DEMO_PROFILE
    #: highlight colour, ``#rrggbb``, or empty
    accent: str = ""

    @property
    def branded(self) -> bool:
        return self.name != DEFAULT_NAME or self.profile != DEMO_PROFILE or bool(self.accent)


def _checked(data: Any) -> Branding | None:
    """The branding in ``data`` (a TOML table), or None when a key is unknown or a value is wrong."""
    if not isinstance(data, dict) or not set(data) <= _PATTERNS.keys():
        return None
    if not all(isinstance(value, str) and _PATTERNS[key].fullmatch(value) for key, value in data.items()):
        return None
    return Branding(**data)


def read_branding(path: Path) -> Branding:
    """The branding in ``path``; the unbranded defaults when the file is absent.

    A broken file (only a faulty build script makes one) falls back to the
    defaults rather than stopping the app: the provider's profile then still
    loads through ``--profile`` and the user can work.
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return Branding()
    return _checked(data) or Branding()


@cache
def branding() -> Branding:
    """The branding shipped with this installation (read once)."""
    return read_branding(resource_path(BRANDING_FILE))


def default_profile_path() -> Path:
    """The profile a fresh installation starts on: the branded one, else the demo."""
    chosen = resource_path(*branding().profile.split("/"))
    return chosen if chosen.is_file() else resource_path(*DEMO_PROFILE.split("/"))
