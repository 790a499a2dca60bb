"""One request per problem: an open request for the same domain and a related kind is found."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from composer import history
from composer.channels.base import SendContext
from composer.model import Receipt, Request, Requester
from composer.profile import load_profile
from composer.related import open_related, related_categories
from composer.store import Store

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _sent(store: Store, *, domain: str, category: str, days_ago: float, reference: str) -> Request:
    request = Request(domain=domain, category=category, summary=f"{category} on {domain}")
    receipt = Receipt(channel="email", reference=reference, sent_at=NOW - timedelta(days=days_ago))
    with store.transaction() as db:
        history.record(db, request, load_profile(), receipt)
    return request


def test_related_kinds() -> None:
    assert related_categories("mail_receiving", "mailbox_full")
    assert related_categories("site_down", "database")
    assert not related_categories("mail_receiving", "site_down")
    assert not related_categories("billing", "site_down")
    assert related_categories("other", "other")
    assert not related_categories("", "")


def test_an_open_request_for_the_same_problem_is_offered(data_dir: Path) -> None:
    with Store(data_dir) as store:
        mail = _sent(store, domain="example.gr", category="mail_receiving", days_ago=3, reference="EX-1")
        _sent(store, domain="example.gr", category="site_down", days_ago=1, reference="EX-2")
        _sent(store, domain="other.gr", category="mail_receiving", days_ago=1, reference="EX-3")
        _sent(store, domain="example.gr", category="mail_sending", days_ago=45, reference="EX-4")
        new = Request(domain="example.gr", category="mailbox_full")
        found = open_related(store, new, now=NOW)
        assert [item.reference for item in found] == ["EX-1"]
        assert found[0].request_id == mail.id
        # one the helpdesk reported closed is not offered
        assert open_related(store, new, now=NOW, closed=lambda item: item.reference == "EX-1") == []
        # nothing to compare without a domain or a kind of problem
        assert open_related(store, Request(category="mail_receiving"), now=NOW) == []
        # the request itself, once sent, is not its own duplicate
        assert open_related(store, mail, now=NOW) == []


def test_a_ticket_the_helpdesk_closed_is_not_offered_and_the_outbox_counts(data_dir: Path) -> None:
    """Against the intake test server: its status answer decides, and is remembered."""
    from keyring.backends.fail import Keyring as FailKeyring

    from composer.channels.factory import ChannelFactory
    from composer.credentials import Credentials, identity
    from composer.outbox import insert_entry
    from composer.related import find_related
    from composer.ticket_status import known_status
    from tests.servers.intake import TOKEN, IntakeServer, make_profile

    with IntakeServer() as server, Store(data_dir) as store:
        profile = make_profile({"kind": "helpdesk", "helpdesk": "intake", "url": server.url})
        secrets = Credentials(backend=FailKeyring())
        secrets.set("example", identity("intake", "maria@example.gr"), TOKEN)
        factory = ChannelFactory(store, secrets, data_dir / "bundles")
        channel = factory.make(profile.channels[0], profile)
        sent = Request(
            domain="example.gr",
            category="mail_sending",
            summary="No mail leaves",
            requester=Requester(name="Maria", email="maria@example.gr"),
        )
        receipt = channel.send(sent, SendContext(profile=profile, idempotency_key="k" * 20))
        with store.transaction() as db:
            history.record(db, sent, profile, receipt)
        new = sent.model_copy(update={"id": "new-one", "category": "mail_receiving"})
        now = datetime.now(UTC)

        found = find_related(store, new, now=now, factory=factory, profile=profile)
        assert [item.reference for item in found.sent] == [receipt.reference]
        assert known_status(store, sent.id) == "new"  # as a helpdesk says until something happened

        server.tickets[receipt.reference].status = "closed"
        assert not find_related(store, new, now=now, factory=factory, profile=profile)
        # the relay gone: the last known state still counts
        server.stop()
        assert not find_related(store, new, now=now, factory=factory, profile=profile)
        assert server.violations == []

        waiting = Request(domain="example.gr", category="mailbox_full", summary="Waiting")
        insert_entry(store, waiting, make_profile({"kind": "file"}))
        pending = find_related(store, new, now=now).pending
        assert [item.request_id for item in pending] == [waiting.id]
        assert pending[0].reference == ""
        # another domain or kind in the outbox is not the same problem
        assert find_related(store, new.model_copy(update={"domain": "other.gr"}), now=now).pending == []
