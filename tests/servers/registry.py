"""A registry for the diagnostics tests: RDAP over HTTP and WHOIS on TCP, on 127.0.0.1.

:func:`rdap_domain` builds an RFC 9083 domain object; :class:`WhoisServer`
answers each query with the text registered for it. :func:`bootstrap_file`
writes an IANA-format bootstrap that sends the given TLDs to the test RDAP
server.
"""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.servers.web import Response, WebServer

__all__ = ["RdapServer", "WhoisServer", "bootstrap_file", "rdap_domain", "rdap_server", "whois_server"]


def rdap_domain(
    name: str,
    *,
    expires: datetime,
    statuses: tuple[str, ...] = ("active",),
    registrar: str = "Example Registrar, Inc.",
) -> dict[str, Any]:
    return {
        "objectClassName": "domain",
        "ldhName": name,
        "status": list(statuses),
        "events": [
            {"eventAction": "registration", "eventDate": "2015-03-01T10:00:00Z"},
            {"eventAction": "expiration", "eventDate": expires.strftime("%Y-%m-%dT%H:%M:%SZ")},
        ],
        "entities": [
            {
                "objectClassName": "entity",
                "roles": ["registrar"],
                "vcardArray": ["vcard", [["version", {}, "text", "4.0"], ["fn", {}, "text", registrar]]],
            }
        ],
    }


class RdapServer(WebServer):
    """``GET /rdap/domain/<name>``: the registered object, else 404."""

    def __init__(self, domains: dict[str, dict[str, Any]], **options: Any) -> None:
        self.domains = domains
        super().__init__(responder=self._rdap, **options)

    def _rdap(self, scheme: str, host: str, path: str) -> Response:
        name = path.rsplit("/", 1)[-1].lower()
        if path.startswith("/rdap/domain/") and name in self.domains:
            return Response.json(self.domains[name])
        return Response.json({"errorCode": 404, "title": "Not Found"}, status=404)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/rdap/"


@contextmanager
def rdap_server(domains: dict[str, dict[str, Any]], **options: Any) -> Iterator[RdapServer]:
    server = RdapServer(domains, **options)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def bootstrap_file(folder: Path, tlds: list[str], base_url: str) -> Path:
    path = folder / "rdap-test.json"
    path.write_text(
        json.dumps(
            {
                "description": "RDAP bootstrap file for Domain Name System registrations",
                "publication": "2026-01-01T00:00:00Z",
                "services": [[tlds, [base_url]]],
                "version": "1.0",
            }
        ),
        encoding="utf-8",
    )
    return path


class _WhoisHandler(socketserver.StreamRequestHandler):
    server: _WhoisTcp

    def handle(self) -> None:
        query = self.rfile.readline().decode("utf-8", "replace").strip().lower()
        answer = self.server.answers.get(query, f'No match for "{query.upper()}".\r\n')
        self.wfile.write(answer.encode("utf-8"))


class _WhoisTcp(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        super().__init__(("127.0.0.1", 0), _WhoisHandler)


class WhoisServer:
    def __init__(self, answers: dict[str, str]) -> None:
        self._server = _WhoisTcp({k.lower(): v for k, v in answers.items()})
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> WhoisServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@contextmanager
def whois_server(answers: dict[str, str]) -> Iterator[WhoisServer]:
    server = WhoisServer(answers).start()
    try:
        yield server
    finally:
        server.stop()
