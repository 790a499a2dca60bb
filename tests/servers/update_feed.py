"""A real HTTPS server on 127.0.0.1 serving a provider's update feed (docs/updates.md).

The certificate is minted by ``trustme`` for ``127.0.0.1``; tests trust its
CA through an ``ssl.SSLContext`` (:attr:`FeedServer.client_context`), as the
app trusts the system's store. Each path answers what the test put there
(a body and a status); every request is counted, so a test sees whether the
app asked at all, and that it never fetched the download page.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme

__all__ = ["FeedServer", "feed_server"]


@dataclass
class FeedServer:
    """The running server: ``answers`` by path, ``requests`` as they came."""

    port: int
    client_context: ssl.SSLContext
    answers: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    #: seconds every answer is held back (a slow network)
    delay: float = 0.0

    def url(self, path: str = "/latest.json") -> str:
        return f"https://127.0.0.1:{self.port}{path}"

    def publish(self, feed: Any, path: str = "/latest.json", status: int = 200) -> str:
        """Serve ``feed`` (JSON-encoded unless bytes) at ``path``; returns its address."""
        body = feed if isinstance(feed, bytes) else json.dumps(feed).encode()
        self.answers[path] = (status, body)
        return self.url(path)


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    ca = trustme.CA()
    certificate = ca.issue_cert("127.0.0.1")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    state: dict[str, FeedServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            feed = state["server"]
            feed.requests.append(self.path)
            time.sleep(feed.delay)
            status, body = feed.answers.get(self.path, (404, b"not found\n"))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    state["server"] = FeedServer(port=httpd.server_address[1], client_context=client_context)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state["server"]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
