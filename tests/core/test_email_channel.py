"""The e-mail channel against a real SMTP server with STARTTLS / TLS and AUTH."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pytest

from composer.channels.base import DeliveryError, FailureKind, FollowUp, SendContext
from composer.channels.email import (
    EmailChannel,
    MailSettings,
    admin_address_warning,
    load_mail_settings,
    save_mail_settings,
    tagged_subject,
)
from composer.model import Receipt, Report, Requester, Role
from composer.render import render_subject, render_text
from composer.store import Store
from tests.servers.intake import make_profile, make_request
from tests.servers.smtp import PASSWORD, USER, SmtpServer

SUPPORT = "support@hosting.example"
TAG = "[Example #{number}]"


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    with Store(data_dir) as opened:
        yield opened


@pytest.fixture()
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def settings(server: SmtpServer, security: Literal["starttls", "tls", "none"] = "starttls") -> MailSettings:
    return MailSettings(host="127.0.0.1", port=server.port, security=security, username=USER, timeout=5)


def channel(
    server: SmtpServer, store: Store, *, password: str | None = PASSWORD, **kw: object
) -> EmailChannel:
    return EmailChannel(
        SUPPORT,
        subject_tag=TAG,
        settings=kw.pop("mail", None) or settings(server),  # type: ignore[arg-type]
        password=lambda _s: password,
        attachment_path=store.attachment_path,
        ssl_context=server.client_context(),
    )


PROFILE = make_profile({"kind": "email", "to": SUPPORT, "subject_tag": TAG})


def context(key: str = "rc-5f0e2b7d0c4a4f7e9b1a", **extra: object) -> SendContext:
    return SendContext(PROFILE, key, **extra)  # type: ignore[arg-type]


def report() -> Report:
    return Report(domain="example.gr", started_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC))


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_message_arrives_with_body_diagnostics_and_attachments(
    store: Store, security: Literal["starttls", "tls"]
) -> None:
    with SmtpServer(security=security) as server:
        request = make_request(store, sizes=(5, 200_000), report=report())
        receipt = channel(server, store, mail=settings(server, security)).send(request, context())
        assert server.auth_attempts == [(USER, True)]
    [received] = server.messages
    assert received.mail_from == "maria@example.gr" and received.rcpt_tos == [SUPPORT]
    message = received.message
    assert message["From"] == "Maria Papadopoulou <maria@example.gr>"
    assert message["Subject"] == render_subject(request, PROFILE)
    assert message["Message-ID"] == "<rc-5f0e2b7d0c4a4f7e9b1a@example.gr>" == receipt.message_id
    body = message.get_body(("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n") == render_text(request, PROFILE)
    files = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert json.loads(files["diagnostics.json"])["domain"] == "example.gr"
    for attachment in request.attachments:
        assert files[attachment.name] == store.attachment_path(attachment).read_bytes()


def test_follow_up_threads_by_headers_and_subject_tag(smtp: SmtpServer, store: Store) -> None:
    request = make_request(store)
    receipt = channel(smtp, store).send(request, context())
    sent = request.model_copy(update={"receipt": receipt.model_copy(update={"reference": "4711"})})
    extra = store.add_attachment_bytes("log.txt", b"line 1\n", media_type="text/plain")
    channel(smtp, store).send_follow_up(
        FollowUp("Still broken this morning.", (extra,)),
        context("rc-0a0b0c0d0e0f10111213", original=sent),
    )
    follow = smtp.messages[1].message
    assert follow["In-Reply-To"] == receipt.message_id
    assert follow["References"] == receipt.message_id
    assert follow["Subject"] == f"Re: [Example #4711] {render_subject(request, PROFILE)}"
    assert follow["Message-ID"] != receipt.message_id
    body = follow.get_body(("plain",))
    assert body is not None and "Still broken this morning." in body.get_content()
    [part] = list(follow.iter_attachments())
    assert part.get_filename() == "log.txt" and part.get_content() == "line 1\n"


def test_same_key_same_message_id(smtp: SmtpServer, store: Store) -> None:
    request = make_request(store)
    channel(smtp, store).send(request, context())
    channel(smtp, store).send(request, context())
    ids = {m.message["Message-ID"] for m in smtp.messages}
    assert len(ids) == 1


def test_wrong_password_is_auth_failure(smtp: SmtpServer, store: Store) -> None:
    with pytest.raises(DeliveryError) as caught:
        channel(smtp, store, password="wrong").send(make_request(store), context())
    assert caught.value.kind is FailureKind.AUTH and caught.value.params["status"] == 535
    assert "wrong" not in str(caught.value) and "wrong" not in repr(caught.value.params)
    with pytest.raises(DeliveryError) as missing:
        channel(smtp, store, password=None).send(make_request(store), context())
    assert missing.value.code == "credential.missing"


@pytest.mark.parametrize(("fault", "kind"), [("451", FailureKind.SERVER), ("554", FailureKind.REJECTED)])
def test_smtp_codes_are_classified(smtp: SmtpServer, store: Store, fault: str, kind: FailureKind) -> None:
    smtp.faults.append(fault)
    with pytest.raises(DeliveryError) as caught:
        channel(smtp, store).send(make_request(store), context())
    assert caught.value.kind is kind and caught.value.params["status"] == int(fault)


def test_untrusted_certificate_and_down_server(store: Store) -> None:
    with SmtpServer() as server:
        untrusted = EmailChannel(
            SUPPORT,
            settings=settings(server),
            password=lambda _s: PASSWORD,
            attachment_path=store.attachment_path,
        )
        with pytest.raises(DeliveryError) as caught:
            untrusted.send(make_request(store), context())
        assert caught.value.code == "delivery.tls" and caught.value.kind is FailureKind.CONFIG
    with pytest.raises(DeliveryError) as down:
        channel(server, store).send(make_request(store), context())
    assert down.value.kind is FailureKind.NETWORK


def test_plain_smtp_refused_to_remote_hosts(store: Store) -> None:
    remote = EmailChannel(
        SUPPORT,
        settings=MailSettings(host="mail.example", security="none"),
        password=lambda _s: None,
        attachment_path=store.attachment_path,
    )
    with pytest.raises(DeliveryError) as caught:
        remote.send(make_request(store), context())
    assert caught.value.code == "email.insecure"
    unset = EmailChannel(
        SUPPORT, settings=None, password=lambda _s: None, attachment_path=store.attachment_path
    )
    with pytest.raises(DeliveryError) as missing:
        unset.send(make_request(store), context())
    assert missing.value.code == "email.not_configured"


def test_admin_address_warning(store: Store) -> None:
    change = make_request(store, category="change_request")
    assert not admin_address_warning(change, PROFILE)
    technical = change.model_copy(
        update={"requester": Requester(email="dev@example.gr", role=Role.TECHNICAL)}
    )
    assert admin_address_warning(technical, PROFILE)
    question = technical.model_copy(update={"category": "mail_sending"})
    assert not admin_address_warning(question, PROFILE)


def test_subject_tag_and_settings_roundtrip(store: Store) -> None:
    assert tagged_subject("Mail down", TAG, "12") == "[Example #12] Mail down"
    assert tagged_subject("[Example #12] Mail down", TAG, "12") == "[Example #12] Mail down"
    assert tagged_subject("Mail down", "", "12") == "Mail down"
    assert load_mail_settings(store) is None
    saved = MailSettings(host="mail.example.gr", port=465, security="tls", username=USER)
    save_mail_settings(store, saved)
    assert load_mail_settings(store) == saved
    assert Receipt  # the receipt model is what the channel returns
