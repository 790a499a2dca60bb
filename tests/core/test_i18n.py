"""One translation mechanism: catalogues, switching, listeners; and Qt stays out of the core."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from composer import i18n
from composer.errors import MESSAGES, describe

ROOT = Path(__file__).resolve().parents[2]


def test_po_parsing_handles_multiline_plural_and_fuzzy() -> None:
    singles, plurals = i18n.parse_po(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Hello"\nmsgstr "Γεια"\n\n'
        'msgid ""\n"Two "\n"lines"\nmsgstr ""\n"Δύο "\n"γραμμές"\n\n'
        '#, fuzzy\nmsgid "Unsure"\nmsgstr "Αβέβαιο"\n\n'
        'msgid "one file"\nmsgid_plural "{n} files"\nmsgstr[0] "ένα αρχείο"\nmsgstr[1] "{n} αρχεία"\n'
    )
    assert singles == {"Hello": "Γεια", "Two lines": "Δύο γραμμές"}
    assert plurals == {"one file": ["ένα αρχείο", "{n} αρχεία"]}


def test_switching_language_translates_and_tells_listeners(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "xx.po").write_text(
        'msgid "The domain name is missing."\nmsgstr "XX domain missing"\n', encoding="utf-8"
    )
    monkeypatch.setattr(i18n, "locale_dir", lambda: tmp_path)
    heard: list[str] = []
    unsubscribe = i18n.on_language_changed(heard.append)
    try:
        assert i18n.set_language("xx") == "xx"
        assert describe("domain.empty")[0] == "XX domain missing"
        assert "xx" in i18n.available_languages()
        assert i18n.set_language("zz") == "en"  # no catalogue: English
        assert describe("domain.empty")[0] == "The domain name is missing."
    finally:
        unsubscribe()
    assert heard == ["xx", "en"]


def test_system_language_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "el_GR.UTF-8")
    assert i18n.system_language() == "el"
    monkeypatch.setenv("LANGUAGE", "hr:en")
    assert i18n.system_language() == "hr"


def test_every_error_code_has_both_sentences() -> None:
    for code, (message, next_step) in MESSAGES.items():
        assert message.strip() and next_step.strip(), code


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_core_module_imports_qt() -> None:
    offenders = []
    for path in (ROOT / "composer").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "composer").parts:
            continue
        if any(name.split(".")[0] == "PySide6" or name.startswith("composer.ui") for name in _imports(path)):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_user_facing_strings_in_the_ui_go_through_translation() -> None:
    """setText/setPlaceholderText/setToolTip/setWindowTitle never get a bare literal."""
    setters = {
        "setText",
        "setPlaceholderText",
        "setToolTip",
        "setWindowTitle",
        "setTitle",
        "showMessage",
        "setInformativeText",
    }
    offenders = []
    for path in (ROOT / "composer" / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in setters
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and node.args[0].value.strip(" *")
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_the_message_template_is_up_to_date() -> None:
    """Translators work from resources/locale/messages.pot: it must list every string."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "extract_messages.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout
