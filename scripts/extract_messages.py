"""Collects every translatable string into resources/locale/messages.pot.

Strings are the first argument of ``_()`` and ``N_()``, and the singular and
plural of ``ngettext()`` and ``N_plural()`` (a ``msgid``/``msgid_plural`` entry), in
``composer/`` (core and UI), and the labels, descriptions, questions and
options of the built-in categories. Run it after changing strings;
``tests/core/test_i18n.py`` fails while the template is out of date.

Our own walker rather than Babel's extractor: the categories live in TOML,
which Babel cannot read, and the walker is forty lines. References name files
only, never line numbers, so moving code does not make the template stale.

    .venv/bin/python scripts/extract_messages.py [--check]
"""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "resources" / "locale" / "messages.pot"
FUNCTIONS = {"_", "N_", "ngettext", "N_plural"}


def python_messages() -> tuple[dict[str, list[str]], dict[str, str]]:
    """Every marked string with the files it appears in, and the plural of each ``ngettext``."""
    found: dict[str, list[str]] = {}
    plurals: dict[str, str] = {}
    for path in sorted((ROOT / "composer").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in FUNCTIONS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                where = str(path.relative_to(ROOT))
                places = found.setdefault(node.args[0].value, [])
                if where not in places:
                    places.append(where)
                if (
                    node.func.id in {"ngettext", "N_plural"}
                    and len(node.args) > 1
                    and isinstance(node.args[1], ast.Constant)
                    and isinstance(node.args[1].value, str)
                ):
                    plurals[node.args[0].value] = node.args[1].value
    return found, plurals


def category_messages() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    data = tomllib.loads((ROOT / "resources" / "categories.toml").read_text(encoding="utf-8"))
    for category in data["categories"]:
        where = "resources/categories.toml"
        texts = [category.get("label", ""), category.get("description", "")]
        for question in category.get("questions", []):
            texts += [question.get("label", ""), question.get("hint", ""), *question.get("options", [])]
        for text in texts:
            if text and where not in found.setdefault(text, []):
                found[text].append(where)
    for text in ("Yes", "No"):
        found.setdefault(text, []).append("composer/ui/steps/happens.py")
    return found


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def template() -> str:
    messages, plurals = python_messages()
    for text, places in category_messages().items():
        messages.setdefault(text, []).extend(p for p in places if p not in messages.get(text, []))
    lines = [
        "# Request Composer: every translatable string. Made by scripts/extract_messages.py.",
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        "",
    ]
    for text in sorted(messages):
        lines += [f"#: {place}" for place in messages[text][:3]]
        if "{" in text:
            lines.append("#, python-brace-format")
        lines.append(f"msgid {_quote(text)}")
        if text in plurals:
            lines += [f"msgid_plural {_quote(plurals[text])}", 'msgstr[0] ""', 'msgstr[1] ""', ""]
        else:
            lines += ['msgstr ""', ""]
    return "\n".join(lines)


def main() -> int:
    text = template()
    if "--check" in sys.argv:
        current = TEMPLATE.read_text(encoding="utf-8") if TEMPLATE.exists() else ""
        if current != text:
            print("resources/locale/messages.pot is out of date: run scripts/extract_messages.py")
            return 1
        return 0
    TEMPLATE.write_text(text, encoding="utf-8")
    print(f"{TEMPLATE.relative_to(ROOT)}: {text.count('msgid ') - 1} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
