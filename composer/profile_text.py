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
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

__all__ = ["LANGUAGE_CODE", "Text", "check_language", "order_texts", "pick"]

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


def order_texts(value: Any, languages: Sequence[str]) -> Any:
    """``value`` (parsed TOML) with every text table's entries in the order of ``languages``.

    A text table is a table whose keys are all language codes and whose
    values are all strings; other tables are walked into, not changed.
    """
    if isinstance(value, list):
        return [order_texts(item, languages) for item in value]
    if not isinstance(value, dict):
        return value
    is_text = bool(value) and all(
        isinstance(k, str) and LANGUAGE_CODE.match(k) and isinstance(v, str) for k, v in value.items()
    )
    if not is_text:
        return {key: order_texts(item, languages) for key, item in value.items()}
    rank = {code: index for index, code in enumerate(languages)}
    return dict(sorted(value.items(), key=lambda item: rank.get(item[0], len(rank))))
