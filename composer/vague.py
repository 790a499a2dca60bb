"""Vague words, pressure and abuse in what the customer wrote, and what the agent would ask instead.

"Mail doesn't work!!! ASAP" makes the agent write back before doing
anything. :func:`judge` finds the phrases that say something is wrong but
not what (``vague``), pressure that the urgency field says better
(``pressure``, and a row of exclamation marks) and abusive words
(``abusive``), in every language at once (``resources/lang/<language>/vague.toml``,
read through :mod:`composer.langdata`). :func:`agent_question` is the
question an agent asks first for each kind of problem; the readiness coach
(:mod:`composer.quality`) turns a verdict into advice.

A vague phrase in a request that already says what happens (an error text,
or enough words around it) is not vague: "it does not work since the
update, the page shows 500 Internal Server Error" is fine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from composer.classify import normalise, phrase_found
from composer.i18n import N_
from composer.langdata import merged_language_data

__all__ = ["DETAIL_WORDS", "Verdict", "agent_question", "judge", "merged_topics", "phrases"]

#: a text of at least this many words (besides the vague phrase) says enough by itself
DETAIL_WORDS = 20
_SHOUTING = re.compile(r"[!?]{3,}|!{2,}")

# The first question an agent asks back for each kind of problem.
_QUESTIONS: dict[str, str] = {
    "site_down": N_(
        "Which address do you open, and what exactly do you see: an error message, a white page, "
        "or does nothing load?"
    ),
    "site_not_visible": N_("Which address do you open, and what do you see instead of your site?"),
    "mail_receiving": N_("Which mailbox does not receive, and whose message did not arrive, and when?"),
    "mail_sending": N_(
        "What exactly happens when you press Send: an error message (which?), or does the message "
        "stay in the outbox?"
    ),
    "mail_client_setup": N_("Which program on which device, and what does it say when it fails?"),
    "mailbox_full": N_("Which mailbox, and what does the message say when mail comes back?"),
    "domain_dns": N_("Which record or nameservers, and what value should they have?"),
    "domain_registration": N_(
        "Which domain, and what do you need: a renewal, a transfer, or did it stop working?"
    ),
    "login": N_("Where do you log in, with which user name, and what does the page say?"),
    "database": N_("Which site and database, and what is the exact error?"),
    "ftp_ssh": N_("Which program, server name and user name, and what does the program's log say?"),
    "certificate": N_("Which address shows the warning, and what is its exact text or code?"),
    "security": N_("What did you notice, and when: unknown files, strange redirects, spam, a warning?"),
    "web_app": N_("Which page, what does it show, and what was updated or changed before?"),
    "billing": N_("Which invoice or service, and what is wrong with it?"),
    "change_request": N_("What exactly should be changed, and to what?"),
    "other": N_("What did you do, what did you expect, and what happened instead?"),
    # mail, when the words do not say whether sending or receiving fails
    "mail": N_(
        "Which mailbox is it, and does sending or receiving fail? What exactly happens when you press Send?"
    ),
}


@dataclass(frozen=True)
class Verdict:
    """What :func:`judge` found in a text; empty tuples and False mean nothing to say."""

    vague: tuple[str, ...] = ()
    #: what the words are about (a key of ``[topics]``: mail, site, login, ...), when they say
    topic: str = ""
    pressure: tuple[str, ...] = ()
    shouting: bool = False
    abusive: bool = False

    @property
    def is_vague(self) -> bool:
        return bool(self.vague)


@cache
def phrases(kind: str) -> tuple[str, ...]:
    """The phrases of ``kind`` (``vague``, ``pressure`` or ``abusive``) of every language, longest first."""
    found: list[str] = []
    for table in merged_language_data("vague").values():
        found.extend(str(phrase) for phrase in table.get(kind, []))
    return tuple(sorted(dict.fromkeys(found), key=len, reverse=True))


@cache
def merged_topics() -> dict[str, tuple[str, ...]]:
    """``[topics]`` of every language: what a text is about, for the question to ask."""
    merged: dict[str, list[str]] = {}
    for table in merged_language_data("vague").values():
        for topic, words in table.get("topics", {}).items():
            merged.setdefault(topic, []).extend(str(word) for word in words)
    return {topic: tuple(words) for topic, words in merged.items()}


def _found(kind: str, folded: str) -> tuple[str, ...]:
    return tuple(phrase.rstrip("*") for phrase in phrases(kind) if phrase_found(phrase, folded))


def judge(text: str, *, has_error_text: bool = False) -> Verdict:
    """Judge what the customer wrote in their own words (summary and description).

    Args:
        text: the customer's own words.
        has_error_text: the request carries the exact error message, which
            says what happens whatever the words around it.
    """
    folded = normalise(text)
    vague = _found("vague", folded)
    pressure = _found("pressure", folded)
    rest = folded
    for phrase in (*vague, *pressure):
        rest = rest.replace(normalise(phrase), " ")
    detailed = has_error_text or len(rest.split()) >= DETAIL_WORDS
    topics = merged_topics()
    topic = next((name for name, words in topics.items() if any(phrase_found(w, folded) for w in words)), "")
    return Verdict(
        vague=() if detailed else vague,
        topic=topic,
        pressure=pressure,
        shouting=bool(_SHOUTING.search(text)),
        abusive=bool(_found("abusive", folded)),
    )


def agent_question(category: str) -> str:
    """The (untranslated) question the agent would ask first for ``category``."""
    return _QUESTIONS.get(category, _QUESTIONS["other"])
