"""``request-composer prefill``: staff tools for signed pre-fill links.

``keygen`` writes the provider's private key and prints the line for the
profile; ``sign`` prints a link (or writes a small file) that opens the app
with fields filled in; ``show`` verifies a link or file against a profile, as
the customer's app will, and prints what it fills in as JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pydantic

from composer import prefill
from composer.i18n import _
from composer.model import Request

__all__ = ["parse_duration", "register"]

_DURATION = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def register(subparsers: Any) -> None:
    """Add the ``prefill`` subcommand and its actions."""
    parser = subparsers.add_parser("prefill", help=_("make and check signed pre-filled links (for staff)"))
    actions = parser.add_subparsers(dest="prefill_command", metavar="ACTION", required=True)

    keygen = actions.add_parser("keygen", help=_("write a new private key and print the profile's key line"))
    keygen.add_argument("--private", required=True, type=Path, metavar="KEYFILE")
    keygen.set_defaults(handler=_keygen)

    sign = actions.add_parser("sign", help=_("print a signed link that fills in the customer's form"))
    sign.add_argument("--key", required=True, type=Path, metavar="KEYFILE")
    sign.add_argument("--expires", required=True, metavar="DURATION", help=_("for example 30m, 2h or 3d"))
    sign.add_argument(
        "--staff", required=True, metavar="NAME", help=_("who prepared it, as the customer knows you")
    )
    sign.add_argument(
        "--provider", default="", metavar="NAME", help=_("the provider's name, shown with yours")
    )
    sign.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=_("a field to fill in: {fields}").format(fields=", ".join(prefill.PREFILL_FIELDS)),
    )
    sign.add_argument(
        "--https-base", default="", metavar="URL", help=_("make an https:// link on this page instead")
    )
    sign.add_argument("--file", type=Path, metavar="FILE", help=_("write the link into this file instead"))
    sign.set_defaults(handler=_sign)

    show = actions.add_parser("show", help=_("check a link or file as the customer's app will"))
    show.add_argument("link", metavar="LINK|FILE")
    show.add_argument("--profile", dest="prefill_profile", type=Path, metavar="FILE")
    show.set_defaults(handler=_show)


def parse_duration(text: str) -> timedelta:
    """``30m``, ``2h``, ``3d`` as a duration.

    Raises:
        PrefillError: ``prefill.bad_duration``.
    """
    found = _DURATION.match(text)
    if not found:
        raise prefill.PrefillError("prefill.bad_duration", value=text)
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def _fields(pairs: list[str]) -> prefill.PrefillFields:
    values: dict[str, Any] = {}
    known = ", ".join(prefill.PREFILL_FIELDS)
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or name not in prefill.PREFILL_FIELDS:
            raise prefill.PrefillError("prefill.bad_field", value=pair, fields=known)
        if name == "diagnostics":
            values[name] = tuple(part.strip() for part in value.split(",") if part.strip())
        else:
            values[name] = value
    try:
        return prefill.PrefillFields.model_validate(values)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        raise prefill.PrefillError(
            "prefill.bad_value", field=field, value=str(values.get(field, ""))
        ) from None


def _keygen(args: argparse.Namespace) -> int:
    key = prefill.generate_key(args.private)
    print(
        _("Private key written to {path}. Keep it on staff machines only.").format(path=args.private),
        file=sys.stderr,
    )
    print(_("Put this line into the [prefill] section of the provider profile:"), file=sys.stderr)
    print(f'public_key = "{prefill.public_key_line(key)}"')
    return 0


def _sign(args: argparse.Namespace) -> int:
    key = prefill.load_private_key(args.key)
    token = prefill.sign_prefill(
        key,
        _fields(args.field),
        staff=args.staff,
        provider=args.provider,
        lifetime=parse_duration(args.expires),
    )
    link = prefill.link_for(token, https_base=args.https_base)
    if args.file:
        args.file.write_text(link + "\n", encoding="utf-8")
    else:
        print(link)
    return 0


def _show(args: argparse.Namespace) -> int:
    from composer.profile import load_profile

    profile = load_profile(args.prefill_profile or args.profile)
    text = args.link
    candidate = Path(text)
    if not text.startswith((prefill.SCHEME + ":", "https:", prefill.VERSION + ".")):
        try:
            text = candidate.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise prefill.PrefillError("prefill.not_found", path=str(candidate)) from None
        except (OSError, UnicodeDecodeError):
            raise prefill.PrefillError("prefill.malformed") from None
    verified = prefill.read_prefill(text, profile.prefill.public_key)
    categories = {category.id for category in profile.effective_categories()}
    _request, ignored = prefill.apply_prefill(_blank_request(), verified, categories=categories)
    payload = verified.payload
    document = {
        "staff": payload.staff,
        "provider": payload.provider,
        "issued_at": payload.issued_at.isoformat(),
        "expires_at": payload.expires_at.isoformat(),
        "key": verified.key_fingerprint,
        "fields": payload.fields.model_dump(mode="json", exclude_defaults=True),
        "ignored": ignored,
    }
    print(json.dumps(document, ensure_ascii=False, indent=2))
    return 0


def _blank_request() -> Request:
    return Request()
