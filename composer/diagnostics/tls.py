"""TLS for the web and mail checks: contexts, certificate facts and what they mean.

A verifying handshake (the system's trust store, or ``settings.ca_file``;
``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` are honoured) says whether the chain
is trusted, but OpenSSL reports only its first complaint. So the leaf
certificate is also read and judged on its own (dates, names), and
:func:`judge` combines both into problems.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from ipaddress import ip_address
from typing import Any

from composer.diagnostics.settings import DiagnosticsSettings
from composer.diagnostics.trust import verifying_context

__all__ = [
    "CertificateInfo",
    "TlsOutcome",
    "certificate_info",
    "hostname_matches",
    "judge",
    "lenient_context",
    "outcome_from_error",
    "peer_certificate_info",
    "tls_context",
]

# OpenSSL X509_V_ERR_* codes that mean "the chain does not lead to a trusted root".
_UNTRUSTED = {2, 18, 19, 20, 21, 24, 25, 26, 27, 28, 32}
_EXPIRED, _NOT_YET_VALID, _HOSTNAME = 10, 9, 62
# notBefore / notAfter as getpeercert() gives them: "Jan  5 09:34:43 2018 GMT"
_CERT_TIME = re.compile(r"([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4}) GMT")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def tls_context(settings: DiagnosticsSettings) -> ssl.SSLContext:
    """The context every verified TLS connection uses (made once per trust store, see :mod:`.trust`)."""
    return verifying_context(settings.ca_file)


def lenient_context() -> ssl.SSLContext:
    """A context that accepts any certificate: only to read a certificate already judged bad."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@dataclass(frozen=True)
class CertificateInfo:
    subject: str
    issuer: str
    names: tuple[str, ...]
    not_before: datetime
    not_after: datetime


@dataclass(frozen=True)
class TlsOutcome:
    """What one TLS handshake showed: whether verification passed, and the leaf certificate."""

    verified: bool
    verify_code: int = 0
    verify_message: str = ""
    certificate: CertificateInfo | None = None


# The attribute names of ``SSLSocket.getpeercert()`` as RFC 4514 writes them.
_RFC4514 = {
    "commonName": "CN",
    "organizationName": "O",
    "organizationalUnitName": "OU",
    "countryName": "C",
    "stateOrProvinceName": "ST",
    "localityName": "L",
    "domainComponent": "DC",
}


def peer_certificate_info(peer: dict[str, Any]) -> CertificateInfo:
    """The same facts from ``getpeercert()`` of a verified connection.

    OpenSSL has parsed a verified certificate already; reading that costs
    nothing, while importing ``cryptography`` costs a tenth of the
    ``diagnose`` command's start-up. Only refused certificates need it.

    Raises:
        ValueError: ``peer`` lacks the validity dates.
    """

    def attributes(key: str) -> list[tuple[str, str]]:
        return [(str(k), str(v)) for group in peer.get(key, ()) for k, v in group]

    names = [str(v).lower() for k, v in peer.get("subjectAltName", ()) if k == "DNS"]
    names += [str(ip_address(v)) for k, v in peer.get("subjectAltName", ()) if k == "IP Address"]
    subject, issuer = attributes("subject"), attributes("issuer")
    common = [v for k, v in subject if k == "commonName"]
    if not names:
        names = [c.lower() for c in common]
    readable = next((v for k, v in issuer if k == "organizationName"), None) or next(
        (v for k, v in issuer if k == "commonName"), ""
    )

    def when(key: str) -> datetime:
        try:
            return _certificate_time(str(peer[key]))
        except (KeyError, ValueError) as error:
            raise ValueError(f"certificate without {key}") from error

    return CertificateInfo(
        subject=",".join(f"{_RFC4514.get(k, k)}={v}" for k, v in reversed(subject)),
        issuer=readable,
        names=tuple(names),
        not_before=when("notBefore"),
        not_after=when("notAfter"),
    )


def _certificate_time(text: str) -> datetime:
    """A certificate's date as :func:`ssl.cert_time_to_seconds` reads it.

    That function goes through ``time.strptime``, whose first call costs 3 ms
    of every diagnosis (it imports ``_strptime`` and builds the locale's
    patterns); the usual form is read here, anything else is left to it.

    Raises:
        ValueError: not a certificate date.
    """
    match = _CERT_TIME.fullmatch(text)
    if match and match[1] in _MONTHS:
        year, day, hour, minute, second = (int(match[i]) for i in (6, 2, 3, 4, 5))
        try:
            return datetime(year, _MONTHS.index(match[1]) + 1, day, hour, minute, second, tzinfo=UTC)
        except ValueError:
            pass  # e.g. a leap second, which ssl's own reading accepts
    return datetime.fromtimestamp(ssl.cert_time_to_seconds(text), UTC)


def certificate_info(der: bytes) -> CertificateInfo:
    """The facts of a DER certificate that users and agents care about.

    Raises:
        ValueError: ``der`` is not a certificate.
    """
    from cryptography import x509  # only for certificates OpenSSL refused (see peer_certificate_info)
    from cryptography.x509.oid import ExtensionOID, NameOID

    cert = x509.load_der_x509_certificate(der)
    names: list[str] = []
    try:
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
    except x509.ExtensionNotFound:
        san = None
    if isinstance(san, x509.SubjectAlternativeName):
        names += [n.lower() for n in san.get_values_for_type(x509.DNSName)]
        names += [str(a) for a in san.get_values_for_type(x509.IPAddress)]
    common = [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    if not names:
        names = [c.lower() for c in common]
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=_readable_issuer(cert),
        names=tuple(names),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
    )


def _readable_issuer(cert: Any) -> str:
    from cryptography.x509.oid import NameOID

    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        values = cert.issuer.get_attributes_for_oid(oid)
        if values:
            return str(values[0].value)
    return str(cert.issuer.rfc4514_string())


def hostname_matches(host: str, names: tuple[str, ...]) -> bool:
    """RFC 6125 matching: exact, or a ``*.`` wildcard covering exactly one left-most label."""
    host = host.lower().rstrip(".")
    try:
        ip_address(host)
    except ValueError:
        pass
    else:
        return host in names
    for name in names:
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def outcome_from_error(error: ssl.SSLCertVerificationError) -> tuple[int, str]:
    return int(error.verify_code or 0), str(error.verify_message or error.reason or error)


@dataclass(frozen=True)
class CertProblem:
    """``kind`` is ``expired``, ``not_yet_valid``, ``name``, ``untrusted``, ``expiring`` or ``other``."""

    kind: str
    days_left: int


def judge(
    outcome: TlsOutcome, host: str, *, now: datetime | None = None, warning_days: int = 14
) -> list[CertProblem]:
    """Every problem of a certificate for ``host``; empty when it is fine."""
    now = now or datetime.now(UTC)
    cert = outcome.certificate
    problems: list[CertProblem] = []
    days_left = (cert.not_after - now).days if cert else 0
    if cert is not None:
        if cert.not_after < now:
            problems.append(CertProblem("expired", days_left))
        elif cert.not_before > now:
            problems.append(CertProblem("not_yet_valid", days_left))
        if not hostname_matches(host, cert.names):
            problems.append(CertProblem("name", days_left))
    if not outcome.verified:
        code = outcome.verify_code
        if code in _UNTRUSTED:
            problems.append(CertProblem("untrusted", days_left))
        elif code == _EXPIRED and not any(p.kind == "expired" for p in problems):
            problems.append(CertProblem("expired", days_left))
        elif code == _NOT_YET_VALID and not any(p.kind == "not_yet_valid" for p in problems):
            problems.append(CertProblem("not_yet_valid", days_left))
        elif code == _HOSTNAME and not any(p.kind == "name" for p in problems):
            problems.append(CertProblem("name", days_left))
        elif not problems:
            problems.append(CertProblem("other", days_left))
    if not problems and cert is not None and days_left < warning_days:
        problems.append(CertProblem("expiring", days_left))
    return problems
