"""The e-mail channel: the request as a readable message, sent through the user's SMTP server.

The subject and body are those rendered at Send in the provider's language
and stored in the outbox (:mod:`composer.rendered`), exactly what the review
step showed, the same on every retry; the diagnostics travel as ``diagnostics.json`` and the attachments as
they are. ``From`` is the requester, so the helpdesk answers them and can
check that the administrator address asked for a change
(:func:`admin_address_warning`). The ``Message-ID`` is made from the outbox
entry's idempotency key, so a retry after a dropped connection carries the
same id and a helpdesk that de-duplicates by it opens one ticket. Follow-ups
thread by ``In-Reply-To``/``References`` and by the provider's subject tag
(``[Example #{number}]``) when the profile gives one.

The SMTP session itself, with the mark before the final dot that keeps a
cut-off send from being repeated blindly, is :mod:`composer.channels.smtp`.
Plain ``none`` is allowed only to a loopback host.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from composer.channels.base import (
    DeliveryError,
    FailureKind,
    FollowUp,
    SendContext,
    is_loopback_host,
)
from composer.channels.registry import Capability, ChannelSettings, ChannelSpec, CredentialShape
from composer.channels.smtp import MailSettings, send_message
from composer.credentials import identity
from composer.i18n import N_
from composer.mediatypes import media_type_for
from composer.model import Attachment, Receipt, Request, Role, normalise_domain
from composer.profile import ProviderProfile
from composer.rendered import RenderedRequest
from composer.settings import load_setting, save_setting
from composer.store import Store

if TYPE_CHECKING:
    from composer.channels.factory import ChannelFactory

__all__ = [
    "SPECS",
    "EmailChannel",
    "EmailSettings",
    "MailSettings",
    "admin_address_warning",
    "build_follow_up",
    "build_message",
    "load_mail_settings",
    "message_id_for",
    "save_mail_settings",
    "smtp_identity",
    "tagged_subject",
]

SETTINGS_KEY = "mail"


def smtp_identity(settings: MailSettings) -> str:
    """The key of the SMTP password in the keyring."""
    return identity("smtp", f"{settings.username}@{settings.host}:{settings.port}")


def admin_address_warning(request: Request, profile: ProviderProfile) -> bool:
    """True when the provider wants changes from the administrator and this request is not.

    The UI shows it before sending: the request asks for a change (its
    category ``changes_something``), the profile says such requests must come
    from the administrator address, and the requester's role is not owner.
    """
    if not profile.support.changes_require_admin_address:
        return False
    category = profile.category(request.category)
    if category is None or not category.changes_something:
        return False
    return request.requester.role is not Role.OWNER


def message_id_for(idempotency_key: str, sender: str) -> str:
    """A Message-ID that is the same for every attempt of one outbox entry."""
    domain = sender.rpartition("@")[2]
    try:
        domain = normalise_domain(domain)
    except Exception:
        domain = "request-composer.invalid"
    return f"<{idempotency_key}@{domain}>"


def tagged_subject(subject: str, subject_tag: str, reference: str) -> str:
    """``subject`` with the provider's tag for ``reference`` in front, once."""
    if not subject_tag or not reference or "{number}" not in subject_tag:
        return subject
    tag = subject_tag.replace("{number}", reference)
    return subject if tag in subject else f"{tag} {subject}"


def _sender(request: Request) -> str:
    return formataddr((request.requester.name, request.requester.email))


def _attach_files(
    message: EmailMessage,
    attachments: tuple[Attachment, ...],
    attachment_path: Callable[[Attachment], Path],
) -> None:
    for attachment in attachments:
        path = attachment_path(attachment)
        try:
            data = path.read_bytes()
        except OSError:
            raise DeliveryError(
                "attachment.missing", kind=FailureKind.REJECTED, name=attachment.name
            ) from None
        media_type = media_type_for(attachment.name, attachment.media_type)
        if media_type == "message/rfc822":
            # a saved e-mail travels as a message the agent's client opens (never base64)
            inner = BytesParser(policy=SMTP).parsebytes(data)
            message.add_attachment(inner, filename=attachment.name)
            continue
        maintype, _, subtype = media_type.partition("/")
        message.add_attachment(
            data, maintype=maintype, subtype=subtype or "octet-stream", filename=attachment.name
        )


def build_message(
    request: Request,
    profile: ProviderProfile,
    *,
    to: str,
    idempotency_key: str,
    attachment_path: Callable[[Attachment], Path],
    rendered: RenderedRequest | None = None,
) -> EmailMessage:
    """The MIME message of a new request.

    ``rendered`` is the subject and text stored at Send (the outbox's), sent
    as they are; without it they are rendered now in the provider's language.

    Raises:
        DeliveryError: ``attachment.missing`` (REJECTED).
    """
    from composer.identities import owner_copy
    from composer.rendered import render_request

    rendered = rendered or render_request(request, profile)
    message = EmailMessage(policy=SMTP)
    message["From"] = _sender(request)
    message["To"] = to
    copy = owner_copy(request, profile)
    if copy:
        message["Cc"] = copy  # the owner, when someone files on their behalf (support.copy_owner)
    message["Subject"] = rendered.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id_for(idempotency_key, request.requester.email)
    message["X-Request-Composer-Id"] = request.id
    message.set_content(rendered.text, subtype="plain", charset="utf-8")
    message["Content-Language"] = rendered.language  # moves with the text part when files follow
    if request.report is not None:
        message.add_attachment(
            request.report.model_dump_json(indent=2).encode("utf-8"),
            maintype="application",
            subtype="json",
            filename="diagnostics.json",
        )
    _attach_files(message, request.attachments, attachment_path)
    return message


def build_follow_up(
    follow_up: FollowUp,
    original: Request,
    profile: ProviderProfile,
    *,
    to: str,
    subject_tag: str,
    idempotency_key: str,
    attachment_path: Callable[[Attachment], Path],
    rendered: RenderedRequest | None = None,
) -> EmailMessage:
    """The MIME message of a follow-up, threaded to the original.

    Its subject answers the original's as it was sent (``rendered``, the
    outbox's), whatever language the window is in now.

    Raises:
        DeliveryError: ``attachment.missing`` (REJECTED).
    """
    from composer.identities import owner_copy
    from composer.render import render_subject

    receipt = original.receipt
    reference = receipt.reference if receipt else ""
    sent_subject = rendered.subject if rendered else render_subject(original, profile)
    subject = tagged_subject(sent_subject, subject_tag, reference)
    message = EmailMessage(policy=SMTP)
    message["From"] = _sender(original)
    message["To"] = to
    copy = owner_copy(original, profile)
    if copy:
        message["Cc"] = copy  # the owner stays in copy for the whole thread
    message["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id_for(idempotency_key, original.requester.email)
    if receipt is not None and receipt.message_id:
        message["In-Reply-To"] = receipt.message_id
        message["References"] = receipt.message_id
    message["X-Request-Composer-Id"] = original.id
    body = follow_up.text.rstrip() + "\n"
    if reference:
        body += f"\n-- \n{reference}\n"
    message.set_content(body, subtype="plain", charset="utf-8")
    _attach_files(message, follow_up.attachments, attachment_path)
    return message


class EmailChannel:
    """Sends through the user's SMTP server.

    Args:
        to: the provider's support address (from the profile).
        subject_tag: the provider's subject tag pattern, e.g. ``[Example #{number}]``.
        settings: the user's mail server, or None when not set up yet.
        password: returns the SMTP password for the settings, or None.
        attachment_path: where the store keeps an attachment's bytes.
        ssl_context: TLS trust; the system's by default.
        settings_for: the mail server for a sender (an identity's own mail user), instead of ``settings``.
    """

    name = "email"

    def __init__(
        self,
        to: str,
        *,
        subject_tag: str = "",
        settings: MailSettings | None,
        password: Callable[[MailSettings], str | None],
        attachment_path: Callable[[Attachment], Path],
        ssl_context: ssl.SSLContext | None = None,
        settings_for: Callable[[str], MailSettings | None] | None = None,
    ) -> None:
        self.to = to
        self._settings_for = settings_for
        self.subject_tag = subject_tag
        self.settings = settings
        self._password = password
        self._attachment_path = attachment_path
        self._ssl_context = ssl_context

    def send(self, request: Request, context: SendContext) -> Receipt:
        """Send a new request.

        Raises:
            DeliveryError: NETWORK, SERVER, REJECTED, AUTH (535, no password) or
                CONFIG (``email.not_configured``, ``delivery.tls``, ``email.insecure``).
        """
        message = build_message(
            request,
            context.profile,
            to=self.to,
            idempotency_key=context.idempotency_key,
            attachment_path=self._attachment_path,
            rendered=context.rendered,
        )
        self._deliver(message, request.requester.email, context)
        return Receipt(
            channel=self.name,
            sent_at=datetime.now(UTC),
            message_id=str(message["Message-ID"]),
        )

    def send_follow_up(self, follow_up: FollowUp, context: SendContext) -> Receipt:
        """Send a follow-up in the thread of ``context.original``.

        Raises:
            DeliveryError: as :meth:`send`.
        """
        original = context.original
        if original is None:
            raise DeliveryError("delivery.no_reference", kind=FailureKind.REJECTED)
        message = build_follow_up(
            follow_up,
            original,
            context.profile,
            to=self.to,
            subject_tag=self.subject_tag,
            idempotency_key=context.idempotency_key,
            attachment_path=self._attachment_path,
            rendered=context.rendered,
        )
        self._deliver(message, original.requester.email, context)
        reference = original.receipt.reference if original.receipt else ""
        return Receipt(
            channel=self.name,
            reference=reference,
            sent_at=datetime.now(UTC),
            message_id=str(message["Message-ID"]),
        )

    def _deliver(self, message: EmailMessage, sender: str, context: SendContext) -> None:
        settings = self._settings_for(sender) if self._settings_for is not None else self.settings
        if settings is None:
            raise DeliveryError("email.not_configured", kind=FailureKind.CONFIG)
        if settings.security == "none" and not is_loopback_host(settings.host):
            raise DeliveryError("email.insecure", kind=FailureKind.CONFIG, host=settings.host)
        password = None
        if settings.username:
            password = self._password(settings)
            if not password:
                raise DeliveryError("credential.missing", kind=FailureKind.AUTH, host=settings.host)
        recipients = [self.to, *(a.strip() for a in str(message.get("Cc", "")).split(",") if a.strip())]
        send_message(settings, password, sender, recipients, message.as_bytes(), context, self._ssl_context)


# -- registration --------------------------------------------------------------


def load_mail_settings(store: Store) -> MailSettings | None:
    """The user's outgoing mail settings, if set up."""
    return load_setting(store, SETTINGS_KEY, MailSettings)


def save_mail_settings(store: Store, settings: MailSettings) -> None:
    """Save the mail settings (the password goes to the keyring, not here)."""
    save_setting(store, SETTINGS_KEY, settings)


class EmailSettings(ChannelSettings):
    """``[[channels]] kind = "email"``: the provider's support address."""

    kind: Literal["email"]
    to: str
    subject_tag: str = Field(
        default="",
        description=(
            "How the helpdesk tags its mail, with {number} for the ticket number, e.g. "
            "'[Example #{number}]' (Request Tracker: '[rtname #{number}]'). The app reads the "
            "number from the provider's answer by it, and follow-ups carry it."
        ),
    )

    @field_validator("subject_tag")
    @classmethod
    def _tag_has_number(cls, value: str) -> str:
        if value and "{number}" not in value:
            raise PydanticCustomError("rc_subject_tag", "must contain {{number}}", {"value": value})
        return value


def mail_settings_for(store: Store, sender: str) -> MailSettings | None:
    """The mail settings, with the mail user of the identity that sends, if it has its own.

    Each identity's mailbox password is then its own keyring entry (see
    :mod:`composer.identity_secrets`).
    """
    from composer.identities import load_book

    mail = load_mail_settings(store)
    person = load_book(store).find(sender) if mail is not None and sender else None
    if mail is not None and person is not None and person.mail_user:
        return mail.model_copy(update={"username": person.mail_user})
    return mail


def _password_identity(_settings: EmailSettings, request: Request, factory: ChannelFactory) -> str | None:
    mail = mail_settings_for(factory.store, request.requester.email)
    return smtp_identity(mail) if mail and mail.username else None


def _build(settings: EmailSettings, profile: ProviderProfile, factory: ChannelFactory) -> EmailChannel:
    profile_id = profile.provider.id

    def password(mail: MailSettings) -> str | None:
        return factory.credentials.get(profile_id, smtp_identity(mail))

    return EmailChannel(
        settings.to,
        subject_tag=settings.subject_tag,
        settings=load_mail_settings(factory.store),
        settings_for=lambda sender: mail_settings_for(factory.store, sender),
        password=password,
        attachment_path=factory.store.attachment_path,
        ssl_context=factory.ssl_context,
    )


SPECS = (
    ChannelSpec(
        key="email",
        settings=EmailSettings,
        label=N_("e-mail"),
        capabilities=frozenset({Capability.CREATE, Capability.ATTACHMENTS, Capability.FOLLOW_UP}),
        build=_build,
        credential=CredentialShape(label=N_("Password of your mailbox"), identity=_password_identity),
    ),
)
