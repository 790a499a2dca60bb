"""The request's language: rendered once at Send in the provider's language, then sent as stored.

A Greek-speaking customer writes to a provider whose agents read Croatian
first. The request leaves in Croatian (the app's words, the provider's own
texts: category, priority tier and response target, question and answer),
with the customer's Greek words untouched; the outbox row holds that text;
and a retry after the window switched to Russian sends the same bytes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends.fail import Keyring as FailKeyring

from composer import history, i18n
from composer import outbox as box
from composer.channels.email import MailSettings, save_mail_settings, smtp_identity
from composer.channels.factory import ChannelFactory
from composer.credentials import Credentials
from composer.delivery import Backoff, DeliveryListener, OutboxWorker
from composer.model import Request, Requester, Role, Urgency
from composer.outbox import OutboxState
from composer.profile import ProviderProfile
from composer.render import render_subject, render_text
from composer.rendered import RenderedRequest, render_request, request_language
from composer.store import Store
from tests.servers.smtp import PASSWORD, USER, SmtpServer

SUPPORT = "podrska@hosting.example"
GREEK_SUMMARY = "Δεν φτάνουν τα μηνύματα από Gmail"
GREEK_DESCRIPTION = "Από χθες το απόγευμα δεν παίρνω κανένα μήνυμα στο info@."
GREEK_TRIED = "Επανεκκίνησα το Outlook."


def croatian_first(*channels: dict[str, Any]) -> ProviderProfile:
    """A provider whose agents read Croatian, then English; its texts in three languages."""
    return ProviderProfile.model_validate(
        {
            "provider": {"id": "primjer", "name": "Primjer Hosting", "languages": ["hr", "en"]},
            "support": {
                "priorities": [
                    {
                        "id": "first",
                        "label": {
                            "hr": "Prvi prioritet",
                            "el": "Πρώτη προτεραιότητα",
                            "en": "First priority",
                        },
                        "target": {
                            "hr": "isti radni dan",
                            "el": "την ίδια εργάσιμη",
                            "en": "the same working day",
                        },
                        "urgencies": ["high"],
                    }
                ]
            },
            "categories": [
                {
                    "id": "mail_receiving",
                    "label": {
                        "hr": "Pošta ne stiže",
                        "el": "Δεν έρχεται αλληλογραφία",
                        "en": "Mail does not arrive",
                    },
                    "questions": [
                        {
                            "id": "which_senders",
                            "label": {"hr": "Od kojih pošiljatelja?", "el": "Από ποιους αποστολείς;"},
                            "kind": "choice",
                            "options": [
                                {"hr": "Samo od Gmaila", "el": "Μόνο από Gmail", "en": "Only from Gmail"},
                                {"hr": "Ni od koga", "el": "Από κανέναν", "en": "From nobody"},
                            ],
                        }
                    ],
                }
            ],
            "channels": list(channels) or [{"kind": "file"}],
        }
    )


def greek_request(**fields: Any) -> Request:
    values: dict[str, Any] = {
        "provider": "primjer",
        "language": "el",
        "requester": Requester(name="Μαρία Παπαδοπούλου", email=USER, role=Role.OWNER),
        "category": "mail_receiving",
        "domain": "primjer.hr",
        "account": "info@primjer.hr",
        "summary": GREEK_SUMMARY,
        "description": GREEK_DESCRIPTION,
        "tried": GREEK_TRIED,
        "urgency": Urgency.HIGH,
        "answers": {"which_senders": "only_from_gmail"},
    }
    values.update(fields)
    return Request(**values)


@pytest.fixture()
def store(data_dir: Path) -> Iterator[Store]:
    with Store(data_dir) as opened:
        yield opened


def test_the_provider_language_is_its_first() -> None:
    assert request_language(croatian_first()) == "hr"
    assert request_language(ProviderProfile.model_validate({"provider": {"id": "x", "name": "X"}})) == "en"


def test_a_greek_window_renders_the_request_in_croatian_with_the_greek_words_untouched() -> None:
    i18n.set_language("el")
    croatian = i18n.catalogue("hr")
    greek = i18n.catalogue("el")
    rendered = render_request(greek_request(), croatian_first())
    assert rendered.language == "hr"
    text = rendered.text
    for words in (GREEK_SUMMARY, GREEK_DESCRIPTION, GREEK_TRIED, "Μαρία Παπαδοπούλου"):
        assert words in text  # the customer's own words, as typed
    for label in ("Summary", "Who is asking", "What happens", "Already tried:"):
        assert croatian.gettext(label) != label, label  # the test means something
        assert croatian.gettext(label) in text, label
        assert greek.gettext(label) not in text, label
    # the provider's own texts, in its language
    assert "Pošta ne stiže" in text and "Δεν έρχεται αλληλογραφία" not in text
    assert "Prvi prioritet" in text and "isti radni dan" in text
    assert "Od kojih pošiljatelja?" in text and "Samo od Gmaila" in text and "Μόνο από Gmail" not in text
    assert rendered.subject.startswith("Pošta ne stiže – primjer.hr: " + GREEK_SUMMARY)
    # the window is still Greek: only the rendering was in Croatian
    assert i18n.current_language() == "el"
    assert i18n._("Summary") == greek.gettext("Summary")


def test_the_language_is_a_parameter_and_the_view_in_the_users_language_differs() -> None:
    i18n.set_language("en")
    profile = croatian_first()
    request = greek_request()
    mine = render_text(request, profile, language="el")
    assert i18n.catalogue("el").gettext("Who is asking") in mine
    assert "Δεν έρχεται αλληλογραφία" in mine and "Μόνο από Gmail" in mine
    assert render_text(request, profile) == render_request(request, profile).text
    assert render_subject(request, profile, language="en").startswith("Mail does not arrive")


def test_the_profile_snapshot_the_outbox_keeps_still_has_its_categories() -> None:
    """The outbox stores the profile as JSON; its category entries must survive the round trip."""
    profile = croatian_first()
    again = ProviderProfile.model_validate_json(profile.model_dump_json())
    assert [c.id for c in again.effective_categories()] == [c.id for c in profile.effective_categories()]
    assert render_text(greek_request(id="a" * 32), again) == render_text(greek_request(id="a" * 32), profile)


def test_rendering_in_another_thread_does_not_change_the_windows_language() -> None:
    """The worker renders in Croatian while the window keeps translating into Greek."""
    i18n.set_language("el")
    started, finish = threading.Event(), threading.Event()
    seen: list[str] = []

    def worker() -> None:
        with i18n.translating("hr"):
            started.set()
            finish.wait(5)
            seen.append(i18n.current_language())

    thread = threading.Thread(target=worker)
    thread.start()
    started.wait(5)
    assert i18n.current_language() == "el"
    assert i18n._("Summary") == i18n.catalogue("el").gettext("Summary")
    finish.set()
    thread.join(5)
    assert seen == ["hr"]


def test_plural_forms_follow_the_explicit_catalogue() -> None:
    russian = i18n.catalogue("ru")
    forms = [russian.ngettext("{count} file, {size}", "{count} files, {size}", n) for n in (1, 3, 5)]
    assert len(set(forms)) == 3
    with i18n.translating("ru"):
        assert i18n.ngettext("{count} file, {size}", "{count} files, {size}", 3) == forms[1]


def worker_for(store: Store, smtp: SmtpServer) -> OutboxWorker:
    secrets = Credentials(backend=FailKeyring())
    mail = MailSettings(host="127.0.0.1", port=smtp.port, username=USER, timeout=5)
    save_mail_settings(store, mail)
    secrets.set("primjer", smtp_identity(mail), PASSWORD)
    channels = ChannelFactory(store, secrets, store.folder / "bundles", ssl_context=smtp.client_context())
    return OutboxWorker(store, channels, DeliveryListener(), backoff=Backoff(base=60, jitter=0), poll=0.05)


def test_the_outbox_row_holds_the_text_and_a_retry_after_a_language_switch_sends_the_same_bytes(
    store: Store,
) -> None:
    i18n.set_language("el")
    profile = croatian_first({"kind": "email", "to": SUPPORT})
    request = greek_request()
    with SmtpServer() as smtp:
        worker = worker_for(store, smtp)
        smtp.faults.append("451")  # the first try is refused for now, after the whole body went
        entry = worker.submit(request, profile, remove_draft=False)
        [row] = store.query("SELECT rendered FROM outbox WHERE id = ?", (entry.id,))
        stored = RenderedRequest.model_validate_json(row["rendered"])
        assert stored == render_request(request, profile)  # what the review showed
        assert stored.language == "hr" and GREEK_SUMMARY in stored.text
        assert worker.run_once()
        first = box.get_entry(store, entry.id)
        assert first is not None and first.state is OutboxState.PENDING
        i18n.set_language("ru")  # the user switched the window before the retry
        worker.retry(entry.id)
        assert worker.run_once()
    sent = box.get_entry(store, entry.id)
    assert sent is not None and sent.state is OutboxState.SENT
    refused, [received] = smtp.refused, smtp.messages
    assert len(refused) == 1
    bodies = [m.message.get_body(("plain",)) for m in (*refused, received)]
    texts = [body.get_payload(decode=True) for body in bodies if body is not None]
    on_the_wire = stored.text.replace("\n", "\r\n").encode("utf-8")  # SMTP's line ends
    assert len(texts) == 2 and texts[0] == texts[1] == on_the_wire
    assert refused[0].message["Subject"] == received.message["Subject"] == stored.subject
    assert all(body is not None and body["Content-Language"] == "hr" for body in bodies)
    assert i18n.catalogue("ru").gettext("Summary") not in stored.text
    assert history.sent_text(store, request.id) == stored.text


def test_an_entry_from_before_the_text_was_stored_is_rendered_once_and_kept(store: Store) -> None:
    i18n.set_language("el")
    profile = croatian_first()
    entry = box.insert_entry(store, greek_request(), profile)
    with store.transaction() as db:  # as an older version left it
        db.execute("UPDATE outbox SET rendered = '' WHERE id = ?", (entry.id,))
    old = box.get_entry(store, entry.id)
    assert old is not None and old.rendered is None
    rendered = box.rendered_for(store, old)
    assert rendered.language == "hr"
    i18n.set_language("ru")
    again = box.get_entry(store, entry.id)
    assert again is not None and again.rendered == rendered
    assert box.rendered_for(store, again) == rendered


def test_a_saved_file_carries_the_stored_text(store: Store, tmp_path: Path) -> None:
    import zipfile

    i18n.set_language("el")
    profile = croatian_first()
    with SmtpServer() as smtp:
        worker = worker_for(store, smtp)
        entry = worker.submit(greek_request(), profile, remove_draft=False)
        i18n.set_language("ru")
        path = worker.save_as_file(entry.id, tmp_path / "request.zip")
    assert entry.rendered is not None
    with zipfile.ZipFile(path) as bundle:
        assert bundle.read("request.txt").decode("utf-8") == entry.rendered.text


def test_a_provider_in_a_language_the_app_lacks_gets_its_own_texts_and_english_words() -> None:
    i18n.set_language("el")
    profile = ProviderProfile.model_validate(
        {
            "provider": {"id": "beispiel", "name": "Beispiel", "languages": ["de", "en"]},
            "categories": [{"id": "mail_receiving", "label": {"de": "Mail kommt nicht an", "en": "No mail"}}],
        }
    )
    rendered = render_request(greek_request(answers={}), profile)
    assert rendered.language == "de"
    assert "Mail kommt nicht an" in rendered.text and "No mail" not in rendered.text
    assert "Who is asking" in rendered.text  # the app's own words: English, the nearest it has
    assert GREEK_SUMMARY in rendered.text


def test_the_providers_terms_for_the_work_are_in_the_request_in_its_language() -> None:
    from composer.profile import load_profile
    from composer.resources import resource_path

    i18n.set_language("ru")
    profile = load_profile(resource_path("profiles", "examples", "webarting-istanet.toml"))
    request = Request(category="wordpress", summary="Το WooCommerce δεν στέλνει email")
    text = render_text(request, profile)  # the provider reads Greek
    greek = i18n.catalogue("el")
    assert f"{greek.gettext('Paid extra')} (με την υποστήριξη +Plus): ρυθμίσεις WordPress/WooCommerce" in text
    assert greek.gettext("Support terms") in text
    with_plus = render_text(request.model_copy(update={"plan": "plus"}), profile)
    assert f"{greek.gettext('Included, free')}: ρυθμίσεις WordPress/WooCommerce, μέρος της +Plus" in with_plus


def test_a_retry_sends_the_stored_text_even_when_the_translations_changed_meanwhile(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The intake path: a 503, then the app's Croatian words change (an update), then the retry."""
    from composer.credentials import identity
    from tests.servers.intake import TOKEN, IntakeServer

    i18n.set_language("el")
    with IntakeServer() as intake:
        profile = croatian_first({"kind": "helpdesk", "helpdesk": "intake", "url": intake.url})
        secrets = Credentials(backend=FailKeyring())
        secrets.set("primjer", identity("intake", USER), TOKEN)
        channels = ChannelFactory(store, secrets, store.folder / "bundles")
        worker = OutboxWorker(store, channels, DeliveryListener(), backoff=Backoff(base=60, jitter=0))
        intake.faults.append("503")
        entry = worker.submit(greek_request(), profile, remove_draft=False)
        assert entry.rendered is not None
        assert worker.run_once()
        assert not intake.tickets
        changed = i18n.Catalogue("hr", {"Summary": "PROMIJENJENO"})
        monkeypatch.setitem(i18n._cache, "hr", changed)
        i18n.set_language("ru")
        assert "PROMIJENJENO" in render_text(entry.request, profile)  # a new rendering would differ
        worker.retry(entry.id)
        assert worker.run_once()
        [ticket] = intake.tickets.values()
    assert intake.violations == []
    assert ticket.document["text"] == entry.rendered.text and "PROMIJENJENO" not in ticket.document["text"]
    assert ticket.document["subject"] == entry.rendered.subject
    assert ticket.document["language"] == "hr"
