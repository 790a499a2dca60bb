"""Where the diagnostics look: every network target is a setting.

The defaults describe an ordinary home or office computer: the system's
resolver, three well-known public resolvers to compare with, the shipped RDAP
bootstrap snapshot, the standard ports. A corporate setup or a test bed
changes them; nothing here is read from a global.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ConfigDict, Field, field_validator

from composer.basemodel import Model
from composer.defaults import empty_dict

__all__ = ["DEFAULT_PUBLIC_RESOLVERS", "DiagnosticsSettings", "split_host_port"]

# Cloudflare, Google and Quad9: what "the rest of the world" sees.
DEFAULT_PUBLIC_RESOLVERS: tuple[str, ...] = ("1.1.1.1", "8.8.8.8", "9.9.9.9")
IANA_RDAP_BOOTSTRAP_URL = "https://data.iana.org/rdap/dns.json"
PSL_URL = "https://publicsuffix.org/list/public_suffix_list.dat"


class DiagnosticsSettings(Model):
    """The network targets, limits and ports of one diagnosis."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    resolvers: tuple[str, ...] = Field(
        default=(),
        description="The resolver(s) to use as 'the system's view', IP[:PORT]; "
        "empty means the operating system's configuration.",
    )
    public_resolvers: tuple[str, ...] = Field(
        default=DEFAULT_PUBLIC_RESOLVERS,
        description="Public resolvers whose answers are compared with the others, IP[:PORT].",
    )
    parent_servers: tuple[str, ...] = Field(
        default=(),
        description="Servers of the parent zone (e.g. the TLD) to ask for the delegation, "
        "IP[:PORT]; empty means they are found through the system's resolver.",
    )
    nameserver_addresses: dict[str, str] = Field(
        default_factory=empty_dict,
        description="Like a hosts file for nameservers: hostname -> IP[:PORT], used instead "
        "of glue or resolution (split-horizon setups, test beds).",
    )
    rdap_bootstrap: str = Field(
        default="",
        description="Path or URL of an IANA RDAP bootstrap file; empty means the shipped "
        "snapshot (refreshed into rdap_cache_dir when that is set).",
    )
    rdap_cache_dir: Path | None = Field(
        default=None, description="Where a refreshed copy of the IANA bootstrap is kept."
    )
    rdap_refresh_url: str = IANA_RDAP_BOOTSTRAP_URL
    rdap_refresh_days: float = Field(
        default=7.0,
        description="Age in days after which the IANA bootstrap and the suffix list are fetched again.",
    )
    suffix_list_url: str = Field(
        default=PSL_URL, description="Where a newer Public Suffix List is fetched from (into rdap_cache_dir)."
    )
    whois_server: str = Field(
        default="",
        description="WHOIS server HOST[:PORT] for TLDs without RDAP; empty means the one "
        "whois.iana.org names for the TLD.",
    )
    whois_referral_server: str = "whois.iana.org"
    timeout: float = Field(default=20.0, gt=0, description="Seconds one check may take.")
    query_timeout: float = Field(
        default=4.0, gt=0, description="Seconds one network exchange (query, connect) may take."
    )
    port_map: dict[int, int] = Field(
        default_factory=empty_dict,
        description="Standard port -> port actually used, for web (80, 443) and mail "
        "(25, 465, 587, 993, 995, 143, 110) checks.",
    )
    ca_file: str | None = Field(
        default=None,
        description="CA bundle to trust instead of the system's; SSL_CERT_FILE and "
        "SSL_CERT_DIR are honoured either way.",
    )
    clock_skew_tolerance: float = Field(default=120.0, ge=0, description="Seconds.")
    cert_warning_days: int = Field(default=14, ge=0)
    registration_warning_days: int = Field(default=30, ge=0)
    max_redirects: int = Field(default=10, ge=1)

    @field_validator("nameserver_addresses")
    @classmethod
    def _lower_names(cls, value: dict[str, str]) -> dict[str, str]:
        return {k.lower().rstrip("."): v for k, v in value.items()}

    def port(self, standard: int) -> int:
        """The port to connect to for a service that normally listens on ``standard``."""
        return self.port_map.get(standard, standard)


def split_host_port(value: str, default_port: int) -> tuple[str, int]:
    """``"192.0.2.1:5353"`` -> ``("192.0.2.1", 5353)``; IPv6 in brackets: ``[2001:db8::1]:53``.

    A bare IPv6 address (more than one colon, no brackets) has no port.

    Raises:
        ValueError: the port is not a number from 1 to 65535.
    """
    text = value.strip()
    if text.startswith("["):
        host, _sep, rest = text[1:].partition("]")
        port = int(rest[1:]) if rest.startswith(":") else default_port
    elif text.count(":") == 1:
        host, _sep, port_text = text.partition(":")
        port = int(port_text)
    else:
        host, port = text, default_port
    if not 0 < port < 65536:
        raise ValueError(f"port out of range: {port}")
    return host, port
