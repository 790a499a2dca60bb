"""``request-composer send`` and ``request-composer outbox``: the outbox from the command line.

``send FILE.zip`` puts a saved request into the outbox (once: sending the
same file again finds its entry) and sends it, printing progress and the
reference code. A request that cannot go out yet stays in the outbox, and
the app or ``outbox retry`` sends it later with the same idempotency key.
One whose e-mail may have arrived (the connection was cut after the final
dot) is never sent again by itself: ``outbox settle ID arrived|resend`` says
what happened, ``outbox keep-reference ID NUMBER`` keeps the provider's
number, and ``outbox replies on`` lets the app read that number from the
provider's automatic reply in the user's mailbox.

Exit codes: 0 sent, 1 failed, 4 may have arrived (settle it), 75 still in
the outbox (sent later).

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
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from composer.channels.factory import ChannelFactory
from composer.cli import common_options
from composer.credentials import Credentials
from composer.delivery import DeliveryListener, FallbackOffer, OutboxWorker
from composer.errors import ComposerError, describe
from composer.i18n import N_, _, ngettext
from composer.outbox import OutboxEntry, OutboxState, channel_label, get_entry, list_entries
from composer.replies_cli import register_replies
from composer.settling import look_for, needs_number
from composer.store import Store

if TYPE_CHECKING:
    from composer.replies import ReplyWatcher

__all__ = ["register"]

SECRET_VARIABLE = "REQUEST_COMPOSER_SECRET"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNCERTAIN = 4  # may have arrived: the user (or the reply watcher) settles it
EXIT_LATER = 75  # EX_TEMPFAIL: still in the outbox, will be sent later
#: how long ``send`` waits for the provider's automatic reply to a delivered e-mail
NUMBER_WAIT = 20.0

_STATE_WORDS = {
    OutboxState.PENDING: N_("waiting"),
    OutboxState.SENDING: N_("sending"),
    OutboxState.SENT: N_("sent"),
    OutboxState.FAILED: N_("not sent"),
    OutboxState.UNCERTAIN: N_("MAY HAVE ARRIVED"),
}


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
    settle = actions.add_parser(
        "settle", help=_("say whether a request that may have arrived did arrive, or send it again")
    )
    settle.add_argument("id", metavar="ID")
    settle.add_argument("outcome", choices=["arrived", "resend"])
    _common(settle)
    settle.set_defaults(handler=_settle)
    keep = actions.add_parser("keep-reference", help=_("keep the provider's ticket number for a request"))
    keep.add_argument("id", metavar="ID")
    keep.add_argument("reference", metavar="NUMBER")
    _common(keep)
    keep.set_defaults(handler=_keep_reference)
    register_replies(actions, _common)
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
    watcher = _reply_watcher(worker)
    deadline = time.monotonic() + wait
    if entry.state is not OutboxState.SENT or watcher is not None:
        _ensure_credential(worker, entry)  # the mailbox password is the SMTP one
    if entry.state not in {OutboxState.SENT, OutboxState.UNCERTAIN}:
        worker.start()
        try:
            entry = _wait_for(
                store, entry, deadline, {OutboxState.SENT, OutboxState.FAILED, OutboxState.UNCERTAIN}
            )
        finally:
            worker.stop()
    if watcher is not None and needs_number(entry):
        print(_("Waiting for the provider's confirmation mail…"), flush=True)
        watcher.start(interval=1.0)
        if entry.state is OutboxState.SENT:  # only nice to have: not worth a long wait
            deadline = min(deadline, time.monotonic() + NUMBER_WAIT)
        try:
            entry = _wait_for(store, entry, deadline, set(), until=lambda e: not needs_number(e))
        finally:
            watcher.stop()
    if entry.state is OutboxState.SENT:
        from composer.replies import load_reply_settings

        return _print_sent(entry, reading_replies=load_reply_settings(store).enabled)
    if entry.state is OutboxState.UNCERTAIN:
        _print_uncertain(entry)
        return EXIT_UNCERTAIN
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


def _wait_for(
    store: Store,
    entry: OutboxEntry,
    deadline: float,
    states: set[OutboxState],
    *,
    until: Callable[[OutboxEntry], bool] | None = None,
) -> OutboxEntry:
    while time.monotonic() < deadline:
        current = get_entry(store, entry.id)
        assert current is not None
        entry = current
        if entry.state in states or (until is not None and until(entry)):
            break
        time.sleep(0.05)
    return entry


def _reply_watcher(worker: OutboxWorker) -> ReplyWatcher | None:
    from composer.replies import ReplyWatcher, load_reply_settings

    if not load_reply_settings(worker.store).enabled:
        return None
    return ReplyWatcher(worker.store, worker.channels.credentials, ssl_context=worker.channels.ssl_context)


def _print_sent(entry: OutboxEntry, *, reading_replies: bool | None = True) -> int:
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
        if receipt.channel == "email":
            print(
                _(
                    "The provider's answer will carry the ticket number; keep it with "
                    "`request-composer outbox keep-reference {id} NUMBER`."
                ).format(id=entry.id[:12])
            )
            if reading_replies is None:
                print(_("Or let the app read it from the answer: `request-composer outbox replies on`."))
    return EXIT_OK


def _print_uncertain(entry: OutboxEntry) -> None:
    message, next_step = describe("outbox.uncertain", {"id": entry.id[:12]})
    print(message, file=sys.stderr)
    print(look_for(entry), file=sys.stderr)
    print(next_step, file=sys.stderr)


def _find(store: Store, prefix: str) -> OutboxEntry:
    matches = [e for e in list_entries(store) if e.id.startswith(prefix.strip())]
    if len(matches) != 1 or not prefix.strip():
        raise ComposerError("outbox.not_found", id=prefix)
    return matches[0]


def _list(args: argparse.Namespace) -> int:
    from composer.outbox_claims import recover

    with _store(args) as store:
        recover(store)  # an entry whose sender died is never shown as "sending"
        entries = list_entries(store)
    if not entries:
        print(_("The outbox is empty."))
        return EXIT_OK
    uncertain = 0
    for entry in entries:
        if entry.state is OutboxState.SENT and entry.receipt is not None:
            if entry.receipt.reference:
                note = _("number {reference}").format(reference=entry.receipt.reference)
            else:
                note = _("no number yet") + f" ({entry.receipt.message_id or entry.receipt.url})"
        elif entry.state is OutboxState.UNCERTAIN:
            uncertain += 1
            note = _("settle it: outbox settle {id} arrived|resend").format(id=entry.id[:12])
        elif entry.reason:
            note = describe(entry.reason, entry.reason_params)[0]
        else:
            note = ""
        kind = _("follow-up") if entry.follow_up else _("request")
        print(
            f"{entry.id[:12]}  {_(_STATE_WORDS[entry.state]):<16} {channel_label(entry.channel):<7} "
            f"{entry.attempts:>2}  {kind}: {entry.request.title()}  {note}".rstrip()
        )
    if uncertain:
        print(
            ngettext(
                "{count} request may have arrived already: look for the provider's confirmation mail.",
                "{count} requests may have arrived already: look for the provider's confirmation mail.",
                uncertain,
            ).format(count=uncertain)
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


def _settle(args: argparse.Namespace) -> int:
    printer = _Printer()
    with _store(args) as store:
        worker = _worker(store, printer)
        entry = worker.settle(_find(store, args.id).id, arrived=args.outcome == "arrived")
        if entry.state is OutboxState.SENT:
            print(_("Marked as arrived: it will not be sent again."))
            return _print_sent(entry)
        return _deliver(worker, entry, args.wait, printer)


def _keep_reference(args: argparse.Namespace) -> int:
    printer = _Printer()
    with _store(args) as store:
        worker = _worker(store, printer)
        entry = worker.keep_reference(_find(store, args.id).id, args.reference)
    assert entry.receipt is not None
    print(_("Kept. Reference code: {reference}").format(reference=entry.receipt.reference or args.reference))
    return EXIT_OK
