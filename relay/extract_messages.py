"""Collect the relay's customer-facing strings into its catalogue: ``composer_relay/locale/``.

Finds every ``N_("...")`` and ``translate_plural(language, "singular",
"plural", n)`` in ``composer_relay/``, writes ``messages.pot``, and brings
each ``<language>.po`` in line with it: entries keep their translation, new
ones come in untranslated (English shows until they are filled in), and
entries no longer in the code go. ``tests/relay/test_relay_i18n.py`` fails
while any entry lacks a translation.

    .venv/bin/python relay/extract_messages.py
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "composer_relay"
LOCALE = PACKAGE / "locale"
_SLAVIC = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
PLURAL_FORMS = {"el": "nplurals=2; plural=(n != 1);", "hr": _SLAVIC, "ru": _SLAVIC}

Entry = tuple[str, str | None]  # (msgid, msgid_plural)


def messages() -> list[Entry]:
    """Every catalogue string in the package, in the order the code has them."""
    found: list[Entry] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            entry: Entry | None = None
            if node.func.id == "N_" and texts:
                entry = (texts[0], None)
            elif node.func.id == "translate_plural" and len(texts) >= 2:
                entry = (texts[0], texts[1])
            if entry is not None and entry not in found:
                found.append(entry)
    return found


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _block(msgid: str, plural: str | None, forms: list[str]) -> str:
    if plural is None:
        return f"msgid {_quote(msgid)}\nmsgstr {_quote(forms[0] if forms else '')}\n"
    lines = [f"msgid {_quote(msgid)}", f"msgid_plural {_quote(plural)}"]
    lines += [f"msgstr[{n}] {_quote(form)}" for n, form in enumerate(forms)]
    return "\n".join(lines) + "\n"


def write(language: str | None, entries: list[Entry], known: dict[str, list[str]]) -> str:
    """The ``.pot`` (``language`` None) or a language's ``.po`` for ``entries``."""
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    if language is not None:
        header += f'"Language: {language}\\n"\n"Plural-Forms: {PLURAL_FORMS[language]}\\n"\n'
    count = 3 if language in {"hr", "ru"} else 2
    blocks = [header]
    for msgid, plural in entries:
        forms = known.get(msgid, []) if language else []
        if plural is not None:
            forms = (forms + [""] * count)[:count] if language else ["", ""]
        blocks.append(_block(msgid, plural, forms))
    return "\n".join(blocks)


def main() -> int:
    sys.path.insert(0, str(HERE))
    from composer_relay.i18n import read_po

    entries = messages()
    (LOCALE / "messages.pot").write_text(write(None, entries, {}), "utf-8")
    for language in PLURAL_FORMS:
        path = LOCALE / f"{language}.po"
        singles, plurals = read_po(path.read_text("utf-8")) if path.exists() else ({}, {})
        known = {k: [v] for k, v in singles.items()} | plurals
        path.write_text(write(language, entries, known), "utf-8")
    print(f"{len(entries)} strings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
