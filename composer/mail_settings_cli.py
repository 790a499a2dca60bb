"""``request-composer mail-settings``: the outgoing mail server, from the command line.

``show`` (the default) prints the server, port, encryption and user, and
whether a password is stored, never the password. ``set`` changes them with
the window's rules and words (:mod:`composer.mail_setup`): options not given
keep their saved value, or (with no ``--host`` either) the provider
profile's recommended server. The
password is asked for on the terminal (``getpass``) or read from the first
line of standard input with ``--password-stdin`` (for scripts), and goes only
to the OS keyring, under the profile's entry, like in the window.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from composer.cli import common_options
from composer.i18n import _

__all__ = ["register"]

EXIT_OK = 0


def register(subparsers: Any) -> None:
    from composer.mail_setup import SECURITY_CHOICES

    parser = subparsers.add_parser(
        "mail-settings", help=_("show or set the outgoing mail server requests are e-mailed through")
    )
    actions = parser.add_subparsers(dest="mail_action", metavar="ACTION")
    show = actions.add_parser("show", help=_("show the outgoing mail server (never the password)"))
    common_options(show)
    show.set_defaults(handler=_show)
    change = actions.add_parser(
        "set", help=_("set the outgoing mail server; the password goes to the keyring")
    )
    change.add_argument("--host", default=None, help=_("the mail server, for example mail.example.com"))
    change.add_argument(
        "--port", type=int, default=None, help=_("its port (default: the encryption's usual one)")
    )
    change.add_argument("--security", choices=SECURITY_CHOICES, default=None, help=_("the encryption"))
    change.add_argument("--user", default=None, help=_("the user name, usually your e-mail address"))
    change.add_argument(
        "--password-stdin",
        action="store_true",
        help=_("read the password from the first line of standard input instead of asking"),
    )
    common_options(change)
    change.set_defaults(handler=_set)
    common_options(parser)
    parser.set_defaults(handler=_show)


def _open(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    from composer.credentials import Credentials
    from composer.profile import load_profile
    from composer.store import Store

    profile = load_profile(getattr(args, "profile", None))
    return profile, Store(getattr(args, "data_dir", None)), Credentials()


def _show(args: argparse.Namespace) -> int:
    from composer.mail_setup import SECURITY_LABELS, load_setup, profile_outgoing

    profile, store, credentials = _open(args)
    with store:
        setup = load_setup(store, credentials, profile.provider.id)
    settings = setup.settings
    if settings is None:
        print(_("Outgoing mail is not set up yet."))
        endpoint = profile_outgoing(profile)
        if endpoint is not None:
            print(
                _("{provider} recommends {host}, port {port}, {security}.").format(
                    provider=profile.provider.name,
                    host=endpoint.host,
                    port=endpoint.port,
                    security=_(SECURITY_LABELS[endpoint.security]),
                )
            )
        print(_("Set it up with: request-composer mail-settings set --host HOST --user USER"))
        return EXIT_OK
    rows = [
        (_("Mail server:"), settings.host),
        (_("Port:"), str(settings.port)),
        (_("Encryption:"), _(SECURITY_LABELS[settings.security])),
        (_("User name:"), settings.username or _("(none: the server takes mail without a login)")),
    ]
    if settings.username:
        password = _("stored in your system's keyring") if setup.has_password else _("not stored yet")
        rows.append((_("Password:"), password))
    width = max(len(label) for label, _value in rows) + 1
    for label, value in rows:
        print(f"{label:<{width}} {value}")
    return EXIT_OK


def _set(args: argparse.Namespace) -> int:
    from composer.mail_setup import check_password, load_setup, profile_outgoing, save_setup, settings_from

    profile, store, credentials = _open(args)
    with store:
        setup = load_setup(store, credentials, profile.provider.id)
        before = setup.settings
        endpoint = profile_outgoing(profile)
        base: tuple[str, int | None, str] = ("", None, "starttls")
        if before is not None:
            base = (before.host, before.port, before.security)
        elif endpoint is not None and args.host is None:
            # the provider's recommendation, as a whole: it fits its own server only
            base = (endpoint.host, endpoint.port, endpoint.security)
        host = args.host if args.host is not None else base[0]
        security = args.security or base[2]
        # a new encryption without a port takes that encryption's usual port
        port = args.port if args.port is not None else (base[1] if args.security is None else None)
        user = args.user if args.user is not None else (before.username if before else "")
        settings = settings_from(host, port, security, user)
        password = ""
        if settings.username:
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\r\n")
            elif sys.stdin.isatty():
                password = getpass.getpass(_("Password of {user} at {host}: ").format(user=user, host=host))
        check_password(settings, password, before=before, has_password=setup.has_password)
        remembered = save_setup(store, credentials, profile.provider.id, settings, password)
    print(
        _("Saved: {host}, port {port}, {security}, user “{user}”.").format(
            host=settings.host, port=settings.port, security=settings.security, user=settings.username
        )
    )
    if password and remembered:
        print(_("The password is kept in your system's keyring, never in a file."))
    elif password:
        print(
            _(
                "No keyring is available, so the password was not kept: sending asks for it "
                "(or reads it from $REQUEST_COMPOSER_SECRET)."
            )
        )
    return EXIT_OK
