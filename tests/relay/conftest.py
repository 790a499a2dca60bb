"""Fixtures of the relay tests: the real relay under uvicorn in front of the real Request Tracker."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.relay.rt_fields import add_relay_fields
from tests.servers.intake import SpecChecker
from tests.servers.relay import RelayServer, issue, relay_config
from tests.servers.rt import RequestTracker

CUSTOMER = "C-1042"
REQUESTER = "maria@example.gr"


@pytest.fixture(scope="session")
def rt_fields(request_tracker: RequestTracker) -> dict[str, str]:
    return add_relay_fields(request_tracker)


def rt_settings(tracker: RequestTracker, fields: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "kind": "rt",
        "url": tracker.url,
        "token": tracker.token,
        "queue": "General",
        "queues": {"mail_sending": "Mail"},
        "custom_fields": fields,
        **extra,
    }


class RtRelay:
    """A running relay into RT, with a token for :data:`CUSTOMER` (contacts: :data:`REQUESTER`)."""

    def __init__(self, server: RelayServer, token: str, tracker: RequestTracker) -> None:
        self.server = server
        self.token = token
        self.tracker = tracker

    @property
    def url(self) -> str:
        return self.server.url

    def rt_files(self, ticket_id: str) -> dict[str, bytes]:
        """The files RT keeps for a ticket, by name."""
        found: dict[str, bytes] = {}
        answer = self.tracker.api("GET", f"ticket/{ticket_id}/attachments?fields=Filename&per_page=100")
        for item in answer.get("items", []):
            if item.get("Filename"):
                attachment = self.tracker.api("GET", f"attachment/{item['id']}")
                found[item["Filename"]] = base64.b64decode(attachment.get("Content", ""))
        return found


@pytest.fixture()
def rt_relay(tmp_path: Path, request_tracker: RequestTracker, rt_fields: dict[str, str]) -> Iterator[RtRelay]:
    config = relay_config(tmp_path / "relay", rt_settings(request_tracker, rt_fields))
    token = issue(config, CUSTOMER, {REQUESTER: "owner", "web@studio.example": "technical"})
    with RelayServer(config) as server:
        yield RtRelay(server, token, request_tracker)


class SpecCheckingTransport(httpx.HTTPTransport):
    """Records every answer of the relay that ``resources/openapi.yaml`` does not allow."""

    def __init__(self, base_path: str = "/api/v1") -> None:
        super().__init__()
        self.checker = SpecChecker()
        self.base_path = base_path
        self.violations: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        response.read()
        path = request.url.path.removeprefix(self.base_path)
        try:
            body = response.json()
        except ValueError:
            self.violations.append(f"{request.method} {path}: not JSON")
            return response
        kind = response.headers.get("content-type", "")
        if response.status_code >= 400 and not kind.startswith("application/problem+json"):
            self.violations.append(f"{request.method} {path}: problem as {kind}")
        errors = self.checker.check_response(request.method, path, response.status_code, body)
        if errors:
            self.violations.append(f"{request.method} {path} {response.status_code}: {errors}")
        return response


@pytest.fixture()
def spec_transport() -> Iterator[SpecCheckingTransport]:
    transport = SpecCheckingTransport()
    yield transport
    assert transport.violations == []


@pytest.fixture(scope="session")
def postgres_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tests.servers.postgres import start_postgres

    with start_postgres(tmp_path_factory.mktemp("postgres") / "cluster") as cluster:
        yield cluster


@pytest.fixture()
def postgres_url(postgres_cluster: Any, request: pytest.FixtureRequest) -> str:
    """A new, empty database in the session's PostgreSQL cluster."""
    import hashlib
    import re

    import psycopg

    # the test's name, cut to PostgreSQL's 63 bytes, and a hash: parametrised tests share a prefix
    digest = hashlib.sha256(request.node.name.encode()).hexdigest()[:8]
    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40] + "_" + digest
    with psycopg.connect(postgres_cluster.url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return str(postgres_cluster.url.rsplit("/", 1)[0] + "/" + name)


@pytest.fixture(scope="session")
def osticket(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from tests.servers.osticket import start_osticket

    with start_osticket(tmp_path_factory.mktemp("osticket") / "helpdesk") as running:
        yield running
