"""The open intake: a sender without a customer token confirms by a link mailed to them first.

Confirmations go through a real SMTP server (aiosmtpd, STARTTLS, AUTH); the
helpdesk is the Zammad stand-in.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from composer_relay.adapters.mail import SmtpSettings
from composer_relay.cli import main as relay_main
from composer_relay.db import open_database
from composer_relay.tokens import OPEN
from tests.relay.test_api import document
from tests.relay.test_forwarding import _post, _until
from tests.relay.test_mail_adapter import mail_settings
from tests.relay.test_zammad import settings as zammad_settings
from tests.servers.relay import RelayServer, issue, relay_config
from tests.servers.smtp import SmtpServer
from tests.servers.zammad import ZammadStandIn


def open_config(tmp_path: Path, smtp: SmtpServer, zammad: ZammadStandIn, **extra: Any) -> Any:
    server = {k: v for k, v in mail_settings(smtp, tmp_path).items() if k in SmtpSettings.model_fields}
    return relay_config(
        tmp_path,
        zammad_settings(zammad.url),
        open_intake={"enabled": True, "smtp": server, **extra},
    )


def link_in(smtp: SmtpServer, address: str) -> str:
    [mail] = [m for m in smtp.messages if m.rcpt_tos == [address]]
    match = re.search(r"(http://\S+/confirm/\S+)", mail.message.get_content())
    assert match is not None
    return match.group(1)


def test_nothing_is_forwarded_until_the_sender_follows_the_link(tmp_path: Path) -> None:
    with SmtpServer() as smtp, ZammadStandIn() as zammad:
        config = open_config(tmp_path, smtp, zammad)
        token = issue(config, "open", {OPEN: "unconfirmed"})
        with RelayServer(config) as relay:
            answer = _post(
                relay, token, document(id="open-0001", email="someone@new.example"), "key-open-00000001"
            )
            assert answer.status_code == 201
            reference = answer.json()["reference"]
            assert reference.startswith("RC-")
            time.sleep(1.0)
            assert zammad.tickets == {}  # not confirmed: not forwarded
            link = link_in(smtp, "someone@new.example")
            with httpx.Client() as client:
                page = client.get(link)
                assert page.status_code == 200 and reference in page.text
                _until(lambda: len(zammad.tickets) == 1)
                assert client.get(link).status_code == 404  # used once
                status = client.get(
                    f"{relay.url}/requests/{reference}", headers={"Authorization": f"Bearer {token}"}
                )
            assert status.json()["reference"] == zammad.tickets[1].number
        article = zammad.tickets[1].articles[0]["body"]
        assert "Not a known contact: the sender confirmed this address" in article
        assert smtp.password not in article


def test_an_expired_link_forwards_nothing_and_a_closed_intake_refuses_the_token(tmp_path: Path) -> None:
    with SmtpServer() as smtp, ZammadStandIn() as zammad:
        config = open_config(tmp_path, smtp, zammad, confirm_hours=0.0001)
        token = issue(config, "open", {OPEN: "unconfirmed"})
        with RelayServer(config) as relay:
            _post(relay, token, document(id="open-0002", email="late@new.example"), "key-open-00000002")
            time.sleep(0.5)
            with httpx.Client() as client:
                assert client.get(link_in(smtp, "late@new.example")).status_code == 410
            time.sleep(0.5)
            assert zammad.tickets == {}
    closed = relay_config(tmp_path / "closed", zammad_settings("http://127.0.0.1:9"))
    closed_token = issue(closed, "open", {OPEN: "unconfirmed"})
    with RelayServer(closed, forward=False) as relay:
        refused = _post(relay, closed_token, document(id="open-0003"), "key-open-00000003")
    assert refused.status_code == 401 and refused.json()["code"] == "auth.invalid"


def test_token_issue_open_and_check_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "relay.toml"
    path.write_text(
        f'[storage]\ndatabase = "{tmp_path / "r.db"}"\nattachments = "{tmp_path / "files"}"\n'
        "[open_intake]\nenabled = true\n"
        '[helpdesk]\nkind = "mail"\nto = "s@example.test"\nsender = "r@example.test"\nhost = "127.0.0.1"\n',
        encoding="utf-8",
    )
    path.chmod(0o600)
    assert relay_main(["--config", str(path), "check-config"]) == 1
    assert "open_intake.smtp: missing" in capsys.readouterr().err
    path.write_text(path.read_text() + '[open_intake.smtp]\nhost = "127.0.0.1"\nsender = "r@example.test"\n')
    assert relay_main(["--config", str(path), "token", "issue", "--open"]) == 0
    assert capsys.readouterr().out.startswith("rct_")
    database = open_database(str(tmp_path / "r.db"))
    with database.transaction() as cursor:
        cursor.execute("SELECT customer_id, contacts FROM tokens")
        assert cursor.fetchall() == [("open", '{"*": "unconfirmed"}')]
    database.close()


def test_the_open_intake_copies_no_one_but_the_sender(tmp_path: Path) -> None:
    """An unknown sender could have the helpdesk mail anyone: only their own address may be in copy."""
    with SmtpServer() as smtp, ZammadStandIn() as zammad:
        config = open_config(tmp_path, smtp, zammad)
        token = issue(config, "open", {OPEN: "unconfirmed"})
        sender = "someone@new.example"
        with RelayServer(config) as relay:
            foreign = {**document(id="open-cc-0001", email=sender), "copy_to": ["victim@elsewhere.example"]}
            refused = _post(relay, token, foreign, "key-open-cc-0000001")
            own = {**document(id="open-cc-0002", email=sender), "copy_to": [sender.upper()]}
            accepted = _post(relay, token, own, "key-open-cc-0000002")
        assert refused.status_code == 422 and refused.json()["code"] == "copy_to.not_allowed"
        assert accepted.status_code == 201
        assert [m.rcpt_tos for m in smtp.messages] == [[sender]]  # one confirmation, to the sender only
