"""The desktop app (all of Qt is in this package).

Importing the package first spares every later import a cost of PySide6's:
see :mod:`composer.ui.feature_scan`.
"""

from __future__ import annotations

import PySide6.QtCore  # noqa: F401  (PySide6's feature table exists once Qt's core is imported)

from composer.ui.feature_scan import spare_source_scans

spare_source_scans()
