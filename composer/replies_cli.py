"""``request-composer outbox replies``: may the app read the provider's answers, and where.

The provider's ticket number for an e-mail request comes in its automatic
reply. ``outbox replies on`` gives the consent the window asks for once
(off until then), with the incoming server when it is not the outgoing one;
``check`` looks now and prints what it found. The password is the SMTP one,
from the keyring, or for scripts from ``$REQUEST_COMPOSER_SECRET`` for this
run only (see :mod:`composer.replies`).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from composer.channels.email import smtp_identity
from composer.credentials import Credentials
from composer.errors import ComposerError
from composer.i18n import _
from composer.store import Store

__all__ = ["register_replies"]


def register_replies(actions: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``replies`` to the ``outbox`` actions; ``common`` adds the shared options."""
    replies = actions.add_parser(
        "replies", help=_("read the provider's number from its automatic reply in your mailbox (IMAP)")
    )
    replies.add_argument("switch", nargs="?", choices=["on", "off", "check"], default=None)
    replies.add_argument("--host", help=_("the incoming mail server (the outgoing one when not given)"))
    replies.add_argument("--port", type=int, help=_("its port (993 for TLS, 143 for STARTTLS)"))
    replies.add_argument("--security", choices=["tls", "starttls"])
    replies.add_argument("--mailbox", help=_("the folder to look in (INBOX when not given)"))
    common(replies)
    replies.set_defaults(handler=_replies)


def _replies(args: argparse.Namespace) -> int:
    from composer.replies import ReplyWatcher, load_reply_settings, save_reply_settings

    with Store(getattr(args, "data_dir", None)) as store:
        settings = load_reply_settings(store)
        changes: dict[str, Any] = {
            key: value
            for key in ("host", "port", "security", "mailbox")
            if (value := getattr(args, key)) is not None
        }
        if args.switch in {"on", "off"}:
            changes["enabled"] = args.switch == "on"
        if changes:
            try:
                settings = type(settings).model_validate({**settings.model_dump(), **changes})
            except ValidationError as exc:
                first = exc.errors()[0]
                raise ComposerError(
                    "replies.invalid", field=".".join(str(p) for p in first["loc"]), reason=first["msg"]
                ) from None
            save_reply_settings(store, settings)
        if args.switch == "check":
            errors: list[ComposerError] = []
            watcher = ReplyWatcher(store, _credentials(store), on_error=errors.append)
            found = watcher.check_once()
            if errors:
                raise errors[0]
            for entry in found:
                number = entry.receipt.reference if entry.receipt else ""
                print(f"{entry.id[:12]}  {number or _('arrived')}")
    state = {None: _("not asked yet (off)"), True: _("on"), False: _("off")}[settings.enabled]
    print(_("Reading the provider's answers: {state}").format(state=state))
    if settings.enabled:
        print(
            _("Mailbox: {mailbox} on {host}:{port} ({security})").format(
                mailbox=settings.mailbox,
                host=settings.host or _("the outgoing mail server"),
                port=settings.port,
                security=settings.security,
            )
        )
    return 0


def _credentials(store: Store) -> Credentials:
    """The keyring, or for scripts the password in ``$REQUEST_COMPOSER_SECRET`` (this run only)."""
    from composer.channels.factory import load_mail_settings
    from composer.settling import awaiting_reference

    credentials = Credentials()
    secret = os.environ.get("REQUEST_COMPOSER_SECRET", "")
    mail = load_mail_settings(store)
    if secret and mail is not None:
        for entry in awaiting_reference(store):
            who = smtp_identity(mail)
            if not credentials.get(entry.profile.provider.id, who):
                credentials.set(entry.profile.provider.id, who, secret, remember=False)
    return credentials
