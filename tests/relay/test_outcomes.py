"""``POST /articles/outcomes`` on the real relay: counted once per key, stored, limited, refused when wrong.

SQLite and the real PostgreSQL (the several-instance mode) hold the same
table, so both run every test here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from composer_relay.db import open_database
from composer_relay.outcomes import counts
from tests.relay.conftest import CUSTOMER, REQUESTER, SpecCheckingTransport
from tests.servers.relay import RelayServer, issue, relay_config

MAIL = {"kind": "mail", "to": "support@example.test", "sender": "relay@example.test", "host": "127.0.0.1"}
ARTICLE = "https://help.example.gr/mail/outlook"


class Outcomes:
    def __init__(self, server: RelayServer, token: str, transport: SpecCheckingTransport) -> None:
        self.server = server
        self.token = token
        self.client = httpx.Client(base_url=server.url + "/", transport=transport, timeout=30)

    def post(
        self, outcome: Any, *, key: str = "kb-000000000000001", token: str | None = None
    ) -> httpx.Response:
        parts = [("outcome", (None, json.dumps(outcome), "application/json"))]
        headers = {"Authorization": f"Bearer {token or self.token}", "Accept-Language": "el"}
        if key:
            headers["Idempotency-Key"] = key
        return self.client.post("articles/outcomes", files=parts, headers=headers)

    def counts(self) -> dict[tuple[str, str], int]:
        database = open_database(self.server.config.storage.database)
        try:
            return counts(database)
        finally:
            database.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def outcomes(
    request: pytest.FixtureRequest, tmp_path: Path, spec_transport: SpecCheckingTransport
) -> Iterator[Outcomes]:
    storage = {}
    if request.param == "postgresql":
        storage = {"database": request.getfixturevalue("postgres_url")}
    config = relay_config(
        tmp_path,
        MAIL,
        server={"answer_wait_seconds": 0.0},
        limits={"requests_per_hour_per_token": 4},
    )
    if storage:
        config = config.model_copy(update={"storage": config.storage.model_copy(update=storage)})
    token = issue(config, CUSTOMER, REQUESTER)
    with RelayServer(config, forward=False) as server:
        opened = Outcomes(server, token, spec_transport)
        yield opened
        opened.client.close()


def test_an_outcome_is_counted_once_per_key_and_stored(outcomes: Outcomes) -> None:
    solved = {"article": ARTICLE, "outcome": "solved", "category": "mail_sending", "language": "el"}
    first = outcomes.post(solved)
    assert first.status_code == 201, first.text
    assert first.json() == {"counted": 1}
    replay = outcomes.post(solved)  # the desktop retries after a lost answer
    assert replay.status_code == 201 and replay.json() == {"counted": 1}
    assert replay.headers["idempotency-replayed"] == "true"
    assert outcomes.post(solved, key="kb-000000000000002").json() == {"counted": 2}
    assert outcomes.post({"article": ARTICLE, "outcome": "not_helped"}, key="kb-000000000000003").json() == {
        "counted": 1
    }
    assert outcomes.counts() == {(ARTICLE, "solved"): 2, (ARTICLE, "not_helped"): 1}
    with httpx.Client(base_url=outcomes.server.url.rsplit("/api", 1)[0]) as root:
        metrics = root.get("/metrics").text
    assert 'relay_article_outcomes_total{outcome="solved"}' in metrics


def test_a_reused_key_for_another_outcome_is_a_conflict(outcomes: Outcomes) -> None:
    assert outcomes.post({"article": ARTICLE, "outcome": "solved"}).status_code == 201
    other = outcomes.post({"article": ARTICLE, "outcome": "not_helped"})
    assert other.status_code == 409 and other.json()["code"] == "idempotency.conflict"
    assert outcomes.counts() == {(ARTICLE, "solved"): 1}


@pytest.mark.parametrize(
    ("outcome", "field"),
    [
        ({"article": ARTICLE, "outcome": "maybe"}, "outcome"),
        ({"outcome": "solved"}, "article"),
        ({"article": ARTICLE, "outcome": "solved", "email": "maria@example.gr"}, "email"),  # no personal data
        ({"article": "not a link", "outcome": "solved"}, "article"),
    ],
)
def test_what_the_spec_forbids_is_refused(outcomes: Outcomes, outcome: dict[str, str], field: str) -> None:
    answer = outcomes.post(outcome)
    assert answer.status_code == 422 and answer.json()["code"] == "request.invalid"
    assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert outcomes.counts() == {}


def test_authenticated_keyed_and_rate_limited_like_requests(outcomes: Outcomes) -> None:
    good = {"article": ARTICLE, "outcome": "solved"}
    assert outcomes.post(good, token="rct_nobody_secret").json()["code"] == "auth.invalid"
    assert outcomes.post(good, key="").json()["code"] == "idempotency.key_missing"
    for n in range(4):
        assert outcomes.post(good, key=f"kb-rate-{n:012d}").status_code == 201
    limited = outcomes.post(good, key="kb-rate-000000000009")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    assert limited.headers["retry-after"] == "600"
    assert outcomes.counts() == {(ARTICLE, "solved"): 4}
