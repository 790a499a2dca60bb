"""The ``request-composer`` command: the app by default, subcommands for the rest.

Each family of subcommands lives beside the code it drives and registers
itself through a ``register(subparsers)`` function. :data:`COMMANDS` names,
for every subcommand, the module that registers it and its one-line help, so
that only the chosen subcommand's module is imported (``--help`` and
``--version`` import none of them). The chosen subcommand's handler receives
the parsed arguments and returns the exit code. Errors are printed as
translated sentences with what to do next, never as tracebacks.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from composer import __version__
from composer.errors import ComposerError, describe
from composer.i18n import N_, _, set_language

__all__ = ["COMMANDS", "main", "print_error"]

# Every subcommand: the module whose ``register(subparsers)`` adds it, and its
# help line for ``--help`` (the module gives the same line when it registers). In the
# order ``--help`` lists them. A module may register several subcommands.
COMMANDS: dict[str, tuple[str, str]] = {
    "open": ("composer.commands", N_("open a saved request file as a draft")),
    "drafts": ("composer.commands", N_("list unfinished requests")),
    "diagnose": (
        "composer.diagnostics.cli",
        N_("check a domain's DNS, registration, web site and mail server from here"),
    ),
    "scrub": ("composer.scrub_cli", N_("remove passwords, tokens and keys from files before you share them")),
    "send": ("composer.delivery_cli", N_("send a saved request file through the outbox")),
    "outbox": ("composer.delivery_cli", N_("show or resend what is in the outbox")),
    "profile": ("composer.commands", N_("check a provider profile or print its schema")),
    "prefill": ("composer.prefill_cli", N_("make and check signed pre-filled links (for staff)")),
}

# Options of the top-level parser that take a value, so that the value is not
# taken for the subcommand's name.
_VALUE_OPTIONS = {"--profile", "--data-dir", "--language"}

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


def chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv``, or None for the app (or ``--help``)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token == "--":
            return None
        if token.startswith("-"):
            skip = token in _VALUE_OPTIONS
            continue
        return token
    return None


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser, with the full arguments of the chosen subcommand only."""
    parser = argparse.ArgumentParser(
        prog="request-composer",
        description=_("Write the support request your hosting provider needs."),
    )
    parser.add_argument("--version", action="version", version=f"request-composer {__version__}")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        type=Path,
        help=_("the provider profile to use (default: the bundled demo profile)"),
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        help=_("where drafts and the outbox are kept (default: the user data folder)"),
    )
    parser.add_argument("--language", metavar="CODE", help=_("language of the app, e.g. en or el"))
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = chosen_command(argv)
    if chosen in COMMANDS:
        importlib.import_module(COMMANDS[chosen][0]).register(subparsers)
    else:
        # Only the names and help lines: an unknown name is then refused by argparse.
        for name, (_module, help_line) in COMMANDS.items():
            subparsers.add_parser(name, help=_(help_line))
    return parser


def print_error(error: ComposerError) -> None:
    """Print an error as the user should read it: what happened, then what to do."""
    message, next_step = describe(error.code, error.params)
    print(_("Error: {message}").format(message=message), file=sys.stderr)
    for field, problem in error.params.get("errors", []):
        print(f"  - {field}: {problem}", file=sys.stderr)
    print(next_step, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    set_language(None)
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    if args.language:
        set_language(args.language)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from composer.commands import run_gui

            return run_gui(args)
        result: int = handler(args)
        return result
    except ComposerError as error:
        print_error(error)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
