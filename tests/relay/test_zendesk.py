"""The Zendesk adapter against the documented-behaviour stand-in (``tests/servers/zendesk.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer_relay.adapters.base import HelpdeskError, OutgoingFile, OutgoingMessage
from composer_relay.adapters.zendesk import Settings, ZendeskAdapter
from composer_relay.wire import TicketState
from tests.relay.conftest import CUSTOMER
from tests.relay.test_api import document
from tests.relay.test_forwarding import _post
from tests.relay.test_rt_adapter import outgoing
from tests.servers.faultproxy import FaultProxy
from tests.servers.relay import RelayServer, issue, relay_config
from tests.servers.zendesk import API_TOKEN, EMAIL, ZendeskStandIn


def settings(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "zendesk",
        "url": url,
        "email": EMAIL,
        "api_token": API_TOKEN,
        "group_id": 360001,
        "groups": {"mail_sending": 360002},
        "custom_fields": {"domain": 9002, "account": 9003},
        **extra,
    }


@pytest.fixture()
def zendesk() -> Iterator[ZendeskStandIn]:
    with ZendeskStandIn() as server:
        yield server


def test_uploads_first_then_the_ticket(zendesk: ZendeskStandIn, tmp_path: Path) -> None:
    adapter = ZendeskAdapter(Settings.model_validate(settings(zendesk.url)))
    made = adapter.create(outgoing(tmp_path, "zd-0001"))
    ticket = zendesk.tickets[int(made.id)]
    assert made.number == "1" and ticket.data["external_id"] == "zd-0001"
    assert ticket.data["group_id"] == 360002 and ticket.data["priority"] == "urgent"
    assert ticket.data["requester"] == {"name": "Maria Papadopoulou", "email": "maria@example.gr"}
    assert ticket.data["custom_fields"] == [
        {"id": 9002, "value": "example.gr"},
        {"id": 9003, "value": "sales@example.gr"},
    ]
    assert zendesk.files(ticket) == {"shot.png": (tmp_path / "shot.png").read_bytes()}
    assert adapter.find("zd-0001") == made and adapter.find("zd-none") is None
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
    assert "Still failing." in ticket.comments[-1]["body"] and zendesk.files(ticket)["note.txt"] == b"again"
    assert adapter.state(made) is TicketState.OPEN
    for status, ours in (
        ("pending", TicketState.WAITING),
        ("solved", TicketState.RESOLVED),
        ("closed", TicketState.CLOSED),
    ):
        ticket.status = status
        assert adapter.state(made) is ours
    adapter.close()


def test_errors(zendesk: ZendeskStandIn, tmp_path: Path) -> None:
    wrong = ZendeskAdapter(Settings.model_validate(settings(zendesk.url, api_token="nope")))
    with pytest.raises(HelpdeskError) as refused:
        wrong.create(outgoing(tmp_path, "zd-0002"))
    assert refused.value.code == "helpdesk.auth_failed"
    wrong.close()
    bad = ZendeskAdapter(Settings.model_validate(settings(zendesk.url, groups={"mail_sending": 1})))
    with pytest.raises(HelpdeskError) as rejected:
        bad.create(outgoing(tmp_path, "zd-0003"))
    assert (
        rejected.value.code == "helpdesk.rejected" and "group_id: Group: is invalid" in rejected.value.detail
    )
    bad.close()
    assert zendesk.tickets == {}


def test_a_retry_uploads_again_instead_of_reusing_an_expired_token(tmp_path: Path) -> None:
    with ZendeskStandIn(token_lifetime=0.5) as zendesk:
        config = relay_config(
            tmp_path, settings(zendesk.url), server={"answer_wait_seconds": 10.0, "settle_delay_seconds": 1.0}
        )
        token = issue(config, CUSTOMER, "maria@example.gr")
        zendesk.faults.append("503")  # the first create fails; the retry comes after the tokens expired
        shot = ("shot.png", b"\x89PNG-evidence", "image/png")
        with RelayServer(config) as relay:
            answer = _post(relay, token, document(shot, id="zd-retry-0001"), "key-zd-retry-00001", [shot])
        assert len(zendesk.uploads) == 2  # uploaded again for the second try
        assert len(zendesk.tickets) == 1 and answer.json()["reference"] == "1"
        assert zendesk.files(zendesk.tickets[1]) == {"shot.png": shot[1]}


def test_lost_answer_is_settled_by_the_external_id(tmp_path: Path) -> None:
    """Zendesk created the ticket, its answer was lost: the retry finds it by ``external_id``."""
    with ZendeskStandIn() as zendesk, FaultProxy(zendesk.port) as proxy:
        config = relay_config(
            tmp_path, settings(proxy.url), server={"answer_wait_seconds": 8.0, "settle_delay_seconds": 0.2}
        )
        token = issue(config, CUSTOMER, "maria@example.gr")
        proxy.faults.append("drop_response")  # no files: the first call is the ticket's create
        with RelayServer(config) as relay:
            answer = _post(relay, token, document(id="zd-lost-0001"), "key-zd-lost-000001")
        assert len(zendesk.tickets) == 1 and answer.json()["reference"] == "1"
        assert zendesk.tickets[1].data["external_id"] == "zd-lost-0001"
