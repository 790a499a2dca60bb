"""Which kind of problem a pasted error or a customer's own words describe, in any of our languages.

A small multinomial naive Bayes over character 2- to 5-grams, trained when
first used from the descriptive phrases per category in
``resources/lang/<language>/triage.toml`` (``[phrases]``: category id ->
phrases). Character n-grams carry over between inflected forms ("почта",
"почту", "почтой"; "poslati", "poslao") and between an error text and the way
people retell it, which word lists do not. It runs offline, needs no
download, trains in a fraction of a second and classifies in well under a
millisecond (``benchmarks/triage_accuracy.py`` measures both and the accuracy
on ``tests/corpus/errors/``).

Specific codes (SMTP enhanced status codes, Outlook's 0x800CCCxx, Chrome's
``ERR_*``) are decided by rules in :mod:`composer.explain`, not here.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from composer.langdata import merged_language_data

__all__ = [
    "Classifier",
    "Guess",
    "default_classifier",
    "normalise",
    "phrase_found",
    "phrase_pattern",
    "training_phrases",
]

_SPACE = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w@.:/-]+")
_SIZES = (2, 3, 4, 5)
_ALPHA = 0.05


def normalise(text: str) -> str:
    """Lower case, without accents (ά -> α, č -> c, й -> и), punctuation folded to spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", _NOT_WORD.sub(" ", stripped)).strip()


@cache
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A phrase of a language data file as a pattern over folded text (:func:`normalise`).

    The whole phrase, on word boundaries; a phrase ending in ``*`` is a stem
    and matches any ending ("почт*": почта, почту, почтой).
    """
    stem = phrase.endswith("*")
    words = normalise(phrase.rstrip("*"))
    return re.compile(r"(?<![\w])" + re.escape(words) + (r"" if stem else r"(?![\w])"))


@cache
def _phrase_words(phrase: str) -> str:
    return normalise(phrase.rstrip("*"))


def phrase_found(phrase: str, folded: str) -> bool:
    """Whether a phrase of a language data file occurs in folded text (:func:`normalise`).

    A plain substring test first: most phrases are absent from most texts, and
    the window asks this for a thousand phrases as the user types, so a
    pattern is compiled only for a phrase that may be there (the first window
    compiled hundreds of patterns otherwise).
    """
    return _phrase_words(phrase) in folded and phrase_pattern(phrase).search(folded) is not None


def _features(text: str) -> Counter[str]:
    grams: Counter[str] = Counter()
    for word in normalise(text).split():
        padded = f" {word} "
        for size in _SIZES:
            for start in range(max(1, len(padded) - size + 1)):
                grams[padded[start : start + size]] = 1
    return grams


@dataclass(frozen=True)
class Guess:
    category: str
    confidence: float


class Classifier:
    """Naive Bayes over character n-grams; each text's n-grams count once (binary)."""

    def __init__(self, examples: Mapping[str, Iterable[str]]) -> None:
        counts: dict[str, Counter[str]] = {}
        documents: Counter[str] = Counter()
        vocabulary: set[str] = set()
        for category, phrases in examples.items():
            total = counts.setdefault(category, Counter())
            for phrase in phrases:
                features = _features(phrase)
                total.update(features)
                documents[category] += 1
                vocabulary.update(features)
        if not counts:
            raise ValueError("no training phrases")
        self.categories = sorted(counts)
        size = len(vocabulary)
        all_documents = sum(documents.values())
        self._prior = {c: math.log(documents[c] / all_documents) for c in self.categories}
        self._log: dict[str, dict[str, float]] = {}
        self._unseen: dict[str, float] = {}
        for category in self.categories:
            grams = counts[category]
            denominator = sum(grams.values()) + _ALPHA * size
            self._log[category] = {g: math.log((n + _ALPHA) / denominator) for g, n in grams.items()}
            self._unseen[category] = math.log(_ALPHA / denominator)
        self._known = vocabulary

    def rank(self, text: str) -> list[Guess]:
        """Every category with its probability, best first; empty when no n-gram is known."""
        features = [g for g in _features(text) if g in self._known]
        if not features:
            return []
        scores = {}
        for category in self.categories:
            table, unseen = self._log[category], self._unseen[category]
            scores[category] = self._prior[category] + sum(table.get(g, unseen) for g in features)
        # naive Bayes is overconfident on many correlated n-grams: temper by their number
        temperature = max(1.0, len(features) / 5)
        best = max(scores.values())
        weights = {c: math.exp((s - best) / temperature) for c, s in scores.items()}
        total = sum(weights.values())
        ranked = sorted(weights.items(), key=lambda item: -item[1])
        return [Guess(category, weight / total) for category, weight in ranked]


def training_phrases(languages: Iterable[str] | None = None) -> dict[str, list[str]]:
    """The ``[phrases]`` tables of every language, merged per category."""
    merged: dict[str, list[str]] = {}
    for table in merged_language_data("triage", languages).values():
        for category, phrases in table.get("phrases", {}).items():
            merged.setdefault(category, []).extend(str(p) for p in phrases)
    return merged


_lock = threading.Lock()
_default: Classifier | None = None


def default_classifier() -> Classifier:
    """The classifier trained on the shipped phrases (trained once, on first use)."""
    global _default
    with _lock:
        if _default is None:
            _default = Classifier(training_phrases())
        return _default
