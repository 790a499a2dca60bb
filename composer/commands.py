"""Subcommands of the core: provider profiles, opening saved requests, drafts, the GUI.

``profile check FILE`` and ``profile schema`` are for providers writing a
profile; ``open FILE.zip`` loads a saved request back as a draft and opens it
in the app; ``drafts`` lists the unfinished requests.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

from composer.i18n import _
from composer.profile import load_profile, profile_json_schema

__all__ = ["register", "run_gui"]


def register(subparsers: Any) -> None:
    profile = subparsers.add_parser("profile", help=_("check a provider profile or print its schema"))
    profile_commands = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    check = profile_commands.add_parser("check", help=_("validate a provider profile file"))
    check.add_argument("file", type=Path, metavar="FILE")
    check.set_defaults(handler=_profile_check)
    schema = profile_commands.add_parser("schema", help=_("print the JSON Schema of provider profiles"))
    schema.set_defaults(handler=_profile_schema)

    open_parser = subparsers.add_parser("open", help=_("open a saved request file as a draft"))
    open_parser.add_argument("bundle", type=Path, metavar="FILE.zip")
    open_parser.add_argument(
        "--no-gui", action="store_true", help=_("only import it as a draft and print its id")
    )
    open_parser.set_defaults(handler=_open_bundle)

    drafts = subparsers.add_parser("drafts", help=_("list unfinished requests"))
    drafts.set_defaults(handler=_list_drafts)


def _profile_check(args: argparse.Namespace) -> int:
    profile = load_profile(args.file)
    print(
        _("{path}: valid profile for {provider} ({count} categories, {channels} ways to send)").format(
            path=args.file,
            provider=profile.provider.name,
            count=len(profile.effective_categories()),
            channels=len(profile.channels),
        )
    )
    return 0


def _profile_schema(args: argparse.Namespace) -> int:
    print(profile_json_schema())
    return 0


def _open_bundle(args: argparse.Namespace) -> int:
    from composer.render import read_bundle
    from composer.store import Store

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


def run_gui(args: argparse.Namespace) -> int:
    """Start the desktop app (the only place the core reaches into the UI package)."""
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
