"""What the relay keeps, where, and for how long.

Files are kept only until forwarded. On PostgreSQL their bytes are in the
database, so two ``relay serve`` processes with folders of their own (as on
two machines) need nothing shared but the database: one is SIGKILLed while
the helpdesk works on its request, its folder is gone, and the other
finishes the request with every byte. Finished requests and old audit lines
go after ``storage.retention_days`` (``relay purge``, or the running relay
once an hour).
"""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from composer_relay.cli import main
from composer_relay.config import load_config
from composer_relay.db import open_database
from tests.relay.conftest import CUSTOMER
from tests.relay.test_api import MAIL, document
from tests.relay.test_forwarding import _post, _until
from tests.relay.test_zammad import settings as zammad_settings
from tests.servers.relay import RelayProcess, RelayServer, issue, relay_config, write_config
from tests.servers.smtp import free_port
from tests.servers.zammad import ZammadStandIn


def _instance(root: Path, name: str, database: str, helpdesk: dict[str, Any]) -> RelayProcess:
    port = free_port()
    data = {
        "server": {
            "port": port,
            "answer_wait_seconds": 0.5,
            "workers": 1,
            "instance_timeout_seconds": 2,
            "settle_delay_seconds": 0.2,
        },
        "storage": {"database": database, "attachments": str(root / f"{name}-files")},
        "helpdesk": helpdesk,
    }
    return RelayProcess(write_config(root / f"{name}.toml", data), port, root / f"{name}.log")


@pytest.mark.parametrize("helpdesk_outcome", ["create", "drop"])
def test_an_instance_killed_mid_forward_is_finished_by_another_from_the_database(
    tmp_path: Path, postgres_url: str, helpdesk_outcome: str
) -> None:
    evidence = random.Random(11).randbytes(1_000_000)
    shot = ("evidence.bin", evidence, "application/octet-stream")
    with ZammadStandIn() as zammad:
        # the helpdesk takes the request in, then waits: instance a is killed meanwhile; then it
        # creates the ticket (the answer goes nowhere), or creates nothing
        zammad.holds.append(helpdesk_outcome)
        # a's try may be under way at the helpdesk for its timeout (+ settle): b takes over after that
        helpdesk = zammad_settings(zammad.url, timeout_seconds=3.0)
        a = _instance(tmp_path, "a", postgres_url, helpdesk)
        b = _instance(tmp_path, "b", postgres_url, helpdesk)
        token = issue(load_config(a.config), CUSTOMER, "maria@example.gr")
        with a, b:
            answer = _post(a, token, document(shot, id="pg-killed-0001"), "key-pg-killed-0000001", [shot])
            assert answer.status_code == 201
            reference = answer.json()["reference"]
            assert zammad.held.wait(30), "instance a did not forward"
            database = open_database(postgres_url)
            with database.transaction(write=False) as cursor:
                cursor.execute("SELECT path, length(content) FROM attachments")
                assert cursor.fetchall() == [(None, len(evidence))]  # in the database, not a's folder
            a.kill()
            shutil.rmtree(tmp_path / "a-files")  # a's machine is gone with its disk
            zammad.release.set()
            with httpx.Client(timeout=10) as client:

                def numbered() -> bool:
                    status = client.get(
                        f"{b.url}/requests/{reference}", headers={"Authorization": f"Bearer {token}"}
                    )
                    return status.status_code == 200 and not status.json()["reference"].startswith("RC-")

                _until(numbered, timeout=60)
        assert len(zammad.tickets) == 1
        [ticket] = zammad.tickets.values()
        assert zammad.files(ticket) == {"evidence.bin": evidence}
        # "create": b found a's ticket by the request id; "drop": b created it, from the database
        assert zammad.creates == (1 if helpdesk_outcome == "create" else 2)
    with database.transaction(write=False) as cursor:
        cursor.execute("SELECT state, helpdesk_number FROM requests")
        assert cursor.fetchall() == [("forwarded", ticket.number)]
        cursor.execute("SELECT path, content FROM attachments")
        assert cursor.fetchall() == [(None, None)]  # forwarded: the bytes are gone
    database.close()
    assert [p for p in (tmp_path / "b-files").rglob("*") if p.is_file()] == []


def test_purge_removes_finished_requests_and_old_audit_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = relay_config(tmp_path, MAIL, server={"answer_wait_seconds": 0.0})
    token = issue(config, CUSTOMER, "maria@example.gr")
    shot = ("shot.png", b"\x89PNG-old", "image/png")
    with RelayServer(config, forward=False) as server:
        for n, key in enumerate(["old-done", "new-done", "old-failed", "old-waiting"]):
            files = [shot] if key == "old-waiting" else []
            answer = _post(server, token, document(*files, id=key), f"key-purge-{key}-000000", files)
            assert answer.status_code == 201, n
    database = open_database(config.storage.database)
    long_ago = time.time() - 100 * 86400
    with database.transaction() as cursor:
        cursor.execute(
            "UPDATE requests SET state = 'forwarded', forwarded_at = ? WHERE request_id = 'old-done'",
            (long_ago,),
        )
        cursor.execute(
            "UPDATE requests SET state = 'forwarded', forwarded_at = ? WHERE request_id = 'new-done'",
            (time.time(),),
        )
        cursor.execute(
            "UPDATE requests SET state = 'failed', received_at = ? WHERE request_id = 'old-failed'",
            (long_ago,),
        )
        cursor.execute("UPDATE requests SET received_at = ? WHERE request_id = 'old-waiting'", (long_ago,))
        cursor.execute("UPDATE audit SET at = ? WHERE id = (SELECT MIN(id) FROM audit)", (long_ago,))
        cursor.execute("SELECT COUNT(*) FROM audit")
        audit_lines = int(cursor.fetchone()[0])
    config_file = write_config(
        tmp_path / "relay.toml",
        {
            "storage": {
                "database": str(config.storage.database),
                "attachments": str(config.storage.attachments),
                "retention_days": 30,
            },
            "helpdesk": MAIL,
        },
    )
    assert main(["--config", str(config_file), "purge"]) == 0
    assert "removed 1 finished requests, 1 audit lines" in capsys.readouterr().out
    with database.transaction(write=False) as cursor:
        cursor.execute("SELECT request_id FROM requests ORDER BY request_id")
        assert [r[0] for r in cursor.fetchall()] == ["new-done", "old-failed", "old-waiting"]
        cursor.execute("SELECT COUNT(*) FROM audit")
        assert int(cursor.fetchone()[0]) == audit_lines - 1
        cursor.execute("SELECT COUNT(*) FROM attachments WHERE path IS NOT NULL")
        assert cursor.fetchone() == (1,)  # the waiting request's file stays until forwarded
    database.close()
