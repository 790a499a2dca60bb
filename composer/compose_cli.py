"""``request-composer new`` and ``request-composer follow-up``: composing without the window.

``new --field NAME=VALUE... --attach FILE... --output FILE.zip`` fills a
request by the form's field names (:mod:`composer.compose`; ``new
--list-fields`` prints them), checks it as the form does, removes secrets
from its text and its text files, and writes the bundle, which records the
provider it was made for: ``send FILE.zip`` needs no ``--profile`` then.
What the form would refuse is refused with the form's own sentences, and
nothing is written.

``follow-up REFERENCE|ID --text TEXT --attach FILE...`` adds a message to a
sent request, found by its reference code or the start of its id (or of its
outbox entry's id, as ``outbox list`` shows it), through
the outbox and the channel the request went by, into the same ticket or
thread.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from composer.cli import common_options
from composer.errors import ComposerError
from composer.i18n import _, ngettext

__all__ = ["register"]

EXIT_OK = 0
MIN_ID_PREFIX = 6


def register(subparsers: Any) -> None:
    new = subparsers.add_parser("new", help=_("write a request file from fields given on the command line"))
    new.add_argument(
        "--field",
        dest="fields",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=_("a field of the form by its name, e.g. domain=example.com (repeat for each)"),
    )
    new.add_argument(
        "--attach", action="append", default=[], type=Path, metavar="FILE", help=_("a file to attach")
    )
    new.add_argument("--output", type=Path, metavar="FILE.zip", help=_("where to write the request file"))
    new.add_argument(
        "--identity",
        metavar="EMAIL",
        help=_("file as one of your identities (see `request-composer identity list`)"),
    )
    new.add_argument("--list-fields", action="store_true", help=_("list the field names and what they take"))
    common_options(new)
    new.set_defaults(handler=_new)

    follow = subparsers.add_parser("follow-up", help=_("add a message to a sent request, in the same ticket"))
    follow.add_argument(
        "key", metavar="REFERENCE|ID", help=_("the reference code, or the start of the request's id")
    )
    follow.add_argument("--text", required=True, help=_("the message; - reads it from standard input"))
    follow.add_argument(
        "--attach", action="append", default=[], type=Path, metavar="FILE", help=_("a file to attach")
    )
    common_options(follow, wait=True)
    follow.set_defaults(handler=_follow_up)


def _note(text: str) -> None:
    print(text, file=sys.stderr)


def _removed(where: str, count: int) -> None:
    _note(
        ngettext("{where}: {count} secret removed", "{where}: {count} secrets removed", count).format(
            where=where, count=count
        )
    )


def _known_secrets(store: Any, profile: Any, request: Any) -> list[str]:
    from composer.channels.factory import ChannelFactory
    from composer.credentials import Credentials

    found: list[str] = ChannelFactory(store, Credentials(), store.folder / "bundles").known_secrets(
        profile, request
    )
    return found


def _new(args: argparse.Namespace) -> int:
    from composer.compose import apply_fields, attach_file, fields_markdown, form_name, scrub_fields
    from composer.i18n import current_language
    from composer.model import Request
    from composer.profile import load_profile
    from composer.quality import advice_text, assess
    from composer.render import write_bundle
    from composer.store import Store

    if args.list_fields:
        print(fields_markdown(), end="")
        return EXIT_OK
    if args.output is None:
        raise ComposerError("cli.output_missing")
    profile = load_profile(getattr(args, "profile", None))
    request = Request(provider=profile.provider.id, language=current_language())
    request = apply_fields(request, profile, args.fields)
    with Store(getattr(args, "data_dir", None)) as store:
        request = _filed_as(store, profile, request, args.identity)
        secrets = _known_secrets(store, profile, request)
        attachments = list(request.attachments)
        for path in args.attach:
            attachment, count = attach_file(store, profile, attachments, path, secrets)
            attachments.append(attachment)
            if count:
                _removed(attachment.name, count)
        request = request.touched(attachments=tuple(attachments))
        request, removed = scrub_fields(request, secrets)
        for label, count in removed:
            _removed(label, count)
        readiness = assess(request, profile)
        if readiness.problems:
            errors = [(form_name(problem.field), problem.message()) for problem in readiness.problems]
            raise ComposerError("cli.not_ready", count=len(errors), errors=errors)
        for item in readiness.advice:
            message, why = advice_text(item)
            _note(_("Advice: {message} {why}").format(message=message, why=why))
        written = write_bundle(request, profile, store, args.output)
    print(
        _("Saved the request for {provider} as {path}").format(provider=profile.provider.name, path=written)
    )
    return EXIT_OK


def _filed_as(store: Any, profile: Any, request: Any, identity: str | None) -> Any:
    """The request filed as the chosen identity, or for the client whose domain it names.

    As in the window: a client's domain picks who files and the owner they
    file for; ``--identity`` then chooses the filer, keeping that owner. A
    filing the profile's rules do not allow is a note, not a refusal (see
    :mod:`composer.identities`). Fields given with ``--field`` for the
    requester win over both.
    """
    from composer.errors import ValidationError
    from composer.identities import apply_client, apply_identity, filing_warning, load_book

    book = load_book(store)
    person = book.find(identity) if identity else None
    if identity and person is None:
        raise ValidationError("identity.not_found", value=identity)
    client = book.client(request.domain) if request.domain else None
    given = request.requester.model_dump(exclude_defaults=True)
    if client is not None:
        request = apply_client(request, client, person or book.filer(client))
    elif person is not None:
        request = apply_identity(request, person)
    if given:
        request = request.touched(requester=request.requester.model_copy(update=given))
    warning = filing_warning(profile, request)
    if warning is not None:
        _note(_("Note: {message} {next_step}").format(message=warning[0], next_step=warning[1]))
    return request


def _find_sent(store: Any, key: str) -> str:
    """The id of the sent request whose reference is ``key``, or whose id starts with it.

    The id may be the request's or its outbox entry's (what ``outbox list`` shows).
    """
    from composer import history
    from composer.outbox import EntryKind, list_entries

    wanted = key.strip()
    items = history.search(store, "", limit=1_000_000)
    by_reference = [item for item in items if item.reference and item.reference == wanted]
    if len(by_reference) == 1:
        return by_reference[0].request_id
    entries = {e.id: e.request_id for e in list_entries(store) if e.kind is EntryKind.REQUEST}

    def matches(request_id: str) -> bool:
        if len(wanted) < MIN_ID_PREFIX:
            return False
        return request_id.startswith(wanted) or any(
            entry_id.startswith(wanted) and owner == request_id for entry_id, owner in entries.items()
        )

    by_id = [item for item in items if matches(item.request_id)]
    if len(by_id) == 1:
        return by_id[0].request_id
    if len(by_reference) + len(by_id) > 1:
        raise ComposerError("history.ambiguous", id=wanted, count=len(by_reference) + len(by_id))
    raise ComposerError("history.not_found", id=wanted)


def _follow_up(args: argparse.Namespace) -> int:
    from composer import history
    from composer.compose import attach_file
    from composer.delivery_cli import _deliver, _Printer, _worker
    from composer.redact import scrub
    from composer.store import Store

    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        raise ComposerError("cli.follow_up_empty")
    printer = _Printer()
    with Store(getattr(args, "data_dir", None)) as store:
        request_id = _find_sent(store, args.key)
        found = history.get(store, request_id)
        assert found is not None
        original, profile = found
        worker = _worker(store, printer)
        secrets = worker.channels.known_secrets(profile, original)
        text, matches = scrub(text, extra_secrets=secrets)
        if matches:
            _removed(_("The message"), len(matches))
        attachments: list[Any] = []
        for path in args.attach:
            attachment, count = attach_file(store, profile, attachments, path, secrets)
            attachments.append(attachment)
            if count:
                _removed(attachment.name, count)
        entry = worker.follow_up(request_id, text, tuple(attachments))
        return _deliver(worker, entry, args.wait, printer)
