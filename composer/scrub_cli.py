"""``request-composer scrub FILE...``: remove secrets from files before sharing them.

The scrubbed text goes to standard output, so that it can be redirected into a
file or piped on; a summary of what was removed goes to standard error: how
many of each kind, and where (file and line), never the secret itself.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from composer.i18n import _, ngettext
from composer.redact import KINDS, SecretMatch, count_by_kind, scrub

__all__ = ["register", "run_scrub"]

STDIN = "-"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``scrub`` subcommand."""
    parser = subparsers.add_parser(
        "scrub",
        help=_("remove passwords, tokens and keys from files before you share them"),
        description=_(
            "Print the files with passwords, tokens, keys and cookies replaced by [removed]. "
            "What was removed is listed on standard error."
        ),
    )
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help=_("a file to scrub, or - for standard input")
    )
    parser.add_argument(
        "--known-secrets",
        metavar="FILE",
        type=Path,
        help=_("a file with one more secret per line (for example your own passwords) to remove"),
    )
    parser.set_defaults(handler=run_scrub)


class _Unreadable(Exception):
    """A file named on the command line cannot be read; the message is ready to print."""


def _read(name: str) -> str:
    # surrogateescape: a log with stray bytes comes out byte for byte as it went in.
    if name == STDIN:
        return sys.stdin.buffer.read().decode("utf-8", errors="surrogateescape")
    try:
        data = Path(name).read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        message = _("{path} cannot be read: {reason}").format(path=name, reason=reason)
        raise _Unreadable(message) from error
    return data.decode("utf-8", errors="surrogateescape")


def _write(text: str) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(text.encode("utf-8", errors="surrogateescape"))
    sys.stdout.buffer.flush()


def run_scrub(args: argparse.Namespace) -> int:
    """Scrub each file in ``args.files``.

    Returns:
        0 when every file was scrubbed, 1 when a file could not be read (nothing of
        that file is printed).
    """
    try:
        return _scrub_files(args)
    except _Unreadable as error:
        print(_("Error: {message}").format(message=error), file=sys.stderr)
        print(_("Check the file name, and that you may read the file."), file=sys.stderr)
        return 1


def _scrub_files(args: argparse.Namespace) -> int:
    extra: list[str] = []
    if args.known_secrets is not None:
        extra = [line for line in _read(str(args.known_secrets)).splitlines() if line]
    everything: list[SecretMatch] = []
    several = len(args.files) > 1
    for name in args.files:
        shown = _("standard input") if name == STDIN else name
        clean, matches = scrub(_read(name), extra_secrets=extra)
        if several:
            _write(f"==> {shown} <==\n")
        _write(clean)
        for match in matches:
            print(
                _("{file}:{line}: removed {what}").format(
                    file=shown, line=match.line, what=_(KINDS[match.kind])
                ),
                file=sys.stderr,
            )
        everything.extend(matches)
    counts = count_by_kind(everything)
    total = sum(counts.values())
    print(
        ngettext("Removed {count} secret.", "Removed {count} secrets.", total).format(count=total),
        file=sys.stderr,
    )
    for kind, count in counts.items():
        print(f"  {count:>4}  {_(KINDS[kind])} ({kind})", file=sys.stderr)
    return 0
