"""scripts/missing_translations.py hands a translator exactly what a catalogue lacks and merges it back."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from composer.po_catalogue import catalogue_problems, parse_entries

ROOT = Path(__file__).resolve().parents[2]


def _script(locale: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "missing_translations", ROOT / "scripts" / "missing_translations.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "LOCALE", locale)
    return module


def test_delta_lists_what_is_missing_and_merging_fills_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "resources" / "locale", locale)
    catalogue = locale / "hr.po"
    original = catalogue.read_text(encoding="utf-8")
    broken = original.replace('msgid "&Next >"\nmsgstr "Da&lje >"', 'msgid "&Next >"\nmsgstr ""')
    broken = broken.replace('msgstr[2] "{n} sati"', 'msgstr[2] ""')
    assert broken != original
    catalogue.write_text(broken, encoding="utf-8")
    script = _script(locale, monkeypatch)

    text, count = script.delta("hr")
    assert count == 2
    _header, todo = parse_entries(text)
    assert [e.msgid for e in todo] == ["&Next >", "{n} hour"]
    assert todo[1].msgstr_plural == ["{n} sat", "{n} sata", ""]  # what was there is kept
    assert any(line.startswith("#. el: ") for line in todo[0].comments)  # the Greek as a hint

    filled = tmp_path / "filled.po"
    filled.write_text(
        text.replace('msgid "&Next >"\nmsgstr ""', 'msgid "&Next >"\nmsgstr "Da&lje >"').replace(
            'msgstr[2] ""', 'msgstr[2] "{n} sati"'
        ),
        encoding="utf-8",
    )
    merged, problems = script.merge("hr", filled)
    assert (merged, problems) == (2, [])
    template = parse_entries((locale / "messages.pot").read_text(encoding="utf-8"))[1]
    assert catalogue_problems(template, catalogue.read_text(encoding="utf-8")) == []

    def without_references(text: str) -> str:  # source references follow the code, not the catalogue
        return "\n".join(line for line in text.splitlines() if not line.startswith("#:"))

    # replaced where they stood
    assert without_references(catalogue.read_text(encoding="utf-8")) == without_references(original)


def test_merge_leaves_out_an_entry_that_breaks_a_placeholder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "resources" / "locale", locale)
    before = (locale / "ru.po").read_text(encoding="utf-8")
    filled = tmp_path / "filled.po"
    filled.write_text('msgid "Saved as {path}"\nmsgstr "Сохранено как {путь}"\n', encoding="utf-8")
    merged, problems = _script(locale, monkeypatch).merge("ru", filled)
    assert merged == 0 and problems and problems[0].startswith("placeholders")
    assert (locale / "ru.po").read_text(encoding="utf-8") == before
