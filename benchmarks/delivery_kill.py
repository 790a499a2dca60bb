"""Kill ``request-composer send`` with SIGKILL at random moments; every request must arrive once.

For each of N saved requests (bundles with a 256 KB attachment), the real
command is started against the test intake server on 127.0.0.1; most runs
are killed with SIGKILL after a random delay (before, during or after the
upload, or after the server created the ticket but before the receipt was
stored), and the command is started again until it exits 0. At the end the
server must hold exactly N tickets, one per request.

    .venv/bin/python -m benchmarks.delivery_kill [N] [--seed S]

Prints the figures and, with ``--write``, appends them to
``benchmarks/RESULTS-delivery.md``.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from composer.render import write_bundle  # noqa: E402
from composer.store import Store  # noqa: E402
from tests.servers.intake import TOKEN, IntakeServer, make_request  # noqa: E402


@dataclass
class KillFigures:
    requests: int
    runs: int
    kills: int
    interrupted_attempts: int
    posts: int
    tickets: int
    duplicates: int
    missing: int
    seconds: float

    def table(self) -> str:
        return "\n".join(
            [
                "| requests | command runs | SIGKILLs | attempts cut short | POSTs received "
                "| tickets | duplicates | missing | wall time |",
                "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
                f"| {self.requests} | {self.runs} | {self.kills} | {self.interrupted_attempts} "
                f"| {self.posts} | {self.tickets} | {self.duplicates} | {self.missing} "
                f"| {self.seconds:.1f} s |",
            ]
        )


PROFILE = """
format = 1
[provider]
id = "kill-test"
name = "Kill Test Hosting"
[[channels]]
kind = "helpdesk"
helpdesk = "intake"
url = "{url}"
"""


def run(count: int = 50, *, seed: int = 1, kill_ratio: float = 0.75, max_delay: float = 0.9) -> KillFigures:
    rng = random.Random(seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rc-kill-") as temp, IntakeServer(read_delay=0.03) as server:
        folder = Path(temp)
        profile_file = folder / "profile.toml"
        profile_file.write_text(PROFILE.format(url=server.url), encoding="utf-8")
        bundles: list[tuple[str, Path]] = []
        with Store(folder / "staging") as staging:
            from composer.profile import load_profile

            profile = load_profile(profile_file)
            for i in range(count):
                request = make_request(staging, sizes=(256 * 1024,), seed=i)
                bundles.append((request.id, write_bundle(request, profile, staging, folder / f"r{i}.zip")))
        data = folder / "data"
        env = {**os.environ, "REQUEST_COMPOSER_SECRET": TOKEN, "PYTHONPATH": str(ROOT)}
        runs = kills = 0
        for _request_id, bundle in bundles:
            tries = 0
            while True:
                tries += 1
                runs += 1
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "composer",
                        "send",
                        str(bundle),
                        "--data-dir",
                        str(data),
                        "--profile",
                        str(profile_file),
                        "--wait",
                        "60",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    env=env,
                    cwd=ROOT,
                )
                if tries <= 3 and rng.random() < kill_ratio:
                    try:
                        process.wait(rng.uniform(0.2, max_delay))
                    except subprocess.TimeoutExpired:
                        process.send_signal(signal.SIGKILL)
                        kills += 1
                    _, errors = process.communicate()
                else:
                    _, errors = process.communicate(timeout=90)
                if process.returncode == 0:
                    break
                if process.returncode != -signal.SIGKILL:
                    raise RuntimeError(f"send failed ({process.returncode}): {errors.decode()}")
        with sqlite3.connect(data / "composer.db") as db:
            interrupted = db.execute(
                "SELECT COUNT(*) FROM delivery_attempts WHERE outcome = 'interrupted'"
            ).fetchone()[0]
        db.close()
        found = server.tickets_by_request_id()
        expected = {request_id for request_id, _ in bundles}
        figures = KillFigures(
            requests=count,
            runs=runs,
            kills=kills,
            interrupted_attempts=interrupted,
            posts=server.posts,
            tickets=len(server.tickets),
            duplicates=sum(len(refs) - 1 for refs in found.values()),
            missing=len(expected - set(found)),
            seconds=time.monotonic() - started,
        )
        if server.violations:
            raise RuntimeError(f"requests that do not follow the spec: {server.violations[:3]}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", nargs="?", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="append the figures to RESULTS-delivery.md")
    args = parser.parse_args()
    figures = run(args.count, seed=args.seed)
    print(figures.table())
    if args.write:
        with open(ROOT / "benchmarks" / "RESULTS-delivery.md", "a", encoding="utf-8") as results:
            results.write(f"\n### SIGKILL while sending (seed {args.seed})\n\n{figures.table()}\n")


if __name__ == "__main__":
    main()
