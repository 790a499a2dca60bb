"""The relay speaks to customers in their language: problems, the open intake's mail and page.

The catalogue is the relay's own (``relay/composer_relay/locale/``, gettext
``.po``): every string is translated into Greek, Croatian and Russian with
the same placeholders; the language comes from ``Accept-Language`` (the
desktop sends its UI language) or the request's own ``language``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from composer.channels.base import DeliveryError
from composer.channels.intake import IntakeClient
from composer.i18n import set_language
from composer_relay.i18n import choose_language, read_po
from composer_relay.tokens import OPEN
from tests.relay.conftest import CUSTOMER
from tests.relay.test_api import MAIL, document
from tests.relay.test_forwarding import _post
from tests.relay.test_open_intake import link_in, open_config
from tests.servers.relay import RelayServer, issue, relay_config
from tests.servers.smtp import SmtpServer
from tests.servers.zammad import ZammadStandIn

RELAY = Path(__file__).resolve().parents[2] / "relay"
sys.path.insert(0, str(RELAY))
import extract_messages  # noqa: E402

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@pytest.mark.parametrize("language", ["el", "hr", "ru"])
def test_every_string_is_translated_with_its_placeholders(language: str) -> None:
    singles, plurals = read_po((extract_messages.LOCALE / f"{language}.po").read_text("utf-8"))
    for msgid, plural in extract_messages.messages():
        if plural is None:
            assert msgid in singles, f"{language}: {msgid!r} is not translated"
            assert sorted(PLACEHOLDER.findall(singles[msgid])) == sorted(PLACEHOLDER.findall(msgid))
        else:
            forms = plurals.get(msgid, [])
            assert len(forms) == (2 if language == "el" else 3), f"{language}: {msgid!r}"
            assert all(PLACEHOLDER.findall(form) == ["{n}"] for form in forms)


def test_the_template_lists_every_string() -> None:
    expected = extract_messages.write(None, extract_messages.messages(), {})
    assert (extract_messages.LOCALE / "messages.pot").read_text("utf-8") == expected, (
        "run .venv/bin/python relay/extract_messages.py"
    )


def test_the_language_is_negotiated() -> None:
    assert choose_language("de-DE,de;q=0.9,el;q=0.8,en;q=0.5") == "el"
    assert choose_language("en;q=0.2, ru-RU") == "ru"
    assert choose_language("", "hr") == "hr"
    assert choose_language("*", "fr") == "en"
    assert choose_language("hr;q=0, el") == "el"


@pytest.fixture()
def mail_relay(tmp_path: Path) -> Iterator[tuple[RelayServer, str]]:
    config = relay_config(
        tmp_path, MAIL, server={"answer_wait_seconds": 0.0}, limits={"max_attachment_bytes": 10}
    )
    token = issue(config, CUSTOMER, "maria@example.gr")
    with RelayServer(config, forward=False) as server:
        yield server, token


def test_problems_come_in_the_callers_language_with_the_same_code(
    mail_relay: tuple[RelayServer, str],
) -> None:
    server, token = mail_relay
    with httpx.Client() as client:
        refused = client.get(
            f"{server.url}/requests/RC-NOPE",
            headers={"Authorization": "Bearer nope", "Accept-Language": "el"},
        )
        assert refused.status_code == 401 and refused.json()["code"] == "auth.invalid"
        assert refused.json()["title"] == "Αυτό το κλειδί πρόσβασης δεν είναι έγκυρο"
        assert refused.headers["content-language"] == "el"
        missing = client.get(
            f"{server.url}/requests/RC-NOPE",
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "ru-RU,ru;q=0.9"},
        )
        assert missing.json() == {
            "title": "Такого тикета нет",
            "status": 404,
            "code": "ticket.not_found",
            "detail": "Ничего не известно под номером RC-NOPE.",
        }
    big = ("photo.png", b"x" * 11, "image/png")
    too_large = httpx.post(
        f"{server.url}/requests",
        files=[("request", (None, _json(document(big)), "application/json")), ("attachments", big)],
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": "key-i18n-0000000001",
            "Accept-Language": "hr",
        },
    )
    assert too_large.status_code == 413 and too_large.json()["code"] == "request.too_large"
    assert too_large.json()["title"] == "Datoteka photo.png je prevelika"
    assert too_large.json()["detail"] == "Najviše 10 bajtova po datoteci."
    english = httpx.get(f"{server.url}/requests/RC-NOPE", headers={"Authorization": "Bearer nope"})
    assert english.json()["title"] == "This token is not valid"


def _json(value: object) -> str:
    import json

    return json.dumps(value)


def test_the_desktop_shows_the_relays_reason_in_its_own_language(mail_relay: tuple[RelayServer, str]) -> None:
    server, token = mail_relay
    key = "rc-i18n-conflict-00000001"
    set_language("ru")
    try:
        with IntakeClient(server.url, token=token) as client:
            client.create_request(_json(document(id="i18n-first")), [], idempotency_key=key)
            with pytest.raises(DeliveryError) as caught:
                client.create_request(_json(document(id="i18n-other")), [], idempotency_key=key)
    finally:
        set_language("en")
    assert caught.value.code == "delivery.rejected"
    assert caught.value.params["reason"] == (
        "Для нового запроса используйте новый ключ; "
        "тот же ключ — только для повторной отправки того же запроса."
    )


def test_the_confirmation_mail_and_page_are_in_the_senders_language(tmp_path: Path) -> None:
    with SmtpServer() as smtp, ZammadStandIn() as zammad:
        config = open_config(tmp_path, smtp, zammad)
        token = issue(config, "open", {OPEN: "unconfirmed"})
        with RelayServer(config) as relay:
            written = document(id="open-ru-0001", email="ivan@new.example", language="ru")
            assert _post(relay, token, written, "key-open-ru-00000001").status_code == 201
            [mail] = [m for m in smtp.messages if m.rcpt_tos == ["ivan@new.example"]]
            assert mail.message["Subject"].startswith("Пожалуйста, подтвердите ваш запрос в поддержку RC-")
            text = mail.message.get_content()
            assert "Чтобы отправить его в нашу службу поддержки, откройте эту ссылку:" in text
            assert "Ссылка действует 48 часов." in text
            link = link_in(smtp, "ivan@new.example")
            with httpx.Client() as client:
                # the browser says Croatian: the page is Croatian; without a preference, the request's
                page = client.get(link, headers={"Accept-Language": "hr-HR,hr;q=0.9"})
                assert page.status_code == 200 and '<html lang="hr">' in page.text
                assert "Hvala" in page.text and "upućen je našoj podršci" in page.text
                again = client.get(link)
                assert again.status_code == 404 and "Эта ссылка недействительна" not in again.text
                assert "This link is not valid" in again.text  # unknown link: nothing says the language
