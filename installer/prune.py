"""Drop shared libraries from a PyInstaller build that nothing left in it needs.

PyInstaller copies the system libraries every collected binary links to. When
the spec leaves a Qt plugin out (the GTK 3 theme), the libraries only that
plugin needed (GTK, cairo, pango, ...) are still in the list. This walks the
ELF ``NEEDED`` entries from every binary that lives inside a package (Python
extensions, Qt libraries and plugins) and keeps the top-level libraries they
reach, directly or through each other. Linux only: elsewhere the list is
returned unchanged.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from typing import Any


def needed(path: str) -> set[str]:
    """The sonames an ELF file links to (``objdump -p``, from binutils)."""
    out = subprocess.run(["objdump", "-p", path], capture_output=True, text=True, check=False).stdout
    return {line.split()[1] for line in out.splitlines() if line.strip().startswith("NEEDED")}


def _library(name: str) -> bool:
    """A shared library (not a Python extension module, which is always kept)."""
    return ".so" in name and ".cpython-" not in name and ".abi3." not in name


def prune(binaries: Sequence[Any]) -> tuple[list[Any], list[str]]:
    """The binaries still needed, and the names of the ones dropped."""
    if not sys.platform.startswith("linux"):
        return list(binaries), []
    top = {entry[0]: entry for entry in binaries if "/" not in entry[0] and _library(entry[0])}
    roots = [entry for entry in binaries if entry[0] not in top or entry[0].startswith("libpython")]
    reached: set[str] = set()
    todo = [entry[1] for entry in roots]
    while todo:
        for name in needed(todo.pop()):
            if name in top and name not in reached:
                reached.add(name)
                todo.append(top[name][1])
    dropped = sorted(set(top) - reached - {e[0] for e in roots})
    return [entry for entry in binaries if entry[0] not in dropped], dropped
