"""``request-composer identity``: your identities and client domains, from the command line.

The same rules and words as *Settings → Identities and clients…*
(:mod:`composer.identities`): ``identity list``, ``identity add --name N
--email E --role R``, ``identity remove EMAIL``, ``identity client list``,
``identity client add --domain D --owner-email E [--owner-name N]
[--identity EMAIL]`` and ``identity client remove DOMAIN``. An identity's
access key for the provider's intake API is read from standard input
(``--api-key-stdin``) and goes only to the OS keyring, under the profile's
entry; ``list`` says whether one is stored, never what it is.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from composer.cli import common_options
from composer.i18n import _

__all__ = ["register"]

EXIT_OK = 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("identity", help=_("keep who you file as, and your clients' domains"))
    actions = parser.add_subparsers(dest="identity_action", metavar="ACTION")
    listing = actions.add_parser("list", help=_("list your identities and client domains"))
    listing.add_argument("--json", action="store_true", help=_("print them as JSON"))
    listing.set_defaults(handler=_list)
    add = actions.add_parser("add", help=_("add an identity, or change the one with that e-mail"))
    add.add_argument("--name", required=True, help=_("your name as the provider knows it"))
    add.add_argument("--email", required=True, help=_("the address you send from"))
    add.add_argument(
        "--role", choices=["owner", "technical", "billing", "other"], default="owner", help=_("your role")
    )
    add.add_argument("--organisation", default="", help=_("the client or company you act for"))
    add.add_argument("--phone", default="")
    add.add_argument("--customer-id", default="")
    add.add_argument("--mail-user", default="", help=_("user name at the outgoing mail server, if its own"))
    add.add_argument(
        "--api-key-stdin",
        action="store_true",
        help=_("read the access key of the provider's intake API from standard input (kept in the keyring)"),
    )
    add.set_defaults(handler=_add)
    remove = actions.add_parser("remove", help=_("remove an identity and its stored secrets"))
    remove.add_argument("who", metavar="EMAIL", help=_("its e-mail address"))
    remove.set_defaults(handler=_remove)
    client = actions.add_parser("client", help=_("the domains you look after for clients"))
    client_actions = client.add_subparsers(dest="client_action", metavar="ACTION")
    client_list = client_actions.add_parser("list", help=_("list your client domains"))
    client_list.set_defaults(handler=_list)
    client_add = client_actions.add_parser("add", help=_("add a client domain, or change it"))
    client_add.add_argument("--domain", required=True)
    client_add.add_argument("--owner-email", required=True, help=_("the owner's (administrator) address"))
    client_add.add_argument("--owner-name", default="")
    client_add.add_argument("--identity", default="", help=_("e-mail of the identity that files for it"))
    client_add.add_argument("--customer-id", default="")
    client_add.set_defaults(handler=_client_add)
    client_remove = client_actions.add_parser("remove", help=_("remove a client domain"))
    client_remove.add_argument("domain", metavar="DOMAIN")
    client_remove.set_defaults(handler=_client_remove)
    for sub in (listing, add, remove, client, client_list, client_add, client_remove):
        common_options(sub)
    client.set_defaults(handler=_list)
    common_options(parser)
    parser.set_defaults(handler=_list)


def _open(args: argparse.Namespace) -> Any:
    from composer.store import Store

    return Store(getattr(args, "data_dir", None))


def _profile_id(args: argparse.Namespace) -> str:
    from composer.profile import load_profile

    return load_profile(getattr(args, "profile", None)).provider.id


def _list(args: argparse.Namespace) -> int:
    from composer.identities import load_book
    from composer.model import display_domain

    with _open(args) as store:
        book = load_book(store)
    if getattr(args, "json", False):
        print(book.model_dump_json(indent=2))
        return EXIT_OK
    if getattr(args, "client_action", None) is None:
        if not book.identities:
            print(_("No identities yet: add one with `request-composer identity add`."))
        for person in book.identities:
            print(person.label())
    for client in book.clients:
        filer = book.filer(client)
        owner = f"{client.owner_name} <{client.owner_email}>" if client.owner_name else client.owner_email
        print(
            _("{domain}: owner {owner}, filed by {filer}").format(
                domain=display_domain(client.domain), owner=owner, filer=filer.email if filer else "—"
            )
        )
    return EXIT_OK


def _add(args: argparse.Namespace) -> int:
    from composer.identities import load_book, new_identity, save_book
    from composer.model import Role

    with _open(args) as store:
        book = load_book(store)
        existing = book.find(args.email)
        person = new_identity(
            args.name,
            args.email,
            role=Role(args.role),
            organisation=args.organisation,
            phone=args.phone,
            customer_id=args.customer_id,
            mail_user=args.mail_user,
            identity_id=existing.id if existing else "",
        )
        save_book(store, book.with_identity(person))
        if args.api_key_stdin:
            from composer.credentials import Credentials
            from composer.identity_secrets import set_api_key

            key = sys.stdin.readline().strip()
            if key and not set_api_key(Credentials(), _profile_id(args), person, key):
                print(_("No keyring works here: the access key was not kept."), file=sys.stderr)
    print(person.label())
    return EXIT_OK


def _remove(args: argparse.Namespace) -> int:
    from composer.errors import ValidationError
    from composer.identities import load_book, save_book

    with _open(args) as store:
        book = load_book(store)
        person = book.find(args.who)
        if person is None:
            raise ValidationError("identity.not_found", value=args.who)
        rest = book.without_identity(person.id)
        save_book(store, rest)
        from composer.credentials import Credentials
        from composer.identity_secrets import forget_secrets

        forget_secrets(Credentials(), store, _profile_id(args), person, others=rest.identities)
    return EXIT_OK


def _client_add(args: argparse.Namespace) -> int:
    from composer.errors import ValidationError
    from composer.identities import client_domain, load_book, save_book

    with _open(args) as store:
        book = load_book(store)
        filer = book.find(args.identity) if args.identity else None
        if args.identity and filer is None:
            raise ValidationError("identity.not_found", value=args.identity)
        client = client_domain(
            args.domain,
            args.owner_email,
            owner_name=args.owner_name,
            identity=filer.id if filer else "",
            customer_id=args.customer_id,
        )
        save_book(store, book.with_client(client))
    print(json.dumps(client.model_dump(), ensure_ascii=False))
    return EXIT_OK


def _client_remove(args: argparse.Namespace) -> int:
    from composer.errors import ValidationError
    from composer.identities import load_book, save_book
    from composer.model import normalise_domain

    with _open(args) as store:
        book = load_book(store)
        client = book.client(args.domain)
        if client is None or client.domain != normalise_domain(args.domain, known_tld=False):
            raise ValidationError("client.not_found", value=args.domain)
        save_book(store, book.without_client(client.domain))
    return EXIT_OK
