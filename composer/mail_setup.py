"""The user's outgoing mail server, as the window and ``request-composer mail-settings`` set it up.

One set of rules for both: :func:`settings_from` turns what was typed into
:class:`~composer.channels.email.MailSettings` (``mail.host_missing``,
``mail.invalid``), :func:`check_password` says when a password must be typed
(``mail.password_missing``: a user name with no stored password for this
user, server and port), and :func:`save_setup` keeps host, port, encryption
and user in the database and the password in the OS keyring only
(:class:`~composer.credentials.Credentials`). The password belongs to a
profile's keyring entry, like every secret. Empty settings are pre-filled
from the profile's recommended outgoing server (:func:`profile_outgoing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError as PydanticValidationError

from composer.channels.email import MailSettings, load_mail_settings, save_mail_settings, smtp_identity
from composer.credentials import Credentials
from composer.errors import ValidationError
from composer.i18n import N_
from composer.profile import MailEndpoint, ProviderProfile
from composer.store import Store

__all__ = [
    "DEFAULT_PORTS",
    "SECURITY_CHOICES",
    "SECURITY_LABELS",
    "MailSetup",
    "check_password",
    "load_setup",
    "profile_outgoing",
    "save_setup",
    "settings_from",
]

Security = Literal["starttls", "tls", "none"]
SECURITY_CHOICES: tuple[Security, ...] = ("starttls", "tls", "none")
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "tls": 465, "none": 25}
SECURITY_LABELS: dict[str, str] = {
    "starttls": N_("STARTTLS (usually port 587)"),
    "tls": N_("TLS (usually port 465)"),
    "none": N_("None (only for a server on this computer)"),
}


@dataclass(frozen=True)
class MailSetup:
    """The saved mail settings, whether a password is stored, and whether it can be kept."""

    settings: MailSettings | None
    has_password: bool
    session_only: bool


def profile_outgoing(profile: ProviderProfile) -> MailEndpoint | None:
    """The provider's recommended outgoing (SMTP) server, if the profile names one."""
    for endpoint in profile.expected.mail_client.outgoing:
        if endpoint.protocol == "smtp":
            return endpoint
    return None


def settings_from(host: str, port: int | None, security: str, username: str) -> MailSettings:
    """Settings from what the user typed; the port follows the encryption when not given.

    Raises:
        ValidationError: ``mail.host_missing`` or ``mail.invalid``.
    """
    if not host.strip():
        raise ValidationError("mail.host_missing")
    if security not in SECURITY_CHOICES:
        raise ValidationError("mail.invalid", reason=security)
    try:
        return MailSettings(
            host=host.strip(),
            port=port if port is not None else DEFAULT_PORTS[security],
            security=security,
            username=username.strip(),
        )
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        reason = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        raise ValidationError("mail.invalid", reason=reason) from None


def check_password(
    settings: MailSettings, password: str, *, before: MailSettings | None, has_password: bool
) -> None:
    """Refuse settings with a user name but no password typed or stored for that account.

    The stored password belongs to user, server and port: a new account needs its own.

    Raises:
        ValidationError: ``mail.password_missing``.
    """
    same_account = before is not None and smtp_identity(before) == smtp_identity(settings)
    if settings.username and not password and not (has_password and same_account):
        raise ValidationError("mail.password_missing")


def load_setup(store: Store, credentials: Credentials, profile_id: str) -> MailSetup:
    """The saved settings and whether their password is stored (never the password itself)."""
    settings = load_mail_settings(store)
    stored = bool(settings and settings.username and credentials.get(profile_id, smtp_identity(settings)))
    return MailSetup(settings, stored, credentials.session_only)


def save_setup(
    store: Store, credentials: Credentials, profile_id: str, settings: MailSettings, password: str
) -> bool:
    """Save the settings, and the password (when given) in the keyring.

    Returns True when the password is in the keyring (or none was given and
    one can be kept), False when it is kept in memory for this run only.
    """
    save_mail_settings(store, settings)
    if not password:
        return not credentials.session_only
    return credentials.set(profile_id, smtp_identity(settings), password)
