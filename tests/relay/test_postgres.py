"""Several relay instances on one real PostgreSQL 15, into the real RT: each request forwarded once.

Claims use ``SELECT ... FOR UPDATE SKIP LOCKED``; a replay may reach either
instance and gets the same answer; the schema and migrations are the same as
SQLite's.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from composer_relay.db import MIGRATIONS, open_database
from composer_relay.queue import Queue
from tests.relay.conftest import CUSTOMER, rt_settings
from tests.relay.test_api import document
from tests.relay.test_forwarding import _post, _tickets, _until
from tests.servers.relay import RelayServer, issue, relay_config
from tests.servers.rt import RequestTracker


def test_two_instances_forward_each_request_once(
    tmp_path: Path, postgres_url: str, request_tracker: RequestTracker, rt_fields: dict[str, str]
) -> None:
    def config(name: str) -> object:
        made = relay_config(tmp_path / name, rt_settings(request_tracker, rt_fields), server={"workers": 3})
        storage = made.storage.model_copy(
            update={"database": postgres_url, "attachments": tmp_path / name / "files"}
        )
        return made.model_copy(update={"storage": storage})

    first, second = config("a"), config("b")
    token = issue(first, CUSTOMER, "maria@example.gr")  # type: ignore[arg-type]
    with RelayServer(first) as a, RelayServer(second) as b:  # type: ignore[arg-type]
        servers = [a, b]

        def send(n: int) -> tuple[int, dict[str, object]]:
            answer = _post(servers[n % 2], token, document(id=f"pg-{n:03d}"), f"key-pg-000000000{n:03d}")
            return answer.status_code, answer.json()

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(send, range(10)))
        assert all(status == 201 for status, _ in answers)
        # the replay goes to the other instance and gets the same answer
        replay = _post(servers[1], token, document(id="pg-000"), "key-pg-000000000000")
        assert replay.json() == answers[0][1]
        for n in range(10):
            _until(lambda n=n: len(_tickets(request_tracker, f"pg-{n:03d}")) == 1)
            number = str(_tickets(request_tracker, f"pg-{n:03d}")[0]["id"])
            # RT's number when it came in time (a short wait), else the relay's reference, which the
            # status endpoint then resolves to RT's number, on either instance
            reference = str(answers[n][1]["reference"])
            assert reference == number or reference.startswith("RC-")
            with httpx.Client() as client:
                status = client.get(
                    f"{servers[n % 2 - 1].url}/requests/{reference}",
                    headers={"Authorization": f"Bearer {token}"},
                )
            assert status.json()["reference"] == number
    for n in range(10):
        assert len(_tickets(request_tracker, f"pg-{n:03d}")) == 1


def test_skip_locked_claims_are_disjoint(tmp_path: Path, postgres_url: str) -> None:
    config = relay_config(
        tmp_path, {"kind": "mail", "to": "s@example.test", "sender": "r@example.test", "host": "x"}
    )
    storage = config.storage.model_copy(update={"database": postgres_url})
    config = config.model_copy(
        update={"storage": storage, "server": config.server.model_copy(update={"answer_wait_seconds": 0})}
    )
    token = issue(config, CUSTOMER, "maria@example.gr")
    with RelayServer(config, forward=False) as server:
        for n in range(30):
            assert (
                _post(server, token, document(id=f"claim-{n}"), f"key-claim-0000000{n:03d}").status_code
                == 201
            )
    database = open_database(postgres_url)
    claimed: list[int] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        own = open_database(postgres_url)
        queue = Queue(own, name)
        queue.heartbeat()
        while (claim := queue.claim()) is not None:
            with lock:
                claimed.append(claim.id)
            queue.forwarded(claim, helpdesk_id="x", number="x")
        own.close()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(set(claimed)) and len(claimed) == 30
    assert database.schema_version() == len(MIGRATIONS)
    database.close()
