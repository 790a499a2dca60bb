"""From a profile's channel entry to a channel object that can send.

:class:`ChannelFactory` holds the collaborators channels need and that the
profile does not say: the store (attachments, saved settings), the
credential store, TLS trust, and (for tests) an HTTP transport. Which
channel an entry is, and how it is built, comes from the registry
(:mod:`composer.channels.registry`): this module names no channel.
Channels that are registered but not built yet, or not registered, are
reported as ``delivery.unsupported_channel`` (CONFIG), so the outbox offers
the next channel.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from composer.channels.base import Channel, DeliveryError, FailureKind
from composer.channels.registry import ChannelSettings, spec_for
from composer.credentials import Credentials
from composer.model import Request
from composer.profile import ProviderProfile
from composer.store import Store

if TYPE_CHECKING:
    import httpx

__all__ = ["ChannelFactory"]


@dataclass
class ChannelFactory:
    """Builds channels for the outbox.

    Attributes:
        store: attachments, and the settings saved in it.
        credentials: where tokens and passwords come from.
        bundle_folder: where the file channel saves bundles.
        ssl_context: TLS trust for HTTPS and SMTP; the system's when None.
        http_transport: an httpx transport for tests.
        http_timeout: time-outs of HTTP channels (``composer.channels.http.default_timeout`` when None).
    """

    store: Store
    credentials: Credentials
    bundle_folder: Path
    ssl_context: ssl.SSLContext | None = None
    http_transport: httpx.BaseTransport | None = None
    http_timeout: httpx.Timeout | None = None

    def __post_init__(self) -> None:
        self._system_trust: ssl.SSLContext | None = None

    def trust(self, url: str) -> ssl.SSLContext | None:
        """The TLS context for ``url``: the given one, or the system's (loaded once per factory)."""
        # loading the system's certificates costs tens of milliseconds
        if self.ssl_context is not None or not url.lower().startswith("https:"):
            return self.ssl_context
        if self._system_trust is None:
            self._system_trust = ssl.create_default_context()
        return self._system_trust

    def credential_identity(self, config: ChannelSettings, request: Request) -> str | None:
        """Under which identity the secret for ``config`` is kept, or None if it needs none."""
        spec = spec_for(config)
        if spec is None or spec.credential is None:
            return None
        return spec.credential.identity(config, request, self)

    def known_secrets(self, profile: ProviderProfile, request: Request) -> list[str]:
        """The secrets stored for this profile's channels, so the scrubber finds them in pasted text."""
        found = []
        for config in profile.channels:
            who = self.credential_identity(config, request)
            secret = self.credentials.get(profile.provider.id, who) if who else None
            if secret:
                found.append(secret)
        return found

    def make(self, config: ChannelSettings, profile: ProviderProfile) -> Channel:
        """A channel for one entry of ``profile.channels``.

        Raises:
            DeliveryError: ``delivery.unsupported_channel`` or ``delivery.insecure_url`` (CONFIG).
        """
        spec = spec_for(config)
        if spec is None or spec.build is None:
            raise DeliveryError("delivery.unsupported_channel", kind=FailureKind.CONFIG, channel=config.key())
        return spec.build(config, profile, self)


def __getattr__(name: str) -> Any:
    # kept for callers from before the registry; the e-mail channel owns its settings now
    if name in {"load_mail_settings", "save_mail_settings"}:
        from composer.channels import email

        return getattr(email, name)
    raise AttributeError(name)
