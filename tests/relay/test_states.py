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


def test_the_states_are_the_specs_and_the_desktop_knows_the_closed_ones() -> None:
    """The values ``GET /requests/{reference}`` answers: the spec's enum, the desktop's closed states."""
    from pathlib import Path

    import yaml

    from composer.ticket_status import CLOSED_STATES

    spec = yaml.safe_load((Path(__file__).parents[2] / "resources" / "openapi.yaml").read_text("utf-8"))
    enum = spec["components"]["schemas"]["Status"]["properties"]["status"]["enum"]
    assert {state.value for state in TicketState} == set(enum)
    assert {TicketState.RESOLVED.value, TicketState.CLOSED.value} == CLOSED_STATES
    assert TicketState.NEW.value == "new"  # what a ticket nobody has answered shows (tests/servers/intake.py)
