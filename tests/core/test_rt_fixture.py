"""The real Request Tracker the delivery and relay tests use behaves as RT does.

These pin down the facts the app is built on: REST2 with a token creates a
ticket; mail through the gateway creates one and RT answers the requester
with its tag in the subject; a reply carrying the tag lands in the same
ticket, while one that only has ``In-Reply-To`` opens a new ticket.
"""

from __future__ import annotations

import re
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import make_msgid

from tests.servers.rt import RequestTracker, RtMailGateway

TAG = re.compile(r"\[support\.example\.test #(\d+)\]")


def _message(sender: str, subject: str, body: str, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@example.test"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="composer.test")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def _tickets_for(tracker: RequestTracker, sender: str) -> list[dict[str, object]]:
    return tracker.tickets(f"Requestor.EmailAddress = '{sender}'")


def test_rest2_token_creates_a_ticket(request_tracker: RequestTracker) -> None:
    sender = f"rest-{uuid.uuid4().hex[:8]}@example.gr"
    created = request_tracker.api(
        "POST",
        "ticket",
        {"Queue": "General", "Subject": "Site down", "Requestor": sender, "Content": "It is down."},
    )
    assert int(created["id"]) > 0
    assert [int(str(t["id"])) for t in _tickets_for(request_tracker, sender)] == [int(created["id"])]


def test_mail_makes_a_ticket_and_rt_answers_with_its_tag(request_tracker: RequestTracker) -> None:
    sender = f"mail-{uuid.uuid4().hex[:8]}@example.gr"
    first = _message(sender, "Mail bounces", "Gmail says the account does not exist.")
    with RtMailGateway(request_tracker, user=sender, password="pw-1") as gateway:
        with smtplib.SMTP("127.0.0.1", gateway.port, timeout=30) as client:
            client.starttls(context=gateway.client_context())
            client.login(sender, "pw-1")
            client.send_message(first)
        tickets = _tickets_for(request_tracker, sender)
        assert len(tickets) == 1
        ticket_id = int(str(tickets[0]["id"]))

        replies = request_tracker.mail_to(sender)
        assert replies, "RT sent no automatic reply"
        reply = replies[0]
        assert reply["In-Reply-To"] == first["Message-ID"]
        found = TAG.search(str(reply["Subject"]))
        assert found and int(found.group(1)) == ticket_id

        # only In-Reply-To: RT opens a second ticket
        untagged = _message(sender, "Re: Mail bounces", "Still bouncing.", In_Reply_To=first["Message-ID"])
        # with the tag: the same ticket
        tagged = _message(
            sender, f"Re: Mail bounces {request_tracker.subject_tag(ticket_id)}", "Still bouncing, tagged."
        )
        with smtplib.SMTP("127.0.0.1", gateway.port, timeout=30) as client:
            client.starttls(context=gateway.client_context())
            client.login(sender, "pw-1")
            client.send_message(tagged)
            client.send_message(untagged)
    tickets = _tickets_for(request_tracker, sender)
    assert len(tickets) == 2
    texts = request_tracker.correspondence(ticket_id)
    assert any("Still bouncing, tagged." in text for text in texts)
    assert not any("Still bouncing." in text and "tagged" not in text for text in texts)
