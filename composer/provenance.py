"""Which provider a request file was made for, so that ``send FILE.zip`` finds the profile again.

:func:`composer.render.write_bundle` writes :func:`provider_record` into
``request.json``: the profile's id and name, a fingerprint (SHA-256 of the
profile's canonical JSON) and a copy of the profile itself (profiles hold
no secrets). :func:`profile_for_bundle` picks the profile to send with: the
one given with ``--profile`` when it is the same provider (a newer version
of its profile is fine), else the copy; a profile of another provider is a
clear error, never a silent send to the wrong helpdesk.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from composer.errors import BundleError
from composer.profile import ProviderProfile

__all__ = ["BundleProvider", "fingerprint", "profile_for_bundle", "provider_record", "read_provider"]


def fingerprint(profile: ProviderProfile) -> str:
    """``sha256:`` and the hex digest of the profile's canonical JSON."""
    canonical = json.dumps(profile.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def provider_record(profile: ProviderProfile) -> dict[str, Any]:
    """What ``request.json`` says about the provider (its ``provider`` member)."""
    return {
        "id": profile.provider.id,
        "name": profile.provider.name,
        "fingerprint": fingerprint(profile),
        "profile": profile.model_dump(mode="json"),
    }


@dataclass(frozen=True)
class BundleProvider:
    """The provider a bundle names; ``profile`` is None when its copy cannot be read."""

    id: str
    name: str
    fingerprint: str
    profile: ProviderProfile | None


def read_provider(path: Path) -> BundleProvider | None:
    """The provider recorded in a bundle, or None for bundles made before it was recorded.

    Raises:
        BundleError: ``bundle.not_found``, ``bundle.not_zip``, ``bundle.no_request``.
    """
    path = Path(path)
    if not path.is_file():
        raise BundleError("bundle.not_found", path=str(path))
    try:
        with zipfile.ZipFile(path) as bundle:
            document = json.loads(bundle.read("request.json").decode("utf-8"))
    except zipfile.BadZipFile:
        raise BundleError("bundle.not_zip", path=str(path)) from None
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError):
        raise BundleError("bundle.no_request", path=str(path)) from None
    record = document.get("provider") if isinstance(document, dict) else None
    if not isinstance(record, dict) or not record.get("id"):
        return None
    try:
        profile = ProviderProfile.model_validate(record.get("profile"))
    except PydanticValidationError:
        profile = None  # a channel this version does not know: --profile still works
    return BundleProvider(
        id=str(record["id"]),
        name=str(record.get("name", record["id"])),
        fingerprint=str(record.get("fingerprint", "")),
        profile=profile,
    )


def profile_for_bundle(path: Path, given: ProviderProfile | None) -> ProviderProfile | None:
    """The profile to send a bundle with; None when neither the bundle nor the caller names one.

    Raises:
        BundleError: ``bundle.profile_mismatch`` when ``given`` is another provider's;
            ``bundle.profile_unreadable`` when the bundle's copy cannot be used and
            no profile is given; and those of :func:`read_provider`.
    """
    recorded = read_provider(path)
    if recorded is None:
        return given
    if given is not None:
        if given.provider.id != recorded.id:
            raise BundleError(
                "bundle.profile_mismatch",
                path=str(path),
                made_for=recorded.name,
                made_for_id=recorded.id,
                given=given.provider.name,
                given_id=given.provider.id,
            )
        return given
    if recorded.profile is None:
        raise BundleError("bundle.profile_unreadable", path=str(path), made_for=recorded.name)
    return recorded.profile
