"""Composing a request without the window: the form's fields by name, its checks, its scrubbing.

The command line (``request-composer new``) and scripts fill a request with
``NAME=VALUE`` pairs. The names are the form's stable field names (the
``field.<name>`` widgets), taken from the model itself by
:func:`form_fields`, so the list cannot drift from it. Values are checked
by the same code as in the window: :func:`composer.quality.assess` for what
blocks sending, :func:`composer.timeparse.parse_started` for "since when",
:func:`composer.evidence.check_limits` for files. Text fields and text files
are scrubbed of secrets by :mod:`composer.redact` like the form does; with no
one to ask, every secret found is removed.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from composer.errors import ComposerError, ValidationError
from composer.evidence import check_limits, looks_like_text, read_text_evidence, scrubbed_bytes
from composer.i18n import N_, _, ngettext
from composer.model import Attachment, Request, Requester
from composer.profile import ProviderProfile
from composer.redact import apply_redactions, find_secrets
from composer.store import Store

__all__ = [
    "SCRUBBED_FIELDS",
    "FormField",
    "apply_fields",
    "attach_file",
    "fields_markdown",
    "form_fields",
    "form_name",
    "scrub_fields",
]

#: the text fields whose passwords and keys are shown and removed before sending, and what they are
SCRUBBED_FIELDS: dict[str, str] = {
    "summary": N_("The one-line summary"),
    "error_text": N_("The error message"),
    "description": N_("The description"),
    "tried": N_("What you tried"),
}

# Model fields the app sets itself, not the user.
_INTERNAL = frozenset({"id", "schema_version", "language", "provider", "started_text", "follows_up"})
# Where the form's name differs from the model's.
_FORM_NAME = {"operating_system": "os"}


@dataclass(frozen=True)
class FormField:
    """One field of the form, by its stable name.

    Attributes:
        name: the stable name (``field.<name>`` in the window).
        target: the model attribute, ``requester.<attr>`` for the requester's.
        choices: the accepted values of a choice field (empty: free text).
    """

    name: str
    target: str
    choices: tuple[str, ...] = ()
    enum: type[StrEnum] | None = None


def _choices(annotation: Any) -> tuple[str, ...]:
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return tuple(member.value for member in annotation)
    return ()


def _enum(annotation: Any) -> type[StrEnum] | None:
    return annotation if _choices(annotation) else None


def _is_text(annotation: Any) -> bool:
    return annotation is str or bool(_choices(annotation))


def form_fields() -> list[FormField]:
    """Every field ``--field`` accepts, in the form's order, read from the model."""
    found: list[FormField] = []
    for name, info in Requester.model_fields.items():
        if _is_text(info.annotation):
            found.append(
                FormField(name, f"requester.{name}", _choices(info.annotation), _enum(info.annotation))
            )
    for name, info in Request.model_fields.items():
        if name in _INTERNAL:
            continue
        annotation = info.annotation
        is_moment = isinstance(annotation, types.UnionType) and datetime in typing.get_args(annotation)
        if _is_text(annotation) or is_moment:
            found.append(FormField(_FORM_NAME.get(name, name), name, _choices(annotation), _enum(annotation)))
    return found


def form_name(target: str) -> str:
    """The form's name of a model path that quality checks report (``requester.email`` -> ``email``)."""
    if target.startswith("answers."):
        return "question." + target.removeprefix("answers.")
    name = target.removeprefix("requester.")
    return _FORM_NAME.get(name, name)


def _field_error(code: str, **params: Any) -> ValidationError:
    return ValidationError(code, **params)


def apply_fields(
    request: Request, profile: ProviderProfile, pairs: Iterable[str], *, now: datetime | None = None
) -> Request:
    """``request`` with each ``NAME=VALUE`` applied, checked as the form checks it.

    ``question.<id>=answer`` answers a question of the chosen category.

    Raises:
        ValidationError: ``cli.field_syntax``, ``cli.field_unknown``,
            ``cli.field_choice``, ``cli.question_unknown``, and the form's own
            ``started_at.unparsed`` / ``started_at.future``.
    """
    from composer.timeparse import parse_started

    by_name = {f.name: f for f in form_fields()}
    changes: dict[str, Any] = {}
    requester: dict[str, Any] = {}
    answers = dict(request.answers)
    for pair in pairs:
        name, equals, value = pair.partition("=")
        name = name.strip()
        if not equals or not name:
            raise _field_error("cli.field_syntax", value=pair)
        if name.startswith("question."):
            answers[name.removeprefix("question.")] = value
            continue
        field = by_name.get(name)
        if field is None:
            raise _field_error("cli.field_unknown", name=name, names=", ".join(by_name))
        choices = field.choices
        if field.target == "category":
            choices = tuple(c.id for c in profile.effective_categories())
        if choices and value not in choices:
            raise _field_error("cli.field_choice", name=name, value=value, choices=", ".join(choices))
        typed: Any = field.enum(value) if field.enum is not None else value
        if field.target == "started_at":
            parsed = parse_started(value, now=now or datetime.now().astimezone())
            changes["started_text"] = value
            changes["started_at"] = parsed.when if parsed else None
        elif field.target.startswith("requester."):
            requester[field.target.removeprefix("requester.")] = typed
        else:
            changes[field.target] = typed
    if requester:
        changes["requester"] = request.requester.model_copy(update=requester)
    updated = request.touched(**changes)
    category = profile.category(updated.category)
    known = {q.id for q in category.questions} if category else set()
    for question in answers:
        if question not in known and question not in request.answers:
            raise _field_error("cli.question_unknown", name=question, names=", ".join(sorted(known)) or "—")
    return updated.touched(answers=answers) if answers != request.answers else updated


def scrub_fields(request: Request, secrets: Iterable[str] = ()) -> tuple[Request, list[tuple[str, int]]]:
    """The request with every secret removed from its text fields, and how many per field label."""
    known = list(secrets)
    removed: list[tuple[str, int]] = []
    changes: dict[str, str] = {}
    for field, label in SCRUBBED_FIELDS.items():
        text = getattr(request, field)
        matches = find_secrets(text, extra_secrets=known)
        if matches:
            changes[field] = apply_redactions(text, matches)
            removed.append((_(label), len(matches)))
    return (request.touched(**changes) if changes else request), removed


def attach_file(
    store: Store,
    profile: ProviderProfile,
    existing: Iterable[Attachment],
    path: Path,
    secrets: Iterable[str] = (),
) -> tuple[Attachment, int]:
    """Check a file against the provider's limits, scrub it if it is text, and store it.

    Returns the attachment and how many secrets were removed.

    Raises:
        ComposerError: ``attachment.unreadable``; ValidationError ``attachment.too_large``,
            ``attachment.total_too_large``, ``attachment.type_not_allowed``.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(8192)
    except OSError as exc:
        raise ComposerError(
            "attachment.unreadable", name=path.name, reason=exc.strerror or str(exc)
        ) from None
    check_limits(profile.limits, existing, path.name, size)
    if looks_like_text(path.name, head):
        evidence = read_text_evidence(path.name, path.read_bytes(), extra_secrets=secrets)
        if evidence.matches:
            count = len(evidence.matches)
            note = ngettext("{count} secret removed", "{count} secrets removed", count).format(count=count)
            data = scrubbed_bytes(evidence)
            return store.add_attachment_bytes(path.name, data, description=note), count
    return store.add_attachment_file(path), 0


def fields_markdown() -> str:
    """The README's table of ``--field`` names, made from :func:`form_fields`."""
    lines = ["| `--field` name | in the request | values |", "| --- | --- | --- |"]
    for field in form_fields():
        if field.choices:
            values = ", ".join(f"`{c}`" for c in field.choices)
        elif field.target == "started_at":
            values = "a time as the form takes it (`yesterday 15:00`, `2026-11-20 14:30`)"
        elif field.target == "category":
            values = "a category id of the profile (a wrong one is answered with the list)"
        else:
            values = "text"
        lines.append(f"| `{field.name}` | `{field.target}` | {values} |")
    lines.append("| `question.<id>` | `answers.<id>` | the answer to a question of the chosen category |")
    return "\n".join(lines) + "\n"
