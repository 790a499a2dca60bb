"""What the desktop passes when the user opens a request file or a link.

The ``.desktop`` entry (and macOS / Windows file associations) start
``request-composer %u``: a file manager passes a saved request or a pre-fill
file as a path or a ``file://`` URI, a browser passes a
``request-composer://prefill?t=...`` link. Each becomes ``open X`` here,
before the command line is parsed, so that ``request-composer
/home/me/request-example.gr.zip`` opens it as a draft and a link opens the
signed pre-fill (:mod:`composer.prefill`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from urllib.parse import unquote, urlsplit

__all__ = ["SCHEME", "desktop_arguments", "is_openable"]

SCHEME = "request-composer"


def is_openable(word: str) -> bool:
    """A pre-fill link, or a request or pre-fill file, as a desktop hands it to the app."""
    lowered = word.lower()
    return lowered.startswith((f"{SCHEME}:", "https://")) or lowered.endswith((".zip", ".prefill"))


def desktop_arguments(
    arguments: Sequence[str], commands: Collection[str], value_options: Collection[str]
) -> list[str]:
    """The arguments with the first word made into ``open X`` when it is a file or a link.

    Args:
        arguments: the command line, without the program name.
        commands: the names of the subcommands (a first word that is one is left alone).
        value_options: options that take a value (their value is not a file to open).
    """
    rest = list(arguments)
    positional = [
        i
        for i, a in enumerate(rest)
        if not a.startswith("-") and not (i > 0 and rest[i - 1] in value_options)
    ]
    if positional:
        index = positional[0]
        word = rest[index]
        if word.lower().startswith("file://"):
            word = unquote(urlsplit(word).path)
        if word not in commands and is_openable(word):
            rest = [*rest[:index], "open", word, *rest[index + 1 :]]
    return rest
