"""What the secret detectors share: a finding, and the names that say a value is a secret.

A setting, header or parameter holds a secret when its name says so
(:func:`is_secret_name`: ``password``, ``DB_PASS``, ``secret_access_key``,
``AUTH_KEY``, but not ``bypass`` nor ``public_key``), unless its value is a
placeholder (:func:`is_placeholder`: ``null``, ``****``, ``${DB_PASSWORD}``).
Used by :mod:`composer.redact` and :mod:`composer.redact_settings`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = [
    "QUERY_NAMES",
    "REPLACEMENT",
    "SPLIT_WORDS",
    "Candidate",
    "is_placeholder",
    "is_secret_name",
    "shift",
    "stripped",
    "word_set",
]

REPLACEMENT = "[removed]"


@dataclass(frozen=True)
class Candidate:
    """A span of the text a detector takes for a secret of ``kind``."""

    start: int
    end: int
    kind: str


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SECRET_WORDS = word_set(
    """
    password passwd pass pwd passphrase passcode secret token salt apikey credential
    credentials privatekey secretkey accesskey
    """
)
# ``key`` is a secret only after one of these: AUTH_KEY, api_key, secret_access_key (and
# Laravel's APP_KEY); not after "public", "stripe" (pk_live_ keys are public) or "session".
_KEY_QUALIFIERS = word_set(
    """
    api access secret private auth nonce in encryption signing client master license account
    storage shared consumer webhook hmac jwt mailgun sendgrid
    """
)
# Names that are only secrets in a web address (query strings, form posts).
QUERY_NAMES = word_set(
    """
    key auth sid sessid session session_id sessionid phpsessid jsessionid sig signature
    x-amz-signature x-amz-security-token x-amz-credential otp hash
    """
)
SPLIT_WORDS = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


# A name glued together (``controlpass``, ``smtppassword``, ``dbpwd``) ends in one of these;
# ordinary words that happen to end so are not secrets.
_SECRET_SUFFIXES = ("password", "passwd", "pass", "pwd", "secret", "token")
_NOT_SECRET_WORDS = word_set("bypass compass surpass trespass overpass underpass")


def is_secret_name(name: str) -> bool:
    """Whether a setting or parameter called ``name`` holds a secret."""
    words = [w.lower().rstrip("0123456789") for w in SPLIT_WORDS.split(name) if w]
    words = [w for w in words if w]
    if not words:
        return False
    last = words[-1]
    if last in _SECRET_WORDS:
        return True
    if last.endswith(_SECRET_SUFFIXES) and last not in _NOT_SECRET_WORDS:
        return True
    if last != "key" or len(words) < 2:
        return False
    return words[-2] in _KEY_QUALIFIERS or words == ["app", "key"]


_PLACEHOLDERS = word_set("null none nil true false undefined redacted <redacted>") | {
    "",
    REPLACEMENT.lower(),
}
_PLACEHOLDER_SHAPES = re.compile(
    r"^(?:[*•x.]+|\$\{[^}]*\}|\$[A-Z_][A-Z0-9_]*|%\([^)]*\)s|\{\{.*\}\}|<[^>]*>|%env\(.*\)%)$"
)


def is_placeholder(value: str) -> bool:
    stripped = value.strip()
    return stripped.lower() in _PLACEHOLDERS or bool(_PLACEHOLDER_SHAPES.match(stripped))


def stripped(
    text: str, start: int, end: int, kind: str, *, strip: str = " \t", escaped: bool = False
) -> Iterator[Candidate]:
    """A candidate for ``text[start:end]`` without blanks around it, if anything is left.

    With ``escaped``, the two characters ``\\n`` (a newline inside a JSON string) count
    as a blank too.
    """
    while start < end:
        if text[start] in strip:
            start += 1
        elif escaped and text.startswith("\\n", start, end):
            start += 2
        else:
            break
    while end > start:
        if text[end - 1] in strip:
            end -= 1
        elif escaped and text.endswith("\\n", start, end):
            end -= 2
        else:
            break
    if end > start:
        yield Candidate(start, end, kind)


def shift(cands: Iterable[Candidate], offset: int) -> Iterator[Candidate]:
    for c in cands:
        yield Candidate(c.start + offset, c.end + offset, c.kind)


# HAR and other JSON that lists headers or parameters as {"name": ..., "value": ...}.
