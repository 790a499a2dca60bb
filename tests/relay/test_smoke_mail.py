"""Smoke."""

from __future__ import annotations

from pathlib import Path

from composer.channels.base import SendContext
from composer.channels.intake import IntakeChannel
from composer.store import Store
from tests.servers.intake import make_profile, make_request
from tests.servers.relay import RelayServer, issue, relay_config
from tests.servers.smtp import SmtpServer


def test_smoke(tmp_path: Path, data_dir: Path) -> None:
    with SmtpServer() as smtp, Store(data_dir) as store:
        ca = tmp_path / "ca.pem"
        smtp.ca.cert_pem.write_to_path(str(ca))
        config = relay_config(
            tmp_path,
            {
                "kind": "mail",
                "to": "support@example.test",
                "sender": "relay@example.test",
                "host": "localhost",
                "port": smtp.port,
                "username": smtp.user,
                "password": smtp.password,
                "ca_file": str(ca),
            },
        )
        token = issue(config, "C-1", "maria@example.gr")
        with RelayServer(config) as relay:
            channel = IntakeChannel(relay.url, token=lambda _r: token, attachment_path=store.attachment_path)
            request = make_request(store, sizes=(10, 300_000))
            receipt = channel.send(
                request, SendContext(make_profile({"kind": "file"}), "rc-0123456789abcdef0123")
            )
            print(receipt)
            assert smtp.messages
