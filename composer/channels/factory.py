"""From a profile's channel description to a channel object that can send.

:class:`ChannelFactory` holds the collaborators channels need and that the
profile does not say: the credential store, the user's mail settings, TLS
trust, and (for tests) an HTTP transport. Helpdesks without a module yet are
reported as ``delivery.unsupported_channel`` (CONFIG), so the outbox offers
the next channel.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from composer.channels.base import Channel, DeliveryError, FailureKind
from composer.channels.email import SETTINGS_KEY, EmailChannel, MailSettings, smtp_identity
from composer.channels.folder import FolderChannel
from composer.channels.intake import DEFAULT_TIMEOUT, IntakeChannel
from composer.credentials import Credentials, identity
from composer.model import Request
from composer.profile import Channel as ChannelConfig
from composer.profile import ProviderProfile
from composer.store import Store

__all__ = ["ChannelFactory", "load_mail_settings", "save_mail_settings"]


def load_mail_settings(store: Store) -> MailSettings | None:
    """The user's outgoing mail settings, if set up."""
    from composer.outbox import load_setting

    return load_setting(store, SETTINGS_KEY, MailSettings)


def save_mail_settings(store: Store, settings: MailSettings) -> None:
    """Save the mail settings (the password goes to :class:`Credentials`, not here)."""
    from composer.outbox import save_setting

    save_setting(store, SETTINGS_KEY, settings)


@dataclass
class ChannelFactory:
    """Builds channels for the outbox.

    Attributes:
        store: attachments, and the mail settings saved in it.
        credentials: where tokens and passwords come from.
        bundle_folder: where the file channel saves bundles.
        ssl_context: TLS trust for HTTPS and SMTP; the system's when None.
        http_transport: an httpx transport for tests.
        http_timeout: timeouts of the intake client.
    """

    store: Store
    credentials: Credentials
    bundle_folder: Path
    ssl_context: ssl.SSLContext | None = None
    http_transport: httpx.BaseTransport | None = None
    http_timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)

    def __post_init__(self) -> None:
        self._system_trust: ssl.SSLContext | None = None

    def _trust(self, url: str) -> ssl.SSLContext | None:
        # loading the system's certificates costs tens of milliseconds: once per factory
        if self.ssl_context is not None or not url.lower().startswith("https:"):
            return self.ssl_context
        if self._system_trust is None:
            self._system_trust = ssl.create_default_context()
        return self._system_trust

    def credential_identity(self, config: ChannelConfig, request: Request) -> str | None:
        """Under which identity the secret for ``config`` is kept, or None if it needs none."""
        if config.kind == "helpdesk":
            return identity(config.helpdesk, request.requester.email)
        if config.kind == "email":
            settings = load_mail_settings(self.store)
            return smtp_identity(settings) if settings and settings.username else None
        return None

    def make(self, config: ChannelConfig, profile: ProviderProfile) -> Channel:
        """A channel for one entry of ``profile.channels``.

        Raises:
            DeliveryError: ``delivery.unsupported_channel`` or ``delivery.insecure_url`` (CONFIG).
        """
        profile_id = profile.provider.id
        if config.kind == "helpdesk":
            if config.helpdesk != "intake":
                raise DeliveryError(
                    "delivery.unsupported_channel", kind=FailureKind.CONFIG, channel=config.helpdesk
                )
            helpdesk = config.helpdesk

            def token(request: Request) -> str | None:
                return self.credentials.get(profile_id, identity(helpdesk, request.requester.email))

            return IntakeChannel(
                config.url,
                token=token,
                attachment_path=self.store.attachment_path,
                verify=self._trust(config.url),
                transport=self.http_transport,
                timeout=self.http_timeout,
            )
        if config.kind == "email":

            def password(settings: MailSettings) -> str | None:
                return self.credentials.get(profile_id, smtp_identity(settings))

            return EmailChannel(
                config.to,
                subject_tag=config.subject_tag,
                settings=load_mail_settings(self.store),
                password=password,
                attachment_path=self.store.attachment_path,
                ssl_context=self.ssl_context,
            )
        return FolderChannel(self.bundle_folder, store=self.store)
