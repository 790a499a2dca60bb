"""The trust stores of the checks: the system's read once, on a thread; a named authority on its own."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from composer.diagnostics import trust


@pytest.fixture()
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str | None, str]]]:
    """The module as a new process finds it; every context made is recorded (file, thread)."""
    made: list[tuple[str | None, str]] = []
    real = ssl.create_default_context

    def recording(*args: Any, cafile: str | None = None, **kwargs: Any) -> ssl.SSLContext:
        made.append((cafile, threading.current_thread().name))
        return real(*args, cafile=cafile, **kwargs)

    monkeypatch.setattr(trust.ssl, "create_default_context", recording)
    monkeypatch.setattr(trust, "_contexts", {})
    monkeypatch.setattr(trust, "_reading", None)
    yield made


def test_the_system_store_is_read_once_on_its_own_thread(fresh: list[tuple[str | None, str]]) -> None:
    trust.start_reading_system_store()
    reading = trust._reading
    trust.start_reading_system_store()  # a second call starts nothing more
    assert trust._reading is reading and reading is not None
    reading.join(10)  # (the command asks for it only after its imports)
    first = trust.verifying_context(None)
    assert trust.verifying_context(None) is first
    assert fresh == [(None, "trust-store")]
    assert first.verify_mode == ssl.CERT_REQUIRED and first.check_hostname


def test_a_named_authority_gets_a_context_of_its_own(
    fresh: list[tuple[str | None, str]], tmp_path: Path
) -> None:
    authority = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    named = trust.verifying_context(str(ca_file))
    assert named is trust.verifying_context(str(ca_file))
    assert named is not trust.verifying_context(None)
    assert len(named.get_ca_certs()) == 1  # only the named authority, not the system's
    assert [file for file, _thread in fresh] == [str(ca_file), None]


def test_the_diagnose_command_reads_the_system_store_early_unless_settings_name_their_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[bool] = []
    monkeypatch.setattr(trust, "start_reading_system_store", lambda: started.append(True))
    from composer.cli import main

    # an option that cannot be used ends the command before any network work
    assert main(["--data-dir", str(tmp_path), "diagnose", "example.gr", "--timeout", "never", "--json"]) == 2
    assert started == [True]
    settings = tmp_path / "settings.json"
    settings.write_text('{"ca_file": "/etc/ssl/private-ca.pem"}', encoding="utf-8")
    args = ["--data-dir", str(tmp_path), "diagnose", "example.gr", "--settings", str(settings)]
    assert main([*args, "--timeout", "never", "--json"]) == 2
    assert started == [True]  # not again: the settings may name authorities of their own
    capsys.readouterr()
