"""Fixtures of the installer tests: the Xvfb screen of the end-to-end tests."""

from tests.e2e.conftest import display

__all__ = ["display"]
