"""The osTicket adapter against the real osTicket 1.18.1 under Apache, mod_php and MariaDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from composer_relay.adapters.base import HelpdeskError, OutgoingFile
from composer_relay.adapters.osticket import OsTicketAdapter, Settings
from tests.relay.conftest import CUSTOMER
from tests.relay.test_api import document
from tests.relay.test_forwarding import _post
from tests.relay.test_rt_adapter import outgoing
from tests.servers.osticket import OsTicket
from tests.servers.relay import RelayServer, issue, relay_config


def settings(ost: OsTicket, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "osticket",
        "url": ost.url,
        "api_key": ost.api_key,
        "topic": 1,
        "topics": {"billing": 2},
        **extra,
    }


def stored_files(ost: OsTicket, number: str) -> dict[str, bytes]:
    rows = ost.sql(
        "SELECT f.name, HEX(c.filedata) FROM ost_ticket t JOIN ost_thread th ON th.object_id = t.ticket_id "
        "AND th.object_type = 'T' JOIN ost_thread_entry e ON e.thread_id = th.id "
        "JOIN ost_attachment a ON a.object_id = e.id AND a.type = 'H' JOIN ost_file f ON f.id = a.file_id "
        f"JOIN ost_file_chunk c ON c.file_id = f.id WHERE t.number = '{number}'"
    )
    return {name: bytes.fromhex(data) for name, data in rows}


def test_create_with_files_reads_back_the_number(osticket: OsTicket, tmp_path: Path) -> None:
    adapter = OsTicketAdapter(Settings.model_validate(settings(osticket)))
    made = adapter.create(outgoing(tmp_path, "ost-0001"))
    assert made.number.isdigit() and made.number == made.id
    [[subject, topic]] = osticket.sql(
        f"SELECT c.subject, t.topic_id FROM ost_ticket t JOIN ost_ticket__cdata c "
        f"ON c.ticket_id = t.ticket_id WHERE t.number = '{made.number}'"
    )
    assert subject == "Η αλληλογραφία δεν φεύγει" and topic == "1"
    # the bytes themselves, not their Base64 text (no charset in the data URL)
    assert stored_files(osticket, made.number) == {"shot.png": (tmp_path / "shot.png").read_bytes()}
    [[email]] = osticket.sql(
        f"SELECT e.address FROM ost_ticket t JOIN ost_user_email e ON e.user_id = t.user_id "
        f"WHERE t.number = '{made.number}'"
    )
    assert email == "maria@example.gr"
    adapter.close()


def test_refusals(osticket: OsTicket, tmp_path: Path) -> None:
    before = osticket.sql("SELECT COUNT(*) FROM ost_ticket")
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    adapter = OsTicketAdapter(Settings.model_validate(settings(osticket)))
    with pytest.raises(HelpdeskError) as too_big:
        adapter.create(
            outgoing(
                tmp_path,
                "ost-0002",
                files=(OutgoingFile("big.bin", "application/octet-stream", big.stat().st_size, big),),
            )
        )
    assert too_big.value.code == "helpdesk.rejected" and "drops files" in too_big.value.detail
    with pytest.raises(HelpdeskError) as invalid:
        adapter.create(outgoing(tmp_path, "ost-0003", requester_email="not-an-address"))
    assert invalid.value.code == "helpdesk.rejected" and not invalid.value.retry
    adapter.close()
    wrong = OsTicketAdapter(Settings.model_validate(settings(osticket, api_key="0" * 32)))
    with pytest.raises(HelpdeskError) as refused:
        wrong.create(outgoing(tmp_path, "ost-0004"))
    assert refused.value.code == "helpdesk.auth_failed"
    wrong.close()
    assert osticket.sql("SELECT COUNT(*) FROM ost_ticket") == before


def test_through_the_relay_the_customer_gets_the_osticket_number(osticket: OsTicket, tmp_path: Path) -> None:
    config = relay_config(tmp_path, settings(osticket), server={"answer_wait_seconds": 10.0})
    token = issue(config, CUSTOMER, "maria@example.gr")
    shot = ("shot.png", b"\x89PNG-evidence", "image/png")
    with RelayServer(config) as relay:
        answer = _post(relay, token, document(shot, id="ost-relay-0001"), "key-ost-relay-00001", [shot])
        reference = answer.json()["reference"]
        assert osticket.sql(f"SELECT COUNT(*) FROM ost_ticket WHERE number = '{reference}'") == [["1"]]
        assert stored_files(osticket, reference) == {"shot.png": shot[1]}
        with httpx.Client() as client:
            follow = client.post(
                f"{relay.url}/requests/{reference}/messages",
                files=[("message", (None, '{"text": "again"}', "application/json"))],
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "key-ost-follow-0001"},
            )
        assert follow.status_code == 422 and follow.json()["code"] == "ticket.follow_up_unsupported"


def test_a_file_over_osticket_limit_is_refused_when_the_customer_sends_it(
    osticket: OsTicket, tmp_path: Path
) -> None:
    """osTicket would drop it silently after a 201; the relay says so at once, in the customer's words."""
    config = relay_config(
        tmp_path, settings(osticket, max_file_bytes=1000), server={"answer_wait_seconds": 1.0}
    )
    token = issue(config, CUSTOMER, "maria@example.gr")
    big = ("scan.pdf", b"%PDF" + b"x" * 1000, "application/pdf")
    before = osticket.sql("SELECT COUNT(*) FROM ost_ticket")
    with RelayServer(config) as relay, httpx.Client() as client:
        import json

        answer = client.post(
            f"{relay.url}/requests",
            files=[
                ("request", (None, json.dumps(document(big, id="ost-big-0001")), "application/json")),
                ("attachments", big),
            ],
            headers={
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": "key-ost-big-0000001",
                "Accept-Language": "el",
            },
        )
    assert answer.status_code == 413 and answer.json()["code"] == "request.too_large"
    assert answer.json()["title"] == "Το αρχείο scan.pdf είναι πολύ μεγάλο"
    assert answer.json()["detail"] == "Το πολύ 1000 byte ανά αρχείο."
    assert osticket.sql("SELECT COUNT(*) FROM ost_ticket") == before
