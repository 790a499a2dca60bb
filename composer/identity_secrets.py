"""An identity's secrets: its mailbox password and its access key, in the OS keyring only.

Both are kept per provider profile, under the keys the channels read them
by, so a request filed by an identity is sent with that identity's own
secrets and nothing else has to know about identities:

- the access key of the provider's intake API: ``intake:<identity e-mail>``
  (what :mod:`composer.channels.intake` asks for);
- the mailbox password: the SMTP key of the outgoing server with the
  identity's own mail user (``Identity.mail_user``), what
  :mod:`composer.channels.email` asks for when this identity sends. An
  identity without its own mail user shares the password of the e-mail
  settings, so nothing is stored for it here.

Nothing here writes a file; a pre-fill cannot reach these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from composer.channels.email import load_mail_settings, smtp_identity
from composer.credentials import Credentials, identity
from composer.errors import ValidationError
from composer.identities import Identity
from composer.store import Store

__all__ = ["IdentitySecrets", "api_key_identity", "forget_secrets", "mail_key_identity", "stored_secrets"]

#: the intake channel's key purpose (``helpdesk = "intake"``)
API_PURPOSE = "intake"


@dataclass(frozen=True)
class IdentitySecrets:
    """Whether an identity has a mailbox password and an access key stored (never the secrets)."""

    mail_password: bool
    api_key: bool
    session_only: bool


def api_key_identity(person: Identity) -> str:
    """The keyring key of the identity's access key for the provider's intake API."""
    return identity(API_PURPOSE, person.email)


def mail_key_identity(store: Store, person: Identity) -> str | None:
    """The keyring key of the identity's own mailbox password, or None when it has none.

    None when the identity has no mail user of its own or the outgoing server
    is not set up yet.
    """
    settings = load_mail_settings(store)
    if settings is None or not person.mail_user:
        return None
    return smtp_identity(settings.model_copy(update={"username": person.mail_user}))


def set_api_key(credentials: Credentials, profile_id: str, person: Identity, secret: str) -> bool:
    """Keep the identity's access key; True when it went into the keyring (else memory, this run)."""
    return credentials.set(profile_id, api_key_identity(person), secret)


def set_mail_password(
    credentials: Credentials, store: Store, profile_id: str, person: Identity, secret: str
) -> bool:
    """Keep the identity's mailbox password; True when it went into the keyring.

    Raises:
        ValidationError: ``email.not_configured`` (no outgoing server yet) or
            ``mail.password_missing`` (the identity has no mail user of its own).
    """
    if load_mail_settings(store) is None:
        raise ValidationError("email.not_configured")
    key = mail_key_identity(store, person)
    if key is None:
        raise ValidationError("mail.password_missing")
    return credentials.set(profile_id, key, secret)


def stored_secrets(
    credentials: Credentials, store: Store, profile_id: str, person: Identity
) -> IdentitySecrets:
    """Which secrets the identity has in the keyring (asks the keyring: not on the GUI thread)."""
    mail_key = mail_key_identity(store, person)
    return IdentitySecrets(
        mail_password=bool(mail_key and credentials.get(profile_id, mail_key)),
        api_key=bool(credentials.get(profile_id, api_key_identity(person))),
        session_only=credentials.session_only,
    )


def forget_secrets(
    credentials: Credentials,
    store: Store,
    profile_id: str,
    person: Identity,
    *,
    others: tuple[Identity, ...] = (),
) -> None:
    """Remove the identity's secrets from the keyring (when the identity is removed).

    A key that one of ``others`` (the identities that stay) uses too, such as
    the access key of the same address in another role, is kept.
    """
    kept = {api_key_identity(o) for o in others} | {mail_key_identity(store, o) for o in others}
    for key in (api_key_identity(person), mail_key_identity(store, person)):
        if key is not None and key not in kept:
            credentials.forget(profile_id, key)
