"""Choice answers are stored by id and rendered in the reader's language; hints do not contradict."""

from __future__ import annotations

from composer import i18n
from composer.answers import answer_text, option_id
from composer.profile import load_profile
from composer.render import render_text
from composer.triage import builtin_categories, explain_error
from tests.core.factories import good_mail_request

GMAIL_BOUNCE = """Address not found
Your message wasn't delivered to info@example.gr because the address couldn't be found, or is
unable to receive mail.
The response from the remote server was:
550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the
recipient's email address for typos or unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser"""


def _question(category: str, question: str):  # type: ignore[no-untyped-def]
    found = next(c for c in builtin_categories() if c.id == category)
    return next(q for q in found.questions if q.id == question)


def test_a_gmail_bounce_is_a_missing_mailbox_not_a_missing_page() -> None:
    meanings = [hint.meaning for hint in explain_error(GMAIL_BOUNCE)]
    assert any("mailbox does not exist" in m for m in meanings)
    assert not any("404" in m for m in meanings)


def test_a_broad_word_still_helps_when_nothing_specific_matched() -> None:
    assert any("404" in hint.meaning for hint in explain_error("Not Found: the requested URL /shop"))


def test_a_greek_request_shows_the_choice_in_greek() -> None:
    question = _question("mail_receiving", "from_whom")
    stored = option_id("Only from Gmail / Outlook.com senders")
    request = good_mail_request().model_copy(update={"answers": {"from_whom": stored, "bounce": "yes"}})
    i18n.set_language("el")
    text = render_text(request, load_profile(), language="el")  # a request in Greek
    assert "Μόνο από αποστολείς Gmail / Outlook.com" in text
    assert "Only from Gmail" not in text
    assert answer_text(question, stored) == "Μόνο από αποστολείς Gmail / Outlook.com"


def test_an_answer_stored_as_english_text_is_still_understood() -> None:
    question = _question("mail_receiving", "from_whom")
    assert (
        answer_text(question, "Only from Gmail / Outlook.com senders")
        == "Only from Gmail / Outlook.com senders"
    )
    i18n.set_language("el")
    assert answer_text(question, "Only from Gmail / Outlook.com senders").startswith("Μόνο")


def test_no_answer_says_the_opposite_of_what_is_meant() -> None:
    options = _question("mail_receiving", "from_whom").options
    assert "Nobody's" not in options
    assert options[0] == "None arrive, from any sender"
