"""``relay serve``: the Starlette app under uvicorn, with JSON logs that never carry a secret."""

from __future__ import annotations

import uvicorn

from composer_relay.app import Relay, create_app
from composer_relay.config import RelayConfig
from composer_relay.db import open_database
from composer_relay.logs import setup_logging

__all__ = ["build_relay", "serve"]


def build_relay(config: RelayConfig) -> Relay:
    return Relay(config, open_database(config.storage.database), config.helpdesk.build())


def secrets_of(config: RelayConfig) -> list[str]:
    """Every credential in the configuration: the log formatter blanks them, should one reach a line."""
    values = []
    for name in config.helpdesk.secret_fields():
        value = getattr(config.helpdesk, name)
        if value is not None:
            values.append(value.get_secret_value())
    smtp = config.open_intake.smtp
    if smtp is not None and smtp.password is not None:
        values.append(smtp.password.get_secret_value())
    return values


def serve(config: RelayConfig) -> None:
    setup_logging(secrets=secrets_of(config))
    app = create_app(build_relay(config))
    uvicorn.run(
        app,
        host=config.server.host,
        port=config.server.port,
        log_config=None,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )
