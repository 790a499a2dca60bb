"""A follow-up whose outcome is unknown is settled by looking for it on its ticket, not sent twice.

The helpdesk's answer to the follow-up is lost on purpose by a TCP proxy
(:class:`tests.servers.faultproxy.FaultProxy`): the follow-up reached the
helpdesk, the relay never heard so. The next try must find it (by the
follow-up id its text ends with) instead of posting it again: into the real
Request Tracker, and into the documented-behaviour stand-ins of Zammad,
Freshdesk, Zendesk and WHMCS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from composer_relay import store
from composer_relay.adapters import (
    Adapter,
    HelpdeskError,
    HelpdeskTicket,
    OutgoingMessage,
    mentions,
    settings_model,
)
from composer_relay.db import open_database
from composer_relay.worker import Forwarder
from tests.relay import test_freshdesk, test_whmcs, test_zammad, test_zendesk
from tests.relay.conftest import CUSTOMER, rt_settings
from tests.relay.test_api import document
from tests.relay.test_forwarding import FAST, _post, _tickets
from tests.relay.test_rt_adapter import outgoing
from tests.servers.faultproxy import FaultProxy
from tests.servers.freshdesk import FreshdeskStandIn
from tests.servers.relay import RelayServer, issue, relay_config
from tests.servers.rt import RequestTracker
from tests.servers.whmcs import WhmcsStandIn
from tests.servers.zammad import ZammadStandIn
from tests.servers.zendesk import ZendeskStandIn

STAND_INS: dict[str, tuple[type[Any], Callable[..., dict[str, Any]]]] = {
    "zammad": (ZammadStandIn, test_zammad.settings),
    "freshdesk": (FreshdeskStandIn, test_freshdesk.settings),
    "zendesk": (ZendeskStandIn, test_zendesk.settings),
    "whmcs": (WhmcsStandIn, test_whmcs.settings),
}


def test_the_marker_ends_where_the_id_ends() -> None:
    text = "It broke again.\n\n-- \nFrom maria@example.gr, follow-up RC-ABCD2345-M10\n"
    assert mentions(text, "RC-ABCD2345-M10")
    assert not mentions(text, "RC-ABCD2345-M1")
    assert mentions("Follow-up RC-ABCD2345-M1", "RC-ABCD2345-M1")


def _adapter(kind: str, url: str) -> Adapter:
    settings = STAND_INS[kind][1](url)
    return settings_model(kind).model_validate(settings).build()


@pytest.fixture(params=sorted(STAND_INS))
def stand_in(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    with STAND_INS[request.param][0]() as server:
        yield request.param, server


def test_a_lost_answer_to_a_follow_up_is_found_on_the_ticket(
    stand_in: tuple[str, Any], tmp_path: Path
) -> None:
    kind, server = stand_in
    direct = _adapter(kind, server.url)
    assert direct.capabilities.find_message
    ticket = direct.create(outgoing(tmp_path, f"{kind}-follow-0001"))
    message = OutgoingMessage("RC-TEST0001-M1", "It happens again today.", "maria@example.gr")
    second = OutgoingMessage("RC-TEST0001-M10", "And on the other domain.", "maria@example.gr")
    with FaultProxy(server.port) as proxy:
        proxy.faults.append("drop_response")
        lossy = _adapter(kind, proxy.url)
        with pytest.raises(HelpdeskError) as lost:
            lossy.add_message(ticket, message)
        assert lost.value.maybe_out
        lossy.close()
    assert direct.find_message(ticket, "RC-TEST0001-M1") is not None
    assert direct.find_message(ticket, "RC-TEST0001-M2") is None
    direct.add_message(ticket, second)
    assert direct.find_message(ticket, "RC-TEST0001-M10") is not None
    direct.close()


def _messages_in_rt(tracker: RequestTracker, ticket_id: str, message_id: str) -> int:
    """How many Correspond transactions of the ticket carry the follow-up."""
    return sum(1 for text in tracker.correspondence(ticket_id) if mentions(text, message_id))


def test_rt_follow_up_whose_answer_was_cut_is_found_not_sent_twice(
    tmp_path: Path, request_tracker: RequestTracker, rt_fields: dict[str, str]
) -> None:
    config = relay_config(tmp_path, rt_settings(request_tracker, rt_fields), server=FAST)
    token = issue(config, CUSTOMER, "maria@example.gr")
    with RelayServer(config) as server:
        answer = _post(server, token, document(id="rt-follow-lost-0001"), "key-rt-follow-lost-0001")
        assert answer.status_code == 201
    [ticket] = _tickets(request_tracker, "rt-follow-lost-0001")
    database = open_database(config.storage.database)
    request_row = store.request_by_reference(database, CUSTOMER, str(ticket["id"]))
    assert request_row is not None and request_row.state == "forwarded"
    stored = store.accept_message(
        database,
        request=request_row,
        key="key-rt-follow-lost-msg1",
        body_hash="x",
        text="Still no mail leaves.",
        author_email="maria@example.gr",
        files=[],
    )
    with FaultProxy(request_tracker.port) as proxy, ExitStack() as stack:
        proxy.faults.append("drop_response")  # RT stores the reply; its answer is cut
        adapter = settings_model("rt").model_validate(rt_settings(request_tracker, rt_fields, url=proxy.url))
        built = adapter.build()
        stack.callback(built.close)
        forwarder = Forwarder(database, built, workers=1, instance_timeout=5.0, settle_delay=0.2)
        forwarder.queue.heartbeat()
        assert forwarder.step()  # sent; the answer is lost
        with database.transaction(write=False) as cursor:
            cursor.execute("SELECT state, maybe_out FROM messages WHERE id = ?", (stored.id,))
            assert cursor.fetchone() == ("queued", 1)
        with database.transaction() as cursor:  # no need to wait for the back-off
            cursor.execute("UPDATE messages SET next_attempt_at = 0 WHERE id = ?", (stored.id,))
        assert forwarder.step()  # searched, found: not posted again
    with database.transaction(write=False) as cursor:
        cursor.execute("SELECT state, attempts FROM messages WHERE id = ?", (stored.id,))
        assert cursor.fetchone() == ("forwarded", 1)
    database.close()
    assert _messages_in_rt(request_tracker, str(ticket["id"]), stored.message_id) == 1


def test_a_follow_up_that_may_be_out_on_a_stand_in_is_not_posted_twice(
    stand_in: tuple[str, Any], tmp_path: Path
) -> None:
    kind, server = stand_in
    helpdesk = STAND_INS[kind][1](server.url)
    config = relay_config(tmp_path, helpdesk, server=FAST)
    token = issue(config, CUSTOMER, "maria@example.gr")
    with RelayServer(config) as relay:
        answer = _post(relay, token, document(id=f"{kind}-follow-maybe-1"), f"key-{kind}-follow-maybe-1")
        assert answer.status_code == 201
    database = open_database(config.storage.database)
    row = store.request_by_reference(database, CUSTOMER, answer.json()["reference"])
    assert row is not None and row.helpdesk_id
    stored = store.accept_message(
        database,
        request=row,
        key=f"key-{kind}-follow-maybe-m1",
        body_hash="x",
        text="Still broken.",
        author_email="maria@example.gr",
        files=[],
    )
    adapter = _adapter(kind, server.url)
    # an instance posted it and died before it heard the answer
    adapter.add_message(HelpdeskTicket(row.helpdesk_id, row.helpdesk_number or ""), _message(stored))
    with database.transaction() as cursor:
        cursor.execute("UPDATE messages SET state = 'sending', maybe_out = 1 WHERE id = ?", (stored.id,))
    forwarder = Forwarder(database, adapter, workers=1, instance_timeout=5.0, settle_delay=0.2)
    forwarder.queue.heartbeat()
    assert forwarder.step()
    with database.transaction(write=False) as cursor:
        cursor.execute("SELECT state FROM messages WHERE id = ?", (stored.id,))
        assert cursor.fetchone() == ("forwarded",)
    database.close()
    ticket = HelpdeskTicket(row.helpdesk_id, row.helpdesk_number or "")
    assert adapter.find_message(ticket, stored.message_id) is not None
    assert _count_follow_ups(kind, server, stored.message_id) == 1
    adapter.close()


def _message(stored: store.StoredMessage) -> OutgoingMessage:
    return OutgoingMessage(stored.message_id, "Still broken.", "maria@example.gr")


def _count_follow_ups(kind: str, server: Any, message_id: str) -> int:
    [ticket] = server.tickets.values()
    texts: list[str]
    if kind == "zammad":
        texts = [a["body"] for a in ticket.articles]
    elif kind == "freshdesk":
        texts = [n["body"] for n in ticket.notes]
    elif kind == "zendesk":
        texts = [c["body"] for c in ticket.comments]
    else:
        texts = [r["message"] for r in ticket.replies]
    return sum(1 for text in texts if mentions(text.replace("<br>", "\n"), message_id))
