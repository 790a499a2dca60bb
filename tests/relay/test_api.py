"""The relay's intake API on its own: idempotency, who may file, limits, pre-fill codes, health, metrics.

The relay runs with forwarding off (no helpdesk behind it), so these tests
see exactly what the API stores and answers; forwarding has its own tests.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from composer_relay.db import open_database
from composer_relay.prefill import create_prefill
from tests.relay.conftest import CUSTOMER, REQUESTER, SpecCheckingTransport
from tests.servers.relay import RelayServer, issue, relay_config

MAIL = {"kind": "mail", "to": "support@example.test", "sender": "relay@example.test", "host": "127.0.0.1"}


class Api:
    def __init__(self, server: RelayServer, token: str, transport: SpecCheckingTransport) -> None:
        self.server = server
        self.token = token
        self.client = httpx.Client(base_url=server.url + "/", transport=transport, timeout=30)

    def post(
        self,
        document: dict[str, Any],
        files: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
        *,
        key: str = "key-0000000000000001",
        token: str | None = None,
        path: str = "requests",
        part: str = "request",
    ) -> httpx.Response:
        multipart = [(part, (None, json.dumps(document), "application/json"))]
        multipart += [("attachments", (name, data, kind)) for name, data, kind in files]
        headers = {"Authorization": f"Bearer {token or self.token}"}
        if key:
            headers["Idempotency-Key"] = key
        return self.client.post(path, files=multipart, headers=headers)

    def get(self, path: str, token: str | None = None) -> httpx.Response:
        return self.client.get(path, headers={"Authorization": f"Bearer {token or self.token}"})


def document(*files: tuple[str, bytes, str], email: str = REQUESTER, **fields: Any) -> dict[str, Any]:
    request = {
        "id": fields.pop("id", "7d4b2f0e-0000-4000-8000-000000000001"),
        "schema_version": 1,
        "requester": {"name": "Maria", "email": email, "role": "owner"},
        "summary": "Mail cannot be sent",
        "domain": "example.gr",
        "category": "mail_sending",
        "urgency": "high",
        "attachments": [
            {"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d), "media_type": k}
            for n, d, k in files
        ],
        **fields,
    }
    return {"format": "request-composer/bundle", "schema_version": 1, "request": request}


@pytest.fixture()
def api(tmp_path: Path, spec_transport: SpecCheckingTransport) -> Iterator[Api]:
    config = relay_config(
        tmp_path,
        MAIL,
        server={"answer_wait_seconds": 0.0},
        limits={
            "max_request_bytes": 2_000_000,
            "max_attachment_bytes": 1_000_000,
            "media_types": ["image/*", "text/plain"],
            "requests_per_hour_per_token": 5,
            "requests_per_hour_per_address": 4,
        },
    )
    token = issue(config, CUSTOMER, REQUESTER, "web@studio.example")
    with RelayServer(config, forward=False) as server:
        opened = Api(server, token, spec_transport)
        yield opened
        opened.client.close()


def rows(api: Api, sql: str) -> list[Any]:
    database = open_database(api.server.config.storage.database)
    try:
        with database.transaction() as cursor:
            cursor.execute(sql)
            found: list[Any] = cursor.fetchall()
            return found
    finally:
        database.close()


def test_created_is_stored_with_files_before_201(api: Api) -> None:
    shot = ("shot.png", b"\x89PNG" + bytes(range(256)) * 10, "image/png")
    answer = api.post(document(shot), [shot])
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["reference"].startswith("RC-") and answer.headers["location"] == body["status_url"]
    assert body["status_url"] == f"{api.server.url}/requests/{body['reference']}"
    (state, path, size) = rows(
        api, "SELECT r.state, a.path, a.size FROM requests r JOIN attachments a ON a.request_ref = r.id"
    )[0]
    assert state == "queued" and Path(path).read_bytes() == shot[1] and size == len(shot[1])
    status = api.get(f"requests/{body['reference']}")
    assert status.status_code == 200 and status.json()["status"] == "new"


def test_same_key_same_body_replays_and_different_body_conflicts(api: Api) -> None:
    first = api.post(document())
    again = api.post(document())
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotency-replayed"] == "true"
    other = api.post(document(summary="Something else"))
    assert other.status_code == 409 and other.json()["code"] == "idempotency.conflict"
    assert len(rows(api, "SELECT id FROM requests")) == 1


def test_second_post_while_the_first_is_answered_is_in_progress(api: Api, tmp_path: Path) -> None:
    config = api.server.config.model_copy(
        update={"server": api.server.config.server.model_copy(update={"answer_wait_seconds": 1.5})}
    )
    with RelayServer(config, forward=False) as slow:
        slow_api = Api(slow, api.token, SpecCheckingTransport())
        results: list[httpx.Response] = []
        first = threading.Thread(
            target=lambda: results.append(slow_api.post(document(), key="key-slow-000000000001"))
        )
        first.start()
        time.sleep(0.5)
        second = slow_api.post(document(), key="key-slow-000000000001")
        first.join()
        assert second.status_code == 409 and second.json()["code"] == "idempotency.in_progress"
        assert second.headers["retry-after"] == "1"
        assert results[0].status_code == 201
        assert slow_api.post(document(), key="key-slow-000000000001").json() == results[0].json()
        slow_api.client.close()


def test_refusals_do_not_consume_the_key(api: Api) -> None:
    text = ("log.txt", b"hello", "text/plain")
    mismatch = api.post(document(text), [("log.txt", b"HELLO", "text/plain")])
    assert mismatch.status_code == 422 and mismatch.json()["code"] == "attachment.mismatch"
    missing = api.post(document(text), [])
    assert missing.status_code == 422 and missing.json()["code"] == "attachment.mismatch"
    invalid = api.post({"format": "request-composer/bundle", "schema_version": 1, "request": {"id": ""}})
    assert invalid.status_code == 422 and invalid.json()["code"] == "request.invalid"
    assert {e["field"] for e in invalid.json()["errors"]} >= {"request.id", "request.requester"}
    assert api.post(document(text), [text]).status_code == 201


def test_keys_tokens_and_contacts(api: Api) -> None:
    no_key = api.post(document(), key="")
    assert no_key.status_code == 400 and no_key.json()["code"] == "idempotency.key_missing"
    bad = api.post(document(), token="rct_123456789abc_wrong")
    assert bad.status_code == 401 and bad.json()["code"] == "auth.invalid"
    anonymous = api.client.post("requests", headers={"Idempotency-Key": "key-0000000000000009"})
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "auth.missing"
    stranger = api.post(document(email="eve@elsewhere.example"))
    assert stranger.status_code == 403 and stranger.json()["code"] == "requester.not_allowed"
    other = issue(api.server.config, "C-2000", "someone@else.example")
    created = api.post(document()).json()["reference"]
    # another customer's token sees nothing of this customer's tickets
    assert api.get(f"requests/{created}", token=other).status_code == 404
    assert api.post(document(email="Web@Studio.Example "), key="key-0000000000000002").status_code == 201
    events = [r[0] for r in rows(api, "SELECT event FROM audit ORDER BY id")]
    assert events.count("request.accepted") == 2 and "auth.refused" in events and "request.refused" in events


def test_size_type_and_count_limits(api: Api) -> None:
    exe = ("tool.exe", b"MZ", "application/x-msdownload")
    refused = api.post(document(exe), [exe])
    assert refused.status_code == 415 and refused.json()["code"] == "attachment.type_not_allowed"
    big = ("big.txt", b"x" * 1_200_000, "text/plain")
    assert api.post(document(big), [big]).json()["code"] == "request.too_large"
    huge = [(f"p{i}.txt", b"y" * 900_000, "text/plain") for i in range(3)]
    too_much = api.post(document(*huge), huge)
    assert too_much.status_code == 413 and too_much.json()["code"] == "request.too_large"
    plain = api.client.post(
        "requests",
        content=b"{}",
        headers={
            "Authorization": f"Bearer {api.token}",
            "Idempotency-Key": "key-0000000000000003",
            "Content-Type": "application/json",
        },
    )
    assert plain.status_code == 415
    assert rows(api, "SELECT id FROM requests") == []
    assert list((api.server.config.storage.attachments).glob("*/*")) == []


def test_rate_limits_per_address_and_token(api: Api) -> None:
    for n in range(4):
        assert api.post(document(id=f"id-{n}"), key=f"key-rate-00000000000{n}").status_code == 201
    limited = api.post(document(id="id-4"), key="key-rate-000000000004")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) > 0
    # a replay is not a new request
    assert api.post(document(id="id-0"), key="key-rate-000000000000").status_code == 201
    assert (
        api.post(document(id="id-5", email="web@studio.example"), key="key-rate-000000000005").status_code
        == 201
    )
    by_token = api.post(document(id="id-6", email="web@studio.example"), key="key-rate-000000000006")
    assert by_token.status_code == 429


def test_prefill_codes(api: Api, request: pytest.FixtureRequest) -> None:
    database = open_database(api.server.config.storage.database)
    request.addfinalizer(database.close)
    code = create_prefill(
        database, {"domain": "example.gr", "urgency": "high"}, customer_id=CUSTOMER, staff="Eleni"
    )
    found = api.get(f"prefill/{code}")
    assert found.status_code == 200
    assert (
        found.json()["fields"] == {"domain": "example.gr", "urgency": "high"}
        and found.json()["staff"] == "Eleni"
    )
    assert api.get(f"prefill/{code.lower()}").status_code == 200
    assert api.get("prefill/ZZZZ-9999").json()["code"] == "prefill.not_found"
    other = create_prefill(database, {"domain": "x.example"}, customer_id="C-2000")
    assert api.get(f"prefill/{other}").status_code == 404
    expired = create_prefill(database, {"domain": "example.gr"}, ttl_seconds=-1)
    gone = api.get(f"prefill/{expired}")
    assert gone.status_code == 410 and gone.json()["code"] == "prefill.expired"
    with pytest.raises(ValueError):
        create_prefill(database, {"password": "x"})


def test_health_and_metrics(api: Api) -> None:
    api.post(document())
    with httpx.Client(base_url=api.server.root) as root:
        assert root.get("/healthz").json() == {"status": "ok"}
        metrics = root.get("/metrics").text
    assert 'relay_requests_accepted_total{kind="request",replayed="false"}' in metrics
    assert api.get("requests/RC-NOPE").json()["code"] == "ticket.not_found"
