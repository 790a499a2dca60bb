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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from composer.redact import count_by_kind, scrub  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "secrets"


def evaluate() -> str:
    """Scrub every corpus file and return the results as Markdown."""
    entries = tomllib.loads((CORPUS / "manifest.toml").read_text("utf-8"))["file"]
    rows: list[str] = []
    total_planted = total_found = total_fp = total_bytes = 0
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
        total_planted += len(planted)
        total_found += found
        total_fp += false_positives
        total_bytes += len(text.encode("utf-8"))
        recall = f"{found}/{len(planted)}" if planted else "–"
        unchanged = "yes" if clean == text else "no"
        rows.append(
            f"| `{entry['path']}` | {len(text.splitlines())} | {recall} | {false_positives} | {unchanged} |"
        )
    recall_pct = 100.0 * total_found / total_planted if total_planted else 100.0
    lines = [
        "# Secret scrubbing over the test corpus",
        "",
        "Reproduce: `.venv/bin/python benchmarks/scrub_recall.py --output benchmarks/RESULTS-scrub.md`",
        "",
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}.",
        "",
        "| File | Lines | Planted secrets removed | False positives | Unchanged |",
        "|---|---:|---:|---:|---|",
        *rows,
        f"| **total** | | **{total_found}/{total_planted} ({recall_pct:.1f} %)** | **{total_fp}** | |",
        "",
        "A false positive is a removal that does not cover a planted secret. Files under "
        "`clean/` contain no secret and must come out unchanged.",
        "",
        "Caveat: the corpus was written together with the rules (it is the regression "
        "suite, not a held-out sample), so these figures show that every planted case "
        "is covered, not the recall to expect on files nobody has looked at. Secrets with "
        "no recognisable name or format (a password typed into a description) are only "
        "found when they are passed in as known secrets (`description.txt`).",
        "",
        "Removals by kind: " + ", ".join(f"`{kind}` {count}" for kind, count in sorted(kinds.items())),
        "",
        f"Scrubbing all {len(entries)} files ({total_bytes / 1024:.1f} KiB) took {elapsed * 1000:.1f} ms.",
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
