"""The ``relay`` command: serve, check-config, migrate, tokens, pre-fill codes, stuck requests.

::

    relay serve --config relay.toml
    relay check-config --config relay.toml
    relay migrate --config relay.toml
    relay token issue --customer C-1042 --owner owner@example.gr --technical web@studio.example
    relay token list | relay token revoke ID
    relay prefill --customer C-1042 --domain example.gr --category mail_sending --staff "Eleni"
    relay pending            requests that did not reach the helpdesk, and why
    relay retry REFERENCE    after fixing what the helpdesk refused
    relay resolve REFERENCE --resend | --number N    after an unknown outcome (mail intake)
    relay purge [--days N]   remove finished requests and audit lines older than the retention
                             (``relay serve`` does it once an hour with ``storage.retention_days``)

Exit codes: 0 done, 1 refused (bad configuration, unknown reference), 2 usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from composer_relay.config import ConfigError, RelayConfig, load_config
from composer_relay.db import Database, open_database

__all__ = ["main"]

DEFAULT_CONFIG = "/etc/composer-relay/relay.toml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="relay", description="Request Composer's relay into your helpdesk.")
    parser.add_argument(
        "--config",
        default=os.environ.get("RELAY_CONFIG", DEFAULT_CONFIG),
        help="relay.toml (or RELAY_CONFIG)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the intake API and forward requests")
    commands.add_parser("check-config", help="check relay.toml and say what to fix")
    commands.add_parser("migrate", help="create or update the database schema")
    token = commands.add_parser("token", help="customers' bearer tokens").add_subparsers(
        dest="action", required=True
    )
    issue = token.add_parser("issue", help="issue a token for a customer's contacts")
    issue.add_argument("--customer", help="the customer it is for (not with --open)")
    issue.add_argument(
        "--open", action="store_true", help="the open intake's one token: any sender, who confirms by mail"
    )
    for role in ("owner", "technical", "billing"):
        issue.add_argument(
            f"--{role}", action="append", default=[], help=f"the {role} contact's address (repeat)"
        )
    issue.add_argument("--email", action="append", default=[], help="another contact's address (repeat)")
    issue.add_argument("--label", default="")
    token.add_parser("list", help="list tokens (never their secrets)")
    revoke = token.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("id")
    prefill = commands.add_parser("prefill", help="make a pre-fill code for a customer")
    prefill.add_argument("--customer")
    prefill.add_argument("--staff", default="")
    prefill.add_argument("--days", type=float, default=7.0)
    prefill.add_argument(
        "--signed",
        metavar="LINK",
        default="",
        help="the link `request-composer prefill sign` printed: the customer's app verifies it",
    )
    for name in ("category", "domain", "account", "summary", "description", "follows_up", "urgency"):
        prefill.add_argument(f"--{name.replace('_', '-')}", dest=name)
    commands.add_parser("pending", help="requests not yet in the helpdesk")
    retry = commands.add_parser("retry", help="forward a failed request again")
    retry.add_argument("reference")
    resolve = commands.add_parser("resolve", help="settle a request whose outcome is unknown")
    resolve.add_argument("reference")
    choice = resolve.add_mutually_exclusive_group(required=True)
    choice.add_argument("--resend", action="store_true", help="it did not arrive: send it again")
    choice.add_argument("--number", help="it arrived as this helpdesk ticket number")
    purge = commands.add_parser("purge", help="remove finished requests and old audit lines")
    purge.add_argument("--days", type=float, help="older than this (default: storage.retention_days)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(Path(args.config))
    except ConfigError as exc:
        print(f"{args.config}: the configuration cannot be used:", file=sys.stderr)
        for line in exc.lines:
            print(f"  {line}", file=sys.stderr)
        return 1
    if args.command == "check-config":
        return _check(config)
    if args.command == "serve":
        from composer_relay.server import serve

        serve(config)
        return 0
    database = open_database(config.storage.database)
    applied = database.migrate()
    if args.command == "migrate":
        print(f"schema at version {database.schema_version()}" + (f" (applied {applied})" if applied else ""))
        return 0
    if args.command == "purge":
        import time

        from composer_relay.store import purge

        days = config.storage.retention_days if args.days is None else args.days
        removed = purge(database, older_than=time.time() - days * 86400)
        print(
            f"removed {removed['requests']} finished requests, {removed['audit']} audit lines, "
            f"{removed['prefills']} pre-fill codes older than {days:g} days"
        )
        return 0
    return _manage(args, database)


def _check(config: RelayConfig) -> int:
    adapter = config.helpdesk.build()
    capabilities = adapter.capabilities
    adapter.close()
    print(f"helpdesk: {capabilities.label}")
    print(
        "  search by request id (exactly once after an unknown outcome): "
        + ("yes" if capabilities.find_by_request_id else "no: the operator settles those (relay pending)")
    )
    print(f"  follow-ups: {_yes(capabilities.follow_up)}; status: {_yes(capabilities.status)}")
    database = config.storage.database
    print(f"database: {database.split('@')[-1] if '://' in database else database}")
    if database.startswith(("postgresql://", "postgres://")):
        print(
            "files: in the database until forwarded (several instances need no shared folder); "
            f"scratch folder {config.storage.attachments}"
        )
    else:
        print(f"files: in {config.storage.attachments} until forwarded")
    print(f"finished requests and audit lines kept {config.storage.retention_days:g} days")
    print(f"listening on {config.server.host}:{config.server.port}{config.server.base_path}")
    print("configuration is usable")
    return 0


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _manage(args: argparse.Namespace, database: Database) -> int:
    from composer_relay import store, tokens

    if args.command == "token":
        if args.action == "issue" and args.open:
            secret = tokens.issue_token(
                database, "open", {tokens.OPEN: "unconfirmed"}, label=args.label or "open"
            )
            store.audit(database, "token.issued", customer_id="open", token_id=secret.split("_")[1])
            print(secret)
            print(
                "The open intake's token: put it in your provider profile; set [open_intake] enabled.",
                file=sys.stderr,
            )
        elif args.action == "issue":
            if not args.customer:
                print("say which customer: --customer ID (or --open for the open intake)", file=sys.stderr)
                return 2
            contacts = {a: "contact" for a in args.email}
            for role in (
                "billing",
                "technical",
                "owner",
            ):  # the strongest role wins for an address named twice
                contacts.update(dict.fromkeys(getattr(args, role), role))
            if not contacts:
                print(
                    "name at least one address: --owner, --technical, --billing or --email", file=sys.stderr
                )
                return 2
            secret = tokens.issue_token(database, args.customer, contacts, label=args.label)
            store.audit(database, "token.issued", customer_id=args.customer, token_id=secret.split("_")[1])
            print(secret)
            print("Give this token to the customer now; it is not shown again.", file=sys.stderr)
        elif args.action == "list":
            for token in tokens.list_tokens(database):
                state = "revoked" if token.revoked else "active"
                listed = ", ".join(f"{a} ({r})" for a, r in sorted(token.roles.items()))
                print(f"{token.id}\t{token.customer_id}\t{state}\t{listed}\t{token.label}")
        else:
            if not tokens.revoke_token(database, args.id):
                print(f"no token {args.id}", file=sys.stderr)
                return 1
            store.audit(database, "token.revoked", token_id=args.id)
        return 0
    if args.command == "prefill":
        from composer_relay.prefill import FIELDS, create_prefill

        fields = {name: getattr(args, name) for name in FIELDS if getattr(args, name)}
        try:
            code = create_prefill(
                database,
                fields,
                customer_id=args.customer,
                staff=args.staff,
                ttl_seconds=args.days * 86400,
                token=args.signed,
            )
        except ValueError as error:
            print(f"relay prefill: {error}", file=sys.stderr)
            return 2
        print(code)
        return 0
    return _requests(args, database)


def _requests(args: argparse.Namespace, database: Database) -> int:
    from composer_relay.queue import Queue

    if args.command == "pending":
        with database.transaction() as cursor:
            cursor.execute(
                "SELECT reference, customer_id, state, attempts, last_error FROM requests "
                "WHERE state != 'forwarded' ORDER BY id"
            )
            for row in cursor.fetchall():
                print("\t".join(str(v) for v in row))
        return 0
    with database.transaction() as cursor:
        cursor.execute("SELECT id, state FROM requests WHERE reference = ?", (args.reference,))
        row = cursor.fetchone()
    if row is None:
        print(f"no request {args.reference}", file=sys.stderr)
        return 1
    queue = Queue(database, "cli")
    if args.command == "retry":
        if row[1] != "failed":
            print(f"{args.reference} is {row[1]}, not failed", file=sys.stderr)
            return 1
        queue.requeue("requests", int(row[0]))
        return 0
    if row[1] != "unsure":
        print(f"{args.reference} is {row[1]}, not unsure", file=sys.stderr)
        return 1
    if args.resend:
        queue.requeue("requests", int(row[0]), maybe_out=False)
    else:
        from composer_relay.queue import Claim

        queue.forwarded(Claim("requests", int(row[0]), True, 0), helpdesk_id=args.number, number=args.number)
    from composer_relay import store

    store.audit(
        database,
        "request.resolved",
        reference=args.reference,
        detail="resend" if args.resend else args.number,
    )
    return 0
