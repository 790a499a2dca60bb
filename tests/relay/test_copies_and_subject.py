"""The document's ``subject``, ``language`` and ``copy_to`` reach the helpdesk; foreign copies do not.

The desktop renders the subject once at Send in the provider's language
(``composer/rendered.py``) and may ask for the account's owner in Cc
(``support.copy_owner``). Checked in the real Request Tracker (the Cc watcher
RT keeps), the Freshdesk and Zendesk stand-ins (``cc_emails``, ``email_ccs``)
and a real SMTP server (the mail intake's ``Cc`` header, with an envelope
that still names only the intake address). A token holder must not make the
helpdesk mail anyone else: an address that is not one of the customer's
contacts is refused before anything is stored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from composer_relay.db import open_database
from tests.relay.conftest import CUSTOMER, REQUESTER, RtRelay
from tests.relay.test_api import document
from tests.relay.test_freshdesk import settings as freshdesk_settings
from tests.relay.test_mail_adapter import mail_settings
from tests.servers.freshdesk import FreshdeskStandIn
from tests.servers.relay import RelayServer, issue, relay_config
from tests.servers.smtp import SmtpServer
from tests.servers.zendesk import ZendeskStandIn

TECHNICAL = "web@studio.example"
SUBJECT = "Αποστολή αλληλογραφίας – example.gr: Η αλληλογραφία δεν φεύγει"


def rendered(request_id: str, *, copy_to: list[str], email: str = TECHNICAL) -> dict[str, Any]:
    """A document as the desktop now sends it: subject and language rendered at Send, a copy for the owner."""
    doc = document(id=request_id, email=email, summary="mail is stuck")
    return {**doc, "subject": SUBJECT, "language": "el", "copy_to": copy_to, "text": "Το κείμενο.\n"}


def post(url: str, token: str, doc: dict[str, Any], key: str) -> httpx.Response:
    parts = [("request", (None, json.dumps(doc), "application/json"))]
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key, "Accept-Language": "el"}
    with httpx.Client(timeout=30) as client:
        return client.post(f"{url}/requests", files=parts, headers=headers)


def stored_requests(config: Any) -> int:
    database = open_database(config.storage.database)
    try:
        with database.transaction(write=False) as cursor:
            cursor.execute("SELECT COUNT(*) FROM requests")
            return int(cursor.fetchone()[0])
    finally:
        database.close()


def test_rt_gets_the_rendered_subject_and_the_owner_as_cc_watcher(rt_relay: RtRelay) -> None:
    answer = post(
        rt_relay.url, rt_relay.token, rendered("cc-rt-0001", copy_to=[REQUESTER]), "key-cc-rt-00000001"
    )
    assert answer.status_code == 201, answer.text
    number = answer.json()["reference"]
    assert number.isdigit()  # RT's own number, in time
    ticket = rt_relay.tracker.api("GET", f"ticket/{number}")
    assert ticket["Subject"] == SUBJECT
    assert [watcher["id"] for watcher in ticket["Cc"]] == [REQUESTER]
    assert [watcher["id"] for watcher in ticket["Requestor"]] == [TECHNICAL]


def test_a_foreign_copy_is_refused_translated_and_nothing_is_stored(rt_relay: RtRelay) -> None:
    doc = rendered("cc-rt-0002", copy_to=[REQUESTER, "victim@elsewhere.example"])
    answer = post(rt_relay.url, rt_relay.token, doc, "key-cc-rt-00000002")
    assert answer.status_code == 422 and answer.headers["content-language"] == "el"
    body = answer.json()
    assert body["code"] == "copy_to.not_allowed"
    assert body["errors"] == [{"field": "copy_to.1", "message": "δεν είναι από τις επαφές του πελάτη"}]
    assert "victim@elsewhere.example" in body["detail"] and body["title"] != body["code"]
    assert "A copy" not in body["title"]  # in Greek, not English
    assert stored_requests(rt_relay.server.config) == 0
    assert rt_relay.tracker.tickets("'CF.{Request ID}' = 'cc-rt-0002'") == []


def test_freshdesk_gets_the_subject_and_cc_emails(tmp_path: Path) -> None:
    with FreshdeskStandIn() as freshdesk:
        config = relay_config(tmp_path, freshdesk_settings(freshdesk.url))
        token = issue(config, CUSTOMER, {REQUESTER: "owner", TECHNICAL: "technical"})
        with RelayServer(config) as relay:
            # the requester in copy_to too: it is the requester already, not a Cc
            doc = rendered("cc-fd-0001", copy_to=[REQUESTER.upper(), TECHNICAL])
            answer = post(relay.url, token, doc, "key-cc-fd-00000001")
        assert answer.status_code == 201, answer.text
        [ticket] = freshdesk.tickets.values()
        assert ticket.fields["subject"] == SUBJECT
        assert ticket.fields["cc_emails"].split("\n") == [REQUESTER]
        # the relay's own line under the text is in the text's language (the document's)
        assert "Επαληθευμένη επαφή του πελάτη C-1042: τεχνική επαφή" in ticket.fields["description"]


def test_zendesk_gets_the_subject_and_email_ccs(tmp_path: Path) -> None:
    from tests.relay.test_zendesk import settings as zendesk_settings

    with ZendeskStandIn() as zendesk:
        config = relay_config(tmp_path, zendesk_settings(zendesk.url))
        token = issue(config, CUSTOMER, {REQUESTER: "owner", TECHNICAL: "technical"})
        with RelayServer(config) as relay:
            answer = post(relay.url, token, rendered("cc-zd-0001", copy_to=[REQUESTER]), "key-cc-zd-00000001")
        assert answer.status_code == 201, answer.text
        [ticket] = zendesk.tickets.values()
        assert ticket.data["subject"] == SUBJECT
        assert ticket.data["email_ccs"] == [{"user_email": REQUESTER, "action": "put"}]


def test_mail_intake_gets_a_cc_header_but_mails_only_the_intake(tmp_path: Path) -> None:
    with SmtpServer() as smtp:
        config = relay_config(tmp_path, mail_settings(smtp, tmp_path))
        token = issue(config, CUSTOMER, {REQUESTER: "owner", TECHNICAL: "technical"})
        with RelayServer(config) as relay:
            answer = post(
                relay.url, token, rendered("cc-mail-0001", copy_to=[REQUESTER]), "key-cc-mail-0000001"
            )
        assert answer.status_code == 201, answer.text
        [sent] = smtp.messages
    assert sent.rcpt_tos == ["support@example.test"]
    assert sent.message["Cc"] == REQUESTER and sent.message["Content-Language"] == "el"
    assert sent.message["Subject"].startswith(SUBJECT)


def test_without_a_rendered_subject_the_relay_still_makes_one(rt_relay: RtRelay) -> None:
    answer = post(rt_relay.url, rt_relay.token, document(id="cc-rt-0003"), "key-cc-rt-00000003")
    assert answer.status_code == 201, answer.text
    ticket = rt_relay.tracker.api("GET", f"ticket/{answer.json()['reference']}")
    assert ticket["Subject"] == "Mail cannot be sent" and ticket["Cc"] == []
