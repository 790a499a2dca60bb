"""The desktop app (all of Qt is in this package).

Importing the package first spares every later import a cost of PySide6's:
see :func:`_spare_feature_scan`.
"""

from __future__ import annotations

import os
import sys

import PySide6.QtCore  # noqa: F401  (the feature table below exists once Qt's core is imported)


def _spare_feature_scan() -> None:
    """Tell PySide6 in advance which of the app's modules use it, so that it reads none of their sources.

    Once ``PySide6.QtCore`` is imported, PySide6 looks at every module imported
    after it, to know whether that module may switch on PySide's optional
    ``__feature__`` syntax: it reads the module's whole source file and
    searches it for the word "PySide6" (``_mod_uses_pyside`` in PySide6's
    ``feature.py``; https://github.com/napari/napari/issues/8584 traces it).
    For the app's hundred-odd modules imported at start and later (each step,
    the diagnostics, sending), that was a tenth of the window's start-up.

    The app uses no ``__feature__``, and which of its modules use Qt is known:
    those under ``composer.ui``. Their entries go into PySide6's table with the
    values its scan would give them (0: uses PySide6 with no feature; -1: does
    not use it), so the scan skips them. Modules of other packages are
    scanned as before. Where the table is not there (another PySide6 version),
    nothing changes but the cost.
    """
    feature = sys.modules.get("PySide6.support.feature")
    table = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(table, dict):
        return
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the composer package
    parent = os.path.dirname(root)
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        package = os.path.relpath(folder, parent).replace(os.sep, ".")
        uses_qt = package == "composer.ui" or package.startswith("composer.ui.")
        for file in files:
            if file.endswith(".py"):
                stem = file[:-3]
                name = package if stem == "__init__" else f"{package}.{stem}"
                table.setdefault(name, 0 if uses_qt else -1)


_spare_feature_scan()
