"""The ``request-composer`` command: the app by default, subcommands for the rest.

Each family of subcommands lives beside the code it drives and registers
itself through a ``register(subparsers)`` function listed in
:data:`COMMAND_MODULES`; the chosen subcommand's handler receives the parsed
arguments and returns the exit code. Errors are printed as translated
sentences with what to do next, never as tracebacks.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from composer import __version__
from composer.errors import ComposerError, describe
from composer.i18n import _, set_language

__all__ = ["COMMAND_MODULES", "main", "print_error"]

# Modules with a ``register(subparsers)`` function, in the order --help lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "composer.commands",
    "composer.diagnostics.cli",
    "composer.scrub_cli",
    "composer.delivery_cli",
)

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
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
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
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
    parser = build_parser()
    args = parser.parse_args(argv)
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
