"""History: search by words, domain, category and reference; user input is never FTS syntax."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from composer import history
from composer.errors import ComposerError
from composer.model import Receipt
from composer.store import Store
from tests.servers.intake import make_profile, make_request

PROFILE = make_profile({"kind": "file"})


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    with Store(data_dir) as opened:
        yield opened


def sent(store: Store, reference: str, **fields: object) -> str:
    request = make_request(store, sizes=(), **fields)
    receipt = Receipt(channel="intake", reference=reference, sent_at=datetime.now(UTC))
    with store.transaction() as db:
        history.record(db, request, PROFILE, receipt)
    return str(request.id)


def test_search_words_domain_category_reference(store: Store) -> None:
    # fixed ids: the text ends with the request's id, and a random one starting with "2"
    # would match the words "EX" and "2" of the search for "EX-2" below
    mail = sent(store, "EX-1", id="a1" * 16, domain="παράδειγμα.gr", description="Outlook says 0x800CCC0E")
    site = sent(
        store,
        "EX-2",
        id="b2" * 16,
        domain="shop.example",
        category="site_down",
        description="Shop shows error 502",
    )
    assert [h.request_id for h in history.search(store, "0x800ccc0e")] == [mail]
    assert [h.request_id for h in history.search(store, "shop 502")] == [site]
    assert [h.request_id for h in history.search(store, "EX-2")] == [site]
    assert [h.request_id for h in history.search(store, "site_down")] == [site]
    assert {h.request_id for h in history.search(store, "")} == {mail, site}
    assert history.search(store, "nothing-like-this") == []


@pytest.mark.parametrize("text", ['"', "AND OR NOT", "*", "a:b", "NEAR(", "'; DROP TABLE history; --"])
def test_odd_input_is_not_an_error(store: Store, text: str) -> None:
    sent(store, "EX-1")
    history.search(store, text)


def test_unknown_request(store: Store) -> None:
    with pytest.raises(ComposerError) as caught:
        history.reopen_as_template(store, "missing")
    assert caught.value.code == "history.not_found"
    assert history.get(store, "missing") is None
