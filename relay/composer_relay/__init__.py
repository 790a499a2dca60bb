"""Request Composer's relay: the intake API in front of a provider's own helpdesk.

The desktop app speaks one API (``resources/openapi.yaml``); the relay takes
those requests on the provider's server, stores each durably before it
answers, and forwards it once into Request Tracker or any helpdesk's mail
intake (one adapter module per helpdesk under :mod:`composer_relay.adapters`).
The agent credentials the helpdesk needs stay in the relay's configuration.
"""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
