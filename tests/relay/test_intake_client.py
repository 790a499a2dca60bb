"""The desktop app's intake client (``composer.channels.intake``) against the real relay and the real RT.

The same operations as ``tests/core/test_intake.py`` runs against the test
server, here end to end: the client speaks to the relay under uvicorn, the
relay forwards into Request Tracker, and every answer is checked against
``resources/openapi.yaml``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer.channels.base import DeliveryError, FailureKind, FollowUp, SendContext
from composer.channels.intake import IntakeChannel, IntakeClient
from composer.render import render_json
from composer.rendered import render_request
from composer.store import Store
from tests.relay.conftest import CUSTOMER, RtRelay, SpecCheckingTransport
from tests.servers.intake import make_profile, make_request


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    with Store(data_dir) as opened:
        yield opened


def channel(
    relay: RtRelay, store: Store, transport: SpecCheckingTransport | None = None, token: str | None = ""
) -> IntakeChannel:
    chosen = relay.token if token == "" else token
    return IntakeChannel(
        relay.url, token=lambda _r: chosen, attachment_path=store.attachment_path, transport=transport
    )


def context(key: str = "rc-0123456789abcdef0123", **extra: object) -> SendContext:
    return SendContext(make_profile({"kind": "file"}), key, **extra)  # type: ignore[arg-type]


def test_create_request_reaches_rt_with_model_and_files(
    rt_relay: RtRelay, store: Store, spec_transport: SpecCheckingTransport
) -> None:
    request = make_request(store, sizes=(10, 300_000), category="site_down")
    receipt = channel(rt_relay, store, spec_transport).send(request, context())
    # the helpdesk's own number, known in time: RT's ticket id
    ticket = rt_relay.tracker.ticket(receipt.reference)
    # the subject the desktop rendered at Send, in the provider's language, not one the relay made
    rendered = render_request(request, context().profile)
    assert ticket["Subject"] == rendered.subject and request.summary in rendered.subject
    assert receipt.url.endswith(f"/requests/{receipt.reference}")
    fields = {cf["name"]: cf["values"] for cf in ticket["CustomFields"]}
    assert fields["Request ID"] == [request.id]
    assert fields["Domain"] == ["example.gr"] and fields["Customer"] == [CUSTOMER]
    assert ticket["Requestor"][0]["id"] == "maria@example.gr"
    files = rt_relay.rt_files(receipt.reference)
    for attachment in request.attachments:
        assert files[attachment.name] == store.attachment_path(attachment).read_bytes()
    text = "\n".join(rt_relay.tracker.correspondence(receipt.reference))
    assert "Since yesterday no mail leaves the office." in text and request.id in text
    assert f"Verified contact of customer {CUSTOMER}: owner" in text
    assert json.loads(render_json(request))["request"]["id"] == request.id


def test_retry_with_same_key_replays_the_ticket(
    rt_relay: RtRelay, store: Store, spec_transport: SpecCheckingTransport
) -> None:
    request = make_request(store)
    first = channel(rt_relay, store, spec_transport).send(request, context("rc-replay-0000000000001"))
    second = channel(rt_relay, store, spec_transport).send(request, context("rc-replay-0000000000001"))
    assert first.reference == second.reference
    assert len(rt_relay.tracker.tickets(f"'CF.{{Request ID}}' = '{request.id}'")) == 1


def test_status_follow_up_and_prefill(
    rt_relay: RtRelay, store: Store, spec_transport: SpecCheckingTransport
) -> None:
    from composer_relay.db import open_database
    from composer_relay.prefill import create_prefill

    database = open_database(rt_relay.server.config.storage.database)
    code = create_prefill(
        database, {"domain": "example.gr", "category": "mail_sending"}, customer_id=CUSTOMER
    )
    database.close()
    request = make_request(store)
    receipt = channel(rt_relay, store, spec_transport).send(request, context("rc-status-0000000000001"))
    with IntakeClient(rt_relay.url, token=rt_relay.token, transport=spec_transport) as client:
        assert client.get_status(receipt.reference)["status"] == "new"
        assert client.fetch_prefill(code)["fields"] == {"domain": "example.gr", "category": "mail_sending"}
        with pytest.raises(DeliveryError) as missing:
            client.fetch_prefill("NOPE-0000")
        assert "token" not in client.fetch_prefill(code)  # no signature: nothing an app may use
        assert missing.value.code == "delivery.not_found"
        rt_relay.tracker.api("PUT", f"ticket/{receipt.reference}", {"Status": "stalled"})
        import composer_relay.api_tickets as relay_app

        relay_app.STATUS_REFRESH_SECONDS = 0.0
        try:
            assert client.get_status(receipt.reference)["status"] == "waiting_for_customer"
        finally:
            relay_app.STATUS_REFRESH_SECONDS = 30.0
    sent = request.model_copy(update={"receipt": receipt})
    extra = store.add_attachment_bytes("bounce.txt", b"bounce", media_type="text/plain")
    follow = channel(rt_relay, store, spec_transport).send_follow_up(
        FollowUp("It happens again today.", (extra,)), context("rc-follow-up-000000001", original=sent)
    )
    assert follow.reference == receipt.reference and follow.message_id
    _wait(
        lambda: any(
            "It happens again today." in t for t in rt_relay.tracker.correspondence(receipt.reference)
        )
    )
    assert rt_relay.rt_files(receipt.reference)["bounce.txt"] == b"bounce"
    again = channel(rt_relay, store, spec_transport).send_follow_up(
        FollowUp("It happens again today.", (extra,)), context("rc-follow-up-000000001", original=sent)
    )
    assert again.message_id == follow.message_id
    texts = rt_relay.tracker.correspondence(receipt.reference)
    assert sum("It happens again today." in t for t in texts) == 1


def test_missing_and_wrong_token_and_down_relay(rt_relay: RtRelay, store: Store) -> None:
    request = make_request(store)
    with pytest.raises(DeliveryError) as caught:
        channel(rt_relay, store, token=None).send(request, context())
    assert caught.value.kind is FailureKind.AUTH and caught.value.code == "credential.missing"
    with pytest.raises(DeliveryError) as wrong:
        channel(rt_relay, store, token="rct_000000000000_nope").send(request, context())
    assert wrong.value.kind is FailureKind.AUTH and wrong.value.code == "delivery.auth_failed"
    rt_relay.server.stop()
    with pytest.raises(DeliveryError) as down:
        channel(rt_relay, store).send(request, context())
    assert down.value.kind is FailureKind.NETWORK


def test_requester_not_a_contact_is_refused(rt_relay: RtRelay, store: Store) -> None:
    from composer.model import Requester

    request = make_request(store, requester=Requester(name="Eve", email="eve@elsewhere.example"))
    with pytest.raises(DeliveryError) as caught:
        channel(rt_relay, store).send(request, context())
    assert caught.value.kind is FailureKind.AUTH and caught.value.params["status"] == 403


def _wait(condition: object, timeout: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_https_with_ssl_cert_file(
    tmp_path: Path,
    request_tracker: Any,
    rt_fields: dict[str, str],
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import trustme

    from tests.relay.conftest import REQUESTER, rt_settings
    from tests.servers.relay import RelayServer, issue, relay_config

    ca = trustme.CA()
    certificate = ca.issue_cert("localhost")
    chain, key = tmp_path / "chain.pem", tmp_path / "key.pem"
    certificate.private_key_and_cert_chain_pem.write_to_path(str(chain))
    certificate.private_key_pem.write_to_path(str(key))
    config = relay_config(tmp_path / "relay", rt_settings(request_tracker, rt_fields))
    token = issue(config, CUSTOMER, {REQUESTER: "owner"})
    with RelayServer(config, tls=(str(chain), str(key))) as server:
        secure = IntakeChannel(server.url, token=lambda _r: token, attachment_path=store.attachment_path)
        request = make_request(store)
        with pytest.raises(DeliveryError) as untrusted:
            secure.send(request, context("rc-https-000000000001"))
        assert untrusted.value.code == "delivery.tls" and untrusted.value.kind is FailureKind.CONFIG
        bundle = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(bundle))
        monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
        receipt = secure.send(request, context("rc-https-000000000001"))
        assert receipt.reference.isdigit() and receipt.url.startswith("https://localhost:")


def test_timeout_while_the_relay_waits_then_retry_is_one_ticket(rt_relay: RtRelay, store: Store) -> None:
    import httpx

    request = make_request(store)
    hasty = IntakeChannel(
        rt_relay.url,
        token=lambda _r: rt_relay.token,
        attachment_path=store.attachment_path,
        timeout=httpx.Timeout(0.05),
    )
    with pytest.raises(DeliveryError) as caught:
        hasty.send(request, context("rc-hasty-000000000001"))
    assert caught.value.kind is FailureKind.NETWORK
    deadline = time.monotonic() + 30
    while True:
        try:
            receipt = channel(rt_relay, store).send(request, context("rc-hasty-000000000001"))
            break
        except DeliveryError as exc:  # 409 idempotency.in_progress while the first is being answered
            assert exc.kind is FailureKind.SERVER and time.monotonic() < deadline
            time.sleep(0.5)
    assert [str(t["id"]) for t in rt_relay.tracker.tickets(f"'CF.{{Request ID}}' = '{request.id}'")] == [
        receipt.reference
    ]


def test_a_signed_prefill_by_code_is_verified_by_the_app(
    rt_relay: RtRelay, store: Store, spec_transport: SpecCheckingTransport, tmp_path: Path
) -> None:
    """Staff sign with the desktop's CLI, store it on the relay, the app fetches it by code and checks it."""
    from datetime import timedelta

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from composer import prefill
    from composer.prefill_code import fetch_by_code
    from composer.profile import Prefill
    from composer_relay.db import open_database
    from composer_relay.prefill import create_prefill
    from tests.servers.intake import make_profile

    key = Ed25519PrivateKey.generate()
    token = prefill.sign_prefill(
        key,
        prefill.PrefillFields(domain="example.gr", note="Add the bounce."),
        staff="Eleni",
        lifetime=timedelta(hours=1),
    )
    database = open_database(rt_relay.server.config.storage.database)
    code = create_prefill(
        database, {"domain": "lie.example"}, customer_id=CUSTOMER, token=prefill.link_for(token)
    )
    other = Ed25519PrivateKey.generate()
    forged = prefill.sign_prefill(
        other, prefill.PrefillFields(domain="x.example"), staff="?", lifetime=timedelta(hours=1)
    )
    forged_code = create_prefill(database, {}, customer_id=CUSTOMER, token=forged)
    unsigned_code = create_prefill(database, {"domain": "example.gr"}, customer_id=CUSTOMER)
    with pytest.raises(ValueError):
        create_prefill(database, {}, customer_id=CUSTOMER, token="not a pre-fill")
    database.close()
    profile = make_profile({"kind": "helpdesk", "helpdesk": "intake", "url": rt_relay.url})
    profile = profile.model_copy(update={"prefill": Prefill(public_key=prefill.public_key_line(key))})

    found, verified = fetch_by_code(profile, code.lower(), token=rt_relay.token, transport=spec_transport)
    assert found == token
    assert verified.fields.domain == "example.gr" and verified.staff == "Eleni"  # not the relay's copy
    for bad, reason in ((forged_code, "prefill.bad_signature"), (unsigned_code, "prefill.unsigned")):
        with pytest.raises(prefill.PrefillError) as refused:
            fetch_by_code(profile, bad, token=rt_relay.token, transport=spec_transport)
        assert refused.value.code == reason
