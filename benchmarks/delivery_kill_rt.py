"""Kill ``request-composer send`` with SIGKILL at random moments while it e-mails a real RT.

The campaign of issue 8, against a real Request Tracker 5
(``tests/servers/rt.py``): its SMTP gateway (STARTTLS, AUTH, ``250`` only
once ``rt-mailgate`` handed the message to RT), RT's automatic replies
filed into the requester's Maildir and served by a real Dovecot
(``tests/servers/imap.py``), which the app reads with the user's consent to
take the ticket number. For each of N saved requests the real command is
started; most runs are killed after a random delay (before, during or after
DATA, while RT files the ticket, while the app waits for the number), and
the command is started again until it exits. When it says the request *may
have arrived* (exit 4: the reply watcher found no confirmation within
``--wait``), the script does what the app tells the user: it looks (the
confirmation is not there) and runs ``outbox settle ID resend``.

At the end RT must hold one ticket per request, every entry must be
``sent`` with RT's ticket number, and none may be left ``sending``.

    .venv/bin/python -m benchmarks.delivery_kill_rt [N] [--seed S] [--write]

``--write`` appends the figures to ``benchmarks/RESULTS-delivery.md``.
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
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from composer.channels.email import MailSettings  # noqa: E402
from composer.channels.factory import save_mail_settings  # noqa: E402
from composer.model import Requester  # noqa: E402
from composer.profile import load_profile  # noqa: E402
from composer.render import render_subject, write_bundle  # noqa: E402
from composer.replies import ReplySettings, save_reply_settings  # noqa: E402
from composer.store import Store  # noqa: E402
from tests.servers.imap import DovecotServer  # noqa: E402
from tests.servers.intake import make_request  # noqa: E402
from tests.servers.rt import CORRESPOND_ADDRESS, RTNAME, RtMailGateway, start_request_tracker  # noqa: E402

SENDER = "maria@example.gr"
PASSWORD = "kill-Campaign-5e2a"
EXIT_UNCERTAIN = 4

PROFILE = f"""
format = 1
[provider]
id = "kill-rt"
name = "Kill Test Hosting"
[[channels]]
kind = "email"
to = "{CORRESPOND_ADDRESS}"
subject_tag = "[{RTNAME} #{{number}}]"
"""


@dataclass
class RtKillFigures:
    requests: int
    runs: int
    kills: int
    interrupted: int
    uncertain_seen: int
    settled_by_reply: int
    resent_by_user: int
    tickets: int
    once: int
    duplicated: int
    missing: int
    wrong_number: int
    stuck: int
    seconds: float

    def table(self) -> str:
        return "\n".join(
            [
                "| requests | command runs | SIGKILLs | attempts cut short | 'may have arrived' "
                "| settled by RT's reply | resent on the user's word | RT tickets | tickets once "
                "| duplicated | missing | wrong number | stuck | wall time |",
                "| " + " | ".join(["---"] * 14) + " |",
                f"| {self.requests} | {self.runs} | {self.kills} | {self.interrupted} "
                f"| {self.uncertain_seen} | {self.settled_by_reply} | {self.resent_by_user} "
                f"| {self.tickets} | {self.once} | {self.duplicated} | {self.missing} "
                f"| {self.wrong_number} | {self.stuck} | {self.seconds:.0f} s |",
            ]
        )


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "composer", *args]


def run(
    count: int = 30,
    *,
    seed: int = 1,
    kill_ratio: float = 0.8,
    min_delay: float = 0.3,
    max_delay: float = 0.85,
    wait: float = 30.0,
) -> RtKillFigures:
    rng = random.Random(seed)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rc-kill-rt-") as temp:
        folder = Path(temp)
        with (
            start_request_tracker(folder / "rt") as tracker,
            RtMailGateway(tracker, user=SENDER, password=PASSWORD) as gateway,
            DovecotServer(user=SENDER, password=PASSWORD) as dovecot,
        ):
            dovecot.link_from(tracker.mail_root / SENDER)
            trust = folder / "ca.pem"
            trust.write_bytes(gateway.ca.cert_pem.bytes() + dovecot.ca.cert_pem.bytes())
            profile_file = folder / "profile.toml"
            profile_file.write_text(PROFILE, encoding="utf-8")
            profile = load_profile(profile_file)
            data = folder / "data"
            with Store(data) as store:
                save_mail_settings(
                    store, MailSettings(host="127.0.0.1", port=gateway.port, username=SENDER, timeout=30)
                )
                save_reply_settings(store, ReplySettings(enabled=True, port=dovecot.port))
            subjects: dict[str, str] = {}
            bundles: list[tuple[str, Path]] = []
            with Store(folder / "staging") as staging:
                requester = Requester(name="Maria Papadopoulou", email=SENDER)
                for i in range(count):
                    request = make_request(staging, sizes=(64 * 1024,), seed=i, requester=requester)
                    subjects[request.id] = render_subject(request, profile)
                    bundles.append(
                        (request.id, write_bundle(request, profile, staging, folder / f"r{i}.zip"))
                    )
            env = {
                **os.environ,
                "REQUEST_COMPOSER_SECRET": PASSWORD,
                "PYTHONPATH": str(ROOT),
                "SSL_CERT_FILE": str(trust),
            }
            common = ["--data-dir", str(data), "--profile", str(profile_file), "--wait", str(wait)]
            runs = kills = resent = 0
            durations: list[float] = []
            for request_id, bundle in bundles:
                tries = 0
                while True:
                    tries += 1
                    runs += 1
                    began = time.monotonic()
                    process = subprocess.Popen(
                        _command("send", str(bundle), *common),
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE,
                        env=env,
                        cwd=ROOT,
                    )
                    if tries <= 3 and rng.random() < kill_ratio:
                        try:
                            process.wait(rng.uniform(min_delay, max_delay))
                        except subprocess.TimeoutExpired:
                            process.send_signal(signal.SIGKILL)
                            kills += 1
                        _, errors = process.communicate()
                    else:
                        _, errors = process.communicate(timeout=wait * 3 + 60)
                    durations.append(time.monotonic() - began)
                    if process.returncode == 0:
                        break
                    if process.returncode == EXIT_UNCERTAIN:
                        # what the app asks the user to do: look for RT's confirmation (it is not
                        # there: the watcher would have found it), then say "send it again"
                        resent += 1
                        entry_id = _entry_id(data, request_id)
                        settle = subprocess.run(
                            _command("outbox", "settle", entry_id, "resend", *common),
                            capture_output=True,
                            env=env,
                            cwd=ROOT,
                            timeout=wait * 3 + 60,
                            check=False,
                        )
                        if settle.returncode == 0:
                            break
                        continue
                    if process.returncode != -signal.SIGKILL:
                        raise RuntimeError(f"send failed ({process.returncode}): {errors.decode()}")
            subprocess.run(_command("outbox", "list", "--data-dir", str(data)), capture_output=True, env=env)
            tickets = tracker.tickets(f"Requestor.EmailAddress = '{SENDER}'")
            if os.environ.get("RC_KILL_DEBUG"):
                print("run times:", sorted(round(d, 2) for d in durations), file=sys.stderr)
        per_subject = Counter(str(t["Subject"]) for t in tickets)
        ids = {str(t["Subject"]): str(t["id"]) for t in tickets}
        with sqlite3.connect(data / "composer.db") as db:
            interrupted = db.execute(
                "SELECT COUNT(*) FROM delivery_attempts WHERE outcome = 'interrupted'"
            ).fetchone()[0]
            settled_attempts = db.execute(
                "SELECT COUNT(*) FROM delivery_attempts WHERE outcome = 'settled'"
            ).fetchone()[0]
            rows = db.execute(
                "SELECT request_id, state, json_extract(receipt, '$.reference') FROM outbox"
            ).fetchall()
        db.close()
        uncertain_total = settled_attempts + resent
        wrong = sum(
            1 for request_id, _state, number in rows if number != ids.get(subjects.get(request_id, ""), "?")
        )
        figures = RtKillFigures(
            requests=count,
            runs=runs,
            kills=kills,
            interrupted=interrupted,
            uncertain_seen=uncertain_total,
            settled_by_reply=settled_attempts,
            resent_by_user=resent,
            tickets=len(tickets),
            once=sum(1 for subject in subjects.values() if per_subject[subject] == 1),
            duplicated=sum(max(0, per_subject[subject] - 1) for subject in subjects.values()),
            missing=sum(1 for subject in subjects.values() if per_subject[subject] == 0),
            wrong_number=wrong,
            stuck=sum(1 for _id, state, _number in rows if state != "sent"),
            seconds=time.monotonic() - started,
        )
    return figures


def _entry_id(data: Path, request_id: str) -> str:
    with sqlite3.connect(data / "composer.db") as db:
        row = db.execute(
            "SELECT id FROM outbox WHERE request_id = ? AND kind = 'request'", (request_id,)
        ).fetchone()
    db.close()
    return str(row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", nargs="?", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="append the figures to RESULTS-delivery.md")
    args = parser.parse_args()
    figures = run(args.count, seed=args.seed)
    print(figures.table())
    if args.write:
        with open(ROOT / "benchmarks" / "RESULTS-delivery.md", "a", encoding="utf-8") as results:
            title = f"SIGKILL while e-mailing a real Request Tracker 5 (seed {args.seed})"
            results.write(f"\n### {title}\n\n{figures.table()}\n")


if __name__ == "__main__":
    main()
