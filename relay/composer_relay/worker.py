"""Forwarding: worker threads take stored requests and follow-ups to the helpdesk, exactly once.

For each claimed row: if an earlier try may have reached the helpdesk
("may be out"), the helpdesk is searched for the request id first (where the
adapter can); "may be out" is written before every helpdesk call; the
helpdesk's id and public number are written the moment they are known, and
the files are deleted then. A follow-up that may be out is looked for on its
ticket by its follow-up id the same way (where the adapter can). A try whose
outcome is unknown on a helpdesk that cannot be searched stops as ``unsure``
for the operator, rather than risk a second ticket or a second reply.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from composer_relay import store
from composer_relay.adapters import (
    Adapter,
    HelpdeskError,
    HelpdeskTicket,
    Outgoing,
    OutgoingFile,
    OutgoingMessage,
)
from composer_relay.db import Database
from composer_relay.metrics import FORWARD_SECONDS, FORWARDS
from composer_relay.queue import Claim, Queue
from composer_relay.render import body_text, subject
from composer_relay.tokens import normalise_address
from composer_relay.wire import RequestDocument

__all__ = ["Forwarder"]

log = logging.getLogger("composer_relay.worker")
PURGE_INTERVAL = 3600.0


class Forwarder:
    """The forwarding workers of one relay instance."""

    def __init__(
        self,
        database: Database,
        adapter: Adapter,
        *,
        workers: int = 4,
        instance_timeout: float = 15.0,
        settle_delay: float = 5.0,
        instance_id: str | None = None,
        scratch: Path | None = None,
        retention_seconds: float | None = None,
        out_window: float | None = None,
    ) -> None:
        self.database = database
        self.adapter = adapter
        # where files kept in the database are written for a try: this instance's own folder
        self.scratch = scratch or Path(tempfile.gettempdir()) / "composer-relay"
        self.retention_seconds = retention_seconds
        self._purged_at = 0.0
        self.queue = Queue(
            database,
            instance_id or uuid.uuid4().hex[:12],
            instance_timeout=instance_timeout,
            settle_delay=settle_delay,
            out_window=out_window,
        )
        self.wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._workers = workers
        self._beat_interval = min(2.0, instance_timeout / 4)

    def start(self) -> None:
        self.queue.heartbeat()
        beat = threading.Thread(target=self._beat, name="relay-heartbeat", daemon=True)
        self._threads = [beat] + [
            threading.Thread(target=self._run, name=f"relay-forward-{n}", daemon=True)
            for n in range(self._workers)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        for thread in self._threads:
            thread.join(30)
        self.queue.leave()

    def _beat(self) -> None:
        while not self._stop.wait(self._beat_interval):
            try:
                self.queue.heartbeat()
                self._purge()
            except Exception:
                log.exception("heartbeat failed")

    def _purge(self) -> None:
        """Once an hour, what is finished and older than ``storage.retention_days`` goes."""
        if self.retention_seconds is None or time.monotonic() - self._purged_at < PURGE_INTERVAL:
            return
        self._purged_at = time.monotonic()
        removed = store.purge(self.database, older_than=time.time() - self.retention_seconds)
        if any(removed.values()):
            log.info("purged", extra=removed)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                worked = self.step()
            except Exception:
                log.exception("forwarding step failed")
                worked = False
            if not worked:
                self.wake.wait(1.0)
                self.wake.clear()

    def step(self) -> bool:
        """Forward one row if there is one; False when there was nothing to do."""
        claim = self.queue.claim()
        if claim is None:
            return False
        with FORWARD_SECONDS.time():
            if claim.table == "requests":
                self._forward_request(claim)
            else:
                self._forward_message(claim)
        return True

    # -- requests -----------------------------------------------------------

    def _forward_request(self, claim: Claim) -> None:
        row = store.request_by_id(self.database, claim.id)
        capabilities = self.adapter.capabilities
        try:
            if claim.maybe_out:
                if not capabilities.find_by_request_id:
                    self._unsure(claim, "the helpdesk cannot be searched", reference=row.reference)
                    return
                found = self.adapter.find(row.request_id, reference=row.reference)
                if found is not None:
                    self._done(claim, row.reference, found, settled=True)
                    return
            with self._files(claim_table="requests", row_id=row.id) as files:
                if not self.queue.mark_may_be_out(claim):
                    return
                ticket = self.adapter.create(self._outgoing(row, files))
        except HelpdeskError as exc:
            self._failed(claim, row.reference, exc, was_out=claim.maybe_out)
            return
        self._done(claim, row.reference, ticket, settled=False)

    def _unsure(self, claim: Claim, why: str, **fields: str) -> None:
        """The outcome is unknown and cannot be settled by search: the operator decides."""
        self.queue.stop(claim, state="unsure", error=f"outcome unknown; {why}", maybe_out=True)
        FORWARDS.labels(outcome="unsure").inc()
        log.error("forward outcome unknown", extra=fields)

    def _done(self, claim: Claim, reference: str, ticket: HelpdeskTicket, *, settled: bool) -> None:
        self.queue.forwarded(claim, helpdesk_id=ticket.id, number=ticket.number, web_url=ticket.web_url)
        self._delete_files(claim)
        FORWARDS.labels(outcome="settled" if settled else "created").inc()
        log.info(
            "forwarded",
            extra={"reference": reference, "helpdesk_number": ticket.number, "found_by_search": settled},
        )

    def _failed(self, claim: Claim, reference: str, exc: HelpdeskError, *, was_out: bool) -> None:
        maybe_out = was_out or exc.maybe_out
        if not exc.retry:
            self.queue.stop(claim, state="failed", error=str(exc), maybe_out=maybe_out)
            FORWARDS.labels(outcome="failed").inc()
            log.error(
                "forward refused", extra={"reference": reference, "error": exc.code, "detail": exc.detail}
            )
            return
        delay = self.queue.retry_later(
            claim, error=str(exc), maybe_out=maybe_out, retry_after=exc.retry_after
        )
        FORWARDS.labels(outcome="retry").inc()
        log.warning(
            "forward failed, will retry",
            extra={"reference": reference, "error": exc.code, "maybe_out": maybe_out, "retry_in": delay},
        )

    def _outgoing(self, row: store.StoredRequest, files: tuple[OutgoingFile, ...]) -> Outgoing:
        document = RequestDocument.model_validate(row.document)
        request = document.request
        requester = normalise_address(request.requester.email)
        copies = dict.fromkeys(normalise_address(a) for a in document.copy_to)
        return Outgoing(
            reference=row.reference,
            request_id=request.id,
            subject=subject(request, document.subject),
            language=document.language or request.language,
            cc=tuple(a for a in copies if a and a != requester),
            body=body_text(row.document, request, row.reference),
            requester_name=request.requester.name,
            requester_email=request.requester.email,
            customer_id=row.customer_id,
            category=request.category,
            urgency=request.urgency.value,
            domain=request.domain,
            account=request.account,
            files=files,
        )

    # -- follow-ups ---------------------------------------------------------

    def _forward_message(self, claim: Claim) -> None:
        with self.database.transaction(write=False) as cursor:
            cursor.execute(
                "SELECT m.message_id, m.text, m.author_email, r.helpdesk_id, r.helpdesk_number, r.reference "
                "FROM messages m JOIN requests r ON r.id = m.request_ref WHERE m.id = ?",
                (claim.id,),
            )
            message_id, text, author, helpdesk_id, number, reference = cursor.fetchone()
        ticket = HelpdeskTicket(helpdesk_id, number)
        if claim.maybe_out:
            if not self.adapter.capabilities.find_message:
                self._unsure(
                    claim,
                    "the helpdesk cannot be searched for follow-ups",
                    reference=reference,
                    message_id=message_id,
                )
                return
            try:
                found = self.adapter.find_message(ticket, message_id)
            except HelpdeskError as exc:
                self._failed(claim, reference, exc, was_out=True)
                return
            if found is not None:
                self._message_done(claim, reference, message_id, found, settled=True)
                return
        try:
            with self._files(claim_table="messages", row_id=claim.id) as files:
                if not self.queue.mark_may_be_out(claim):
                    return
                helpdesk_message = self.adapter.add_message(
                    ticket, OutgoingMessage(message_id, text, author, files)
                )
        except HelpdeskError as exc:
            self._failed(claim, reference, exc, was_out=claim.maybe_out)
            return
        self._message_done(claim, reference, message_id, helpdesk_message, settled=False)

    def _message_done(
        self, claim: Claim, reference: str, message_id: str, helpdesk_message: str, *, settled: bool
    ) -> None:
        self.queue.forwarded(claim, helpdesk_id=helpdesk_message, number="")
        self._delete_files(claim)
        FORWARDS.labels(outcome="settled" if settled else "created").inc()
        log.info(
            "follow-up forwarded",
            extra={"reference": reference, "message_id": message_id, "found_by_search": settled},
        )

    # -- files ----------------------------------------------------------------

    @contextmanager
    def _files(self, *, claim_table: str, row_id: int) -> Iterator[tuple[OutgoingFile, ...]]:
        """The row's files for one try at the helpdesk.

        Files kept in the database (PostgreSQL) are written to a scratch folder of this
        instance for the try and removed after it; those in the attachments folder are used
        where they are.
        """
        column = "request_ref" if claim_table == "requests" else "message_ref"
        extra = " AND message_ref IS NULL" if claim_table == "requests" else ""
        with self.database.transaction(write=False) as cursor:
            cursor.execute(
                f"SELECT id, name, media_type, size, path, content IS NOT NULL FROM attachments "
                f"WHERE {column} = ?{extra} ORDER BY position",
                (row_id,),
            )
            rows = cursor.fetchall()
        scratch = self.scratch / f"outgoing-{uuid.uuid4().hex}"
        files: list[OutgoingFile] = []
        try:
            for attachment_id, name, media_type, size, path, inline in rows:
                if path:
                    files.append(OutgoingFile(name, media_type, int(size), Path(path)))
                elif inline:
                    files.append(
                        OutgoingFile(name, media_type, int(size), self._materialise(scratch, attachment_id))
                    )
            yield tuple(files)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _materialise(self, scratch: Path, attachment_id: int) -> Path:
        with self.database.transaction(write=False) as cursor:
            cursor.execute("SELECT content FROM attachments WHERE id = ?", (attachment_id,))
            content = bytes(cursor.fetchone()[0])
        scratch.mkdir(parents=True, exist_ok=True)
        path = scratch / str(attachment_id)
        path.write_bytes(content)
        return path

    def _delete_files(self, claim: Claim) -> None:
        """Attachments are kept only until forwarded: on disk and in the database."""
        column = "request_ref" if claim.table == "requests" else "message_ref"
        extra = " AND message_ref IS NULL" if claim.table == "requests" else ""
        with self.database.transaction() as cursor:
            cursor.execute(f"SELECT path FROM attachments WHERE {column} = ?{extra}", (claim.id,))
            paths = [Path(r[0]) for r in cursor.fetchall() if r[0]]
            cursor.execute(
                f"UPDATE attachments SET path = NULL, content = NULL WHERE {column} = ?{extra}", (claim.id,)
            )
        for folder in {p.parent for p in paths}:
            shutil.rmtree(folder, ignore_errors=True)
