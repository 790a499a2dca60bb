"""The registry of helpdesk adapters: one module per helpdesk, found by ``helpdesk.kind``.

A module brings its settings model (a subclass of
:class:`~composer_relay.adapters.base.AdapterSettings` whose ``kind`` is a
literal), its adapter class, and its capabilities; nothing else names it.
Modules are imported only when their kind is configured, so a relay for RT
never imports the SMTP code.
"""

from __future__ import annotations

import importlib

from composer_relay.adapters.base import (
    Adapter,
    AdapterSettings,
    Capabilities,
    HelpdeskError,
    HelpdeskTicket,
    Outgoing,
    OutgoingFile,
    OutgoingMessage,
    mentions,
)

__all__ = [
    "Adapter",
    "AdapterSettings",
    "Capabilities",
    "HelpdeskError",
    "HelpdeskTicket",
    "Outgoing",
    "OutgoingFile",
    "OutgoingMessage",
    "adapter_kinds",
    "mentions",
    "settings_model",
]

_MODULES = {
    "rt": "composer_relay.adapters.rt",
    "mail": "composer_relay.adapters.mail",
    "zammad": "composer_relay.adapters.zammad",
    "freshdesk": "composer_relay.adapters.freshdesk",
    "zendesk": "composer_relay.adapters.zendesk",
    "whmcs": "composer_relay.adapters.whmcs",
    "osticket": "composer_relay.adapters.osticket",
}


def adapter_kinds() -> list[str]:
    return list(_MODULES)


def settings_model(kind: str) -> type[AdapterSettings]:
    """The settings model of the adapter for ``kind`` (one of :func:`adapter_kinds`).

    Raises:
        KeyError: no adapter of that kind.
    """
    module = importlib.import_module(_MODULES[kind])
    model: type[AdapterSettings] = module.Settings
    return model
