"""Empty defaults for pydantic fields, as plain functions rather than the ``list`` and ``dict`` builtins.

pydantic asks every ``default_factory`` for its signature when it builds a
model (does it take the validated data?). For the builtins that means parsing
their text signatures: about 0.2 ms a field, and 3 ms more the first time, paid
at every start for the profile's and the request's few dozen list and dict
fields (``benchmarks/diagnostics_startup.py``, ``benchmarks/gui_startup.py``).
A Python function answers at once.
"""

from __future__ import annotations

from typing import Any

__all__ = ["empty_dict", "empty_list"]


def empty_list() -> list[Any]:
    """A new empty list (``Field(default_factory=empty_list)``)."""
    return []


def empty_dict() -> dict[Any, Any]:
    """A new empty dict (``Field(default_factory=empty_dict)``)."""
    return {}
