"""How often `explain` names the right kind of problem, per language, and how fast it is.

Runs the corpus of real-world error texts (tests/corpus/errors/corpus.toml)
through :func:`composer.explain.explain` and, for comparison, through the
rules and keywords alone (:func:`composer.triage.suggest_category`, the
suggestion on step 2, with the keywords of every language). Prints a Markdown
table for the README.

    .venv/bin/python benchmarks/triage_accuracy.py
"""

from __future__ import annotations

import statistics
import time
import tomllib
from collections import Counter
from pathlib import Path

from composer import classify
from composer.explain import explain
from composer.model import Request
from composer.profile import load_profile
from composer.triage import suggest_category

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "errors" / "corpus.toml"


def main() -> None:
    cases = tomllib.loads(CORPUS.read_text(encoding="utf-8"))["case"]
    profile = load_profile()
    started = time.perf_counter()
    classify.Classifier(classify.training_phrases())
    train_ms = (time.perf_counter() - started) * 1000
    explain("warm up", profile=profile)

    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    timings: list[float] = []
    for case in cases:
        language = case["language"]
        total[language] += 1
        started = time.perf_counter()
        got = explain(case["text"], profile=profile).category
        timings.append((time.perf_counter() - started) * 1000)
        right[language] += got == case["category"]
        old = suggest_category(Request(error_text=case["text"]), profile) or "other"
        rules[language] += old == case["category"]

    print("| language | texts | explain | rules and keywords alone |")
    print("| --- | --- | --- | --- |")
    for language in ("en", "el", "hr", "ru"):
        n = total[language]
        print(f"| {language} | {n} | {right[language] / n:.0%} | {rules[language] / n:.0%} |")
    n = sum(total.values())
    print(f"| all | {n} | {sum(right.values()) / n:.0%} | {sum(rules.values()) / n:.0%} |")
    print()
    phrases = sum(len(p) for p in classify.training_phrases().values())
    print(
        f"training on {phrases} phrases: {train_ms:.0f} ms once; "
        f"explain per text: median {statistics.median(timings):.2f} ms, max {max(timings):.2f} ms"
    )


if __name__ == "__main__":
    main()
