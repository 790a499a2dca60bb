"""Request Composer: write the support request a hosting provider needs.

The core package holds everything that does not need a display: the request
model, provider profiles, triage and readiness coaching, storage, rendering,
diagnostics and delivery. The Qt user interface lives in :mod:`composer.ui`
and only ever talks to the core through its public functions.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("request-composer")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
