"""Knowledge-base articles: matched as the user types, and what they did, counted and reported."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring

from composer import kb
from composer.channels.factory import ChannelFactory
from composer.credentials import Credentials, identity
from composer.model import Finding, Report, Request, Severity
from composer.profile import ProviderProfile, load_profile
from composer.store import Store
from composer.triage import matching_articles
from tests.servers.intake import IntakeServer, make_profile
from tests.servers.relay_intake import RelayIntake

DEMO = load_profile()


def _titles(request: Request) -> list[str]:
    return [article.title for article in matching_articles(request, DEMO)]


def test_articles_follow_the_category_the_findings_and_the_words() -> None:
    assert _titles(Request()) == []
    assert _titles(Request(category="domain_registration"))[0] == "Renew or transfer a domain"
    assert _titles(Request(description="Outlook keeps asking"))[0] == "Set up your mailbox in Outlook"
    assert _titles(Request(summary="The domain expired yesterday"))[0] == "Renew or transfer a domain"
    expired = Report(
        domain="example.gr",
        started_at=datetime.now(UTC),
        findings=(Finding(code="registration.expired", severity=Severity.CRITICAL, title="expired"),),
    )
    assert _titles(Request(report=expired)) == ["Renew or transfer a domain"]
    # a keyword is a whole word: "outlooks" in a sentence is not the program
    assert _titles(Request(description="the outlooks are good")) == []


def test_an_article_that_did_not_help_is_linked_once() -> None:
    article = DEMO.kb[0]
    once = kb.followed(Request(tried="Restarted the computer."), article)
    assert once.tried.startswith("Restarted the computer.\nFollowed the article")
    assert str(article.url) in once.tried
    assert kb.followed(once, article) == once


@pytest.mark.parametrize("kind", ["intake", "relay"])
def test_outcomes_are_counted_and_reported_once_even_after_a_failure(data_dir: Path, kind: str) -> None:
    """Against the intake test server and the real relay (tests/servers/relay_intake.py)."""
    serving = IntakeServer() if kind == "intake" else RelayIntake(data_dir / "relay")
    with serving as server, Store(data_dir) as store:
        data = make_profile({"kind": "helpdesk", "helpdesk": "intake", "url": server.url}).model_dump(
            mode="json", by_alias=True
        )
        data["kb"] = DEMO.model_dump(mode="json", by_alias=True)["kb"]
        profile = ProviderProfile.model_validate(data)
        secrets = Credentials(backend=FailKeyring())
        secrets.set("example", identity("intake", "maria@example.gr"), server.token)
        factory = ChannelFactory(store, secrets, data_dir / "bundles")
        article = profile.kb[0]

        kb.record(store, article, kb.Outcome.SOLVED, category="mail_sending")
        server.stop()  # the relay is down: counted here, kept for later
        assert kb.report(store, factory, profile, "maria@example.gr", "el") == 0
        server.start()
        kb.record(store, article, kb.Outcome.NOT_HELPED)
        assert kb.report(store, factory, profile, "maria@example.gr", "el") == 2
        assert kb.report(store, factory, profile, "maria@example.gr", "el") == 0  # nothing twice
        url = str(article.url)
        assert server.article_outcomes == [
            {"article": url, "outcome": "solved", "category": "mail_sending", "language": "el"},
            {"article": url, "outcome": "not_helped", "language": "el"},
        ]
        assert kb.counts(store) == {(url, "solved"): 1, (url, "not_helped"): 1}
        assert server.violations == []
        # without a token (or an intake channel) nothing is sent, and nothing breaks
        assert kb.report(store, factory, profile, "someone@else.gr", "el") == 0
        assert kb.report(store, factory, DEMO, "maria@example.gr", "el") == 0
