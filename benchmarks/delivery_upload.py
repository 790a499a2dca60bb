"""Sending a request with 25 MB of attachments, against a bare httpx upload of the same bytes.

The intake test server runs in its own process on 127.0.0.1. Each measured
send runs in a fresh Python process, so its memory is its own:

* ``composer``: the whole delivery path: outbox write, claim, multipart
  streamed from the attachment store, receipt and history (FTS) update;
* ``httpx``: ``httpx.Client.post(files=...)`` with the same files opened from
  disk and the same JSON part, to the same endpoint.

Wall time is the median of the runs; memory is the growth of the peak
resident set (VmHWM, reset before the send) over the resident set just
before it. Targets: time <= 1.3x bare httpx, memory growth <= 3x the
attachment size.

    .venv/bin/python -m benchmarks.delivery_upload [--runs 5] [--write]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES = (10 * 1024 * 1024, 10 * 1024 * 1024, 5 * 1024 * 1024)
RESULTS = ROOT / "benchmarks" / "RESULTS-delivery.md"


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def prepare(folder: Path) -> None:
    """The store with the request's attachments (done once, outside the measurement)."""
    from composer.store import Store
    from tests.servers.intake import make_request

    with Store(folder / "data") as store:
        request = make_request(store, sizes=SIZES)
    (folder / "request.json").write_text(request.model_dump_json(), encoding="utf-8")


def measure(variant: str, folder: Path, url: str) -> dict[str, Any]:
    """One send in this (fresh) process."""
    import httpx
    from keyring.backends.fail import Keyring as FailKeyring

    from composer.channels.factory import ChannelFactory
    from composer.credentials import Credentials, identity
    from composer.delivery import OutboxWorker
    from composer.model import Request
    from composer.outbox import OutboxState, get_entry
    from composer.render import render_json
    from composer.store import Store
    from tests.servers.intake import TOKEN, make_profile

    store = Store(folder / "data")
    request = Request.model_validate_json((folder / "request.json").read_text(encoding="utf-8"))
    request = request.model_copy(update={"id": uuid.uuid4().hex})
    profile = make_profile({"kind": "helpdesk", "helpdesk": "intake", "url": url})
    credentials = Credentials(backend=FailKeyring())
    credentials.set("example", identity("intake", request.requester.email), TOKEN)
    worker = OutboxWorker(store, ChannelFactory(store, credentials, folder / "bundles"))
    client = httpx.Client(timeout=60)
    # a running app has rendered this text for the review step already; the bare
    # upload sends the same JSON part as the intake channel (model and text)
    from composer.render import render_text

    document = render_json(request, text=render_text(request, profile)).encode()
    before = _rss_kb("VmRSS")
    _reset_peak()
    started = time.perf_counter()
    if variant == "composer":
        entry = worker.submit(request, profile)
        worker.run_once()
        done = get_entry(store, entry.id)
        assert done is not None and done.state is OutboxState.SENT, done
    else:
        handles = [open(store.attachment_path(a), "rb") for a in request.attachments]  # noqa: SIM115
        files: list[tuple[str, Any]] = [("request", (None, document, "application/json"))]
        files += [
            ("attachments", (a.name, h, a.media_type))
            for a, h in zip(request.attachments, handles, strict=True)
        ]
        response = client.post(
            url + "/requests",
            files=files,
            headers={"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": f"rc-{uuid.uuid4().hex}"},
        )
        assert response.status_code == 201, response.text
        for handle in handles:
            handle.close()
    seconds = time.perf_counter() - started
    peak = _rss_kb("VmHWM")
    client.close()
    store.close()
    return {"variant": variant, "seconds": seconds, "growth_kb": max(0, peak - before)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--measure", nargs=3, metavar=("VARIANT", "FOLDER", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        variant, folder, url = args.measure
        print(json.dumps(measure(variant, Path(folder), url)))
        return
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.servers.intake"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env,
        text=True,
    )
    assert server.stdout is not None and server.stdin is not None
    url = server.stdout.readline().strip()
    results: dict[str, list[dict[str, Any]]] = {"composer": [], "httpx": []}
    try:
        with tempfile.TemporaryDirectory(prefix="rc-upload-") as temp:
            folder = Path(temp)
            prepare(folder)
            for run in range(args.runs + 1):
                for variant in ("httpx", "composer") if run % 2 else ("composer", "httpx"):
                    out = subprocess.run(
                        [
                            sys.executable,
                            "-m",
                            "benchmarks.delivery_upload",
                            "--measure",
                            variant,
                            str(folder),
                            url,
                        ],
                        capture_output=True,
                        text=True,
                        cwd=ROOT,
                        env=env,
                        check=True,
                    ).stdout
                    if run:  # the first round warms the caches and is not counted
                        results[variant].append(json.loads(out))
    finally:
        server.stdin.close()
        server.wait(10)
        server.stdout.close()
    total_mb = sum(SIZES) / 2**20
    ours = statistics.median(r["seconds"] for r in results["composer"])
    bare = statistics.median(r["seconds"] for r in results["httpx"])
    ours_mem = max(r["growth_kb"] for r in results["composer"]) / 1024
    bare_mem = max(r["growth_kb"] for r in results["httpx"]) / 1024
    table = "\n".join(
        [
            f"Attachments: {len(SIZES)} files, {total_mb:.0f} MB; {args.runs} runs each, median time, "
            f"largest memory growth; {platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} CPUs.",
            "",
            "| variant | wall time | vs bare httpx | peak RSS growth | vs attachment size |",
            "| --- | --- | --- | --- | --- |",
            f"| request-composer (outbox + intake channel) | {ours:.3f} s | {ours / bare:.2f}x "
            f"| {ours_mem:.1f} MB | {ours_mem / total_mb:.2f}x |",
            f"| bare httpx `files=` upload | {bare:.3f} s | 1.00x | {bare_mem:.1f} MB "
            f"| {bare_mem / total_mb:.2f}x |",
            "",
            f"Targets: time <= 1.3x ({'met' if ours / bare <= 1.3 else 'NOT met'}), "
            f"memory growth <= 3x ({'met' if ours_mem / total_mb <= 3 else 'NOT met'}).",
        ]
    )
    print(table)
    if args.write:
        section = (
            "## Upload of 25 MB (`benchmarks/delivery_upload.py`)\n\n"
            "`.venv/bin/python -m benchmarks.delivery_upload --write`\n\n" + table + "\n"
        )
        # replace this benchmark's section only; the other benchmarks' sections stay
        old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Delivery benchmarks\n\n"
        head, marker, rest = old.partition("## Upload of 25 MB")
        tail = rest[rest.find("\n## ") + 1 :] if marker and "\n## " in rest else ""
        RESULTS.write_text(
            (head or "# Delivery benchmarks\n\n") + section + ("\n" + tail if tail else ""), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
