"""Words that differ by language, as data: one mechanism for every table.

Time phrases, error-text patterns, category keywords, vague phrases and the
scrubber's phrases are not English code: each topic is a TOML file per
language under ``resources/lang/<language>/<topic>.toml``. Code asks for a
topic and gets the tables of the languages it wants, so adding a language is
adding files, never touching code.

Each file is read once and kept; a missing file is an empty table (a
language need not have every topic). A broken file raises
:class:`LanguageDataError` naming the file, since it is shipped with the app
and a test reads every one of them.
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from composer.resources import resource_path

__all__ = ["LanguageDataError", "data_languages", "language_data", "merged_language_data"]

_lock = threading.Lock()
_cache: dict[tuple[str, str], dict[str, Any]] = {}


class LanguageDataError(ValueError):
    """A shipped language data file cannot be read."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _lang_dir() -> Path:
    return resource_path("lang")


def data_languages() -> list[str]:
    """Languages that have a data folder, English first."""
    root = _lang_dir()
    found = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    return sorted(found, key=lambda code: (code != "en", code))


def language_data(topic: str, language: str) -> dict[str, Any]:
    """The table of ``topic`` for ``language`` (empty when that language has none)."""
    key = (topic, language)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    path = _lang_dir() / language / f"{topic}.toml"
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise LanguageDataError(path, str(error)) from error
    with _lock:
        _cache[key] = data
    return data


def merged_language_data(topic: str, languages: Iterable[str] | None = None) -> dict[str, dict[str, Any]]:
    """``{language: table}`` for ``topic`` in ``languages`` (all with data when None).

    Recognisers that must understand text in any language (an error pasted in
    Russian into an English window) ask for all of them.
    """
    wanted = list(languages) if languages is not None else data_languages()
    return {code: table for code in wanted if (table := language_data(topic, code))}
