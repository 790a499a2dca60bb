"""A TCP proxy on 127.0.0.1 that loses answers on purpose, in front of a real server.

``faults`` is consumed one per new client connection:

* ``"drop_response"``: the request goes through to the server in full, the
  server acts on it, and its answer is thrown away; the client's connection
  is closed. This is the case exactly-once is about: the helpdesk created
  the ticket, the relay never heard so.
* ``"refuse"``: the connection is closed before anything is forwarded.
* ``"cut_request"``: the first :attr:`FaultProxy.cut_after` bytes of the
  request reach the server, then both sides are closed (an upload that
  breaks halfway: the server never has the whole request).

While :attr:`FaultProxy.refusing` is set, every connection is refused (the
server "is down") without consuming a fault.

Anything else is passed through both ways untouched.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable

__all__ = ["FaultProxy"]


class FaultProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.faults: list[str] = []
        self.refusing = False
        self.on_fault: Callable[[str], None] | None = None  # told each fault it takes from ``faults``
        self.cut_after = 64 * 1024
        self.connections = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._closing = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                taken = self.faults.pop(0) if self.faults and not self.refusing else ""
                fault = "refuse" if self.refusing else taken
            if taken and self.on_fault is not None:
                self.on_fault(taken)
            threading.Thread(target=self._serve, args=(client, fault), daemon=True).start()

    def _serve(self, client: socket.socket, fault: str) -> None:
        if fault == "refuse":
            client.close()
            return
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        answered = threading.Event()
        if fault == "cut_request":
            self._cut(client, upstream)
            return
        threading.Thread(target=self._pipe, args=(client, upstream, None), daemon=True).start()
        self._pipe(upstream, client, answered if fault == "drop_response" else None)
        if fault == "drop_response":
            answered.wait(60)
        for end in (client, upstream):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def _cut(self, client: socket.socket, upstream: socket.socket) -> None:
        sent = 0
        while sent < self.cut_after:
            try:
                chunk = client.recv(min(65536, self.cut_after - sent))
            except OSError:
                break
            if not chunk:
                break
            upstream.sendall(chunk)
            sent += len(chunk)
        for end in (client, upstream):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket, swallow: threading.Event | None) -> None:
        while True:
            try:
                chunk = source.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            if swallow is not None:
                swallow.set()  # the server has answered: lose it and hang up
                return
            try:
                target.sendall(chunk)
            except OSError:
                return
