"""The provider's number, read from its automatic reply in the user's own mailbox.

An e-mail request gets its ticket number only in the helpdesk's answer
("[Example #4711] AutoReply: ..."). With the user's consent
(:class:`ReplySettings`, asked once, off until then) :class:`ReplyWatcher`
looks in the same account the request was sent from, over IMAP with TLS or
STARTTLS (password from the keyring, as for SMTP), for mails whose
``In-Reply-To`` or ``References`` name one of our Message-IDs; the number
is taken from the subject by the profile's ``subject_tag``
(:func:`reference_from_subject`). It is stored on the entry and in the
history, and it settles an entry that ``may have arrived``: an answer to
our Message-ID proves the provider has it, even without a number.

The mailbox is opened read-only and nothing is marked as seen. Everything
here is blocking network I/O: it runs on its own thread
(:meth:`ReplyWatcher.start`), never on the GUI thread.
"""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
import threading
from collections.abc import Callable
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from typing import Literal

from pydantic import ConfigDict, Field

from composer import settling
from composer.basemodel import Model
from composer.channels.email import MailSettings, smtp_identity
from composer.credentials import Credentials
from composer.errors import ComposerError
from composer.outbox import OutboxEntry, OutboxState, load_setting, save_setting
from composer.store import Store

__all__ = [
    "SETTINGS_KEY",
    "ReplySettings",
    "ReplyWatcher",
    "load_reply_settings",
    "reference_from_subject",
    "save_reply_settings",
    "tag_pattern",
]

SETTINGS_KEY = "replies"

log = logging.getLogger(__name__)


class ReplySettings(Model):
    """Whether (and where) to read the provider's answers; the password is the SMTP one.

    ``enabled`` is None until the user was asked, so the question comes once.
    An empty ``host`` means the outgoing server's host.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool | None = None
    host: str = ""
    port: int = Field(default=993, ge=1, le=65535)
    security: Literal["tls", "starttls"] = "tls"
    mailbox: str = "INBOX"
    interval: float = Field(default=60.0, gt=0)
    timeout: float = Field(default=30.0, gt=0)


def load_reply_settings(store: Store) -> ReplySettings:
    return load_setting(store, SETTINGS_KEY, ReplySettings) or ReplySettings()


def save_reply_settings(store: Store, settings: ReplySettings) -> None:
    save_setting(store, SETTINGS_KEY, settings)


def tag_pattern(subject_tag: str) -> re.Pattern[str] | None:
    """A pattern for a subject tag template such as ``[Example #{number}]``.

    Case and spacing are loose (helpdesks and mail clients vary them);
    ``{number}`` is the group. None when the template has no ``{number}``.
    """
    if "{number}" not in subject_tag:
        return None
    before, _, after = subject_tag.partition("{number}")

    def loose(text: str) -> str:
        return r"\s*".join(re.escape(word) for word in text.split())

    return re.compile(
        loose(before) + r"\s*([A-Za-z0-9][A-Za-z0-9-]*)" + (r"\s*" + loose(after) if after.strip() else ""),
        re.IGNORECASE,
    )


def reference_from_subject(subject: str, subject_tag: str) -> str:
    """The ticket number in ``subject`` by the profile's tag, or ''."""
    pattern = tag_pattern(subject_tag)
    match = pattern.search(subject) if pattern is not None else None
    return match.group(1) if match else ""


def _subject_tag(entry: OutboxEntry) -> str:
    channel = entry.channel
    return getattr(channel, "subject_tag", "") if channel is not None else ""


class ReplyWatcher:
    """Looks for the provider's answers to our e-mails and keeps the numbers they carry.

    Args:
        store: the outbox and history.
        credentials: where the mailbox password is (the SMTP password).
        ssl_context: TLS trust; the system's when None.
        on_found: called (on the watcher's thread) with each entry a reply updated.
        on_error: called with ``replies.failed`` when the mailbox could not be read.
    """

    def __init__(
        self,
        store: Store,
        credentials: Credentials,
        *,
        ssl_context: ssl.SSLContext | None = None,
        on_found: Callable[[OutboxEntry], None] | None = None,
        on_error: Callable[[ComposerError], None] | None = None,
    ) -> None:
        self.store = store
        self.credentials = credentials
        self.ssl_context = ssl_context
        self.on_found = on_found
        self.on_error = on_error
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # -- one look ---------------------------------------------------------

    def check_once(self) -> list[OutboxEntry]:
        """Look once; returns the entries that got their number or were settled.

        Does nothing unless the user said yes. A mailbox that cannot be read
        is reported to ``on_error`` (and logged), never raised.
        """
        settings = load_reply_settings(self.store)
        mail = load_setting(self.store, "mail", MailSettings)
        if not settings.enabled or mail is None or not mail.username:
            return []
        waiting = settling.awaiting_reference(self.store)
        if not waiting:
            return []
        host = settings.host or mail.host
        try:
            return self._look(settings, mail, host, waiting)
        except ComposerError as error:
            self._report(error)
        except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            self._report(ComposerError("replies.failed", host=host, reason=type(exc).__name__))
        return []

    def _report(self, error: ComposerError) -> None:
        log.info("reading replies failed: %s %s", error.code, error.params.get("reason", ""))
        if self.on_error is not None:
            self.on_error(error)

    def _look(
        self, settings: ReplySettings, mail: MailSettings, host: str, waiting: list[OutboxEntry]
    ) -> list[OutboxEntry]:
        password = self.credentials.get(waiting[0].profile.provider.id, smtp_identity(mail))
        if not password:
            raise ComposerError("credential.missing", host=host)
        found: list[OutboxEntry] = []
        with self._connect(settings, host) as imap:
            imap.login(mail.username, password)
            status, _data = imap.select(_quoted(settings.mailbox), readonly=True)
            if status != "OK":
                raise ComposerError("replies.failed", host=host, reason=f"mailbox {settings.mailbox}")
            for entry in waiting:
                updated = self._settle_from_replies(imap, entry)
                if updated is not None:
                    found.append(updated)
                    if self.on_found is not None:
                        self.on_found(updated)
        return found

    def _settle_from_replies(self, imap: imaplib.IMAP4, entry: OutboxEntry) -> OutboxEntry | None:
        message_id = settling.expected_message_id(entry)
        if not message_id:
            return None
        numbers: set[bytes] = set()
        for header in ("In-Reply-To", "References"):
            status, data = imap.search(None, "HEADER", header, _quoted(message_id))
            if status == "OK" and data and data[0]:
                numbers.update(data[0].split())
        if not numbers:
            return None
        reference = ""
        for number in sorted(numbers, key=int):
            status, data = imap.fetch(number.decode(), "(BODY.PEEK[HEADER.FIELDS (SUBJECT IN-REPLY-TO)])")
            headers = next((part[1] for part in data if isinstance(part, tuple)), b"")
            parsed = BytesHeaderParser(policy=default_policy).parsebytes(headers)
            reference = reference_from_subject(str(parsed.get("Subject", "")), _subject_tag(entry))
            if reference:
                break
        if reference:
            return settling.keep_reference(self.store, entry.id, reference)
        if entry.state is OutboxState.UNCERTAIN:
            return settling.settle_arrived(self.store, entry.id)
        return None

    def _connect(self, settings: ReplySettings, host: str) -> imaplib.IMAP4:
        context = self.ssl_context or ssl.create_default_context()
        if settings.security == "tls":
            return imaplib.IMAP4_SSL(host, settings.port, ssl_context=context, timeout=settings.timeout)
        imap = imaplib.IMAP4(host, settings.port, timeout=settings.timeout)
        try:
            imap.starttls(ssl_context=context)
        except BaseException:
            imap.shutdown()
            raise
        return imap

    # -- in the background ------------------------------------------------

    def start(self, interval: float | None = None) -> None:
        """Look now and then every ``interval`` seconds (the settings' when None) until :meth:`stop`."""
        self._stop.clear()

        def run() -> None:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    self.check_once()
                except Exception:
                    log.exception("reply watcher failed")
                wait = interval if interval is not None else load_reply_settings(self.store).interval
                self._wake.wait(wait)

        self._thread = threading.Thread(target=run, name="reply-watcher", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Look now (the user just said yes, or a request was just sent)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
