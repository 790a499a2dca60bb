"""Subcommands of the core: provider profiles, opening saved requests, drafts, the GUI.

``profile check FILE`` and ``profile schema`` are for providers writing a
profile; ``open FILE.zip`` loads a saved request back as a draft and opens it
in the app; ``drafts`` lists the unfinished requests.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Any

from composer.i18n import _, ngettext

__all__ = ["register", "run_gui"]


def register(subparsers: Any) -> None:
    profile = subparsers.add_parser("profile", help=_("check a provider profile or print its schema"))
    profile_commands = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    check = profile_commands.add_parser("check", help=_("validate a provider profile file"))
    check.add_argument("file", type=Path, metavar="FILE")
    check.set_defaults(handler=_profile_check)
    schema = profile_commands.add_parser("schema", help=_("print the JSON Schema of provider profiles"))
    schema.set_defaults(handler=_profile_schema)

    open_parser = subparsers.add_parser("open", help=_("open a saved request file or a pre-filled link"))
    open_parser.add_argument("target", metavar="FILE.zip|LINK|FILE.prefill")
    open_parser.add_argument(
        "--no-gui", action="store_true", help=_("only import it as a draft and print its id")
    )
    open_parser.set_defaults(handler=_open_bundle)

    drafts = subparsers.add_parser("drafts", help=_("list unfinished requests"))
    drafts.set_defaults(handler=_list_drafts)


def _profile_check(args: argparse.Namespace) -> int:
    from composer.errors import ProfileError
    from composer.profile import PROFILE_FORMAT
    from composer.profile_check import check_profile_text

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError("profile.not_found", path=str(args.file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError("profile.unreadable", path=str(args.file), reason=str(exc)) from None
    checked = check_profile_text(text, source=str(args.file))
    profile = checked.profile
    categories, channels = len(profile.effective_categories()), len(profile.channels)
    print(
        _("{path}: valid profile for {provider} ({categories}; {channels})").format(
            path=args.file,
            provider=profile.provider.name,
            categories=ngettext("{count} category", "{count} categories", categories).format(
                count=categories
            ),
            channels=ngettext("{count} way to send", "{count} ways to send", channels).format(count=channels),
        )
    )
    from composer.channels.registry import spec_for

    for number, config in enumerate(profile.channels, start=1):
        spec = spec_for(config)
        assert spec is not None  # a validated profile names only registered channels
        can = ", ".join(sorted(spec.capabilities)) if spec.available else _("not available yet")
        print(f"  {number}. {config.key()}: {_(spec.label)} ({can})")
    upgrade = [w for w in checked.warnings if w.code.startswith("migrate.")]
    others = [w for w in checked.warnings if not w.code.startswith("migrate.")]
    if others:
        print(_("Warnings (keys that have no effect in this build, or need a look):"))
        for warning in others:
            print(f"  - {warning.where()}: {warning.message()}")
    if upgrade:
        print(_("To upgrade this file to format {format}:").format(format=PROFILE_FORMAT))
        for note in upgrade:
            print(f"  - {note.where()}: {note.message()}")
    return 0


def _profile_schema(args: argparse.Namespace) -> int:
    from composer.profile import profile_json_schema

    try:
        print(profile_json_schema())
        sys.stdout.flush()
    except BrokenPipeError:
        # the reader stopped early (``profile schema | head``): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return 0


def _prefill_text(target: str) -> str | None:
    """The pre-fill in ``target`` (a link, or a .prefill file's text); None for a request file.

    Raises:
        PrefillError: ``prefill.not_found`` or ``prefill.malformed`` for a file that cannot be read.
    """
    from composer.prefill import PrefillError

    if target.lower().startswith(("request-composer:", "https://")):
        return target
    if not target.lower().endswith(".prefill"):
        return None
    try:
        return Path(target).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PrefillError("prefill.not_found", path=target) from None
    except (OSError, UnicodeDecodeError):
        raise PrefillError("prefill.malformed") from None


def _open_prefill_without_window(args: argparse.Namespace, text: str) -> int:
    from composer.model import Request
    from composer.prefill import apply_prefill, read_prefill
    from composer.profile import load_profile
    from composer.store import Store

    profile = load_profile(args.profile)
    verified = read_prefill(text, profile.prefill.public_key)
    categories = {category.id for category in profile.effective_categories()}
    request, _ignored = apply_prefill(Request(provider=profile.provider.id), verified, categories=categories)
    with Store(args.data_dir) as store:
        from composer.identities import load_book, pick_for_domain

        # a client's domain files under that client's identity (who files, never a secret)
        request = pick_for_domain(request, load_book(store)) or request
        store.save_draft(request)
    print(request.id)
    return 0


def _open_bundle(args: argparse.Namespace) -> int:
    from composer.render import read_bundle
    from composer.store import Store

    prefill_text = _prefill_text(args.target)
    args.bundle = None if prefill_text is not None else Path(args.target)
    args.prefill_text = prefill_text
    if prefill_text is not None:
        return _open_prefill_without_window(args, prefill_text) if args.no_gui else run_gui(args)
    if args.no_gui:
        with Store(args.data_dir) as store:
            request = read_bundle(args.bundle, store)
            store.save_draft(request)
        print(request.id)
        return 0
    return run_gui(args)


def _list_drafts(args: argparse.Namespace) -> int:
    from composer.store import Store

    with Store(args.data_dir) as store:
        drafts = store.list_drafts()
    if not drafts:
        print(_("No unfinished requests."))
    for draft in drafts:
        print(f"{draft.id}  {draft.updated_at:%Y-%m-%d %H:%M}  {draft.title or _('(untitled)')}")
    return 0


# The core modules the form uses, imported after the window's first paint, before the
# form's own modules: one per turn of the event loop (``composer.ui.app``), in this order,
# which has the heavier ones import their parts in turns of their own first (the policy and
# the profile's support before the profile; the e-mail channel's standard library before
# the channels). PySide6 would read the source of every module imported after it (to see
# whether the module uses its ``__feature__`` switches); the app marks its own, the standard
# library's and its packages' modules beforehand (``composer/ui/feature_scan.py``), so the
# order costs nothing. The rest of the app (diagnostics, sending's dialogs, capture,
# pre-fills) is imported when it is used; the outbox worker and the reply watcher when they
# are built, on the thread pool once the form is in (``composer.ui.delivery``). The channels'
# modules come with their settings models, which a profile is validated with.
FIRST_WINDOW_CORE = (
    "composer.model",
    "composer.profile_support",
    "composer.policy_hours",
    "composer.profile",
    "composer.policy",
    "composer.store",
    "composer.critical",
    "composer.quality",
    "composer.triage",
    "composer.answers",
    "composer.redact_names",
    "composer.redact_settings",
    "composer.redact",
    "composer.scrub_request",
    "composer.render",
    "composer.identities",
    "composer.related",
    "composer.history",
    "composer.outbox",
    "ssl",
    "smtplib",
    "composer.channels.email",
    "composer.tlds",
    "composer.profile_check",
)


def load_channel_settings() -> None:
    """Every built-in channel's module: a profile's channels are validated by their settings models."""
    from composer.channels import registry

    registry.load_builtin()


def run_gui(args: argparse.Namespace) -> int:
    """Start the desktop app (the only place the core reaches into the UI package).

    The app shows its window first and imports the form's modules after the
    window's first paint, one per turn of the event loop (:data:`FIRST_WINDOW_CORE`
    and :func:`load_channel_settings`, from :mod:`composer.ui.app`).
    """
    # A profile that cannot be used is reported in the window (which then opens with
    # the last good profile or the demo), not only on a terminal the user may not see.
    try:
        app = importlib.import_module("composer.ui.app")
    except ImportError as exc:
        print(_("The desktop app cannot start: {reason}").format(reason=exc), file=sys.stderr)
        print(_("Run the set-up command from the README, which installs what is missing."), file=sys.stderr)
        return 1
    result: int = app.main(args)
    return result
