"""The findings' words, as a customer reads them: readable, whole, with people's numbers."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.core.diagnostics_sentences import scored, texts

ROOT = Path(__file__).resolve().parents[2]


def test_every_customer_sentence_reads_easily() -> None:
    """Flesch reading ease of each English sentence, realistic parameters, at least 60."""
    hard = [(round(score), code, sentence) for score, code, _variant, sentence in scored() if score < 60]
    assert hard == []


def test_no_sentence_is_left_with_a_placeholder_or_an_ellipsis() -> None:
    for code, variant, text in texts():
        assert "{" not in text and "..." not in text and "…" not in text, (code, variant, text)
        assert "(s)" not in text, (code, variant, text)


def test_no_english_fragment_is_pasted_into_a_translated_sentence() -> None:
    """Parameters named like prose (reason, why) would carry untranslated English."""
    for path in (ROOT / "composer" / "diagnostics").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "make_finding":
                names = {k.arg for k in node.keywords}
                assert not names & {"reason", "why"}, path
