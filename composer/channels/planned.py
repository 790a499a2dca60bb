"""Helpdesks a profile may already name whose channel is not built yet.

Each is registered without a builder, so a profile that names one still
validates and the outbox answers ``delivery.unsupported_channel`` and
offers the profile's next channel. When one is built it moves to its own
module (with its own settings model) and leaves this list.
"""

from __future__ import annotations

from typing import Literal

from composer.channels.registry import ChannelSettings, ChannelSpec

__all__ = ["SPECS", "PlannedHelpdeskSettings"]

_PLANNED = ("rt", "osticket", "zammad", "freshdesk", "zendesk", "whmcs")


class PlannedHelpdeskSettings(ChannelSettings):
    """``[[channels]] kind = "helpdesk"`` for a helpdesk that is not built yet."""

    kind: Literal["helpdesk"]
    helpdesk: Literal["rt", "osticket", "zammad", "freshdesk", "zendesk", "whmcs"]
    url: str


SPECS = tuple(
    ChannelSpec(key=name, settings=PlannedHelpdeskSettings, label=name, capabilities=frozenset())
    for name in _PLANNED
)
