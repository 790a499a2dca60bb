"""The Request Tracker adapter against the real RT: fields, queues, priorities, states, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer_relay.adapters.base import (
    HelpdeskError,
    Outgoing,
    OutgoingFile,
    OutgoingMessage,
)
from composer_relay.adapters.rt import RtAdapter, Settings
from composer_relay.wire import TicketState
from tests.relay.conftest import rt_settings
from tests.servers.rt import RequestTracker


def outgoing(tmp_path: Path, request_id: str, **fields: object) -> Outgoing:
    binary = tmp_path / "shot.png"
    binary.write_bytes(bytes(range(256)) * 40)
    values: dict[str, object] = {
        "reference": "RC-TEST0001",
        "request_id": request_id,
        "subject": "Η αλληλογραφία δεν φεύγει",
        "body": "Since yesterday no mail leaves.\n\nRequest id: " + request_id,
        "requester_name": "Maria Papadopoulou",
        "requester_email": "maria@example.gr",
        "customer_id": "C-1042",
        "category": "mail_sending",
        "urgency": "critical",
        "domain": "example.gr",
        "account": "sales@example.gr",
        "files": (OutgoingFile("shot.png", "image/png", binary.stat().st_size, binary),),
    }
    values.update(fields)
    return Outgoing(**values)  # type: ignore[arg-type]


@pytest.fixture()
def adapter(request_tracker: RequestTracker, rt_fields: dict[str, str]) -> RtAdapter:
    made = RtAdapter(Settings.model_validate(rt_settings(request_tracker, rt_fields)))
    yield made  # type: ignore[misc]
    made.close()


def test_create_maps_queue_priority_fields_and_files(
    adapter: RtAdapter, request_tracker: RequestTracker, tmp_path: Path
) -> None:
    ticket = adapter.create(outgoing(tmp_path, "rt-adapter-0001"))
    assert ticket.number == ticket.id and int(ticket.number) > 0
    found = request_tracker.ticket(ticket.id)
    queue = request_tracker.api("GET", f"queue/{found['Queue']['id']}")
    assert queue["Name"] == "Mail"  # mail_sending goes to the Mail queue
    assert found["Priority"] == "90" and found["Subject"] == "Η αλληλογραφία δεν φεύγει"
    fields = {cf["name"]: cf["values"] for cf in found["CustomFields"]}
    assert fields["Account"] == ["sales@example.gr"] and fields["Category"] == ["mail_sending"]
    assert adapter.find("rt-adapter-0001") == ticket
    assert adapter.find("rt-adapter-none") is None
    other = adapter.create(outgoing(tmp_path, "rt-adapter-0002", category="billing", urgency="low", files=()))
    other_found = request_tracker.ticket(other.id)
    assert request_tracker.api("GET", f"queue/{other_found['Queue']['id']}")["Name"] == "General"
    assert other_found["Priority"] == "20"


def test_follow_up_and_states(adapter: RtAdapter, request_tracker: RequestTracker, tmp_path: Path) -> None:
    ticket = adapter.create(outgoing(tmp_path, "rt-adapter-0003", files=()))
    assert adapter.state(ticket) is TicketState.NEW
    note = tmp_path / "note.txt"
    note.write_text("still failing")
    adapter.add_message(
        ticket,
        OutgoingMessage(
            "RC-TEST0001-M1",
            "It happens again.",
            "maria@example.gr",
            (OutgoingFile("note.txt", "text/plain", 13, note),),
        ),
    )
    assert any("It happens again." in text for text in request_tracker.correspondence(ticket.id))
    assert adapter.state(ticket) is TicketState.OPEN  # a reply opens it
    for rt_status, ours in (
        ("stalled", TicketState.WAITING),
        ("resolved", TicketState.RESOLVED),
        ("rejected", TicketState.CLOSED),
    ):
        request_tracker.api("PUT", f"ticket/{ticket.id}", {"Status": rt_status})
        assert adapter.state(ticket) is ours


def test_errors_map_to_codes(
    request_tracker: RequestTracker, rt_fields: dict[str, str], tmp_path: Path
) -> None:
    wrong = RtAdapter(Settings.model_validate(rt_settings(request_tracker, rt_fields, token="not-a-token")))
    with pytest.raises(HelpdeskError) as refused:
        wrong.create(outgoing(tmp_path, "rt-adapter-0004"))
    assert refused.value.code == "helpdesk.auth_failed" and not refused.value.retry
    wrong.close()
    no_queue = RtAdapter(
        Settings.model_validate(rt_settings(request_tracker, rt_fields, queue="Nope", queues={}))
    )
    with pytest.raises(HelpdeskError) as rejected:
        no_queue.create(outgoing(tmp_path, "rt-adapter-0005"))
    assert rejected.value.code == "helpdesk.rejected" and "Nope" in rejected.value.detail
    no_queue.close()
    down = RtAdapter(
        Settings.model_validate(rt_settings(request_tracker, rt_fields, url="http://127.0.0.1:9"))
    )
    with pytest.raises(HelpdeskError) as unreachable:
        down.create(outgoing(tmp_path, "rt-adapter-0006"))
    assert unreachable.value.code == "helpdesk.unreachable" and not unreachable.value.maybe_out
    assert unreachable.value.retry
    down.close()
    blind = RtAdapter(Settings.model_validate(rt_settings(request_tracker, {})))
    assert blind.capabilities.find_by_request_id is False  # no custom field: cannot settle by search
    blind.close()
