"""Where each key of a TOML file is written: a light scan of the text, since tomllib gives no positions.

:func:`key_lines` maps key paths such as ``("support", "contacts", 0,
"hours")`` to the 1-based line they are written on; :func:`line_of` finds the
line of the nearest written ancestor (a value inside an inline table or a
multi-line array is reported at its key's line). It follows ``[table]`` and
``[[array of tables]]`` headers, dotted keys, and skips multi-line strings
and arrays; it does not need to be a full TOML parser because tomllib has
already accepted the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["key_lines", "line_of"]

Path = tuple[str | int, ...]

_BARE = r"[A-Za-z0-9_-]+"
_QUOTED = r'"(?:[^"\\]|\\.)*"' + r"|'[^']*'"
_KEY = rf"(?:{_BARE}|{_QUOTED})"
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=\s*(.*)$")


def _split(dotted: str) -> list[str]:
    parts = re.findall(_KEY, dotted)
    return [p[1:-1] if p[:1] in {'"', "'"} else p for p in parts]


def _depth_change(value: str) -> int:
    """How many brackets a value leaves open, ignoring those inside strings and comments."""
    depth = 0
    quote = ""
    index = 0
    while index < len(value):
        char = value[index]
        if quote:
            if char == "\\" and quote == '"':
                index += 1
            elif char == quote:
                quote = ""
        elif char in {'"', "'"}:
            quote = char
        elif char == "#":
            break
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        index += 1
    return depth


def key_lines(text: str) -> dict[Path, int]:
    """The line of every table header and key written in ``text``."""
    lines: dict[Path, int] = {}
    counters: dict[Path, int] = {}
    arrays: set[Path] = set()
    table: Path = ()
    depth = 0
    in_string = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string:
            if in_string in line:
                in_string = ""
            continue
        if depth > 0:
            depth += _depth_change(line)
            continue
        if header := _HEADER.match(line):
            names = _split(header.group(2))
            resolved: list[str | int] = []
            for name in names[:-1]:
                resolved.append(name)
                if tuple(resolved) in arrays:
                    resolved.append(counters[tuple(resolved)])
            resolved.append(names[-1])
            key = tuple(resolved)
            if header.group(1) == "[[":
                arrays.add(key)
                counters[key] = counters.get(key, -1) + 1
                lines.setdefault(key, number)
                key = (*key, counters[key])
            lines[key] = number
            table = key
            continue
        if assign := _ASSIGN.match(line):
            path = (*table, *_split(assign.group(1)))
            lines.setdefault(path, number)
            value = assign.group(2)
            for marker in ('"""', "'''"):
                if value.startswith(marker) and value.count(marker) == 1:
                    in_string = marker
            if not in_string:
                depth = max(0, _depth_change(value))
    return lines


def line_of(lines: dict[Path, int], path: Sequence[str | int]) -> int:
    """The line of ``path``, or of its nearest ancestor that is written; 0 when none is."""
    key = tuple(path)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return 0
