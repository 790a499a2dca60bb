"""The kinds of value a profile holds, each checked the way a provider would check it.

Every check raises a :class:`~pydantic_core.PydanticCustomError` whose type
starts with ``rc_``; :mod:`composer.profile_check` turns it into a sentence
in our words (the key, the value, what is expected, an example, the line).
pydantic's own sentences never reach a provider.
"""

from __future__ import annotations

import ipaddress
import os
import re
import zoneinfo
from functools import cache
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

__all__ = [
    "EmailAddress",
    "HostName",
    "HttpsUrl",
    "IpAddress",
    "PhoneNumber",
    "TimeOfDay",
    "TimeZoneName",
    "minutes",
]

_TIME = re.compile(r"^(\d{2}):(\d{2})$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,}[0-9]$")


def minutes(value: str) -> int:
    """Minutes after midnight of a checked ``HH:MM`` (``24:00`` is 1440)."""
    hours, mins = value.split(":")
    return int(hours) * 60 + int(mins)


def _time(value: str) -> str:
    match = _TIME.match(value)
    if not match or int(match.group(2)) > 59 or minutes(value) > 24 * 60:
        raise PydanticCustomError("rc_time", "time of day", {"value": value})
    return value


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _on_tz_path(value: str) -> bool:
    """Whether ``available_timezones()`` lists ``value``: found without listing the whole database.

    Listing it opens every file of the time zone database (600 of them, 16 ms
    of the first window's start); a zone of a profile is one file on the
    search path, looked up here with its exact spelling (also where the file
    system ignores case), with the same test of its first bytes.
    """
    parts = value.split("/")
    if value == "posixrules" or any(part in ("", ".", "..") for part in parts):
        return False
    for root in zoneinfo.TZPATH:
        folder = root
        for part in parts:
            try:
                if part not in os.listdir(folder):
                    break
            except OSError:
                break
            folder = os.path.join(folder, part)
        else:
            try:
                with open(folder, "rb") as file:
                    if file.read(4) == b"TZif":
                        return True
            except OSError:
                pass
    return False


def _time_zone(value: str) -> str:
    if not _on_tz_path(value) and value not in _zones():
        import difflib  # only to suggest a spelling: a profile that loads never needs it

        close = difflib.get_close_matches(value, sorted(_zones()), n=1, cutoff=0.6)
        raise PydanticCustomError(
            "rc_time_zone", "time zone", {"value": value, "suggestion": close[0] if close else ""}
        )
    return value


def _email(value: str) -> str:
    from composer.errors import ValidationError
    from composer.model import validate_email

    try:
        validate_email(value)
    except ValidationError:
        raise PydanticCustomError("rc_email", "e-mail address", {"value": value}) from None
    return value.strip()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise PydanticCustomError("rc_url", "web address", {"value": value})
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise PydanticCustomError("rc_url_insecure", "https", {"value": value})
    try:
        parts.port  # noqa: B018 - reading it checks it
    except ValueError:
        raise PydanticCustomError("rc_url", "web address", {"value": value}) from None
    return value.strip()


def _ip(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        raise PydanticCustomError("rc_ip", "IP address", {"value": value}) from None


def _host(value: str) -> str:
    name = value.strip().lower().rstrip(".")
    labels = name.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        raise PydanticCustomError("rc_host", "host name", {"value": value})
    return name


def _phone(value: str) -> str:
    if not _PHONE.match(value.strip()):
        raise PydanticCustomError("rc_phone", "phone number", {"value": value})
    return value.strip()


#: ``HH:MM`` on a 24-hour clock; ``24:00`` is the end of the day.
TimeOfDay = Annotated[str, AfterValidator(_time)]
#: A name from the tz database, e.g. ``Europe/Athens``.
TimeZoneName = Annotated[str, AfterValidator(_time_zone)]
#: An e-mail address such as ``support@example.net``.
EmailAddress = Annotated[str, AfterValidator(_email)]
#: An ``https://`` address (``http://`` only to this computer).
HttpsUrl = Annotated[str, AfterValidator(_url)]
#: An IPv4 or IPv6 address.
IpAddress = Annotated[str, AfterValidator(_ip)]
#: A fully qualified host name, stored in lower case without the final dot.
HostName = Annotated[str, AfterValidator(_host)]
#: A phone number in international form, e.g. ``+30 210 000 0000``.
PhoneNumber = Annotated[str, AfterValidator(_phone)]
