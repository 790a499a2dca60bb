"""``request-composer explain``: what a pasted error message means, in words or as JSON.

The text comes from standard input (or files); the answer is the same one the
form shows as the user pastes (:func:`composer.explain.explain`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from composer.i18n import N_, _, set_language

__all__ = ["register"]

_FIELD_NAMES = {
    "emails": N_("e-mail addresses"),
    "hosts": N_("host names"),
    "ip_addresses": N_("IP addresses"),
    "smtp_codes": N_("mail server codes"),
    "error_codes": N_("error codes"),
    "times": N_("times"),
}


def register(subparsers: Any) -> None:
    """Add the ``explain`` subcommand."""
    parser = subparsers.add_parser(
        "explain",
        help=_("say what a pasted error message means and which kind of problem it is"),
        description=_("Read an error message from standard input (or files) and explain it."),
    )
    parser.add_argument(
        "files", nargs="*", type=Path, metavar="FILE", help=_("read these instead of standard input")
    )
    parser.add_argument("--json", action="store_true", help=_("print the answer as JSON"))
    parser.add_argument(
        "--language", dest="explain_language", metavar="CODE", help=_("the language of the answer, e.g. hr")
    )
    parser.set_defaults(handler=_explain)


def _read(files: list[Path]) -> str:
    from composer.errors import ComposerError

    if not files:
        return sys.stdin.read()
    parts = []
    for file in files:
        try:
            parts.append(file.read_text(encoding="utf-8", errors="replace"))
        except FileNotFoundError:
            raise ComposerError("explain.not_found", path=str(file)) from None
        except OSError as error:
            raise ComposerError("explain.unreadable", path=str(file), reason=error.strerror or "") from None
    return "\n".join(parts)


def _explain(args: argparse.Namespace) -> int:
    from composer.errors import ComposerError
    from composer.explain import explain
    from composer.model import URGENCY_LABELS, Urgency
    from composer.profile import load_profile

    if args.explain_language:
        set_language(args.explain_language)
    text = _read(args.files)
    if not text.strip():
        raise ComposerError("explain.empty")
    profile = load_profile(args.profile)
    result = explain(text, profile=profile)
    if args.json:
        print(json.dumps(result.model_dump(), ensure_ascii=False, indent=2))
        return 0
    category = profile.category(result.category)
    label = _(category.label) if category else result.category
    print(
        _("Kind of problem: {label} (confidence {percent} %)").format(
            label=label, percent=round(result.confidence * 100)
        )
    )
    print(_("What it means: {text}").format(text=result.explanation))
    print(_("What to do next: {text}").format(text=result.next_step))
    urgency = _(URGENCY_LABELS[Urgency(result.urgency)])
    print(_("Urgency: {urgency}. {reason}").format(urgency=urgency, reason=result.urgency_reason))
    if result.codes:
        print(_("Codes: {codes}").format(codes=", ".join(result.codes)))
    for key, values in result.fields.items():
        if values and key not in {"smtp_codes", "error_codes"}:
            print(_("Found {what}: {values}").format(what=_(_FIELD_NAMES[key]), values=", ".join(values)))
    others = [profile.category(str(a["category"])) for a in result.alternatives]
    named = [_(c.label) for c in others if c is not None]
    if named:
        print(_("It could also be: {labels}").format(labels="; ".join(named)))
    return 0
