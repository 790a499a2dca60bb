"""Answers to a category's choice questions: stored by id, shown in the reader's language.

A choice answer used to be stored as the option's English text, so a Greek
request carried "Only from Gmail / Outlook.com senders" in English, and any
change of wording broke old drafts. Now the request stores the option's id (a
slug of its English text, stable as long as the provider does not rename the
option), and the text is rendered from the question, translated, whenever it is
shown or sent. An answer stored the old way (the English text itself) is still
recognised.
"""

from __future__ import annotations

import re
import unicodedata

from composer.i18n import N_, _, current_language
from composer.profile import Question
from composer.profile_text import pick

__all__ = ["YES_NO", "answer_text", "option_id", "options"]

# The options of a yes/no question, in English; translated where shown.
YES_NO = (N_("Yes"), N_("No"))


def option_id(text: str) -> str:
    """The stable id of an option: its English text as a slug (``only_from_gmail_outlook_com_senders``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_") or "option"


def options(question: Question) -> list[tuple[str, str]]:
    """``(id, label)`` of each option of a choice or yes/no question.

    The id comes from the option's English text (else the provider's first
    language's), so it is the same whatever language the window or the
    request is in; the label is in the current language.
    """
    if question.kind != "choice":
        return [(option_id(label), label) for label in YES_NO]
    found = []
    for index, text in enumerate(question.options_text):
        identifier = option_id(pick(text, "en"))
        found.append(
            (identifier if identifier != "option" else f"option_{index + 1}", pick(text, current_language()))
        )
    return found


def answer_text(question: Question, stored: str) -> str:
    """The answer as the reader sees it: a choice's label in the current language, text as typed."""
    if question.kind not in {"choice", "yesno"}:
        return stored
    for identifier, label in options(question):
        if stored in {identifier, label}:
            return _(label)
    return stored
