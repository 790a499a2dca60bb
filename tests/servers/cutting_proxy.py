"""A TCP proxy in front of a plain SMTP server that cuts the connection where a laptop would.

``cut="after_dot"`` forwards the whole message including the final dot of
DATA, so the server accepts it, then swallows the server's ``250`` and
closes both sides: the client never learns that the message arrived (the
lost reply of issue 8). ``cut="in_body"`` stops reading early in the body (so a
body of a few megabytes blocks the client before its dot) and then resets
both sides: the server drops the message. Only the first
``times`` connections that reach DATA are cut; later ones pass through.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from typing import Literal

Cut = Literal["after_dot", "in_body"]


class CuttingProxy:
    def __init__(self, target_port: int, *, cut: Cut = "after_dot", times: int = 1) -> None:
        self.target_port = target_port
        self.cut = cut
        self.times = times
        self.cuts = 0
        self.connections = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="cutting-proxy", daemon=True)

    def __enter__(self) -> CuttingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target_port))
            with self._lock:
                self.connections += 1
            _Connection(self, client, server).start()

    def take_cut(self) -> bool:
        with self._lock:
            if self.cuts >= self.times:
                return False
            self.cuts += 1
            return True


class _Connection:
    def __init__(self, proxy: CuttingProxy, client: socket.socket, server: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.server = server
        self.dot_passed = threading.Event()
        self.cutting = False

    def start(self) -> None:
        threading.Thread(target=self._upstream, daemon=True).start()
        threading.Thread(target=self._downstream, daemon=True).start()

    def _close(self) -> None:
        for sock in (self.client, self.server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _upstream(self) -> None:
        in_data = False
        tail = b""
        body = 0
        try:
            while chunk := self.client.recv(65536):
                seen = tail + chunk
                if not in_data and b"\r\nDATA\r\n" in b"\r\n" + seen.upper():
                    in_data = True
                    tail = b""
                    self.server.sendall(chunk)
                    continue
                if in_data:
                    body += len(chunk)
                    if self.proxy.cut == "in_body" and body > 1024 and self.proxy.take_cut():
                        # stop reading, so a big body blocks the client before its dot, then reset
                        time.sleep(0.3)
                        self.client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        self._close()
                        return
                    if b"\r\n.\r\n" in seen:
                        in_data = False
                        if self.proxy.cut == "after_dot" and self.proxy.take_cut():
                            self.cutting = True
                        self.dot_passed.set()
                tail = seen[-8:]
                self.server.sendall(chunk)
        except OSError:
            pass
        finally:
            self._close()

    def _downstream(self) -> None:
        try:
            while chunk := self.server.recv(65536):
                if self.cutting:
                    self._close()  # the server's 250 never reaches the client
                    return
                self.client.sendall(chunk)
        except OSError:
            pass
        finally:
            self._close()
