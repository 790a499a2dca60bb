"""Domains and e-mail addresses as users type them: normalised, checked, shown back.

Kept apart from the request model (:mod:`composer.model`, which re-exports
them) because the form's first step checks an address before the model, and
pydantic with it, is loaded (:mod:`composer.ui.start_window`). Errors are
:class:`~composer.errors.ValidationError` with a code and parameters.
"""

from __future__ import annotations

import re

from composer.errors import ValidationError
from composer.tlds import is_known_tld

__all__ = ["display_domain", "normalise_domain", "reduced_from", "validate_email"]

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")


def normalise_domain(value: str, *, known_tld: bool = True) -> str:
    """The ASCII (A-label) form of a domain the user typed, lower case, no trailing dot.

    Accepts internationalised names (``παράδειγμα.gr``, ``пример.рф``) and
    forgives what users paste: a scheme, a leading ``www.``, a path or a port
    is dropped.

    Raises:
        ValidationError: ``domain.empty``, ``domain.invalid``, ``domain.no_tld`` or
            ``domain.unknown_tld`` (the ending is not in IANA's list of top-level domains;
            only with ``known_tld``: the diagnostics check any name they are given, e.g. a
            provider's private test zone, while the form and the coach insist on it).
    """
    raw = value.strip()
    text = raw
    if not text:
        raise ValidationError("domain.empty")
    text = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", text)
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = re.sub(r":\d+$", "", text).strip().rstrip(".")
    text = text.replace("。", ".").replace("．", ".")
    if not text or " " in text:
        raise ValidationError("domain.invalid", value=raw)
    import idna  # (at the first name: the start's first paint does not wait for it)

    try:
        ascii_name = idna.encode(text, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError):
        raise ValidationError("domain.invalid", value=raw) from None
    labels = ascii_name.split(".")
    if len(ascii_name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValidationError("domain.invalid", value=raw)
    if len(labels) < 2:
        raise ValidationError("domain.no_tld", value=raw)
    if labels[0] == "www" and len(labels) > 2:
        ascii_name = ".".join(labels[1:])  # the domain, not its web host name
    if labels[-1].isdigit():
        raise ValidationError("domain.invalid", value=raw)
    if known_tld and not is_known_tld(labels[-1]):  # "klijent.c", "www.παράδειγμα": no such ending
        raise ValidationError("domain.unknown_tld", value=raw, tld=display_domain(labels[-1]))
    return ascii_name


def reduced_from(value: str, ascii_name: str) -> bool:
    """Whether more than the domain was typed (a web address, an e-mail address, ``www.``).

    The form says so, so that the user knows which name is checked and sent.
    """
    typed = value.strip().rstrip(".").lower()
    return typed not in {ascii_name, display_domain(ascii_name).lower()}


def display_domain(ascii_name: str) -> str:
    """The form a person reads (U-label), e.g. ``παράδειγμα.gr`` for ``xn--hxajbheg2az3al.gr``."""
    import idna

    try:
        return idna.decode(ascii_name)
    except (idna.IDNAError, UnicodeError):
        return ascii_name


def validate_email(value: str, *, code: str = "email.invalid") -> str:
    """An e-mail address with its domain normalised; international domains are accepted.

    Raises:
        ValidationError: ``email.empty`` or ``code`` (default ``email.invalid``).
    """
    text = value.strip()
    if not text:
        raise ValidationError("email.empty")
    local, at, domain = text.rpartition("@")
    if not at or not local or len(local) > 64 or not _EMAIL_LOCAL.match(local):
        raise ValidationError(code, value=text)
    if local.startswith(".") or local.endswith(".") or ".." in local:
        raise ValidationError(code, value=text)
    try:
        ascii_domain = normalise_domain(domain)
    except ValidationError:
        raise ValidationError(code, value=text) from None
    if domain != domain.strip() or "/" in domain or ":" in domain:
        raise ValidationError(code, value=text)
    return f"{local}@{display_domain(ascii_domain)}"
