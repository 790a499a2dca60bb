"""Spare PySide6 the reading of every module's source that is imported after it.

Once ``PySide6.QtCore`` is imported, PySide6 looks at every module imported
after it, to know whether that module may switch on PySide's optional
``__feature__`` syntax: it reads the module's whole source file and searches
it for the word "PySide6" (``feature_imported`` and ``_mod_uses_pyside`` in
PySide6's ``support/feature.py``; https://github.com/napari/napari/issues/8584
traces the cost). The app paints its window first and imports the form
after (:mod:`composer.ui.start_window`), so several hundred modules of its
own, of the standard library and of pydantic come after Qt: read one by one,
they made the form's start a tenth slower.

PySide6 skips a module that already has an entry in its table
(``pyside_feature_dict``: 0 for a module that uses PySide6 without a feature,
-1 for one that does not use PySide6). :func:`spare_source_scans` writes the
entries the scan would write, from the file names alone, for the modules
known not to use ``__feature__``: the app's own (those under ``composer.ui``
use PySide6: 0; the rest not: -1), the standard library's and those of the
packages the app runs on (-1: none of them uses Qt). Modules of any other
package are read as before. Where the table is not there (another PySide6
version), nothing changes but the cost.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Callable
from importlib.machinery import PathFinder

__all__ = ["NOT_QT_PACKAGES", "spare_source_scans"]

#: the packages the app runs on (pyproject's dependencies by import name, and theirs): none uses Qt
NOT_QT_PACKAGES = (
    "pydantic",
    "pydantic_core",
    "annotated_types",
    "typing_extensions",
    "typing_inspection",
    "platformdirs",
    "httpx",
    "httpcore",
    "h11",
    "anyio",
    "sniffio",
    "certifi",
    "dns",
    "packaging",
    "keyring",
    "jaraco",
    "more_itertools",
    "secretstorage",
    "jeepney",
    "cryptography",
    "idna",
    "babel",
)

# folders of the standard library that the app never imports from (the test suite, IDLE, Tk...)
_NOT_IMPORTED = frozenset(
    {
        "__pycache__",
        "test",
        "tests",
        "idlelib",
        "tkinter",
        "turtledemo",
        "lib2to3",
        "ensurepip",
        "site-packages",
    }
)


def _mark(table: dict[str, int], folder: str, prefix: str, value: Callable[[str], int]) -> None:
    """An entry for every module under ``folder``, named ``prefix`` + its dotted path."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # not there (a frozen build keeps its modules in an archive: nothing is read there)
    for entry in entries:
        name = entry.name
        if name.endswith(".py"):
            module = prefix[:-1] if name == "__init__.py" else prefix + name[:-3]
            table.setdefault(module, value(module))
        elif "." not in name and name not in _NOT_IMPORTED and entry.is_dir(follow_symlinks=False):
            _mark(table, entry.path, f"{prefix}{name}.", value)


def spare_source_scans() -> None:
    """Write PySide6's table entries for the app's, the standard library's and its packages' modules."""
    feature = sys.modules.get("PySide6.support.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return
    composer = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    _mark(table, composer, "composer.", lambda name: 0 if name.split(".")[:2] == ["composer", "ui"] else -1)
    _mark(table, sysconfig.get_paths()["stdlib"], "", lambda _name: -1)
    for package in NOT_QT_PACKAGES:
        spec = PathFinder.find_spec(package)
        if spec is None:
            continue
        table.setdefault(package, -1)
        for location in spec.submodule_search_locations or ():
            _mark(table, location, f"{package}.", lambda _name: -1)
