"""The Zammad adapter against the documented-behaviour stand-in (``tests/servers/zammad.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer_relay.adapters.base import HelpdeskError, OutgoingFile, OutgoingMessage
from composer_relay.adapters.zammad import Settings, ZammadAdapter
from composer_relay.wire import TicketState
from tests.relay.conftest import CUSTOMER
from tests.relay.test_api import document
from tests.relay.test_forwarding import _post
from tests.relay.test_rt_adapter import outgoing
from tests.servers.faultproxy import FaultProxy
from tests.servers.relay import RelayServer, issue, relay_config
from tests.servers.zammad import ZammadStandIn, relay_settings


def settings(url: str, **extra: Any) -> dict[str, Any]:
    return relay_settings(url, **extra)


@pytest.fixture()
def zammad() -> Iterator[ZammadStandIn]:
    with ZammadStandIn() as server:
        yield server


def test_create_reads_back_the_visible_number(zammad: ZammadStandIn, tmp_path: Path) -> None:
    adapter = ZammadAdapter(Settings.model_validate(settings(zammad.url)))
    made = adapter.create(outgoing(tmp_path, "zammad-0001"))
    ticket = zammad.tickets[int(made.id)]
    assert made.number == ticket.number == "31001" and made.id == "1"  # the number people see, not the id
    assert ticket.group == "Mail" and ticket.priority == "3 high" and ticket.customer == "maria@example.gr"
    assert ticket.attributes == {
        "request_id": "zammad-0001",
        "domain": "example.gr",
        "account": "sales@example.gr",
        "category": "mail_sending",
        "customer_ref": "C-1042",
    }
    assert zammad.files(ticket) == {"shot.png": (tmp_path / "shot.png").read_bytes()}
    assert adapter.find("zammad-0001") == made and adapter.find("zammad-none") is None
    assert adapter.state(made) is TicketState.NEW
    note = tmp_path / "note.txt"
    note.write_text("again")
    adapter.add_message(
        made,
        OutgoingMessage(
            "RC-1-M1",
            "Still failing.",
            "maria@example.gr",
            (OutgoingFile("note.txt", "text/plain", 5, note),),
        ),
    )
    assert "Still failing." in ticket.articles[-1]["body"] and zammad.files(ticket)["note.txt"] == b"again"
    assert adapter.state(made) is TicketState.OPEN
    for state, ours in (("pending reminder", TicketState.WAITING), ("closed", TicketState.CLOSED)):
        ticket.state = state
        assert adapter.state(made) is ours
    other = adapter.create(outgoing(tmp_path, "zammad-0002", category="billing", urgency="low", files=()))
    assert (
        zammad.tickets[int(other.id)].group == "Users" and zammad.tickets[int(other.id)].priority == "1 low"
    )
    adapter.close()


def test_errors(zammad: ZammadStandIn, tmp_path: Path) -> None:
    wrong = ZammadAdapter(Settings.model_validate(settings(zammad.url, token="nope")))
    with pytest.raises(HelpdeskError) as refused:
        wrong.create(outgoing(tmp_path, "zammad-0003"))
    assert refused.value.code == "helpdesk.auth_failed"
    wrong.close()
    bad_group = ZammadAdapter(Settings.model_validate(settings(zammad.url, group="Nope", groups={})))
    with pytest.raises(HelpdeskError) as rejected:
        bad_group.create(outgoing(tmp_path, "zammad-0004"))
    assert (
        rejected.value.code == "helpdesk.rejected"
        and "group" in rejected.value.detail
        and not rejected.value.retry
    )
    bad_group.close()
    unknown = ZammadAdapter(
        Settings.model_validate(settings(zammad.url, attributes={"request_id": "no_such"}))
    )
    with pytest.raises(HelpdeskError) as attribute:
        unknown.create(outgoing(tmp_path, "zammad-0005"))
    assert attribute.value.code == "helpdesk.rejected"
    unknown.close()
    assert zammad.tickets == {}


def test_lost_answer_is_settled_by_search_after_the_index_catches_up(tmp_path: Path) -> None:
    with ZammadStandIn(index_delay=0.5) as zammad, FaultProxy(zammad.port) as proxy:
        config = relay_config(
            tmp_path, settings(proxy.url), server={"answer_wait_seconds": 8.0, "settle_delay_seconds": 1.0}
        )
        token = issue(config, CUSTOMER, "maria@example.gr")
        proxy.faults.append("drop_response")
        with RelayServer(config) as relay:
            answer = _post(relay, token, document(id="zammad-lost-0001"), "key-zammad-lost-0001")
        assert len(zammad.tickets) == 1
        assert answer.json()["reference"] == zammad.tickets[1].number
