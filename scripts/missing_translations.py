"""What a catalogue still lacks, as a small .po to fill in; and merging it back.

    .venv/bin/python scripts/missing_translations.py hr                 # print the delta
    .venv/bin/python scripts/missing_translations.py hr -o hr-todo.po   # write it to a file
    .venv/bin/python scripts/missing_translations.py hr --merge hr-todo.po

The delta holds every message of ``resources/locale/messages.pot`` that
``resources/locale/<LANG>.po`` misses or gets wrong (a missing plural form, a
changed placeholder or mnemonic: the same checks as the tests), each with the
English, its source files and, as a hint, the Greek translation. Merging
takes the filled entries that pass those checks: an entry the catalogue
already has is replaced where it stands, a new one is appended at the end.
Entries left empty or still wrong are named and left out. Run
``scripts/extract_messages.py`` first so the template is current.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from composer.po_catalogue import (  # noqa: E402
    Entry,
    entry_problems,
    nplurals,
    parse_entries,
    render_entry,
)

LOCALE = ROOT / "resources" / "locale"
HINT_LANGUAGE = "el"


def _template() -> list[Entry]:
    return parse_entries((LOCALE / "messages.pot").read_text(encoding="utf-8"))[1]


def _header_block(text: str) -> str:
    return text.split("\n\n", 1)[0].rstrip("\n") + "\n\n"


def delta(language: str) -> tuple[str, int]:
    """The .po text of what ``language`` lacks, and how many entries it holds."""
    catalogue = (LOCALE / f"{language}.po").read_text(encoding="utf-8")
    header, entries = parse_entries(catalogue)
    forms = nplurals(header)
    hints: dict[str, Entry] = {}
    hint_path = LOCALE / f"{HINT_LANGUAGE}.po"
    if language != HINT_LANGUAGE and hint_path.is_file():
        hints = {e.msgid: e for e in parse_entries(hint_path.read_text(encoding="utf-8"))[1]}
    existing = {e.msgid: e for e in entries}
    out = [_header_block(catalogue)]
    count = 0
    for wanted in _template():
        if not entry_problems(wanted, existing.get(wanted.msgid), forms):
            continue
        count += 1
        comments = [line for line in wanted.comments if line.startswith("#:") or line.startswith("#,")]
        hint = hints.get(wanted.msgid)
        if hint is not None:
            comments.insert(0, f"#. {HINT_LANGUAGE}: " + " | ".join(hint.forms).replace("\n", " "))
        old = existing.get(wanted.msgid)
        if wanted.msgid_plural is not None:
            old_forms = old.forms if old is not None and old.msgid_plural is not None else []
            padded = (old_forms + [""] * forms)[:forms]
            entry = Entry(wanted.msgid, wanted.msgid_plural, msgstr_plural=padded, comments=comments)
        else:
            entry = Entry(wanted.msgid, msgstr=old.msgstr if old else "", comments=comments)
        out.append(render_entry(entry))
    return "".join(out), count


def merge(language: str, filled_path: Path) -> tuple[int, list[str]]:
    """Put the good entries of ``filled_path`` into the catalogue; returns (merged, problems)."""
    path = LOCALE / f"{language}.po"
    catalogue = path.read_text(encoding="utf-8")
    forms = nplurals(parse_entries(catalogue)[0])
    template = {e.msgid: e for e in _template()}
    filled = parse_entries(filled_path.read_text(encoding="utf-8"))[1]
    accepted: dict[str, Entry] = {}
    problems: list[str] = []
    for entry in filled:
        wanted = template.get(entry.msgid)
        if wanted is None:
            problems.append(f"not in the template: {entry.msgid!r}")
            continue
        found = entry_problems(wanted, entry, forms)
        if found:
            problems += found
            continue
        entry.comments = [line for line in wanted.comments if line.startswith(("#:", "#,"))]
        accepted[entry.msgid] = entry
    blocks = re.split(r"\n\s*\n", catalogue.rstrip("\n"))
    for index, block in enumerate(blocks):
        _unused, parsed = parse_entries(block)
        if parsed and parsed[0].msgid in accepted:
            blocks[index] = render_entry(accepted.pop(parsed[0].msgid)).rstrip("\n")
    blocks += [render_entry(entry).rstrip("\n") for entry in accepted.values()]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return len(filled) - len(problems), problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("language", help="catalogue code, e.g. hr or ru")
    parser.add_argument("-o", "--output", type=Path, help="write the delta here instead of printing it")
    parser.add_argument("--merge", type=Path, metavar="FILLED.po", help="merge a filled delta back")
    args = parser.parse_args(argv)
    if not (LOCALE / f"{args.language}.po").is_file():
        print(f"resources/locale/{args.language}.po does not exist", file=sys.stderr)
        return 2
    if args.merge:
        merged, problems = merge(args.language, args.merge)
        for line in problems:
            print(line, file=sys.stderr)
        print(f"{args.language}.po: {merged} entries merged, {len(problems)} left out")
        return 1 if problems else 0
    text, count = delta(args.language)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"{args.output}: {count} messages to translate")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
