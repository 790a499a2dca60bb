"""The evidence people attach travels with the type an agent's mail client can show."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.channels.base import SendContext
from composer.channels.email import EmailChannel, MailSettings
from composer.mediatypes import media_type_for
from composer.store import Store
from tests.servers.intake import make_profile, make_request
from tests.servers.smtp import SmtpServer

SAVED_MAIL = (
    b"From: Gmail <mailer-daemon@googlemail.com>\r\nTo: sales@example.gr\r\n"
    b"Subject: Delivery Status Notification (Failure)\r\n\r\n550 5.7.1 rejected\r\n"
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("error.log", "text/plain"),
        ("site.har", "application/json"),
        ("bounce.eml", "message/rfc822"),
        ("notes.TXT", "text/plain"),
        ("invoice.pdf", "application/pdf"),
        ("screen.png", "image/png"),
        ("photo.JPEG", "image/jpeg"),
        (".htaccess", "text/plain"),
        ("blob.unknownext", "application/octet-stream"),
    ],
)
def test_types_by_name(name: str, expected: str) -> None:
    assert media_type_for(name) == expected
    assert media_type_for(name, "application/octet-stream") == expected
    assert media_type_for(name, "image/webp") == "image/webp"  # what the source said wins


def test_email_attachments_have_their_types(data_dir: Path) -> None:
    with Store(data_dir) as store, SmtpServer(security="none") as server:
        files = [
            store.add_attachment_bytes("error.log", b"[error] PHP Fatal error\n"),
            store.add_attachment_bytes("site.har", b'{"log": {"entries": []}}'),
            store.add_attachment_bytes("bounce.eml", SAVED_MAIL),
            store.add_attachment_bytes("invoice.pdf", b"%PDF-1.4\n%%EOF\n"),
            store.add_attachment_bytes("screen.png", b"\x89PNG\r\n\x1a\n"),
        ]
        request = make_request(store, sizes=(), attachments=tuple(files))
        profile = make_profile({"kind": "email", "to": "support@hosting.example"})
        EmailChannel(
            "support@hosting.example",
            settings=MailSettings(host="127.0.0.1", port=server.port, security="none"),
            password=lambda _s: None,
            attachment_path=store.attachment_path,
        ).send(request, SendContext(profile, "rc-mime"))
    [received] = server.messages
    parts = {p.get_filename(): p for p in received.message.iter_attachments()}
    assert {name: p.get_content_type() for name, p in parts.items()} == {
        "error.log": "text/plain",
        "site.har": "application/json",
        "bounce.eml": "message/rfc822",
        "invoice.pdf": "application/pdf",
        "screen.png": "image/png",
    }
    inner = parts["bounce.eml"].get_content()
    assert inner["Subject"] == "Delivery Status Notification (Failure)"
    assert parts["bounce.eml"]["Content-Transfer-Encoding"] in {None, "7bit", "8bit"}
    assert "PHP Fatal error" in parts["error.log"].get_content()
