"""The WHMCS adapter against the documented-behaviour stand-in (``tests/servers/whmcs.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer_relay.adapters.base import HelpdeskError, OutgoingFile, OutgoingMessage
from composer_relay.adapters.whmcs import Settings, WhmcsAdapter
from composer_relay.wire import TicketState
from tests.relay.conftest import CUSTOMER
from tests.relay.test_api import document
from tests.relay.test_forwarding import _post
from tests.relay.test_rt_adapter import outgoing
from tests.servers.faultproxy import FaultProxy
from tests.servers.relay import RelayServer, issue, relay_config
from tests.servers.whmcs import IDENTIFIER, SECRET, WhmcsStandIn


def settings(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "whmcs",
        "url": url,
        "identifier": IDENTIFIER,
        "secret": SECRET,
        "department": 1,
        "departments": {"billing": 2},
        **extra,
    }


@pytest.fixture()
def whmcs() -> Iterator[WhmcsStandIn]:
    with WhmcsStandIn() as server:
        yield server


def test_open_ticket_reads_back_the_tid(whmcs: WhmcsStandIn, tmp_path: Path) -> None:
    adapter = WhmcsAdapter(Settings.model_validate(settings(whmcs.url)))
    made = adapter.create(outgoing(tmp_path, "wh-0001"))
    ticket = whmcs.tickets[int(made.id)]
    assert made.number == ticket.tid == "480007" and made.id == "1"  # tid is what the customer sees
    assert ticket.fields["deptid"] == "1" and ticket.fields["priority"] == "High"
    assert ticket.fields["subject"].endswith("[RC-TEST0001]") and ticket.fields["email"] == "maria@example.gr"
    assert ticket.files == {"shot.png": (tmp_path / "shot.png").read_bytes()}
    assert adapter.find("wh-0001", reference="RC-TEST0001") == made
    assert adapter.find("wh-none", reference="RC-NONE0000") is None
    assert adapter.state(made) is TicketState.OPEN
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
    assert "Still failing." in ticket.replies[0]["message"] and ticket.replies[0]["files"] == {
        "note.txt": b"again"
    }
    for status, ours in (("Answered", TicketState.WAITING), ("Closed", TicketState.CLOSED)):
        ticket.status = status
        assert adapter.state(made) is ours
    billing = adapter.create(outgoing(tmp_path, "wh-0002", category="billing", urgency="low", files=()))
    assert whmcs.tickets[int(billing.id)].fields["deptid"] == "2"
    adapter.close()


def test_errors_come_with_http_200(whmcs: WhmcsStandIn, tmp_path: Path) -> None:
    wrong = WhmcsAdapter(Settings.model_validate(settings(whmcs.url, secret="nope")))
    with pytest.raises(HelpdeskError) as refused:
        wrong.create(outgoing(tmp_path, "wh-0003"))
    assert refused.value.code == "helpdesk.auth_failed" and not refused.value.retry
    wrong.close()
    bad = WhmcsAdapter(Settings.model_validate(settings(whmcs.url, department=9)))
    with pytest.raises(HelpdeskError) as rejected:
        bad.create(outgoing(tmp_path, "wh-0004"))
    assert rejected.value.code == "helpdesk.rejected" and "Department ID not found" in rejected.value.detail
    bad.close()
    assert whmcs.tickets == {}


def test_lost_answer_is_settled_by_the_subject_search(tmp_path: Path) -> None:
    with WhmcsStandIn() as whmcs, FaultProxy(whmcs.port) as proxy:
        config = relay_config(
            tmp_path, settings(proxy.url), server={"answer_wait_seconds": 8.0, "settle_delay_seconds": 0.2}
        )
        token = issue(config, CUSTOMER, "maria@example.gr")
        proxy.faults.append("drop_response")
        with RelayServer(config) as relay:
            answer = _post(relay, token, document(id="wh-lost-0001"), "key-wh-lost-000001")
        assert len(whmcs.tickets) == 1 and answer.json()["reference"] == whmcs.tickets[1].tid
