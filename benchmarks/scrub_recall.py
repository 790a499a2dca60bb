"""Recall and false positives of secret scrubbing over the test corpus.

Usage::

    .venv/bin/python benchmarks/scrub_recall.py [--output benchmarks/RESULTS-scrub.md]

For every file in ``tests/corpus/secrets/manifest.toml``: how many planted
secrets are gone after scrubbing (recall), and how many removals hit text that
is not a planted secret (false positives). Clean files must have none. Prints a
Markdown table; with ``--output`` also writes it to that file.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from composer.redact import count_by_kind, scrub  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "secrets"
# The held-out set's figure before any rule was written for it (issue 9).
BASELINE = "30/40 (75.0 %) removed, 0 false positives, the clean file unchanged"


def _score(entries: list[dict[str, Any]]) -> tuple[list[str], dict[str, int], dict[str, int], float]:
    """Rows of the table, totals and removals by kind for one set of corpus files."""
    rows: list[str] = []
    totals = {"planted": 0, "found": 0, "fp": 0, "bytes": 0, "clean": 0, "clean_unchanged": 0}
    kinds: dict[str, int] = {}
    elapsed = 0.0
    for entry in entries:
        text = (CORPUS / entry["path"]).read_text("utf-8")
        planted: list[str] = entry.get("secrets", [])
        started = time.perf_counter()
        clean, matches = scrub(text, extra_secrets=entry.get("known", []))
        elapsed += time.perf_counter() - started
        found = sum(1 for secret in planted if secret not in clean)
        false_positives = sum(1 for m in matches if not any(m.text in s or s in m.text for s in planted))
        for kind, count in count_by_kind(matches).items():
            kinds[kind] = kinds.get(kind, 0) + count
        totals["planted"] += len(planted)
        totals["found"] += found
        totals["fp"] += false_positives
        totals["bytes"] += len(text.encode("utf-8"))
        if entry.get("clean"):
            totals["clean"] += 1
            totals["clean_unchanged"] += clean == text
        recall = f"{found}/{len(planted)}" if planted else "–"
        unchanged = "yes" if clean == text else "no"
        rows.append(
            f"| `{entry['path']}` | {len(text.splitlines())} | {recall} | {false_positives} | {unchanged} |"
        )
    return rows, totals, kinds, elapsed


def _table(title: str, rows: list[str], totals: dict[str, int]) -> list[str]:
    planted = totals["planted"]
    recall_pct = 100.0 * totals["found"] / planted if planted else 100.0
    return [
        f"## {title}",
        "",
        "| File | Lines | Planted secrets removed | False positives | Unchanged |",
        "|---|---:|---:|---:|---|",
        *rows,
        f"| **total** | | **{totals['found']}/{planted} ({recall_pct:.1f} %)** | **{totals['fp']}** | "
        f"{totals['clean_unchanged']}/{totals['clean']} clean |",
        "",
    ]


def summary() -> dict[str, dict[str, int]]:
    """Totals for the regression set and the held-out set (for the README line)."""
    entries = tomllib.loads((CORPUS / "manifest.toml").read_text("utf-8"))["file"]
    return {
        name: _score([e for e in entries if bool(e.get("heldout")) == heldout])[1]
        for name, heldout in (("regression", False), ("heldout", True))
    }


def evaluate() -> str:
    """Scrub every corpus file and return the results as Markdown."""
    entries = tomllib.loads((CORPUS / "manifest.toml").read_text("utf-8"))["file"]
    regression = [e for e in entries if not e.get("heldout")]
    heldout = [e for e in entries if e.get("heldout")]
    rows, totals, kinds, elapsed = _score(regression)
    held_rows, held_totals, held_kinds, held_elapsed = _score(heldout)
    for kind, count in held_kinds.items():
        kinds[kind] = kinds.get(kind, 0) + count
    size = (totals["bytes"] + held_totals["bytes"]) / 1024
    lines = [
        "# Secret scrubbing over the test corpus",
        "",
        "Reproduce: `.venv/bin/python benchmarks/scrub_recall.py --output benchmarks/RESULTS-scrub.md`",
        "",
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}.",
        "",
        *_table("Held-out set (`heldout/`)", held_rows, held_totals),
        "The held-out files (a client's wp-config.php, a Symfony .env, Thunderbird and "
        "Outlook SMTP logs, a FileZilla log, phpMyAdmin's config.inc.php, a Laravel "
        "database.php, a YAML config, passwords written in prose in English, Greek, "
        "Croatian and Russian, curl with Basic auth, look-alikes that must stay) were "
        "written and committed before the rules for them. Their first figure, with the "
        f"rules as they were then: {BASELINE}. The figure above is with "
        "today's rules, which were written for the shapes the issue names and then "
        "checked against these files, so it is no longer a blind measurement.",
        "",
        *_table("Regression set (written with the rules)", rows, totals),
        "A false positive is a removal that does not cover a planted secret. Files under "
        "`clean/` contain no secret and must come out unchanged. Secrets with no "
        "recognisable name, phrase or format are only found when they are passed in as "
        "known secrets (`description.txt`).",
        "",
        "Removals by kind: " + ", ".join(f"`{kind}` {count}" for kind, count in sorted(kinds.items())),
        "",
        f"Scrubbing all {len(entries)} files ({size:.1f} KiB) took {(elapsed + held_elapsed) * 1000:.1f} ms.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    report = evaluate()
    print(report)
    if args.output:
        args.output.write_text(report, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
