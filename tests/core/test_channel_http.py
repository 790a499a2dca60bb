"""The shared HTTP layer (composer/channels/http.py) against real local HTTPS servers (trustme)."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from composer.channels.base import DeliveryError, FailureKind
from composer.channels.http import MAX_RETRY_AFTER, HttpClient, MultipartBody, Part, parse_retry_after
from tests.servers.scripted_http import Answer, ScriptedServer


def body(data: bytes = b"{}") -> MultipartBody:
    return MultipartBody([Part("request", "application/json", data=data)])


def failure(server: ScriptedServer, **options: object) -> DeliveryError:
    client = HttpClient(server.url, verify=server.client_context(), **options)  # type: ignore[arg-type]
    with client, pytest.raises(DeliveryError) as caught:
        client.post("requests", body())
    return caught.value


def test_json_answer_over_verified_tls() -> None:
    with (
        ScriptedServer(Answer(201, {"reference": "T-1"})) as server,
        HttpClient(server.url, verify=server.client_context(), token="t") as client,
    ):
        assert client.post("requests", body()) == {"reference": "T-1"}
        assert client.get("requests/T-1") == {"reference": "T-1"}


@pytest.mark.parametrize(
    ("status", "kind", "code"),
    [
        (401, FailureKind.AUTH, "delivery.auth_failed"),
        (403, FailureKind.AUTH, "delivery.auth_failed"),
        (404, FailureKind.REJECTED, "delivery.not_found"),
        (410, FailureKind.REJECTED, "delivery.not_found"),
        (422, FailureKind.REJECTED, "delivery.rejected"),
        (408, FailureKind.SERVER, "delivery.server_error"),
        (429, FailureKind.SERVER, "delivery.server_error"),
        (502, FailureKind.SERVER, "delivery.server_error"),
    ],
)
def test_status_codes_map_to_failure_kinds(status: int, kind: FailureKind, code: str) -> None:
    problem = {"title": "No", "errors": [{"field": "domain", "message": "not ours"}]}
    with ScriptedServer(Answer(status, problem)) as server:
        error = failure(server)
    assert (error.kind, error.code) == (kind, code)
    if status == 422:
        assert error.params["errors"] == [("domain", "not ours")]


def test_a_2xx_without_json_is_a_server_fault() -> None:
    with ScriptedServer(Answer(200, b"<html>proxy</html>")) as server:
        error = failure(server)
    assert (error.kind, error.code) == (FailureKind.SERVER, "delivery.bad_response")


def test_retryable_problem_codes_are_the_callers_choice() -> None:
    answer = Answer(409, {"code": "idempotency.in_progress"})
    with ScriptedServer(answer) as server:
        assert failure(server).kind is FailureKind.REJECTED
        assert failure(server, retryable_problems={"idempotency.in_progress"}).kind is FailureKind.SERVER


def test_retry_after_seconds_and_date_are_honoured_and_capped() -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=40), usegmt=True)
    answers = (
        Answer(503, {}, {"Retry-After": "7"}),
        Answer(429, {}, {"Retry-After": "86400"}),
        Answer(503, {}, {"Retry-After": soon}),
        Answer(503, {}, {"Retry-After": "soon-ish"}),
        Answer(503, {}),
    )
    with ScriptedServer(*answers) as server:
        seen = [failure(server).retry_after for _answer in answers]
    assert seen[0] == 7.0
    assert seen[1] == MAX_RETRY_AFTER
    assert seen[2] is not None and 35 <= seen[2] <= 40
    assert seen[3:] == [None, None]


def test_parse_retry_after_edges() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("Thu, 01 Jan 2026 00:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 31 Dec 2025 23:00:00 GMT", now=now) == 0.0  # in the past
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("nan") is None
    assert parse_retry_after("") is None


def test_the_outbox_waits_as_long_as_retry_after_says(tmp_path: Path) -> None:
    from composer.channels.factory import ChannelFactory
    from composer.credentials import Credentials
    from composer.delivery import OutboxWorker
    from composer.outbox import OutboxState, get_entry
    from composer.store import Store
    from tests.servers.intake import make_profile, make_request

    class Memory:
        priority = 1

        def get_password(self, *_args: str) -> str:
            return "token"

    with (
        ScriptedServer(Answer(503, {"title": "busy"}, {"Retry-After": "120"})) as server,
        Store(tmp_path / "data") as store,
    ):
        factory = ChannelFactory(
            store, Credentials(backend=Memory()), tmp_path / "bundles", ssl_context=server.client_context()
        )
        worker = OutboxWorker(store, factory)
        profile = make_profile({"kind": "helpdesk", "helpdesk": "intake", "url": server.url})
        entry = worker.submit(make_request(store), profile)
        before = datetime.now(UTC)
        assert worker.run_once()
        after = get_entry(store, entry.id)
    assert after is not None and after.state is OutboxState.PENDING
    assert after.next_attempt_at - before >= timedelta(seconds=119)


@pytest.mark.parametrize("certificate", ["untrusted", "expired", "wrong"])
def test_certificate_problems_are_config_failures(certificate: str) -> None:
    with ScriptedServer(certificate=certificate) as server:
        error = failure(server)
    assert (error.kind, error.code) == (FailureKind.CONFIG, "delivery.tls")
    assert error.params["reason"] and not error.maybe_delivered


def test_https_to_a_plain_http_server_is_a_tls_failure() -> None:
    with ScriptedServer(tls=False) as plain:
        url = plain.url.replace("http://", "https://")
        with HttpClient(url) as client, pytest.raises(DeliveryError) as caught:
            client.get("status")
    assert (caught.value.kind, caught.value.code) == (FailureKind.CONFIG, "delivery.tls")


def test_no_answer_after_the_body_is_a_timeout_that_may_have_arrived() -> None:
    with ScriptedServer(Answer(hang=True)) as server:
        error = failure(server, timeout=httpx.Timeout(0.5))
    assert (error.kind, error.code) == (FailureKind.NETWORK, "delivery.timeout")
    assert error.maybe_delivered


def test_a_stalled_handshake_is_a_timeout_before_anything_left() -> None:
    with ScriptedServer() as server:
        server.stall_handshake = True
        error = failure(server, timeout=httpx.Timeout(0.5))
    assert (error.kind, error.code) == (FailureKind.NETWORK, "delivery.timeout")
    assert not error.maybe_delivered


def test_refused_connection_is_a_network_failure() -> None:
    with ScriptedServer() as server:
        url = server.url
    with HttpClient(url) as client, pytest.raises(DeliveryError) as caught:
        client.get("status")
    assert (caught.value.kind, caught.value.code) == (FailureKind.NETWORK, "delivery.network")


def test_a_large_upload_streams_with_flat_memory(tmp_path: Path) -> None:
    size = 24 * 1024 * 1024
    big = tmp_path / "big.bin"
    with big.open("wb") as stream:
        for _ in range(size // (1024 * 1024)):
            stream.write(b"\xa5" * (1024 * 1024))
    with ScriptedServer(Answer(201, {"reference": "T-2"})) as server:
        parts = [
            Part("request", "application/json", data=b"{}"),
            Part("attachments", "application/octet-stream", path=big, size=size, filename="big.bin"),
        ]
        upload = MultipartBody(parts)
        with HttpClient(server.url, verify=server.client_context()) as client:
            tracemalloc.start()
            try:
                assert client.post("requests", upload) == {"reference": "T-2"}
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    assert server.received[-1][2] == upload.length
    assert peak < size / 8, f"peak {peak} bytes for a {size} byte upload"


def test_before_last_runs_once_just_before_the_closing_boundary() -> None:
    chunks: list[bytes] = []
    marks: list[int] = []
    upload = MultipartBody(
        [Part("request", "application/json", data=b"{}")], before_last=lambda: marks.append(len(chunks))
    )
    for chunk in upload:
        chunks.append(chunk)
    assert marks == [len(chunks) - 1]
    assert chunks[-1] == f"--{upload.boundary}--\r\n".encode()
