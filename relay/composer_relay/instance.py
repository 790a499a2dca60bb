"""One relay instance: what it runs with (configuration, database, adapter, forwarding workers)."""

from __future__ import annotations

from composer_relay.adapters import Adapter
from composer_relay.config import LimitSettings, RelayConfig
from composer_relay.db import Database
from composer_relay.worker import Forwarder

__all__ = ["Relay"]


class Relay:
    """One relay instance: its configuration, database, helpdesk adapter and forwarding workers."""

    def __init__(
        self, config: RelayConfig, database: Database, adapter: Adapter, *, forward: bool = True
    ) -> None:
        self.config = config
        self.database = database
        self.adapter = adapter
        self.forwarder = Forwarder(
            database,
            adapter,
            workers=config.server.workers,
            instance_timeout=config.server.instance_timeout_seconds,
            settle_delay=config.server.settle_delay_seconds,
            scratch=config.storage.attachments,
            retention_seconds=config.storage.retention_days * 86400,
            # a dead instance's try may still be under way at the helpdesk for its whole timeout
            out_window=float(getattr(config.helpdesk, "timeout_seconds", 60.0))
            + config.server.settle_delay_seconds,
        )
        self.forward = forward

    @property
    def limits(self) -> LimitSettings:
        """``[limits]``, narrowed to the helpdesk's own: what it would drop is refused at once (413)."""
        limits = self.config.limits
        capabilities = self.adapter.capabilities
        narrowed: dict[str, int] = {}
        if capabilities.max_file_bytes is not None:
            narrowed["max_attachment_bytes"] = min(limits.max_attachment_bytes, capabilities.max_file_bytes)
        if capabilities.max_files_bytes is not None:
            narrowed["max_files_bytes"] = min(
                limits.max_files_bytes or capabilities.max_files_bytes, capabilities.max_files_bytes
            )
        return limits.model_copy(update=narrowed) if narrowed else limits

    def start(self) -> None:
        self.database.migrate()
        self.config.storage.attachments.mkdir(parents=True, exist_ok=True)
        if self.forward:
            self.forwarder.start()

    def stop(self) -> None:
        if self.forward:
            self.forwarder.stop()
        self.adapter.close()
        self.database.close()
