"""Every adapter maps its helpdesk's states onto the intake API's: open, waiting, solved, closed.

The desktop shows the customer where their request stands; a helpdesk state
the table does not know would show as "open" (the adapters' fallback), so
each table must reach every state of the intake API that the helpdesk has.
"""

from __future__ import annotations

import importlib

import pytest

from composer_relay.wire import TicketState

# WHMCS has no "resolved": its tickets go from Answered to Closed
EXPECTED = {
    "rt": set(TicketState),
    "zammad": set(TicketState),
    "zendesk": set(TicketState),
    "freshdesk": set(TicketState) - {TicketState.NEW},
    "whmcs": set(TicketState) - {TicketState.NEW, TicketState.RESOLVED},
}


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_the_state_table_reaches_every_state_the_helpdesk_has(kind: str) -> None:
    states = importlib.import_module(f"composer_relay.adapters.{kind}").STATES
    assert set(states.values()) == EXPECTED[kind]
    assert TicketState.WAITING in states.values() and TicketState.CLOSED in states.values()
