"""Run an ASGI app (a helpdesk stand-in, or the relay) under uvicorn in a thread, on 127.0.0.1:0.

The SaaS helpdesks (Zammad Cloud, Freshdesk, Zendesk, a hosted WHMCS) cannot
run here; their stand-ins in ``tests/servers/`` are small Starlette apps that
accept exactly what the vendor's documentation says and refuse the rest with
the documented error shapes. This module only serves them.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import uvicorn

__all__ = ["UvicornThread"]


class UvicornThread:
    """``app`` served on an ephemeral loopback port until :meth:`stop`; a context manager."""

    def __init__(self, app: Any, *, tls: tuple[str, str] | None = None) -> None:
        self.app = app
        self.tls = tls  # (certificate chain file, key file): serve HTTPS
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        return f"https://localhost:{self.port}" if self.tls else f"http://127.0.0.1:{self.port}"

    def start(self) -> UvicornThread:
        server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                host="127.0.0.1",
                port=0,
                log_config=None,
                lifespan="on",
                ssl_certfile=self.tls[0] if self.tls else None,
                ssl_keyfile=self.tls[1] if self.tls else None,
            )
        )
        self._server = server
        self._thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        self.port = server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            assert self._thread is not None
            self._thread.join(30)
            self._server = None

    def __enter__(self) -> UvicornThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
