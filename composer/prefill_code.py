"""A pre-fill fetched by the short code an agent reads out on the phone, then verified.

Where the provider runs the relay, staff store a signed pre-fill there (``relay
prefill --signed LINK``) and tell the customer a code like ``KQ7M-2XHD``. The
app asks the relay named by the profile's intake channel for that code and
checks the signed token it answers with against the profile's key, exactly as
it checks a link: the relay is trusted with nothing.
"""

from __future__ import annotations

import ssl
from datetime import datetime

import httpx

from composer.channels.intake import IntakeClient
from composer.prefill import PrefillError, VerifiedPrefill, read_relay_prefill
from composer.profile import ProviderProfile

__all__ = ["fetch_by_code", "relay_url"]


def relay_url(profile: ProviderProfile) -> str:
    """The intake API (the relay) the profile sends to.

    Raises:
        PrefillError: ``prefill.no_relay`` when the profile has none.
    """
    for channel in profile.channels:
        if channel.key() == "intake":
            url = getattr(channel, "url", "")
            if url:
                return str(url)
    raise PrefillError("prefill.no_relay", provider=profile.provider.name)


def fetch_by_code(
    profile: ProviderProfile,
    code: str,
    *,
    token: str | None,
    verify: ssl.SSLContext | None = None,
    transport: httpx.BaseTransport | None = None,
    now: datetime | None = None,
) -> tuple[str, VerifiedPrefill]:
    """The signed token behind ``code`` and what it says, verified with the profile's key.

    Raises:
        PrefillError: ``prefill.no_relay``, ``prefill.unsigned`` (the relay's
            answer has no signed pre-fill) or any reason of
            :func:`composer.prefill.verify_token`.
        DeliveryError: the relay cannot be reached, refuses the token, or
            knows no such code (``delivery.not_found``).
    """
    with IntakeClient(relay_url(profile), token=token, verify=verify, transport=transport) as client:
        document = client.fetch_prefill(code)
    verified = read_relay_prefill(document, profile.prefill.public_key, now=now)
    return str(document["token"]), verified
