"""The trust stores the checks verify certificates with: each read once, the system's early on a thread.

Reading the system's trust store (``ssl.create_default_context``: OpenSSL
parses every certificate authority on the machine) takes about 20 ms, and
OpenSSL does it without holding Python's interpreter lock. So the
``diagnose`` command starts reading it on a thread before it imports the
checks (:func:`start_reading_system_store`), and the first verified
connection finds it ready instead of waiting for it. A check that names its
own authorities (``ca_file`` in the settings: the test bed) gets a context of
its own. This module imports only the standard library, so that the command
can start the thread before anything heavy is imported.
"""

from __future__ import annotations

import ssl
import threading

__all__ = ["start_reading_system_store", "verifying_context"]

_lock = threading.Lock()
_contexts: dict[str | None, ssl.SSLContext] = {}
_reading: threading.Thread | None = None


def verifying_context(ca_file: str | None) -> ssl.SSLContext:
    """The context that verifies against ``ca_file``'s authorities, or the system's (None); made once.

    Waits for the thread of :func:`start_reading_system_store` if it is still reading.
    """
    with _lock:  # held while a store is read: whoever asks meanwhile waits for that one reading
        context = _contexts.get(ca_file)
        if context is None:
            context = ssl.create_default_context(cafile=ca_file)
            _contexts[ca_file] = context
        return context


def start_reading_system_store() -> None:
    """Read the system's trust store on a thread now (once a process), for the checks to come."""
    global _reading
    with _lock:
        if _reading is not None or None in _contexts:
            return
        _reading = threading.Thread(target=verifying_context, args=(None,), name="trust-store", daemon=True)
        _reading.start()
