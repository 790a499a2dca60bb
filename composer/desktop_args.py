"""What the desktop passes when the user opens a request file or a link.

The ``.desktop`` entry (and macOS / Windows file associations) start
``request-composer %u``: a file manager passes a saved request as a path or a
``file://`` URI, a browser passes a ``request-composer://`` link. Both become
the app's own arguments here, before the command line is parsed, so that
``request-composer /home/me/request-example.gr.zip`` means ``open`` it.

``request-composer://`` links are registered so that the system knows the
app, but this version does not read anything from them yet (signed pre-fill
links are a separate piece of work): the app starts normally and says so on
standard error.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from urllib.parse import unquote, urlsplit

__all__ = ["SCHEME", "desktop_arguments"]

SCHEME = "request-composer"


def desktop_arguments(
    arguments: Sequence[str], commands: Collection[str], value_options: Collection[str]
) -> tuple[list[str], list[str]]:
    """The arguments with a lone file path made into ``open FILE``, and the links taken out.

    Args:
        arguments: the command line, without the program name.
        commands: the names of the subcommands (a first word that is one is left alone).
        value_options: options that take a value (their value is not a file to open).

    Returns:
        The arguments to parse, and the ``request-composer:`` links that were given.
    """
    links = [a for a in arguments if a.lower().startswith(f"{SCHEME}:")]
    rest = [a for a in arguments if a not in links]
    positional = [
        i
        for i, a in enumerate(rest)
        if not a.startswith("-") and not (i > 0 and rest[i - 1] in value_options)
    ]
    if len(positional) == 1:
        index = positional[0]
        word = rest[index]
        if word.lower().startswith("file://"):
            word = unquote(urlsplit(word).path)
        if word not in commands and word.lower().endswith(".zip"):
            rest = [*rest[:index], "open", word, *rest[index + 1 :]]
    return rest, links
