"""Domains must end in a top-level domain that exists (IANA's list, shipped and refreshed)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from composer import tlds
from composer.errors import ValidationError
from composer.model import normalise_domain, reduced_from, validate_email
from composer.resources import resource_path


@pytest.mark.parametrize(
    ("typed", "tld"),
    [("klijent.c", "c"), ("http://www.παράδειγμα", "παράδειγμα"), ("shop.exmaple", "exmaple")],
)
def test_an_ending_that_does_not_exist_is_refused_with_its_name(typed: str, tld: str) -> None:
    with pytest.raises(ValidationError) as caught:
        normalise_domain(typed)
    assert caught.value.code == "domain.unknown_tld"
    assert caught.value.params["tld"] == tld


@pytest.mark.parametrize(
    "typed", ["παράδειγμα.gr", "пример.рф", "klijent.hr", "shop.test", "demo.example", "a.ελ"]
)
def test_existing_and_special_use_endings_are_accepted(typed: str) -> None:
    normalise_domain(typed)


def test_an_e_mail_address_with_a_made_up_ending_is_refused() -> None:
    with pytest.raises(ValidationError):
        validate_email("maria@example.c")


@pytest.mark.parametrize(
    ("typed", "reduced"),
    [
        ("example.gr", False),
        ("Example.GR.", False),
        ("παράδειγμα.gr", False),
        ("https://www.example.gr/shop", True),
        ("maria@example.gr", True),
        ("www.example.gr", True),
    ],
)
def test_the_form_can_tell_when_more_than_the_domain_was_typed(typed: str, reduced: bool) -> None:
    assert reduced_from(typed, normalise_domain(typed)) is reduced


def test_the_shipped_snapshot_is_iana_s_list() -> None:
    text = resource_path("tlds-alpha-by-domain.txt").read_text("utf-8")
    assert text.startswith("# Version ")
    names = tlds.parse_tld_list(text)
    assert {"com", "gr", "hr", "xn--p1ai", "xn--qxam"} <= names and len(names) > 1000


class _Handler(BaseHTTPRequestHandler):
    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture()
def iana(tmp_path: Path) -> Iterator[str]:
    """A local stand-in for data.iana.org serving a list with one new TLD."""
    shipped = resource_path("tlds-alpha-by-domain.txt").read_text("utf-8")
    _Handler.body = (shipped + "NEWENDING\n").encode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/TLD/tlds-alpha-by-domain.txt"
    server.shutdown()
    server.server_close()
    tlds.use_cache_dir(None)


def test_a_refreshed_list_is_used_and_fetched_at_most_weekly(iana: str, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    tlds.use_cache_dir(cache)
    assert not tlds.is_known_tld("newending")
    assert tlds.refresh(cache, url=iana)
    assert tlds.is_known_tld("newending")
    assert not tlds.refresh(cache, url=iana)  # fresh enough
    old = time.time() - 8 * 86400
    os.utime(cache / tlds.FILE_NAME, (old, old))
    tlds.use_cache_dir(None)  # an old copy is older than the snapshot: the snapshot wins
    assert tlds.refresh(cache, url=iana)


def test_a_bad_answer_keeps_the_snapshot(tmp_path: Path, iana: str) -> None:
    _Handler.body = b"<html>maintenance</html>"
    assert not tlds.refresh(tmp_path / "cache", url=iana)
    assert not (tmp_path / "cache" / tlds.FILE_NAME).exists()


def test_a_fresh_copy_is_kept_without_loading_the_http_client(tmp_path: Path) -> None:
    """The app asks for a refresh at every start: with a fresh copy that costs no import of httpx."""
    import subprocess
    import sys

    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / tlds.FILE_NAME).write_text(
        (resource_path("tlds-alpha-by-domain.txt")).read_text("utf-8"), "utf-8"
    )
    code = (
        "import sys; from pathlib import Path; from composer import tlds\n"
        f"assert not tlds.refresh(Path({str(cache)!r}), url='http://127.0.0.1:9/unused')\n"
        "print('httpx' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False", result.stderr
