"""The Freshdesk adapter against the documented-behaviour stand-in (``tests/servers/freshdesk.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer_relay.adapters.base import HelpdeskError, OutgoingFile, OutgoingMessage
from composer_relay.adapters.freshdesk import FreshdeskAdapter, Settings
from composer_relay.wire import TicketState
from tests.relay.conftest import CUSTOMER
from tests.relay.test_api import document
from tests.relay.test_forwarding import _post
from tests.relay.test_rt_adapter import outgoing
from tests.servers.faultproxy import FaultProxy
from tests.servers.freshdesk import API_KEY, FreshdeskStandIn
from tests.servers.relay import RelayServer, issue, relay_config

FIELDS = {
    "request_id": "cf_request_id",
    "domain": "cf_domain",
    "account": "cf_account",
    "category": "cf_category",
    "customer_id": "cf_customer",
}


def settings(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "freshdesk",
        "url": url,
        "api_key": API_KEY,
        "group_id": 7001,
        "groups": {"mail_sending": 7002},
        "custom_fields": FIELDS,
        **extra,
    }


@pytest.fixture()
def freshdesk() -> Iterator[FreshdeskStandIn]:
    with FreshdeskStandIn() as server:
        yield server


def test_create_as_multipart_with_every_file(freshdesk: FreshdeskStandIn, tmp_path: Path) -> None:
    adapter = FreshdeskAdapter(Settings.model_validate(settings(freshdesk.url)))
    made = adapter.create(outgoing(tmp_path, "fd-0001"))
    ticket = freshdesk.tickets[int(made.id)]
    assert made.number == "1" and ticket.fields["group_id"] == "7002" and ticket.fields["priority"] == "4"
    assert ticket.fields["email"] == "maria@example.gr" and ticket.fields["name"] == "Maria Papadopoulou"
    assert ticket.custom_fields == {
        "cf_request_id": "fd-0001",
        "cf_domain": "example.gr",
        "cf_account": "sales@example.gr",
        "cf_category": "mail_sending",
        "cf_customer": "C-1042",
    }
    assert ticket.files == {"shot.png": (tmp_path / "shot.png").read_bytes()}
    assert "Since yesterday no mail leaves." in ticket.fields["description"]
    assert adapter.find("fd-0001") == made and adapter.find("fd-none") is None
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
    [added] = ticket.notes
    assert (
        added["incoming"] == "true"
        and added["private"] == "false"
        and added["files"] == {"note.txt": b"again"}
    )
    for status, ours in ((3, TicketState.WAITING), (4, TicketState.RESOLVED), (5, TicketState.CLOSED)):
        ticket.status = status
        assert adapter.state(made) is ours
    adapter.close()


def test_errors_and_the_size_limit(freshdesk: FreshdeskStandIn, tmp_path: Path) -> None:
    wrong = FreshdeskAdapter(Settings.model_validate(settings(freshdesk.url, api_key="nope")))
    with pytest.raises(HelpdeskError) as refused:
        wrong.create(outgoing(tmp_path, "fd-0002"))
    assert refused.value.code == "helpdesk.auth_failed"
    wrong.close()
    bad = FreshdeskAdapter(Settings.model_validate(settings(freshdesk.url, groups={"mail_sending": 1})))
    with pytest.raises(HelpdeskError) as rejected:
        bad.create(outgoing(tmp_path, "fd-0003"))
    assert rejected.value.code == "helpdesk.rejected" and "group_id" in rejected.value.detail
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (20 * 1024 * 1024 + 1))
    with pytest.raises(HelpdeskError) as too_big:
        bad.create(
            outgoing(
                tmp_path,
                "fd-0004",
                files=(OutgoingFile("big.bin", "application/octet-stream", big.stat().st_size, big),),
            )
        )
    assert too_big.value.code == "helpdesk.rejected" and not too_big.value.retry
    bad.close()
    assert freshdesk.tickets == {}


def test_lost_answer_is_settled_by_search(tmp_path: Path) -> None:
    with FreshdeskStandIn() as freshdesk, FaultProxy(freshdesk.port) as proxy:
        config = relay_config(
            tmp_path, settings(proxy.url), server={"answer_wait_seconds": 8.0, "settle_delay_seconds": 0.2}
        )
        token = issue(config, CUSTOMER, "maria@example.gr")
        proxy.faults.append("drop_response")
        shot = ("shot.png", b"\x89PNG-evidence", "image/png")
        with RelayServer(config) as relay:
            answer = _post(relay, token, document(shot, id="fd-lost-0001"), "key-fd-lost-000001", [shot])
        assert len(freshdesk.tickets) == 1 and freshdesk.tickets[1].files == {"shot.png": shot[1]}
        assert answer.json()["reference"] == "1"


def test_files_over_freshdesks_total_are_refused_when_the_customer_sends_them(tmp_path: Path) -> None:
    """Freshdesk takes at most 20 MB of files a ticket: the relay refuses more at once (413)."""
    config = relay_config(tmp_path, settings("http://127.0.0.1:9"), server={"answer_wait_seconds": 0.0})
    token = issue(config, CUSTOMER, "maria@example.gr")
    with RelayServer(config, forward=False) as relay:
        assert relay.relay.limits.max_files_bytes == 20 * 1024 * 1024
    small = config.model_copy(update={"limits": config.limits.model_copy(update={"max_files_bytes": 100})})
    files = [("a.txt", b"a" * 60, "text/plain"), ("b.txt", b"b" * 60, "text/plain")]
    with RelayServer(small, forward=False) as relay:
        refused = _post(relay, token, document(*files, id="fd-total-0001"), "key-fd-total-000001", files)
        one = _post(relay, token, document(files[0], id="fd-total-0002"), "key-fd-total-000002", files[:1])
    assert refused.status_code == 413 and refused.json()["title"] == "The files are too large together"
    assert one.status_code == 201
