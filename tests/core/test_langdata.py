"""Every shipped per-language data file reads, and the loader finds them by language."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from composer import langdata
from composer.resources import resource_path


def test_every_shipped_file_parses() -> None:
    files = sorted(resource_path("lang").glob("*/*.toml"))
    for path in files:
        tomllib.loads(path.read_text(encoding="utf-8"))
        table = langdata.language_data(path.stem, path.parent.name)
        assert isinstance(table, dict)


def test_languages_listed_english_first() -> None:
    languages = langdata.data_languages()
    assert languages[0] == "en"
    assert {"el", "hr", "ru"} <= set(languages)


def test_missing_topic_is_empty() -> None:
    assert langdata.language_data("no-such-topic", "hr") == {}


def test_broken_file_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "lang" / "hr"
    root.mkdir(parents=True)
    (root / "broken.toml").write_text("key = [unclosed", encoding="utf-8")
    monkeypatch.setattr(langdata, "_lang_dir", lambda: tmp_path / "lang")
    monkeypatch.setattr(langdata, "_cache", {})
    with pytest.raises(langdata.LanguageDataError) as caught:
        langdata.language_data("broken", "hr")
    assert "broken.toml" in str(caught.value)
