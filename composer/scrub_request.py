"""Secrets typed into the request's own fields: found per field, removed before anything leaves.

Attachments are scrubbed when they are added; the text fields are scrubbed
twice: while the user types (the window shows each find, the user may keep a
false alarm) and again whenever the request is rendered to leave the machine
(:func:`composer.render.render_text`, :func:`composer.render.render_json`), so
a password that reached the model some other way (a draft from an older
version, a pre-fill link, a pasted bundle) still does not leave. What the user
kept as "not a secret" is remembered in ``Request.not_secrets`` and honoured
both times.
"""

from __future__ import annotations

from collections.abc import Iterable

from composer.model import Request
from composer.redact import SecretMatch, apply_redactions, find_secrets

__all__ = ["TEXT_FIELDS", "field_secrets", "field_texts", "scrub_request", "with_field_text"]

# Free-text fields of the request and of its requester, in the order of the form.
TEXT_FIELDS = (
    "requester.name",
    "requester.on_behalf_of",
    "requester.customer_id",
    "requester.organisation",
    "requester.phone",
    "service",
    "summary",
    "account",
    "device",
    "operating_system",
    "client",
    "client_version",
    "error_text",
    "started_text",
    "description",
    "tried",
)


def field_texts(request: Request) -> dict[str, str]:
    """Every free text of ``request`` by field name (``answers.<id>`` for the answers)."""
    texts: dict[str, str] = {}
    for field in TEXT_FIELDS:
        owner, _dot, name = field.rpartition(".")
        source = request.requester if owner == "requester" else request
        texts[field] = str(getattr(source, name))
    for question_id, answer in request.answers.items():
        texts[f"answers.{question_id}"] = answer
    for index, attachment in enumerate(request.attachments):
        texts[f"attachments.{index}.description"] = attachment.description
    return texts


def with_field_text(request: Request, field: str, text: str) -> Request:
    """A copy of ``request`` with one field (named as in :func:`field_texts`) set to ``text``."""
    if field.startswith("answers."):
        return request.model_copy(update={"answers": {**request.answers, field.split(".", 1)[1]: text}})
    if field.startswith("attachments."):
        index = int(field.split(".")[1])
        attachments = list(request.attachments)
        attachments[index] = attachments[index].model_copy(update={"description": text})
        return request.model_copy(update={"attachments": tuple(attachments)})
    owner, _dot, name = field.rpartition(".")
    if owner == "requester":
        return request.model_copy(update={"requester": request.requester.model_copy(update={name: text})})
    return request.model_copy(update={name: text})


def field_secrets(request: Request, *, extra_secrets: Iterable[str] = ()) -> dict[str, list[SecretMatch]]:
    """The secrets in each field, leaving out what the user said is not secret."""
    extra = list(extra_secrets)
    kept = set(request.not_secrets)
    found: dict[str, list[SecretMatch]] = {}
    for field, text in field_texts(request).items():
        if not text:
            continue
        matches = [m for m in find_secrets(text, extra_secrets=extra) if m.text not in kept]
        if matches:
            found[field] = matches
    return found


def scrub_request(request: Request, *, extra_secrets: Iterable[str] = ()) -> Request:
    """``request`` with every secret in its text fields replaced by ``[removed]``.

    The user's own "not a secret" choices (``not_secrets``) stay; nothing else does.
    """
    for field, matches in field_secrets(request, extra_secrets=extra_secrets).items():
        request = with_field_text(request, field, apply_redactions(field_texts(request)[field], matches))
    return request
