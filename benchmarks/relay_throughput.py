"""The relay under load, into the real Request Tracker, with an instance killed mid-run.

N requests, each with a 1 MB attachment, are sent C at a time with the
desktop's own intake client to ``relay serve`` processes (round robin, as a
load balancer would; a request whose instance is gone is retried with the
same Idempotency-Key on another; each instance has a folder of its own, so on
PostgreSQL the files travel in the database). With ``--kill`` the first instance gets
SIGKILL once half the requests have been answered. Figures: requests per
second (answers), p50/p95 time from the first try to RT's ticket number
(the moment the relay recorded RT's answer; the 201 carries it when it came
within the relay's short wait, else the status endpoint gives it), and,
counted in RT by the request-id custom field, requests lost and duplicated.

    .venv/bin/python -m benchmarks.relay_throughput --storage postgresql --instances 2 --kill
    .venv/bin/python -m benchmarks.relay_throughput --storage sqlite --instances 1

``--requests`` (200), ``--concurrency`` (20), ``--size`` (1000000 bytes);
``--write`` appends the table to ``benchmarks/RESULTS-relay.md``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from composer.channels.base import DeliveryError  # noqa: E402
from composer.channels.intake import IntakeClient  # noqa: E402
from composer.model import Attachment  # noqa: E402
from tests.relay.rt_fields import add_relay_fields  # noqa: E402
from tests.servers.relay import RelayProcess, write_config  # noqa: E402
from tests.servers.rt import start_request_tracker  # noqa: E402
from tests.servers.smtp import free_port  # noqa: E402

REQUESTER = "maria@example.gr"


@dataclass
class Outcome:
    request_id: str
    started: float
    answered: float = 0.0
    numbered: float = 0.0
    reference: str = ""
    number: str = ""
    tries: int = 0


def _instance(
    root: Path, name: str, database: str, rt_url: str, rt_token: str, fields: dict[str, str]
) -> RelayProcess:
    """One ``relay serve`` with a folder of its own: on PostgreSQL the files travel in the database."""
    port = free_port()
    data = {
        "server": {"port": port, "answer_wait_seconds": 5, "workers": 4, "instance_timeout_seconds": 5},
        "storage": {"database": database, "attachments": str(root / f"{name}-files")},
        "limits": {"requests_per_hour_per_token": 100000, "requests_per_hour_per_address": 100000},
        "helpdesk": {"kind": "rt", "url": rt_url, "token": rt_token, "custom_fields": fields},
    }
    return RelayProcess(write_config(root / f"{name}.toml", data), port, root / f"{name}.log")


def run(args: argparse.Namespace) -> dict[str, object]:
    with ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="relay-bench-")))
        tracker = stack.enter_context(start_request_tracker(root / "rt"))
        fields = add_relay_fields(tracker)
        if args.storage == "postgresql":
            from tests.servers.postgres import start_postgres

            database = stack.enter_context(start_postgres(root / "pg")).url
        else:
            database = str(root / "relay.db")
        instances = [
            _instance(root, f"relay-{n}", database, tracker.url, tracker.token, fields)
            for n in range(args.instances)
        ]
        token = subprocess.run(
            [
                sys.executable,
                "-m",
                "composer_relay",
                "--config",
                str(instances[0].config),
                "token",
                "issue",
                "--customer",
                "C-1",
                "--email",
                REQUESTER,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for instance in instances:
            stack.enter_context(instance)
        urls = [instance.url for instance in instances]
        alive = list(range(len(urls)))
        rng = random.Random(7)
        payload = root / "evidence.bin"
        payload.write_bytes(rng.randbytes(args.size))
        meta = Attachment(
            name="evidence.bin",
            sha256=hashlib.sha256(payload.read_bytes()).hexdigest(),
            size=args.size,
            media_type="application/octet-stream",
        )
        outcomes = [Outcome(f"bench-{n:04d}", 0.0) for n in range(args.requests)]
        answered = [0]
        lock = threading.Lock()
        killed: list[float] = []
        errors: list[str] = []

        def document(outcome: Outcome) -> str:
            request = {
                "id": outcome.request_id,
                "schema_version": 1,
                "summary": f"Benchmark {outcome.request_id}",
                "requester": {"name": "Maria", "email": REQUESTER},
                "domain": "example.gr",
                "attachments": [meta.model_dump(mode="json")],
            }
            return json.dumps({"format": "request-composer/bundle", "schema_version": 1, "request": request})

        def send(n: int) -> None:
            outcome = outcomes[n]
            outcome.started = time.time()
            key = f"bench-key-{n:08d}"
            while True:
                outcome.tries += 1
                target = alive[(n + outcome.tries) % len(alive)]
                try:
                    with IntakeClient(urls[target], token=token) as client:
                        created = client.create_request(
                            document(outcome), [(meta, payload)], idempotency_key=key
                        )
                    break
                except DeliveryError as exc:
                    if exc.code not in {"delivery.network", "delivery.timeout", "delivery.server_error"}:
                        raise
                    with lock:
                        errors.append(
                            f"{exc.code} {exc.params.get('status', '')} {exc.params.get('reason', '')}"
                        )
                    time.sleep(0.2)
            outcome.answered = time.time()
            outcome.reference = created.reference
            with lock:
                answered[0] += 1
                if args.kill and not killed and answered[0] >= args.requests // 2:
                    instances[0].kill()
                    alive.remove(0)
                    killed.append(time.monotonic())

        begin = time.monotonic()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(send, range(args.requests)))
        end_answers = time.monotonic()
        deadline = time.monotonic() + 600
        for outcome in outcomes:
            while not outcome.number:
                assert time.monotonic() < deadline, "numbers did not come"
                try:
                    with IntakeClient(urls[alive[0]], token=token) as client:
                        status = client.get_status(outcome.reference)
                except DeliveryError:
                    time.sleep(0.5)
                    continue
                if str(status["reference"]).isdigit():
                    outcome.number = str(status["reference"])
                else:
                    time.sleep(0.2)
        # when each number came to exist: the relay records it the moment RT answers
        from composer_relay.db import open_database

        store = open_database(database)
        with store.transaction() as cursor:
            cursor.execute("SELECT request_id, forwarded_at FROM requests")
            forwarded = {str(r[0]): float(r[1]) for r in cursor.fetchall()}
        store.close()
        for outcome in outcomes:
            outcome.numbered = forwarded[outcome.request_id]
        counts: dict[str, int] = {}
        for ticket in tracker.tickets("'CF.{Request ID}' LIKE 'bench-'"):
            full = tracker.ticket(ticket["id"])
            for cf in full["CustomFields"]:
                if cf["name"] == "Request ID":
                    for value in cf["values"]:
                        counts[value] = counts.get(value, 0) + 1
        relay_errors = sorted(
            {
                json.loads(line).get("exception", json.loads(line)["event"]).strip().splitlines()[-1]
                for instance in instances
                for line in instance.log.read_text(errors="replace").splitlines()
                if line.startswith("{") and json.loads(line)["level"] in {"error", "critical"}
            }
        )
        to_number = sorted(o.numbered - o.started for o in outcomes)
        return {
            "storage": args.storage,
            "instances": args.instances,
            "killed": bool(killed),
            "requests": args.requests,
            "concurrency": args.concurrency,
            "size": args.size,
            "requests_per_second": args.requests / (end_answers - begin),
            "p50_to_number": statistics.median(to_number),
            "p95_to_number": to_number[int(0.95 * (len(to_number) - 1))],
            "answered_with_number": sum(1 for o in outcomes if o.reference.isdigit()),
            "retried_after_kill": sum(1 for o in outcomes if o.tries > 1),
            "lost": sum(1 for o in outcomes if counts.get(o.request_id, 0) == 0),
            "duplicated": sum(1 for o in outcomes if counts.get(o.request_id, 0) > 1),
            "wall": time.monotonic() - begin,
            "client_errors": sorted(set(errors)),
            "relay_errors": relay_errors,
        }


def table(result: dict[str, object]) -> str:
    r: dict[str, Any] = result
    return (
        f"| {r['storage']} | {r['instances']} | {'yes' if r['killed'] else 'no'} | {r['requests']} × "
        f"{r['size'] / 1e6:.0f} MB, {r['concurrency']} at a time | {r['requests_per_second']:.1f} "
        f"| {r['p50_to_number']:.1f} s | {r['p95_to_number']:.1f} s "
        f"| {r['answered_with_number']} | {r['retried_after_kill']} | {r['lost']} | {r['duplicated']} |"
    )


HEADER = (
    "| storage | instances | one killed | load | answers/s | p50 to RT number | p95 to RT number "
    "| 201 with RT's number | retried on another instance | lost | duplicated |\n"
    "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--storage", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--kill", action="store_true")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2))
    print(HEADER)
    print(table(result))
    if args.write:
        results = ROOT / "benchmarks" / "RESULTS-relay.md"
        if not results.exists():
            results.write_text(
                "# Relay: throughput into the real Request Tracker, one instance killed\n\n"
                f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
                f"{os.cpu_count()} CPUs; RT 5 (rt-server, SQLite) on the same machine.\n\n" + HEADER + "\n",
                encoding="utf-8",
            )
        with results.open("a", encoding="utf-8") as out:
            out.write(table(result) + "\n")


if __name__ == "__main__":
    main()
