"""Passwords and tokens: in the operating system's keyring, never in a file.

Secrets are keyed per provider profile and identity (``smtp:maria@example.com``,
``intake:maria@example.com``). When no keyring backend works (the ``fail``
backend, a locked or absent Secret Service, any keyring error), the secret is
kept in this process's memory for the session only and :attr:`Credentials.session_only`
turns True, so the UI can say that it will ask again next time. There is no
file fallback, ever, and a secret never appears in an exception, a log line,
a ticket or the database.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

__all__ = ["SERVICE_PREFIX", "Credentials", "identity"]

SERVICE_PREFIX = "request-composer"

log = logging.getLogger(__name__)


def identity(purpose: str, name: str) -> str:
    """The key a secret is stored under within a profile, e.g. ``smtp:maria@example.com``."""
    return f"{purpose}:{name.strip().lower()}"


class Credentials:
    """Secrets for one user, in the keyring or, failing that, in memory for the session.

    Args:
        backend: a ``keyring`` backend object to use instead of the default one
            (tests pass a real Secret Service backend or the ``fail`` backend).
    """

    def __init__(self, *, backend: Any = None) -> None:
        self._backend = backend
        self._session: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self._session_only = False
        if not self._keyring_usable():
            self._session_only = True

    @property
    def session_only(self) -> bool:
        """True when secrets cannot be saved and live in memory until the app closes."""
        return self._session_only

    def get(self, profile_id: str, who: str) -> str | None:
        """The secret for ``who`` under a profile, or None when there is none."""
        with self._lock:
            if (profile_id, who) in self._session:
                return self._session[(profile_id, who)]
        if self._session_only:
            return None
        try:
            value: str | None = self._keyring().get_password(_service(profile_id), who)
        except Exception as exc:  # any backend failure means: no keyring this session
            self._fall_back(exc)
            return None
        return value

    def set(self, profile_id: str, who: str, secret: str, *, remember: bool = True) -> bool:
        """Store a secret; returns True when it went into the keyring.

        With ``remember=False``, or when the keyring fails, the secret is kept in
        memory for this session only (and False is returned).
        """
        with self._lock:
            self._session[(profile_id, who)] = secret
        if not remember or self._session_only:
            return False
        try:
            self._keyring().set_password(_service(profile_id), who, secret)
        except Exception as exc:
            self._fall_back(exc)
            return False
        with self._lock:
            # the keyring has it; keep no second copy around
            self._session.pop((profile_id, who), None)
        return True

    def forget(self, profile_id: str, who: str) -> None:
        """Remove a secret (after the server rejected it, or when the user asks)."""
        with self._lock:
            self._session.pop((profile_id, who), None)
        if self._session_only:
            return
        try:
            self._keyring().delete_password(_service(profile_id), who)
        except Exception as exc:
            if type(exc).__name__ != "PasswordDeleteError":
                self._fall_back(exc)

    # -- plumbing ---------------------------------------------------------

    def _keyring(self) -> Any:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    def _keyring_usable(self) -> bool:
        try:
            backend = self._keyring()
        except Exception as exc:
            log.warning("no keyring backend: %s", type(exc).__name__)
            return False
        module = type(backend).__module__
        if module.startswith("keyring.backends.fail") or module.startswith("keyring.backends.null"):
            log.warning("no keyring backend available; secrets stay in memory this session")
            return False
        try:
            priority = float(getattr(backend, "priority", 1))
        except Exception:
            return False
        return priority > 0

    def _fall_back(self, exc: BaseException) -> None:
        # only the exception's type: a backend message could quote what it was given
        log.warning("keyring failed (%s); secrets stay in memory this session", type(exc).__name__)
        self._session_only = True


def _service(profile_id: str) -> str:
    return f"{SERVICE_PREFIX}:{profile_id}"
