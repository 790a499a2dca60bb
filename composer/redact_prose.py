"""Passwords written in prose: "my password is X", "ο κωδικός μου είναι X", "lozinka je X".

The words differ by language, so they are data (``resources/lang/<language>/
scrub.toml``: the nouns for "password" and the small words that may stand
between the noun and the password). Every language's phrases are tried on
every text, since a Croatian web designer may paste a client's English mail.

A word after the phrase counts as a password only when it has a digit or a
symbol in it: "my password is wrong", "Ο κωδικός μου δεν λειτουργεί" and
"Пароль не подходит" keep their words. A password made of letters only is
missed here; the user's stored passwords and the dialog cover that case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from composer.langdata import merged_language_data

__all__ = ["prose_password_spans"]

# What may sit between the phrase and the password besides link words.
_PUNCTUATION = r"[:=\-–—/]"
# Trailing characters that end a sentence rather than the password.
_TRAILING = ",.;)»\"'“”"
_LEADING = "(\"'«“„["


@cache
def _tables() -> tuple[re.Pattern[str], frozenset[str]]:
    """The pattern of every language's nouns, and every language's link words."""
    nouns: set[str] = set()
    links: set[str] = set()
    for table in merged_language_data("scrub").values():
        nouns.update(str(n).casefold() for n in table.get("nouns", []))
        links.update(part for w in table.get("links", []) for part in str(w).casefold().split())
    escaped = (r"\s+".join(re.escape(part) for part in n.split()) for n in nouns)
    alternatives = "|".join(sorted(escaped, key=len, reverse=True)) or "(?!)"
    # The noun stands as a word of prose: after a blank or an opening quote, before a
    # blank, ":" or "=" (not ``dkim=pass``, ``password-reset``, ``$PWD":/app``).
    return (
        re.compile(rf"(?:^|(?<=[\s(\"'«„“]))(?:{alternatives})(?=[\s:=])", re.IGNORECASE),
        frozenset(links),
    )


_TOKEN = re.compile(r"\S+")
_HOST_NAME = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}:?$")
_SEPARATOR = re.compile(rf"^{_PUNCTUATION}+$")
# How many link words or separators may stand between the noun and the password.
_MAX_LINKS = 4


def _looks_like_password(word: str) -> bool:
    if len(word) < 4 or word.casefold() == "[removed]" or word.startswith(("$", "%", "{", "<")):
        return False
    if "@" in word and "." in word.split("@")[-1]:  # an e-mail address, not a password
        return False
    if "://" in word or _HOST_NAME.match(word):
        return False
    return any(c.isdigit() for c in word) or any(not c.isalnum() for c in word)


def prose_password_spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each password written in prose in ``text``."""
    if not text:
        return
    nouns, links = _tables()
    for noun in nouns.finditer(text):
        position = noun.end()
        if text.startswith((":", "="), position):
            position += 1
        skipped = 0
        while (token := _TOKEN.search(text, position)) is not None and skipped <= _MAX_LINKS:
            if "\n" in text[position : token.start()]:
                break  # the phrase ends with its line
            start, end = token.start(), token.end()
            if "[removed]" in token.group():
                break  # already scrubbed
            while start < end and text[start] in _LEADING:
                start += 1
            while end > start and text[end - 1] in _TRAILING:
                end -= 1
            word = text[start:end]
            bare = word.rstrip(":=").casefold()
            if bare in links or _SEPARATOR.match(word) or not word:
                position, skipped = token.end(), skipped + 1
                continue
            if word.endswith((":", "=")) and end < token.end():
                word = word[:-1]
            if _looks_like_password(word):
                yield start, end
            break
