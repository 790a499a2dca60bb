"""Secret scrubbing for text that leaves the machine.

Everything the user attaches or types (error text, description, logs, HAR
files, e-mail messages, configuration files) goes through :func:`find_secrets`
before it is shown in the review or sent. Detection is pure and offline: a list
of :class:`SecretMatch` comes back, the UI shows them, the user may keep some
(a false alarm), and :func:`apply_redactions` replaces the rest with
``[removed]``.

Only the secret value is replaced, never the name in front of it, so that the
support team still sees *what* was there: ``password=[removed]``,
``Authorization: Bearer [removed]``, ``Cookie: PHPSESSID=[removed]``.

The rules favour recall over precision for things that are surely secrets
(key formats with a fixed prefix, values of settings called ``password``),
and stay away from look-alikes that support needs to read: commit hashes,
UUIDs, message ids, IP addresses, error codes and ``Password:`` prompts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from composer.i18n import N_
from composer.redact_names import (
    QUERY_NAMES,
    REPLACEMENT,
    Candidate,
    is_placeholder,
    is_secret_name,
    shift,
    stripped,
    word_set,
)
from composer.redact_settings import setting_candidates

__all__ = [
    "KINDS",
    "REPLACEMENT",
    "SecretMatch",
    "apply_redactions",
    "count_by_kind",
    "find_secrets",
    "scrub",
]


# Stable codes (documented API: the UI, tests and the CLI summary use them) and
# the words shown for each, translated where they are shown.
KINDS: dict[str, str] = {
    "private_key": N_("private key"),
    "aws_key": N_("AWS access key"),
    "github_token": N_("GitHub token"),
    "slack_token": N_("Slack token"),
    "stripe_key": N_("Stripe secret key"),
    "google_api_key": N_("Google API key"),
    "api_token": N_("API token"),
    "jwt": N_("JSON Web Token"),
    "url_password": N_("password in a web address"),
    "auth_header": N_("Authorization header"),
    "cookie": N_("cookie"),
    "api_key_header": N_("API key header"),
    "basic_auth": N_("user name and password on a command line"),
    "mail_login": N_("mail or FTP login"),
    "query_secret": N_("token or session id in a web address"),
    "config_password": N_("password or secret in a setting"),
    "bearer_token": N_("bearer token"),
    "known_secret": N_("one of your saved passwords"),
    "prose_password": N_("password written in the text"),
}
# Lower wins when two findings overlap: the more specific name is reported.
_PRIORITY = {kind: rank for rank, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class SecretMatch:
    """One secret found in a text: where it is and what kind it is.

    ``text`` is the secret itself; it is left out of ``repr`` so that a match
    written to a log or a traceback does not leak it.
    """

    index: int
    kind: str
    start: int
    end: int
    line: int
    text: str = field(repr=False)

    @property
    def id(self) -> str:
        """A stable identifier for this match within its text."""
        return f"{self.kind}@{self.start}-{self.end}"


# -- fixed formats --------------------------------------------------------------

_TOKEN_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aws_key", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")),
    ("github_token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b")),
    ("github_token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{22,255}\b")),
    ("slack_token", re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,}")),
    ("slack_token", re.compile(r"(?<=hooks\.slack\.com/services/)[A-Za-z0-9/]{20,}")),
    ("stripe_key", re.compile(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b")),
    ("stripe_key", re.compile(r"\bwhsec_[A-Za-z0-9]{24,}\b")),
    ("google_api_key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])")),
    ("api_token", re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_\-]{20,}")),
    ("api_token", re.compile(r"\bglpat-[A-Za-z0-9_\-]{20,}")),
    ("api_token", re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")),
    ("api_token", re.compile(r"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}")),
    ("api_token", re.compile(r"\bkey-[0-9a-f]{32}\b")),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*")),
)
_BEARER = re.compile(r"\bBearer\s+(?P<v>[A-Za-z0-9\-._~+/]{16,}=*)")
_PRIVATE_KEY = re.compile(
    r"-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----"
    r"(?P<body>.*?)(?:-----END (?P=label)-----|(?P<open>\Z))",
    re.S,
)
_KEY_BODY_RUN = re.compile(r"(?:[A-Za-z0-9+/=:,\- \t\r\n]|\\n)*")
_URL_PASSWORD = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^/\s:@\"'<>]*:(?P<v>[^@\s/\"'<>]+)@")


def _token_candidates(text: str) -> Iterator[Candidate]:
    for kind, pattern in _TOKEN_FORMATS:
        for m in pattern.finditer(text):
            yield Candidate(m.start(), m.end(), kind)
    for m in _BEARER.finditer(text):
        value = m.group("v")
        if any(c.isdigit() for c in value):
            yield Candidate(m.start("v"), m.end("v"), "bearer_token")
    for m in _URL_PASSWORD.finditer(text):
        yield Candidate(m.start("v"), m.end("v"), "url_password")
    for m in _PRIVATE_KEY.finditer(text):
        start, end = m.start("body"), m.end("body")
        if m.group("open") is not None:  # cut off: take the base64 lines that follow
            end = start + len(_KEY_BODY_RUN.match(text, start).group())  # type: ignore[union-attr]
        yield from stripped(text, start, end, "private_key", strip=" \t\r\n", escaped=True)


# -- headers --------------------------------------------------------------------

_AUTH_HEADERS = frozenset({"authorization", "proxy-authorization"})
_COOKIE_HEADERS = frozenset({"cookie"})
_SET_COOKIE_HEADERS = frozenset({"set-cookie", "set-cookie2"})
_KEY_HEADERS = word_set(
    """
    x-api-key api-key apikey x-auth-token x-access-token x-api-token x-csrf-token x-xsrf-token
    x-amz-security-token x-goog-api-key private-token x-shopify-access-token x-auth-key
    x-session-token
    """
)
_HEADER_NAMES = _AUTH_HEADERS | _COOKIE_HEADERS | _SET_COOKIE_HEADERS | _KEY_HEADERS
_HEADER = re.compile(
    r"(?<![\w-])(?P<open>[\"']?)(?P<name>"
    + "|".join(sorted((re.escape(h) for h in _HEADER_NAMES), key=len, reverse=True))
    + r")[\"']?[ \t]*:[ \t]*(?P<quote>[\"']?)(?P<value>[^\r\n]*)",
    re.I,
)
_AUTH_SCHEME = re.compile(
    r"(?i)(?:bearer|basic|digest|token|negotiate|ntlm|aws4-hmac-sha256|hawk|oauth|apikey|key|"
    r"sso-key|splunk|ssws)\s+(?=\S)"
)
_COOKIE_PAIR = re.compile(r"(?:^|;)\s*(?P<name>[^=;\s]+)=(?P<v>[^;]*)")


def _header_value(name: str, value: str) -> Iterator[Candidate]:
    """Candidates for the secret parts of one header value (offsets within ``value``)."""
    name = name.lower()
    if name in _AUTH_HEADERS:
        scheme = _AUTH_SCHEME.match(value)
        if scheme:
            yield from stripped(value, scheme.end(), len(value), "auth_header", strip=" \t,")
        elif " " not in value.strip() and len(value.strip()) >= 8:
            yield from stripped(value, 0, len(value), "auth_header")
    elif name in _COOKIE_HEADERS or name in _SET_COOKIE_HEADERS:
        pairs = list(_COOKIE_PAIR.finditer(value))
        for m in pairs[:1] if name in _SET_COOKIE_HEADERS else pairs:
            yield from stripped(value, m.start("v"), m.end("v"), "cookie")
    else:
        yield from stripped(value, 0, len(value), "api_key_header")


_JSON_STR = r'"(?P<{0}>(?:[^"\\]|\\.)*)"'
_NAME_VALUE = re.compile(
    r'"name"\s*:\s*'
    + _JSON_STR.format("n1")
    + r'\s*,\s*"value"\s*:\s*'
    + _JSON_STR.format("v1")
    + r'|"value"\s*:\s*'
    + _JSON_STR.format("v2")
    + r'\s*,\s*"name"\s*:\s*'
    + _JSON_STR.format("n2")
)
_HAR_COOKIES = re.compile(r'"cookies"\s*:\s*\[(?P<body>[^\]]*)\]')
_JSON_VALUE = re.compile(r'"value"\s*:\s*' + _JSON_STR.format("v"))


def _header_candidates(text: str) -> Iterator[Candidate]:
    for m in _HEADER.finditer(text):
        name, value = m.group("name"), m.group("value")
        # Inside quotes (curl -H '...', JSON) the value ends at the closing quote;
        # on a line of its own it runs to the end of the line (Digest has quotes inside).
        closing = m.group("quote") or m.group("open")
        if closing and closing in value:
            value = value[: value.index(closing)]
        yield from shift(_header_value(name, value), m.start("value"))
    for m in _NAME_VALUE.finditer(text):
        which = "1" if m.group("n1") is not None else "2"
        name, value = m.group("n" + which), m.group("v" + which)
        offset = m.start("v" + which)
        if name.lower() in _HEADER_NAMES:
            yield from shift(_header_value(name, value), offset)
        elif (is_secret_name(name) or name.lower() in QUERY_NAMES) and not is_placeholder(value):
            yield from shift(stripped(value, 0, len(value), "query_secret"), offset)
    for m in _HAR_COOKIES.finditer(text):
        base = m.start("body")
        for v in _JSON_VALUE.finditer(m.group("body")):
            if v.group("v"):
                yield Candidate(base + v.start("v"), base + v.end("v"), "cookie")


def _known_candidates(text: str, literals: Iterable[str]) -> Iterator[Candidate]:
    for literal in literals:
        if len(literal) < 4:  # too short to tell apart from ordinary words
            continue
        for form in {literal, quote(literal, safe="")}:
            start = text.find(form)
            while start != -1:
                yield Candidate(start, start + len(form), "known_secret")
                start = text.find(form, start + 1)


# -- public API -------------------------------------------------------------------


def find_secrets(text: str, *, extra_secrets: Iterable[str] = ()) -> list[SecretMatch]:
    """Find the secrets in ``text``.

    Args:
        text: Any text: a log, a HAR file, an e-mail message, a configuration file.
        extra_secrets: Literal strings that must not leave the machine either, such as
            the user's own stored passwords (strings shorter than 4 characters are ignored).

    Returns:
        Non-overlapping matches in the order they appear, numbered from 0 by ``index``.
        Overlapping findings are merged and reported under the most specific kind.
    """
    candidates = [
        c
        for c in (
            *_token_candidates(text),
            *_header_candidates(text),
            *setting_candidates(text),
            *_known_candidates(text, extra_secrets),
        )
        if text[c.start : c.end] != REPLACEMENT
    ]
    candidates.sort(key=lambda c: (c.start, -c.end))
    merged: list[Candidate] = []
    for c in candidates:
        if merged and c.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, c.kind, key=_PRIORITY.__getitem__)
            merged[-1] = Candidate(last.start, max(last.end, c.end), kind)
        else:
            merged.append(c)
    newlines = [i for i, char in enumerate(text) if char == "\n"]
    return [
        SecretMatch(
            index=i,
            kind=c.kind,
            start=c.start,
            end=c.end,
            line=bisect_right(newlines, c.start - 1) + 1,
            text=text[c.start : c.end],
        )
        for i, c in enumerate(merged)
    ]


def apply_redactions(
    text: str,
    matches: Sequence[SecretMatch],
    *,
    keep: Collection[int | str] = (),
    replacement: str = REPLACEMENT,
) -> str:
    """Replace each match in ``text`` with ``replacement``, except the ones to keep.

    Args:
        text: The text the matches were found in.
        matches: What :func:`find_secrets` returned for this very text.
        keep: Matches the user chose to keep, by ``index`` or by ``id``.
        replacement: What a removed secret becomes.

    Returns:
        A new string; ``text`` itself is never changed.
    """
    pieces: list[str] = []
    position = 0
    for match in sorted(matches, key=lambda m: m.start):
        if match.index in keep or match.id in keep or match.start < position:
            continue
        pieces.append(text[position : match.start])
        pieces.append(replacement)
        position = match.end
    pieces.append(text[position:])
    return "".join(pieces)


def scrub(text: str, *, extra_secrets: Iterable[str] = ()) -> tuple[str, list[SecretMatch]]:
    """Find and remove every secret in ``text``; returns the clean text and what was removed."""
    matches = find_secrets(text, extra_secrets=extra_secrets)
    return apply_redactions(text, matches), matches


def count_by_kind(matches: Iterable[SecretMatch]) -> dict[str, int]:
    """How many matches of each kind, in the order of :data:`KINDS`."""
    counts = Counter(m.kind for m in matches)
    return {kind: counts[kind] for kind in KINDS if counts[kind]}
