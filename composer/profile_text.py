"""Texts a provider writes in several languages, and how one is chosen.

Any text in a profile is either one string (in the provider's first
language) or a table keyed by language code::

    label = "WordPress"
    label = { el = "WordPress και πρόσθετα", hr = "WordPress i dodaci", en = "WordPress" }

:func:`pick` chooses the user's language, then the provider's languages in
their order, then whatever is there, so a Croatian user never reads half a
sentence in English when the provider wrote it in Croatian.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

__all__ = ["LANGUAGE_CODE", "Text", "check_language", "pick"]

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def check_language(code: str) -> str:
    """A language code such as ``el`` or ``pt-BR``; refused with our own error otherwise."""
    if not LANGUAGE_CODE.match(code):
        raise PydanticCustomError("rc_language", "language code", {"value": code})
    return code


def _check_text(value: str | dict[str, str]) -> str | dict[str, str]:
    if isinstance(value, dict):
        if not value:
            raise PydanticCustomError("rc_text_empty", "empty text table", {})
        for code in value:
            check_language(code)
    return value


#: One string, or a table of strings keyed by language code.
Text = Annotated[str | dict[str, str], AfterValidator(_check_text)]


def pick(text: str | Mapping[str, str], language: str, fallbacks: Iterable[str] = ()) -> str:
    """The text in ``language``, else in the first of ``fallbacks`` present, else any.

    A plain string is returned as it is: the provider wrote it in its own
    first language.
    """
    if isinstance(text, str):
        return text
    for code in (language, language.split("-")[0], *fallbacks):
        if code in text:
            return text[code]
    return next(iter(text.values()), "")
