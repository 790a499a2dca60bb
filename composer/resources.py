"""Where the files shipped with the app (profiles, categories, translations) live.

In a source checkout they are in the top-level ``resources/`` folder; an
installed wheel carries them as ``composer/_resources``, and so does the
PyInstaller bundle (``installer/request-composer.spec``), where this module's
``__file__`` is inside the bundle's ``composer`` folder (tests/installer).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The folder of shipped resources, installed or in a source checkout."""
    installed = _PACKAGE / "_resources"
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / "resources"


def resource_path(*parts: str) -> Path:
    """A path below the resources folder (it may not exist)."""
    return resources_dir().joinpath(*parts)
