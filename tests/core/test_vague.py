"""The coach on vague, pressing and abusive wording, in all four languages, with its verdicts."""

from __future__ import annotations

import pytest

from composer.model import Request
from composer.profile import load_profile
from composer.quality import advice_text, assess
from composer.vague import judge

PROFILE = load_profile()


def wording(request: Request) -> dict[str, str]:
    """The coach's wording advice: code -> the sentence the user reads."""
    found = {}
    for item in assess(request, PROFILE).advice:
        if item.code in {"advice.vague", "advice.pressure", "advice.tone"}:
            found[item.code] = advice_text(item)[0]
    return found


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("mail doesn't work!!! ASAP", "doesn't work"),
        ("Не работает почта, срочно!!!", "не работает"),
        ("ne radi mail, hitno", "ne radi"),
        ("Δεν λειτουργεί το email, επειγόντως!!!", "δεν λειτουργεί"),
    ],
)
def test_vague_mail_requests_are_asked_what_the_agent_would_ask(text: str, phrase: str) -> None:
    advice = wording(Request(description=text))
    assert f"“{phrase}” does not say what happens" in advice["advice.vague"]
    assert "Which mailbox" in advice["advice.vague"]
    assert "press Send" in advice["advice.vague"]
    assert "Choose the urgency below" in advice["advice.pressure"]
    assert "advice.tone" not in advice


@pytest.mark.parametrize(
    ("text", "category", "question"),
    [
        ("the site is broken", "site_down", "what exactly do you see"),
        ("сайт сломался", "", "what exactly do you see"),
        ("ne mogu se prijaviti, ne radi", "login", "Where do you log in"),
        ("έχω πρόβλημα με το domain", "", "a renewal, a transfer"),
        ("it does not work", "mail_sending", "press Send"),
        ("не работает", "mail_receiving", "Which mailbox does not receive"),
    ],
)
def test_the_question_follows_the_kind_of_problem(text: str, category: str, question: str) -> None:
    assert question in wording(Request(description=text, category=category))["advice.vague"]


@pytest.mark.parametrize(
    "text",
    [
        "Since yesterday around 15:00 mail from Gmail senders to sales@example.gr does not arrive; "
        "the senders get a bounce that says the mailbox is unavailable, other senders are fine.",
        "Со вчерашнего дня сайт показывает белую страницу после обновления плагина WooCommerce, "
        "админка открывается, ошибок в журнале не вижу, кеш очищал, это не помогло.",
        "Od jučer u 15 sati ne mogu poslati mail iz Outlooka na Windows 11, javlja grešku da "
        "poslužitelj odbija prijavu; lozinku sam provjerio u webmailu i radi.",
        "Από χθες το απόγευμα δεν μου έρχονται τα email στο info@example.gr από αποστολείς Gmail, "
        "οι αποστολείς παίρνουν μήνυμα επιστροφής ότι το γραμματοκιβώτιο δεν υπάρχει.",
    ],
)
def test_good_requests_in_every_language_get_no_wording_advice(text: str) -> None:
    assert wording(Request(description=text, category="mail_receiving")) == {}


def test_a_vague_phrase_with_the_exact_error_is_not_vague() -> None:
    request = Request(description="mail doesn't work", error_text="550 5.1.1 User unknown")
    assert "advice.vague" not in wording(request)


@pytest.mark.parametrize(
    "text",
    [
        "You are useless idiots, fix it",
        "Вы мошенники и бездари",
        "Vi ste nesposobni prevaranti",
        "Είστε άχρηστοι απατεώνες",
    ],
)
def test_abusive_wording_gets_a_polite_note(text: str) -> None:
    advice = wording(Request(description=text, category="other"))
    assert "factual and polite" in advice["advice.tone"]
    note = next(i for i in assess(Request(description=text), PROFILE).advice if i.code == "advice.tone")
    assert PROFILE.provider.name in advice_text(note)[1]  # "may refuse such requests"


def test_notes_on_tone_and_pressure_do_not_lower_the_score() -> None:
    calm = Request(description="Please check the mail server", category="other")
    loud = calm.model_copy(update={"description": "Please check the mail server ASAP!!! idiots"})
    assert assess(loud, PROFILE).score == assess(calm, PROFILE).score


def test_verdicts() -> None:
    verdict = judge("mail doesn't work!!! ASAP")
    assert verdict.vague == ("doesn't work",) and verdict.pressure == ("asap",)
    assert verdict.shouting and not verdict.abusive and verdict.topic == "mail"
    assert judge("ništa ne radi, pomozite").vague[0] == "ništa ne radi"  # the longest phrase first
    assert not judge("Ne radi mail", has_error_text=True).is_vague
    assert judge("Please, which port is right for IMAP?") == judge("Please, which port is right for IMAP?")
    assert not judge("Please, which port is right for IMAP?").is_vague
