"""The intake API client against the intake API, twice: the test server and the real relay.

Each test runs against :class:`tests.servers.intake.IntakeServer` (checks
every request against the spec, misbehaves on demand) and against the real
relay (``composer_relay``) forwarding into a documented-behaviour helpdesk
(:class:`tests.servers.relay_intake.RelayIntake`), whose answers are checked
against the same spec; the faults are made to happen in the relay for real.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from composer.channels.base import DeliveryError, FailureKind, SendContext
from composer.channels.intake import IntakeChannel, IntakeClient, MultipartBody, Part
from composer.model import Request
from composer.render import render_json, render_text
from composer.store import Store
from tests.servers.intake import IntakeServer, make_profile, make_request, parse_multipart
from tests.servers.relay_intake import RelayIntake, tls_files

Server = IntakeServer | RelayIntake
KINDS = ["intake", "relay"]


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    with Store(data_dir) as opened:
        yield opened


def serve(kind: str, root: Path, **options: object) -> Server:
    """The intake test server or the real relay (with its helpdesk), not yet started."""
    if kind == "intake":
        return IntakeServer(**options)  # type: ignore[arg-type]
    return RelayIntake(root, **options)  # type: ignore[arg-type]


@pytest.fixture(params=KINDS)
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    prefills = {"ABCD-1234": {"domain": "example.gr", "category": "mail_sending"}}
    with serve(request.param, tmp_path / "server", prefills=prefills) as running:
        yield running
    assert running.violations == []


_DEFAULT = object()


def channel(server: Server, store: Store, token: object = _DEFAULT) -> IntakeChannel:
    chosen = server.token if token is _DEFAULT else token
    return IntakeChannel(server.url, token=lambda _r: chosen, attachment_path=store.attachment_path)  # type: ignore[arg-type,return-value]


def only_reference(server: Server) -> str:
    """The one ticket's reference: there must be exactly one."""
    [reference] = server.tickets
    return reference


def context(key: str = "rc-0123456789abcdef0123", **extra: object) -> SendContext:
    return SendContext(make_profile({"kind": "file"}), key, **extra)  # type: ignore[arg-type]


def test_create_request_delivers_model_and_files(server: Server, store: Store) -> None:
    request = make_request(store, sizes=(10, 300_000))
    seen: list[tuple[int, int]] = []
    receipt = channel(server, store).send(request, context(progress=lambda s, t: seen.append((s, t))))
    assert receipt.reference == only_reference(server)
    assert receipt.url.endswith(f"/requests/{receipt.reference}")
    ticket = server.tickets[receipt.reference]
    # the model for the helpdesk's fields, and the text for the ticket's body, which ends with our id
    assert ticket.document["request"] == json.loads(render_json(request))["request"]
    assert ticket.document["request"]["id"] == request.id
    assert ticket.document["text"] == render_text(request, context().profile)
    assert f"request {request.id}" in ticket.document["text"].splitlines()[-1]
    for attachment, (name, data) in zip(request.attachments, ticket.files, strict=True):
        assert name == attachment.name
        assert data == store.attachment_path(attachment).read_bytes()
    assert seen[-1][0] == seen[-1][1] and len(seen) > 2


def test_retry_with_same_key_replays_the_ticket(server: Server, store: Store) -> None:
    request = make_request(store)
    first = channel(server, store).send(request, context())
    second = channel(server, store).send(request, context())
    assert first.reference == second.reference
    assert len(server.tickets) == 1


def test_status_follow_up_and_prefill(server: Server, store: Store) -> None:
    request = make_request(store)
    receipt = channel(server, store).send(request, context())
    with IntakeClient(server.url, token=server.token) as client:
        assert client.get_status(receipt.reference)["status"] == "new"  # filed, nobody has answered yet
        assert client.fetch_prefill("ABCD-1234")["fields"] == {
            "domain": "example.gr",
            "category": "mail_sending",
        }
        with pytest.raises(DeliveryError) as missing:
            client.fetch_prefill("NOPE-0000")
    assert missing.value.code == "delivery.not_found"
    from composer.channels.base import FollowUp

    sent = request.model_copy(update={"receipt": receipt})
    extra = store.add_attachment_bytes("bounce.txt", b"bounce", media_type="text/plain")
    follow = channel(server, store).send_follow_up(
        FollowUp("It happens again today.", (extra,)), context("rc-follow-up-000000001", original=sent)
    )
    message = server.tickets[receipt.reference].messages[0]
    assert follow.reference == receipt.reference and follow.message_id == message["id"]
    assert message["text"] == "It happens again today." and message["files"] == [("bounce.txt", b"bounce")]


@pytest.mark.parametrize(
    ("fault", "kind", "code"),
    [
        ("500", FailureKind.SERVER, "delivery.server_error"),
        ("503", FailureKind.SERVER, "delivery.server_error"),
        ("422", FailureKind.REJECTED, "delivery.rejected"),
        ("401", FailureKind.AUTH, "delivery.auth_failed"),
        ("drop_mid_upload", FailureKind.NETWORK, "delivery.network"),
        ("drop_after_create", FailureKind.NETWORK, "delivery.network"),
    ],
)
def test_failures_are_classified(
    server: Server, store: Store, fault: str, kind: FailureKind, code: str
) -> None:
    request = make_request(store, sizes=(400_000,))
    server.faults.append(fault)
    with pytest.raises(DeliveryError) as caught:
        channel(server, store).send(request, context())
    assert (caught.value.kind, caught.value.code) == (kind, code)
    if fault == "422":
        reason, errors = server.rejection
        assert caught.value.params["reason"] == reason
        assert caught.value.params["errors"] == errors
    # the retry with the same key files exactly one ticket
    channel(server, store).send(request, context())
    assert len(server.tickets) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_timeout_after_create_then_retry_is_one_ticket(kind: str, store: Store, tmp_path: Path) -> None:
    import time

    import httpx

    with serve(kind, tmp_path / "server", slow_seconds=1.0) as server:
        request = make_request(store)
        server.faults.append("slow")
        slow = IntakeChannel(
            server.url,
            token=lambda _r: server.token,
            attachment_path=store.attachment_path,
            timeout=httpx.Timeout(0.3),
        )
        with pytest.raises(DeliveryError) as caught:
            slow.send(request, context())
        assert caught.value.kind is FailureKind.NETWORK and caught.value.maybe_delivered
        # the outbox tries again later: while the first try is still being answered the
        # intake API says so (409 idempotency.in_progress, retryable), then replays its answer
        deadline = time.monotonic() + 15
        while True:
            try:
                receipt = channel(server, store).send(request, context())
                break
            except DeliveryError as busy:
                assert busy.code == "delivery.server_error" and time.monotonic() < deadline
                time.sleep(0.5)
        assert receipt.reference == only_reference(server)
        assert server.violations == []


def test_missing_token_and_down_server(server: Server, store: Store) -> None:
    request = make_request(store)
    with pytest.raises(DeliveryError) as caught:
        channel(server, store, token=None).send(request, context())
    assert caught.value.kind is FailureKind.AUTH and caught.value.code == "credential.missing"
    server.stop()
    with pytest.raises(DeliveryError) as down:
        channel(server, store).send(request, context())
    assert down.value.kind is FailureKind.NETWORK
    server.start()
    assert channel(server, store).send(request, context()).reference == only_reference(server)


@pytest.mark.parametrize("url", ["http://intake.example/api", "ftp://127.0.0.1/", "intake.example"])
def test_plain_http_refused_except_loopback(url: str) -> None:
    with pytest.raises(DeliveryError) as caught:
        IntakeClient(url)
    assert caught.value.code == "delivery.insecure_url" and caught.value.kind is FailureKind.CONFIG
    IntakeClient("http://127.0.0.1:9/api").close()
    IntakeClient("http://[::1]:9/api").close()


@pytest.mark.parametrize("kind", KINDS)
def test_https_with_ssl_cert_file(
    kind: str, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ca = trustme.CA()
    leaf = ca.issue_cert("localhost")
    if kind == "intake":
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        leaf.configure_cert(server_context)
        options: dict[str, object] = {"ssl_context": server_context}
    else:
        (tmp_path / "server").mkdir()
        options = {"tls": tls_files(tmp_path / "server", leaf)}
    with serve(kind, tmp_path / "server", **options) as server:
        request = make_request(store)
        with pytest.raises(DeliveryError) as untrusted:
            channel(server, store).send(request, context())
        assert untrusted.value.code == "delivery.tls" and untrusted.value.kind is FailureKind.CONFIG
        bundle = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(bundle))
        monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
        assert channel(server, store).send(request, context()).reference == only_reference(server)
        assert server.violations == []


def test_multipart_body_streams_and_repeats(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 1_000_000)
    body = MultipartBody(
        [
            Part("request", "application/json", data=b"{}"),
            Part("attachments", "application/octet-stream", path=big, size=1_000_000, filename='a"b.bin'),
        ]
    )
    chunks = list(body)
    assert max(len(c) for c in chunks) <= 256 * 1024
    first = b"".join(chunks)
    assert len(first) == body.length and body.finished
    assert b"".join(body) == first
    parts = parse_multipart(body.content_type, first)
    assert parts is not None
    assert parts["attachments"][0].filename == 'a"b.bin'
    assert parts["attachments"][0].data == big.read_bytes()


def test_request_model_matches_spec(store: Store) -> None:
    from tests.servers.intake import SpecChecker

    request: Request = make_request(store)
    errors = SpecChecker().schema_errors(
        "/components/schemas/RequestDocument", json.loads(render_json(request))
    )
    assert errors == []
