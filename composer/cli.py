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
import gc
import importlib
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from composer import VERSION_LINE
from composer.desktop_args import desktop_arguments
from composer.i18n import N_, _, set_language

if TYPE_CHECKING:
    from composer.errors import ComposerError

__all__ = ["COMMANDS", "allow_quick_exit", "common_options", "main", "print_error", "quick_exit_allowed"]

# Every subcommand: the module whose ``register(subparsers)`` adds it, and its
# help line for ``--help`` (the module gives the same line when it registers). In the
# order ``--help`` lists them. A module may register several subcommands.
COMMANDS: dict[str, tuple[str, str]] = {
    "open": ("composer.commands", N_("open a saved request file or a pre-filled link")),
    "drafts": ("composer.commands", N_("list unfinished requests")),
    "diagnose": (
        "composer.diagnostics.cli",
        N_("check a domain's DNS, registration, web site and mail server from here"),
    ),
    "scrub": ("composer.scrub_cli", N_("remove passwords, tokens and keys from files before you share them")),
    "new": ("composer.compose_cli", N_("write a request file from fields given on the command line")),
    "send": ("composer.delivery_cli", N_("send a saved request file through the outbox")),
    "follow-up": ("composer.compose_cli", N_("add a message to a sent request, in the same ticket")),
    "outbox": ("composer.delivery_cli", N_("show or resend what is in the outbox")),
    "mail-settings": (
        "composer.mail_settings_cli",
        N_("show or set the outgoing mail server requests are e-mailed through"),
    ),
    "profile": ("composer.commands", N_("check a provider profile or print its schema")),
    "explain": (
        "composer.explain_cli",
        N_("say what a pasted error message means and which kind of problem it is"),
    ),
    "prefill": ("composer.prefill_cli", N_("make and check signed pre-filled links (for staff)")),
    "identity": ("composer.identities_cli", N_("keep who you file as, and your clients' domains")),
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
    parser.add_argument("--version", action="version", version=VERSION_LINE)
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
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help=_("show the main window, say so and quit: checks that an installation starts"),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = chosen_command(argv)
    if chosen in COMMANDS:
        importlib.import_module(COMMANDS[chosen][0]).register(subparsers)
    else:
        # Only the names and help lines: an unknown name is then refused by argparse.
        for name, (_module, help_line) in COMMANDS.items():
            subparsers.add_parser(name, help=_(help_line))
    return parser


def common_options(parser: argparse.ArgumentParser, *, wait: bool = False) -> None:
    """The global options again on a subcommand, so they may also follow it (and ``--wait``)."""
    parser.add_argument(
        "--profile",
        metavar="FILE",
        type=Path,
        default=argparse.SUPPRESS,
        help=_("the provider profile to use"),
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        default=argparse.SUPPRESS,
        help=_("where drafts and the outbox are kept"),
    )
    if wait:
        parser.add_argument(
            "--wait",
            metavar="SECONDS",
            type=float,
            default=120.0,
            help=_("how long to keep trying before leaving it in the outbox"),
        )


def print_error(error: ComposerError) -> None:
    """Print an error as the user should read it: what happened, then what to do."""
    from composer.errors import describe

    message, next_step = describe(error.code, error.params)
    print(_("Error: {message}").format(message=message), file=sys.stderr)
    for field, problem in error.params.get("errors", []):
        print(f"  - {field}: {problem}", file=sys.stderr)
    print(next_step, file=sys.stderr)


def prepare_gui_start() -> None:
    """What the desktop app's start does before it imports the app: automatic garbage collection off.

    The app collects cyclic garbage from a GUI-thread timer
    (:mod:`composer.ui.gc_guard`), which switches automatic collection off
    anyway; switching it off before the imports spares the start the
    collections they would trigger (about 45 ms, walking the objects that
    pydantic and Qt create while the app is imported).
    """
    gc.disable()


_quick_exit = False


def allow_quick_exit() -> None:
    """Say that the process may end without the interpreter's teardown once the handler returns.

    For a subcommand that has printed everything and leaves no thread, open
    file or ``atexit`` duty behind (``diagnose``): the teardown would only free
    memory that the system frees anyway. Only the program entry
    (:func:`composer.__main__.run`) acts on it, and only after :func:`main`
    returned; a test calling :func:`main` in-process goes on as usual.
    """
    global _quick_exit
    _quick_exit = True


def quick_exit_allowed() -> bool:
    """Whether the handler that ran allowed the quick exit, and no other thread runs."""
    return _quick_exit and threading.active_count() == 1


def main(argv: Sequence[str] | None = None) -> int:
    set_language(None)
    # what a desktop passes when a link or file is opened (`request-composer %u`) becomes `open X`
    arguments = desktop_arguments(list(sys.argv[1:] if argv is None else argv), COMMANDS, _VALUE_OPTIONS)
    parser = build_parser(arguments)
    args = parser.parse_args(arguments)
    if args.language:
        set_language(args.language)
    handler = getattr(args, "handler", None)
    # loaded only now: ``--version`` and ``--help`` have exited already, without it
    from composer.errors import ComposerError

    try:
        if handler is None:
            prepare_gui_start()
            from composer.commands import run_gui

            return run_gui(args)
        result: int = handler(args)
        return result
    except ComposerError as error:
        print_error(error)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`... | head`): no traceback, and no second error at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
