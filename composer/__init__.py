"""Request Composer: write the support request a hosting provider needs.

The core package holds everything that does not need a display: the request
model, provider profiles, triage and readiness coaching, storage, rendering,
diagnostics and delivery. The Qt user interface lives in :mod:`composer.ui`
and only ever talks to the core through its public functions.
"""

# The one place the version is written: pyproject.toml reads it from here
# ([tool.hatch.version]), so `--version` needs no package metadata (importing
# importlib.metadata alone costs more than the rest of the start).
__version__ = "0.1.0"

#: what ``request-composer --version`` prints
VERSION_LINE = f"request-composer {__version__}"

__all__ = ["VERSION_LINE", "__version__"]
