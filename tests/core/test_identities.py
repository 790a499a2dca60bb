"""Identities and client domains: who may file what, what the request and the e-mail say, storage."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer import outbox as box
from composer.channels.email import MailSettings, save_mail_settings, smtp_identity
from composer.channels.factory import ChannelFactory
from composer.credentials import Credentials
from composer.delivery import Backoff, DeliveryListener, OutboxWorker
from composer.errors import ValidationError
from composer.identities import (
    IdentityBook,
    apply_client,
    client_domain,
    filed_by,
    filing_warning,
    load_book,
    new_identity,
    owner_copy,
    pick_for_domain,
    save_book,
)
from composer.identity_secrets import (
    api_key_identity,
    forget_secrets,
    set_api_key,
    set_mail_password,
    stored_secrets,
)
from composer.model import Request, Role
from composer.outbox import OutboxState
from composer.policy import filing_for
from composer.profile import ProviderProfile, load_profile
from composer.profile_check import check_profile_text
from composer.render import render_json, render_text
from composer.resources import resource_path
from composer.store import Store
from tests.core.factories import copy_owner_profile
from tests.servers.intake import make_request
from tests.servers.keyring import SecretService
from tests.servers.smtp import SmtpServer

SUPPORT = "support@hosting.example"
DESIGNER = new_identity("Maria Papadopoulou", "maria@studio.gr", role=Role.TECHNICAL, organisation="Studio M")
OWN = new_identity("Maria Papadopoulou", "maria@maria-shop.gr", role=Role.OWNER)
BILLING = new_identity("Eleni Georgiou", "accounts@client-one.gr", role=Role.BILLING)
CLIENT_ONE = client_domain(
    "client-one.gr", "nikos@client-one.gr", owner_name="Nikos Georgiou", identity=DESIGNER.id
)
CLIENT_TWO = client_domain("klijent.hr", "ana@klijent.hr", owner_name="Ana Horvat", identity=DESIGNER.id)
BOOK = IdentityBook(identities=(DESIGNER, OWN, BILLING), clients=(CLIENT_ONE, CLIENT_TWO))


def example_profile(**support: object) -> ProviderProfile:
    profile = load_profile(resource_path("profiles", "example-hosting.toml"))
    return profile.model_copy(update={"support": profile.support.model_copy(update=support)})


def email_profile(*, copy_owner: bool = True) -> ProviderProfile:
    return copy_owner_profile(SUPPORT, copy_owner=copy_owner)


def filed(category: str, person: object, client: object = CLIENT_ONE) -> Request:
    request = Request(category=category, domain="client-one.gr")
    return apply_client(request, client, person)  # type: ignore[arg-type]


# -- who may file what --------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "category", "allowed", "code"),
    [
        # billing only by the owner or the billing contact
        (OWN, "billing", True, "filing.ok"),
        (BILLING, "billing", True, "filing.ok"),
        (DESIGNER, "billing", False, "filing.role_refused"),
        # technical work also from the technical contact
        (DESIGNER, "mail_sending", True, "filing.ok"),
        (DESIGNER, "site_down", True, "filing.ok"),
        (BILLING, "mail_sending", False, "filing.role_refused"),
        # changes only from the administrator address (the owner's, from the client entry)
        (DESIGNER, "change_request", False, "filing.admin_mismatch"),
        (BILLING, "change_request", False, "filing.role_refused"),
    ],
)
def test_roles_and_categories_of_the_example_profile(
    person: object, category: str, allowed: bool, code: str
) -> None:
    profile = example_profile()
    client = CLIENT_ONE if person is not OWN else client_domain("maria-shop.gr", OWN.email)
    filing = filing_for(profile, filed(category, person, client))
    assert (filing.allowed, filing.code) == (allowed, code)


def test_the_owner_of_a_client_domain_may_ask_for_changes() -> None:
    owner = new_identity("Nikos Georgiou", "nikos@client-one.gr", role=Role.OWNER)
    filing = filing_for(example_profile(), filed("change_request", owner))
    assert filing.allowed and filing.code == "filing.ok"


def test_the_warning_names_the_owner_and_says_what_to_do() -> None:
    warning = filing_warning(example_profile(), filed("billing", DESIGNER))
    assert warning is not None
    message, advice = warning
    assert "Example Hosting" in message
    assert "Nikos Georgiou <nikos@client-one.gr>" in advice
    # a technical contact asking for invoices is told to become a billing contact, not a technical one
    assert "billing contact" in advice and "control panel" in advice
    assert "technical contact" not in advice
    other = filing_warning(
        example_profile(), filed("billing", new_identity("Eva", "eva@x.gr", role=Role.OTHER))
    )
    assert other is not None and "billing contact" in other[1]
    assert "Invoices are asked for by the owner" in advice  # the provider's own advice follows
    mismatch = filing_warning(example_profile(), filed("change_request", DESIGNER))
    assert mismatch is not None and "nikos@client-one.gr" in mismatch[0] + mismatch[1]
    assert filing_warning(example_profile(), filed("mail_sending", DESIGNER)) is None


def test_the_warning_is_translated() -> None:
    from composer import i18n

    before = i18n.current_language()
    i18n.set_language("el")
    try:
        warning = filing_warning(example_profile(), filed("billing", DESIGNER))
    finally:
        i18n.set_language(before)
    assert warning is not None
    assert "Ask the owner" not in warning[1] and "Nikos Georgiou" in warning[1]


def test_demo_profile_keeps_invoices_from_the_technical_contact() -> None:
    demo = load_profile()
    assert not filing_for(demo, filed("billing", DESIGNER)).allowed
    assert filing_for(demo, filed("web_app", DESIGNER)).allowed


# -- client domains pick the identity ------------------------------------------------


def test_choosing_a_client_domain_picks_its_identity_and_owner() -> None:
    picked = pick_for_domain(Request(domain="www.client-one.gr", category="site_down"), BOOK)
    assert picked is not None
    requester = picked.requester
    assert (requester.name, requester.email, requester.role) == (
        DESIGNER.name,
        DESIGNER.email,
        Role.TECHNICAL,
    )
    assert requester.organisation == "Studio M"
    assert requester.on_behalf_of == "Nikos Georgiou <nikos@client-one.gr>"
    assert requester.admin_address == "nikos@client-one.gr"
    other = pick_for_domain(picked.touched(domain="shop.klijent.hr"), BOOK)
    assert other is not None and other.requester.on_behalf_of == "Ana Horvat <ana@klijent.hr>"
    assert other.domain == "shop.klijent.hr"  # the name typed is kept: web and mail are checked on it
    assert pick_for_domain(other, BOOK) is None  # nothing changes any more
    assert pick_for_domain(Request(domain="unknown.gr"), BOOK) is None


def test_a_client_without_a_filer_uses_the_first_technical_contact() -> None:
    book = BOOK.without_identity(DESIGNER.id).with_identity(DESIGNER)
    assert all(c.identity == "" for c in book.clients)
    assert book.filer(book.clients[0]) == DESIGNER


def test_typed_values_are_checked() -> None:
    with pytest.raises(ValidationError) as empty:
        new_identity(" ", "maria@studio.gr")
    assert empty.value.code == "name.empty"
    with pytest.raises(ValidationError) as bad:
        client_domain("client-one.gr", "nikos at client")
    assert bad.value.code == "client.owner_email"
    with pytest.raises(ValidationError) as domain:
        client_domain("klijent.c", "ana@klijent.hr")
    assert domain.value.code == "domain.unknown_tld"


# -- what the provider receives -----------------------------------------------------------


def test_the_rendered_request_says_who_files_for_whom_and_who_has_a_copy() -> None:
    profile = email_profile()
    request = filed("site_down", DESIGNER)
    text = render_text(request, profile)
    assert (
        "Maria Papadopoulou <maria@studio.gr> (technical contact) on behalf of "
        "Nikos Georgiou <nikos@client-one.gr> (owner)" in text
    )
    assert "Copy to:" in text and "nikos@client-one.gr" in text
    assert owner_copy(request, profile) == "nikos@client-one.gr"
    assert owner_copy(request, email_profile(copy_owner=False)) == ""
    owner = new_identity("Nikos Georgiou", "nikos@client-one.gr", role=Role.OWNER)
    own = apply_client(Request(domain="client-one.gr"), CLIENT_ONE, owner)
    assert filed_by(own) == "" and owner_copy(own, profile) == ""  # the owner files: nobody on behalf


def test_profile_check_documents_copy_owner() -> None:
    text = '[provider]\nid = "x"\nname = "X"\n[support]\ncopy_owner = true\n[[channels]]\nkind = "file"\n'
    checked = check_profile_text("format = 2\n" + text)
    assert [w.code for w in checked.warnings] == ["effect.copy_owner"]
    assert (
        check_profile_text(
            "format = 2\n" + text.replace('kind = "file"', f'kind = "email"\nto = "{SUPPORT}"')
        ).warnings
        == ()
    )


# -- storage and secrets ---------------------------------------------------------------


@pytest.fixture()
def secret_service(tmp_path: Path) -> Iterator[SecretService]:
    # a real Secret Service on its own D-Bus; scripts/setup --dev installs dbus and gnome-keyring
    with SecretService(tmp_path / "keyring") as service:
        yield service


def test_book_round_trip_and_secrets_in_the_real_keyring(
    secret_service: SecretService, data_dir: Path
) -> None:
    designer = DESIGNER.model_copy(update={"mail_user": "maria-studio"})
    book = BOOK.with_identity(designer)
    credentials = Credentials(backend=secret_service.backend())
    with Store(data_dir) as store:
        save_book(store, book)
        save_mail_settings(store, MailSettings(host="127.0.0.1", port=2525, username="someone"))
        assert set_api_key(credentials, "example", designer, "tok-Studio-91f2")
        assert set_mail_password(credentials, store, "example", designer, "pw-Studio-55aa")
        with pytest.raises(ValidationError) as no_user:
            set_mail_password(credentials, store, "example", OWN, "x")
        assert no_user.value.code == "mail.password_missing"
    database = (data_dir / "composer.db").read_bytes()
    assert b"tok-Studio" not in database and b"pw-Studio" not in database
    with Store(data_dir) as store:
        loaded = load_book(store)
        assert loaded == book
        again = Credentials(backend=secret_service.backend())  # a new process reads the keyring
        assert stored_secrets(again, store, "example", designer).mail_password
        assert again.get("example", api_key_identity(designer)) == "tok-Studio-91f2"
        assert not stored_secrets(again, store, "example", OWN).api_key
        # the same address in another role keeps the shared key; removing the last one forgets it
        twin = designer.model_copy(update={"id": "twin", "role": Role.OTHER})
        forget_secrets(again, store, "example", designer, others=(twin,))
        assert again.get("example", api_key_identity(designer)) == "tok-Studio-91f2"
        forget_secrets(again, store, "example", designer)
        assert stored_secrets(again, store, "example", designer) == stored_secrets(
            again, store, "example", OWN
        )


def test_the_e_mail_carries_the_filer_the_owner_and_the_cc(
    secret_service: SecretService, data_dir: Path
) -> None:
    """Through the real outbox: the identity's own mail user and password from the keyring, Cc the owner."""
    profile = email_profile()
    credentials = Credentials(backend=secret_service.backend())
    designer = DESIGNER.model_copy(update={"mail_user": "maria-studio"})
    with Store(data_dir) as store, SmtpServer(user="maria-studio", password="pw-Studio-55aa") as smtp:
        save_book(store, BOOK.with_identity(designer))
        save_mail_settings(
            store, MailSettings(host="127.0.0.1", port=smtp.port, username="office", timeout=5)
        )
        assert set_mail_password(credentials, store, "example", designer, "pw-Studio-55aa")
        factory = ChannelFactory(store, credentials, data_dir / "bundles", ssl_context=smtp.client_context())
        worker = OutboxWorker(
            store, factory, DeliveryListener(), backoff=Backoff(base=0.01, jitter=0), poll=0.05
        )
        base = make_request(store, provider="example", category="site_down", domain="client-one.gr")
        request = pick_for_domain(base, load_book(store))
        assert request is not None
        assert factory.credential_identity(profile.channels[0], request) == smtp_identity(
            MailSettings(host="127.0.0.1", port=smtp.port, username="maria-studio")
        )
        worker.start()
        try:
            entry = worker.submit(request, profile)
            deadline = time.monotonic() + 20
            while _state(store, entry.id) is not OutboxState.SENT and time.monotonic() < deadline:
                time.sleep(0.02)
        finally:
            worker.stop()
    assert smtp.auth_attempts == [("maria-studio", True)]
    [received] = smtp.messages
    assert received.mail_from == "maria@studio.gr"
    assert received.rcpt_tos == [SUPPORT, "nikos@client-one.gr"]
    message = received.message
    assert message["From"] == "Maria Papadopoulou <maria@studio.gr>"
    assert message["Cc"] == "nikos@client-one.gr"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "(technical contact) on behalf of Nikos Georgiou <nikos@client-one.gr> (owner)" in text
    assert render_json(request).count("nikos@client-one.gr") >= 2  # on_behalf_of and admin_address


def test_the_command_line_keeps_identities_and_clients(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from composer import cli

    monkeypatch.setenv(
        "PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring"
    )  # not this machine's keyring

    where = ["--data-dir", str(data_dir)]
    assert (
        cli.main(
            [
                "identity",
                "add",
                "--name",
                "Maria P",
                "--email",
                "maria@studio.gr",
                "--role",
                "technical",
                *where,
            ]
        )
        == 0
    )
    add_client = ["identity", "client", "add", "--domain", "www.client-one.gr", "--owner-email"]
    assert cli.main([*add_client, "nikos@client-one.gr", "--identity", "maria@studio.gr", *where]) == 0
    assert cli.main([*add_client, "nikos at client", *where]) == 1
    assert "is not the owner's e-mail address" in capsys.readouterr().err
    assert (
        cli.main(
            [
                "identity",
                "client",
                "add",
                "--domain",
                "x.gr",
                "--owner-email",
                "a@x.gr",
                "--identity",
                "nobody@x.gr",
                *where,
            ]
        )
        == 1
    )
    assert "There is no identity" in capsys.readouterr().err
    assert cli.main(["identity", "list", *where]) == 0
    listed = capsys.readouterr().out
    assert "Maria P <maria@studio.gr> – technical contact" in listed
    assert "client-one.gr: owner nikos@client-one.gr, filed by maria@studio.gr" in listed
    with Store(data_dir) as store:
        book = load_book(store)
    assert book.clients[0].identity == book.identities[0].id
    assert cli.main(["identity", "client", "remove", "client-one.gr", *where]) == 0
    assert cli.main(["identity", "client", "remove", "client-one.gr", *where]) == 1
    assert cli.main(["identity", "remove", "maria@studio.gr", *where]) == 0
    with Store(data_dir) as store:
        assert load_book(store) == IdentityBook()


def test_a_follow_up_keeps_the_owner_in_copy(data_dir: Path) -> None:
    from composer.channels.base import FollowUp
    from composer.channels.email import build_follow_up, build_message

    profile = email_profile()
    request = filed("site_down", DESIGNER)
    with Store(data_dir) as store:
        first = build_message(
            request, profile, to=SUPPORT, idempotency_key="k1", attachment_path=store.attachment_path
        )
        later = build_follow_up(
            FollowUp("It works again."),
            request,
            profile,
            to=SUPPORT,
            subject_tag="",
            idempotency_key="k2",
            attachment_path=store.attachment_path,
        )
        plain = build_message(
            request,
            email_profile(copy_owner=False),
            to=SUPPORT,
            idempotency_key="k3",
            attachment_path=store.attachment_path,
        )
    assert first["Cc"] == later["Cc"] == "nikos@client-one.gr"
    assert plain["Cc"] is None


def _state(store: Store, entry_id: str) -> OutboxState | None:
    entry = box.get_entry(store, entry_id)
    return entry.state if entry is not None else None
