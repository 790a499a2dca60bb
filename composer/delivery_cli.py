"""``request-composer send`` and ``request-composer outbox``: the outbox from the command line.

``send FILE.zip`` puts a saved request into the outbox (once: sending the
same file again finds its entry) and sends it, printing progress and the
reference code. A request that cannot go out yet stays in the outbox, and
the app or ``outbox retry`` sends it later with the same idempotency key.

Passwords and tokens come from the keyring; when there is none, the command
asks on a terminal, or takes it from ``$REQUEST_COMPOSER_SECRET`` for this
run only (for scripts; it is never written anywhere).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from composer.channels.factory import ChannelFactory
from composer.cli import common_options
from composer.credentials import Credentials
from composer.delivery import DeliveryListener, FallbackOffer, OutboxWorker
from composer.errors import ComposerError, describe
from composer.i18n import _
from composer.outbox import OutboxEntry, OutboxState, channel_label, get_entry, list_entries
from composer.store import Store

__all__ = ["register"]

SECRET_VARIABLE = "REQUEST_COMPOSER_SECRET"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_LATER = 75  # EX_TEMPFAIL: still in the outbox, will be sent later


def _common(parser: argparse.ArgumentParser) -> None:
    common_options(parser, wait=True)


def register(subparsers: Any) -> None:
    send = subparsers.add_parser("send", help=_("send a saved request file through the outbox"))
    send.add_argument("file", metavar="FILE.zip", type=Path)
    _common(send)
    send.set_defaults(handler=_send)

    outbox = subparsers.add_parser("outbox", help=_("show or resend what is in the outbox"))
    actions = outbox.add_subparsers(dest="outbox_action", metavar="ACTION")
    listing = actions.add_parser("list", help=_("list requests in the outbox"))
    _common(listing)
    listing.set_defaults(handler=_list)
    retry = actions.add_parser("retry", help=_("send an entry again now"))
    retry.add_argument("id", metavar="ID")
    _common(retry)
    retry.set_defaults(handler=_retry)
    after = actions.add_parser("next", help=_("send an entry by the next way in the profile"))
    after.add_argument("id", metavar="ID")
    _common(after)
    after.set_defaults(handler=_next)
    _common(outbox)
    outbox.set_defaults(handler=_list)


def _store(args: argparse.Namespace) -> Store:
    return Store(getattr(args, "data_dir", None))


class _Printer:
    """Progress on standard output, at most every tenth."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}
        self.offers: list[FallbackOffer] = []
        self._lock = threading.Lock()

    def progress(self, entry_id: str, sent: int, total: int) -> None:
        tenth = sent * 10 // total if total else 10
        with self._lock:
            if self._last.get(entry_id, -1) >= tenth:
                return
            self._last[entry_id] = tenth
        print(_("  {percent}% of {size:.1f} MB").format(percent=tenth * 10, size=total / 1e6), flush=True)

    def state(self, entry: OutboxEntry) -> None:
        if entry.state is OutboxState.SENDING:
            print(
                _("Sending {id} by {channel} (try {attempt})…").format(
                    id=entry.id[:8], channel=channel_label(entry.channel), attempt=entry.attempts
                ),
                flush=True,
            )
        elif entry.state is OutboxState.PENDING and entry.reason:
            print(
                _("Not sent yet: {reason} Trying again at {time:%H:%M:%S}.").format(
                    reason=describe(entry.reason, entry.reason_params)[0],
                    time=entry.next_attempt_at.astimezone(),
                ),
                flush=True,
            )


def _worker(store: Store, printer: _Printer) -> OutboxWorker:
    credentials = Credentials()
    factory = ChannelFactory(store, credentials, store.folder / "bundles")
    listener = DeliveryListener(
        on_state=printer.state, on_progress=printer.progress, on_fallback=printer.offers.append
    )
    return OutboxWorker(store, factory, listener)


def _ensure_credential(worker: OutboxWorker, entry: OutboxEntry) -> None:
    config = entry.channel
    if config is None:
        return
    who = worker.channels.credential_identity(config, entry.request)
    credentials = worker.channels.credentials
    profile_id = entry.profile.provider.id
    if who is None or credentials.get(profile_id, who):
        return
    secret = os.environ.get(SECRET_VARIABLE, "")
    if secret:
        credentials.set(profile_id, who, secret, remember=False)
    elif sys.stdin.isatty():
        typed = getpass.getpass(_("Password or access key for {who}: ").format(who=who))
        if typed:
            remembered = credentials.set(profile_id, who, typed)
            if not remembered:
                print(_("No keyring is available: the password is kept for this run only."))


def _send(args: argparse.Namespace) -> int:
    from composer.profile import load_profile
    from composer.provenance import profile_for_bundle
    from composer.render import read_bundle

    # the bundle names its provider; --profile may name the same one (or must, for old files)
    given = getattr(args, "profile", None)
    profile = profile_for_bundle(args.file, load_profile(given) if given else None) or load_profile(None)
    printer = _Printer()
    with _store(args) as store:
        request = read_bundle(args.file, store)
        worker = _worker(store, printer)
        entry = worker.submit(request, profile, remove_draft=False)
        if entry.state is OutboxState.FAILED:
            entry = worker.retry(entry.id)
        return _deliver(worker, entry, args.wait, printer)


def _deliver(worker: OutboxWorker, entry: OutboxEntry, wait: float, printer: _Printer) -> int:
    store = worker.store
    if entry.state is not OutboxState.SENT:
        _ensure_credential(worker, entry)
        worker.start()
        deadline = time.monotonic() + wait
        try:
            while time.monotonic() < deadline:
                current = get_entry(store, entry.id)
                assert current is not None
                entry = current
                if entry.state in {OutboxState.SENT, OutboxState.FAILED}:
                    break
                time.sleep(0.05)
        finally:
            worker.stop()
    if entry.state is OutboxState.SENT:
        receipt = entry.receipt
        assert receipt is not None
        if receipt.reference:
            print(_("Sent. Reference code: {reference}").format(reference=receipt.reference))
        elif receipt.channel == "file":
            print(_("Saved as {url}; send this file to your provider.").format(url=receipt.url))
        else:
            print(
                _("Sent by {channel} ({message_id}).").format(
                    channel=receipt.channel, message_id=receipt.message_id
                )
            )
        return EXIT_OK
    if entry.state is OutboxState.FAILED:
        offer = next((o for o in printer.offers if o.entry_id == entry.id), None)
        message = offer.message() if offer else describe(entry.reason, entry.reason_params)[0]
        print(_("Error: {message}").format(message=message), file=sys.stderr)
        print(describe(entry.reason, entry.reason_params)[1], file=sys.stderr)
        if entry.next_channel is not None:
            print(
                _("To send it by {next}: request-composer outbox next {id}").format(
                    next=channel_label(entry.next_channel), id=entry.id[:12]
                ),
                file=sys.stderr,
            )
        print(_("To try again: request-composer outbox retry {id}").format(id=entry.id[:12]), file=sys.stderr)
        return EXIT_FAILED
    reason = describe(entry.reason, entry.reason_params)[0] if entry.reason else _("still waiting")
    message, next_step = describe("outbox.still_pending", {"reason": reason, "id": entry.id[:12]})
    print(message, file=sys.stderr)
    print(next_step, file=sys.stderr)
    return EXIT_LATER


def _find(store: Store, prefix: str) -> OutboxEntry:
    matches = [e for e in list_entries(store) if e.id.startswith(prefix.strip())]
    if len(matches) != 1 or not prefix.strip():
        raise ComposerError("outbox.not_found", id=prefix)
    return matches[0]


def _list(args: argparse.Namespace) -> int:
    with _store(args) as store:
        entries = list_entries(store)
    if not entries:
        print(_("The outbox is empty."))
        return EXIT_OK
    for entry in entries:
        if entry.state is OutboxState.SENT and entry.receipt is not None:
            note = entry.receipt.reference or entry.receipt.message_id or entry.receipt.url
        elif entry.reason:
            note = describe(entry.reason, entry.reason_params)[0]
        else:
            note = ""
        kind = _("follow-up") if entry.follow_up else _("request")
        print(
            f"{entry.id[:12]}  {entry.state:<8} {channel_label(entry.channel):<7} "
            f"{entry.attempts:>2}  {kind}: {entry.request.title()}  {note}".rstrip()
        )
    return EXIT_OK


def _retry(args: argparse.Namespace) -> int:
    printer = _Printer()
    with _store(args) as store:
        worker = _worker(store, printer)
        entry = worker.retry(_find(store, args.id).id)
        return _deliver(worker, entry, args.wait, printer)


def _next(args: argparse.Namespace) -> int:
    printer = _Printer()
    with _store(args) as store:
        worker = _worker(store, printer)
        entry = worker.continue_with_next(_find(store, args.id).id)
        return _deliver(worker, entry, args.wait, printer)
