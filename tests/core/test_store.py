"""Drafts in SQLite: saved as typed, listed, resumed, and never lost to a killed process."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from composer.errors import ComposerError
from composer.model import Request, Requester
from composer.store import MIGRATIONS, DraftAutosaver, Store


def test_drafts_round_trip_and_list_newest_first(data_dir: Path) -> None:
    with Store(data_dir) as store:
        older = Request(domain="old.gr", summary="Old")
        newer = Request(domain="new.gr", summary="New", requester=Requester(name="Nikos"))
        store.save_draft(older)
        store.save_draft(newer)
        store.save_draft(older.touched(summary="Old, changed"))
        drafts = store.list_drafts()
        assert [d.title for d in drafts] == ["Old, changed · old.gr", "New · new.gr"]
        assert store.load_draft(newer.id) == newer
        store.delete_draft(newer.id)
        assert store.load_draft(newer.id) is None
        assert store.schema_version == len(MIGRATIONS)


def test_database_is_in_wal_mode(data_dir: Path) -> None:
    Store(data_dir).close()
    with sqlite3.connect(data_dir / "composer.db") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_database_from_a_newer_app_is_refused(data_dir: Path) -> None:
    Store(data_dir).close()
    with sqlite3.connect(data_dir / "composer.db") as db:
        db.execute(f"PRAGMA user_version={len(MIGRATIONS) + 5}")
    with pytest.raises(ComposerError) as caught:
        Store(data_dir)
    assert caught.value.code == "store.unavailable"


def test_an_unwritable_place_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ComposerError) as caught:
        Store(blocker / "data")
    assert caught.value.code == "store.unavailable"


def test_attachments_are_stored_once_by_hash(data_dir: Path) -> None:
    with Store(data_dir) as store:
        first = store.add_attachment_bytes("a.txt", b"same bytes")
        second = store.add_attachment_bytes("b.txt", b"same bytes")
        assert first.sha256 == second.sha256 and first.name != second.name
        assert store.attachment_path(first).read_bytes() == b"same bytes"
        assert len([p for p in (data_dir / "attachments").rglob("*") if p.is_file()]) == 1


def test_autosaver_writes_only_the_newest_version(data_dir: Path) -> None:
    saved: list[str] = []
    with Store(data_dir) as store:
        saver = DraftAutosaver(store, delay=0.2, on_saved=lambda r: saved.append(r.summary))
        request = Request()
        for length in range(1, 30):
            request = request.touched(summary="x" * length)
            saver.submit(request)
        assert saver.flush()
        saver.close()
        assert store.load_draft(request.id) == request
    assert saved[-1] == "x" * 29
    assert len(saved) < 29  # coalesced, not one write per keystroke


TYPIST = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from composer.model import Request
    from composer.store import DraftAutosaver, Store

    store = Store(Path(sys.argv[1]))
    saver = DraftAutosaver(store, delay=0.3)
    request = Request(id="typing")
    text = ""
    for index in range(100000):
        text += "abcdefghij"[index % 10]
        request = request.touched(description=text)
        saver.submit(request)
        print(len(text), time.monotonic(), flush=True)
        time.sleep(0.02)
    """
)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_while_typing_loses_at_most_the_last_second(data_dir: Path, seed: int) -> None:
    """A process that types 50 characters a second is killed at a random moment."""
    rng = random.Random(seed)
    child = subprocess.Popen(
        [sys.executable, "-c", TYPIST, str(data_dir)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert child.stdout is not None
    typed: list[tuple[int, float]] = []
    # the typing time starts with the first keystroke: a slow start (imports on a busy machine) is not typing
    first = child.stdout.readline()
    length, moment = first.split()
    typed.append((int(length), float(moment)))
    deadline = time.monotonic() + rng.uniform(1.5, 3.0)
    while time.monotonic() < deadline:
        line = child.stdout.readline()
        length, moment = line.split()
        typed.append((int(length), float(moment)))
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    # measured from the child's own clock: the last keystroke it reported before it died
    killed_at = max(moment for _length, moment in typed)
    with Store(data_dir) as store:
        draft = store.load_draft("typing")
    assert draft is not None
    typed_a_second_before = max(length for length, moment in typed if moment <= killed_at - 1.0)
    assert len(draft.description) >= typed_a_second_before
    assert "abcdefghij".startswith(draft.description[:10])
