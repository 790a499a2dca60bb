"""The last way out: the request saved as a file the user sends by hand.

The bundle (:func:`composer.render.write_bundle`) goes into a folder the user
can open; the receipt points at it. A follow-up becomes a small zip with the
message and its files. Nothing leaves the machine, so the user is told to
send the file to the provider themselves.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from composer.channels.base import DeliveryError, FailureKind, FollowUp, SendContext
from composer.channels.registry import Capability, ChannelSettings, ChannelSpec
from composer.errors import ComposerError
from composer.i18n import N_
from composer.model import Attachment, Receipt, Request
from composer.render import atomic_file

if TYPE_CHECKING:
    from composer.channels.factory import ChannelFactory
    from composer.profile import ProviderProfile
    from composer.store import Store

__all__ = ["SPECS", "FileSettings", "FolderChannel", "bundle_name"]


def bundle_name(request: Request) -> str:
    """A file name that sorts by date and tells requests apart."""
    return f"request-{request.created_at:%Y%m%d}-{request.id[:8]}.zip"


class FolderChannel:
    """Saves requests into ``folder``.

    Args:
        folder: where bundles go (created when missing).
        store: the attachment store the bundle copies files from.
    """

    name = "file"

    def __init__(self, folder: Path, *, store: Store) -> None:
        self.folder = folder
        self._store = store

    def send(self, request: Request, context: SendContext) -> Receipt:
        """Write the bundle.

        Raises:
            DeliveryError: ``bundle.write_failed`` or ``attachment.missing`` (CONFIG).
        """
        from composer.render import write_bundle

        try:
            text = context.rendered.text if context.rendered else None
            target = self.folder / bundle_name(request)
            path = write_bundle(request, context.profile, self._store, target, text=text)
        except ComposerError as exc:
            raise DeliveryError(exc.code, kind=FailureKind.CONFIG, **exc.params) from None
        return Receipt(channel=self.name, sent_at=datetime.now(UTC), url=path.resolve().as_uri())

    def send_follow_up(self, follow_up: FollowUp, context: SendContext) -> Receipt:
        """Write the follow-up and its files as a zip.

        Raises:
            DeliveryError: ``bundle.write_failed`` or ``attachment.missing`` (CONFIG).
        """
        original = context.original
        request_id = original.id[:8] if original else "unknown"
        stamp = datetime.now(UTC)
        target = self.folder / f"follow-up-{stamp:%Y%m%d-%H%M%S}-{request_id}.zip"
        reference = original.receipt.reference if original and original.receipt else ""
        text = (f"{reference}\n\n" if reference else "") + follow_up.text.rstrip() + "\n"
        _write_zip(target, text, follow_up.attachments, self._store.attachment_path)
        return Receipt(channel=self.name, reference=reference, sent_at=stamp, url=target.resolve().as_uri())


def _write_zip(
    target: Path, text: str, attachments: tuple[Attachment, ...], path_of: Callable[[Attachment], Path]
) -> None:
    try:
        with (
            atomic_file(target, prefix=".follow-up-") as temp,
            zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as bundle,
        ):
            bundle.writestr("message.txt", text)
            for attachment in attachments:
                source = path_of(attachment)
                if not source.is_file():
                    raise DeliveryError("attachment.missing", kind=FailureKind.CONFIG, name=attachment.name)
                bundle.write(source, f"attachments/{attachment.name}")
    except OSError as exc:
        raise DeliveryError(
            "bundle.write_failed", kind=FailureKind.CONFIG, path=str(target), reason=exc.strerror or str(exc)
        ) from None


# -- registration --------------------------------------------------------------


class FileSettings(ChannelSettings):
    """``[[channels]] kind = "file"``: save the request as a file to send by hand."""

    kind: Literal["file"]


def _build(_settings: FileSettings, _profile: ProviderProfile, factory: ChannelFactory) -> FolderChannel:
    return FolderChannel(factory.bundle_folder, store=factory.store)


SPECS = (
    ChannelSpec(
        key="file",
        settings=FileSettings,
        label=N_("a saved file"),
        capabilities=frozenset(
            {Capability.CREATE, Capability.ATTACHMENTS, Capability.FOLLOW_UP, Capability.REPEAT_SAFE}
        ),
        build=_build,
        local=True,
        default=True,
    ),
)
