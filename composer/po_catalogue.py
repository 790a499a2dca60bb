"""Reading the message template and checking a catalogue against it.

Used by the translation tests and by ``scripts/missing_translations.py``, so
that what the tests call missing and what a translator is handed to fill in
are one and the same. :func:`composer.i18n.parse_po` stays the run-time
reader; this module is for tools: it keeps plural entries, references and the
header.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

__all__ = [
    "Entry",
    "catalogue_problems",
    "entry_problems",
    "header_field",
    "mnemonics",
    "nplurals",
    "parse_entries",
    "placeholders",
    "render_entry",
]

_PLACEHOLDER = re.compile(r"\{(\w*)(?:[:!][^{}]*)?\}")


@dataclass
class Entry:
    """One entry of a ``.po`` or ``.pot`` file."""

    msgid: str
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def forms(self) -> list[str]:
        """The translated forms: one for a plain entry, one per plural form otherwise."""
        return self.msgstr_plural if self.msgid_plural is not None else [self.msgstr]


def parse_entries(text: str) -> tuple[str, list[Entry]]:
    """The header (the msgstr of the empty msgid) and every other entry, in file order."""
    header = ""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text):
        entry = _parse_block(block)
        if entry is None:
            continue
        if entry.msgid == "":
            header = entry.msgstr
        else:
            entries.append(entry)
    return header, entries


def _parse_block(block: str) -> Entry | None:
    values: dict[str, str] = {}
    comments: list[str] = []
    fuzzy = False
    current: str | None = None
    for raw in block.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            comments.append(line)
            fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
            continue
        if line.startswith('"') and current is not None:
            values[current] += ast.literal_eval(line)
            continue
        key, _sep, rest = line.partition(" ")
        current = key
        values[key] = ast.literal_eval(rest.strip()) if rest.strip() else ""
    if "msgid" not in values:
        return None
    plural_keys = sorted((k for k in values if k.startswith("msgstr[")), key=lambda k: int(k[7:-1]))
    return Entry(
        msgid=values["msgid"],
        msgid_plural=values.get("msgid_plural"),
        msgstr=values.get("msgstr", ""),
        msgstr_plural=[values[k] for k in plural_keys],
        comments=comments,
        fuzzy=fuzzy,
    )


def header_field(header: str, name: str) -> str | None:
    """One field of a catalogue header, e.g. ``Plural-Forms``."""
    for line in header.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == name.lower():
            return value.strip()
    return None


def nplurals(header: str) -> int:
    """How many plural forms the catalogue's ``Plural-Forms`` header declares (2 if none)."""
    match = re.search(r"nplurals\s*=\s*(\d+)", header_field(header, "Plural-Forms") or "")
    return int(match.group(1)) if match else 2


def placeholders(text: str) -> set[str]:
    """The names of the ``{placeholders}`` in a message."""
    return set(_PLACEHOLDER.findall(text))


def mnemonics(text: str) -> int:
    """How many mnemonic markers (``&``, not ``&&``) a message has."""
    return text.replace("&&", "").count("&")


def catalogue_problems(template: list[Entry], catalogue_text: str) -> list[str]:
    """What a catalogue gets wrong against the template: one line per problem.

    A message is missing when it has no translation or is fuzzy; a plural
    message needs exactly as many non-empty forms as the header declares;
    every form keeps the placeholders and the mnemonic count of the English.
    """
    header, entries = parse_entries(catalogue_text)
    count = nplurals(header)
    by_id = {entry.msgid: entry for entry in entries if not entry.fuzzy}
    problems: list[str] = []
    for wanted in template:
        problems += entry_problems(wanted, by_id.get(wanted.msgid), count)
    return problems


def entry_problems(wanted: Entry, found: Entry | None, count: int) -> list[str]:
    """What one catalogue entry (None when absent) gets wrong; ``count`` plural forms are needed."""
    if found is None or found.fuzzy or not any(form.strip() for form in found.forms):
        return [f"missing: {wanted.msgid!r}"]
    problems: list[str] = []
    if wanted.msgid_plural is not None:
        if found.msgid_plural is None:
            return [f"not a plural entry: {wanted.msgid!r}"]
        if len(found.forms) != count or not all(form.strip() for form in found.forms):
            problems.append(f"plural forms: {wanted.msgid!r} needs {count}, has {found.forms!r}")
    english = placeholders(wanted.msgid) | placeholders(wanted.msgid_plural or "")
    for form in found.forms:
        if placeholders(form) != english:
            problems.append(f"placeholders: {wanted.msgid!r} -> {form!r}")
        if mnemonics(form) != mnemonics(wanted.msgid):
            problems.append(f"mnemonics: {wanted.msgid!r} -> {form!r}")
    return problems


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render_entry(entry: Entry) -> str:
    """An entry as ``.po`` text, ending with a blank line."""
    lines = [line for line in entry.comments if not line.startswith("#,") or "fuzzy" not in line]
    if entry.fuzzy:
        lines.append("#, fuzzy")
    lines.append(f"msgid {_quote(entry.msgid)}")
    if entry.msgid_plural is not None:
        lines.append(f"msgid_plural {_quote(entry.msgid_plural)}")
        lines += [f"msgstr[{index}] {_quote(form)}" for index, form in enumerate(entry.msgstr_plural)]
    else:
        lines.append(f"msgstr {_quote(entry.msgstr)}")
    return "\n".join(lines) + "\n\n"
