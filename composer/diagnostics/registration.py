"""The registration check: expiry, status and registrar from the registry.

RDAP first, found through the IANA bootstrap file (a snapshot ships in
``resources/rdap-dns.json``; a fresher copy is fetched into
``settings.rdap_cache_dir`` when that is set), then WHOIS on port 43 for TLDs
without RDAP (``.gr``, ``.de``, ``.eu`` ...).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import time
from datetime import UTC, datetime
from pathlib import Path

from composer.diagnostics.http_get import HttpFailure, http_get
from composer.diagnostics.refresh import cached_copy, fetch_text
from composer.diagnostics.registration_parse import (
    RegistrationInfo,
    parse_bootstrap,
    parse_rdap,
    parse_whois,
    rdap_base_url,
    registration_findings,
    whois_referral,
)
from composer.diagnostics.runner import CheckContext, CheckOutput
from composer.diagnostics.settings import DiagnosticsSettings, split_host_port
from composer.resources import resource_path

__all__ = ["check_registration", "load_bootstrap", "lookup", "query_whois"]

SNAPSHOT = resource_path("rdap-dns.json")
CACHE_NAME = "rdap-dns.json"
MAX_WHOIS_BYTES = 256 * 1024


async def check_registration(context: CheckContext) -> CheckOutput:
    """The ``registration`` check (never raises for network failures)."""
    from composer.diagnostics.suffixes import refresh

    # the public suffix list is refreshed for next time while the registry is asked
    refreshing = asyncio.ensure_future(refresh(context.settings))
    try:
        info, facts = await lookup(context.registrable, context.settings)
    finally:
        await asyncio.gather(refreshing, return_exceptions=True)
    findings = registration_findings(
        info,
        context.registrable,
        now=datetime.now(UTC),
        warning_days=context.settings.registration_warning_days,
        check=context.name,
    )
    reached = not info.error.startswith("no answer")
    return CheckOutput(findings=tuple(findings), facts=facts, reached_network=reached)


async def lookup(domain: str, settings: DiagnosticsSettings) -> tuple[RegistrationInfo, dict[str, object]]:
    """Registration data for ``domain`` and facts (server ``Date`` headers) for later analyses."""
    facts: dict[str, object] = {}
    try:
        table = parse_bootstrap(await load_bootstrap(settings))
    except ValueError as exc:
        table = {}
        facts["bootstrap_error"] = str(exc)
    base = rdap_base_url(table, domain)
    if base is not None:
        return await _rdap(base, domain, settings, facts), facts
    return await _whois(domain, settings), facts


async def load_bootstrap(settings: DiagnosticsSettings) -> str:
    """The text of the RDAP bootstrap file to use (see the module docstring).

    Raises:
        ValueError: a configured local bootstrap file cannot be read.
    """
    source = settings.rdap_bootstrap
    if source.startswith(("http://", "https://")):
        fetched = await fetch_text(source, settings)
        return fetched if fetched is not None else SNAPSHOT.read_text(encoding="utf-8")
    if source:
        try:
            return Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"{source}: {exc}") from None
    if settings.rdap_cache_dir is not None:
        return await cached_copy(
            settings.rdap_cache_dir,
            CACHE_NAME,
            url=settings.rdap_refresh_url,
            max_age_days=settings.rdap_refresh_days,
            snapshot=SNAPSHOT,
            validate=parse_bootstrap,
            settings=settings,
        )
    return SNAPSHOT.read_text(encoding="utf-8")


async def _rdap(
    base: str, domain: str, settings: DiagnosticsSettings, facts: dict[str, object]
) -> RegistrationInfo:
    url = f"{base}domain/{domain}"
    source = f"RDAP {url}"
    try:
        response = await http_get(url, settings, accept="application/rdap+json")
    except HttpFailure as exc:
        return RegistrationInfo(source, error="no answer in time" if exc.timeout else f"no answer: {exc}")
    if "date" in response.headers:
        facts["server_dates"] = [(url, response.headers["date"], time.time())]
    if response.status == 404:
        return RegistrationInfo(source, found=False)
    if response.status != 200:
        return RegistrationInfo(source, error=f"HTTP {response.status}")
    try:
        data = json.loads(response.body)
    except ValueError:
        return RegistrationInfo(source, error="the answer is not JSON")
    return parse_rdap(data, source)


async def _whois(domain: str, settings: DiagnosticsSettings) -> RegistrationInfo:
    server = settings.whois_server
    if not server:
        tld = domain.rsplit(".", 1)[-1]
        try:
            referral = await query_whois(settings.whois_referral_server, tld, settings)
        except OSError as exc:
            return RegistrationInfo(f"WHOIS {settings.whois_referral_server}", error=f"no answer: {exc}")
        server = whois_referral(referral)
        if not server:
            return RegistrationInfo(
                f"WHOIS {settings.whois_referral_server}",
                error=f"no RDAP or WHOIS service is known for .{tld}",
            )
    try:
        text = await query_whois(server, domain, settings)
    except OSError as exc:
        return RegistrationInfo(f"WHOIS {server}", error=f"no answer: {exc.strerror or exc}")
    return parse_whois(text, f"WHOIS {server}")


async def query_whois(server: str, query: str, settings: DiagnosticsSettings) -> str:
    """Ask a WHOIS server (``HOST[:PORT]``, port 43 by default) and read its whole answer.

    Raises:
        OSError: the server cannot be reached, or does not answer in time
            (:class:`TimeoutError`).
    """
    host, port = split_host_port(server, 43)
    async with asyncio.timeout(settings.query_timeout):
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(query.encode("idna" if not query.isascii() else "ascii") + b"\r\n")
            await writer.drain()
            data = await reader.read(MAX_WHOIS_BYTES)
            chunks = [data]
            while data and sum(map(len, chunks)) < MAX_WHOIS_BYTES:
                data = await reader.read(MAX_WHOIS_BYTES)
                chunks.append(data)
        finally:
            writer.close()
            await _closed(writer)
    raw = b"".join(chunks)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


async def _closed(writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, ssl.SSLError):
        await writer.wait_closed()
