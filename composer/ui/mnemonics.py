"""Mnemonics across scripts: the letter a label underlines, and Latin keys that always work.

A translated label moves its mnemonic to a letter of its own script ("&Επόμενο"
is Alt+Ε, "&Далее" is Alt+Д). On a Latin keyboard layout no key makes Ε or Д,
so Alt+N matched no shortcut and the focused line edit typed the "n" instead.
The main window therefore keeps the English Alt+N and Alt+B for Next and Back
in every language, switched off where the translation underlines that same
letter (two shortcuts on one key would make Qt pick neither).
"""

from __future__ import annotations

__all__ = ["mnemonic_letter"]


def mnemonic_letter(text: str) -> str | None:
    """The lower-case letter that ``&`` marks in ``text`` (``&&`` is a literal ampersand)."""
    index = 0
    while index < len(text) - 1:
        if text[index] == "&":
            if text[index + 1] != "&":
                return text[index + 1].lower()
            index += 1
        index += 1
    return None
