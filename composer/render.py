"""The request as people and programs read it: plain text, JSON, a zip bundle.

:func:`render_text` is what a support agent reads first, and exactly what the
review step shows and what the e-mail body carries. It is written in the
language it is given, by default the provider's (:func:`request_language`),
whatever language the window is in: the customer's own words are left as
typed; labels, hints, findings and the profile's texts are in that language
(:func:`composer.i18n.translating`). :mod:`composer.rendered` renders it once,
at Send, for the outbox. :func:`render_json` is the
model with a schema version, for helpdesks and for loading back.
:func:`write_bundle` and :func:`read_bundle` save and restore a whole request
with its attachments as one zip file.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pydantic import ValidationError as PydanticValidationError

from composer import __version__
from composer.answers import answer_text
from composer.errors import BundleError
from composer.i18n import N_, _, translating
from composer.identities import filed_by, owner_copy
from composer.model import (
    ROLE_LABELS,
    SCHEMA_VERSION,
    URGENCY_LABELS,
    WORKED_BEFORE_LABELS,
    Attachment,
    Request,
    Severity,
    WorkedBefore,
    display_domain,
)
from composer.policy import priority_for, scope_for
from composer.profile import ProviderProfile
from composer.provenance import provider_record
from composer.rendered import request_language
from composer.scrub_request import scrub_request
from composer.triage import explain_error, hint_meaning

if TYPE_CHECKING:
    from composer.store import Store

__all__ = [
    "BUNDLE_FORMAT",
    "read_bundle",
    "render_json",
    "render_subject",
    "render_text",
    "request_language",
    "write_bundle",
]

BUNDLE_FORMAT = "request-composer/bundle"
WIDTH = 16
# the provider's terms for this kind of work, as the review told the customer
_TERMS = {
    "free": N_("Included, free"),
    "paid": N_("Paid extra"),
    "agreement": N_("Only by agreement"),
    "never": N_("Not done by support"),
}
# the words the checks step uses, so the agent reads the same as the customer saw
_SEVERITY_WORDS = {
    Severity.CRITICAL: N_("Serious problem"),
    Severity.PROBLEM: N_("Problem"),
    Severity.WARNING: N_("Worth a look"),
    Severity.INFO: N_("Good to know"),
    Severity.OK: N_("Fine"),
}


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def format_moment(moment: datetime) -> str:
    """An unambiguous moment for an agent in another time zone."""
    offset = moment.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"{moment:%Y-%m-%d %H:%M} ({offset})"


def _line(label: str, value: str) -> str:
    label = _(label) + ":"
    return f"  {label:<{WIDTH}} {value}" if len(label) < WIDTH else f"  {label} {value}"


def _block(text: str, indent: str = "    ") -> list[str]:
    return [indent + line if line.strip() else "" for line in text.strip("\n").splitlines()]


def render_subject(request: Request, profile: ProviderProfile, *, language: str | None = None) -> str:
    """A subject line: category, domain and the one-line summary (without passwords).

    Args:
        request: the request.
        profile: the provider it goes to.
        language: the language of the words the app adds; the provider's by default.
    """
    with translating(language or request_language(profile)):
        return _subject(request, profile)


def _subject(request: Request, profile: ProviderProfile) -> str:
    request = scrub_request(request)
    category = profile.category(request.category)
    parts = []
    if category is not None:
        parts.append(_(category.label))
    if request.domain:
        parts.append(display_domain(request.domain.strip().lower()))
    subject = " – ".join(parts)
    summary = request.summary.strip().replace("\n", " ")
    if summary:
        subject = f"{subject}: {summary}" if subject else summary
    return subject[:160] or _("Support request")


def _plan_name(profile: ProviderProfile, plan_id: str) -> str:
    plan = profile.plan(plan_id) if plan_id else None
    return profile.text(plan.name) if plan is not None else ""


def render_text(request: Request, profile: ProviderProfile, *, language: str | None = None) -> str:
    """The request as a support agent reads it: every fact, in a fixed order.

    Passwords typed into any field are removed first (:mod:`composer.scrub_request`).

    Args:
        request: the request.
        profile: the provider it goes to.
        language: the language of everything but the customer's own words;
            the provider's (:func:`request_language`) by default.
    """
    with translating(language or request_language(profile)):
        return _text(request, profile)


def _text(request: Request, profile: ProviderProfile) -> str:
    request = scrub_request(request)
    lines: list[str] = []
    title = _("Support request for {provider}").format(provider=profile.provider.name)
    lines += [title, "=" * len(title), ""]
    lines.append(_line(N_("Summary"), request.summary.strip() or "—"))
    category = profile.category(request.category)
    if category is not None:
        lines.append(_line(N_("Kind of problem"), _(category.label)))
    priority = priority_for(profile, request)  # the tier and target of the user's plan
    urgency = _(URGENCY_LABELS[request.urgency])
    if priority is not None and priority.target:
        urgency += " " + _("(expected answer: {response})").format(response=priority.target)
    lines.append(_line(N_("Urgency"), urgency))
    if priority is not None and priority.label:
        lines.append(_line(N_("Priority tier"), priority.label))
    scope = scope_for(profile, request)  # what the review told the customer about this kind of work
    if scope is not None:
        price = f" ({scope.price})" if scope.price else ""
        lines.append(_line(N_("Support terms"), f"{_(_TERMS[scope.terms])}{price}: {scope.what}"))
    if request.follows_up:
        lines.append(_line(N_("Follows up"), request.follows_up))
    if request.prepared_by is not None:
        prepared = request.prepared_by
        who = ", ".join(part for part in (prepared.staff, prepared.provider) if part)
        stamp = prepared.issued_at.strftime("%Y-%m-%d %H:%M UTC")
        signed = _("{who} ({stamp}, key {key})").format(who=who, stamp=stamp, key=prepared.key)
        lines.append(_line(N_("Prepared by"), signed))

    filed = filed_by(request)  # a technical contact for a client: who files, for whom, who has a copy
    if filed:
        lines.append(_line(N_("Filed by"), filed))
        copy = owner_copy(request, profile)
        if copy:
            lines.append(_line(N_("Copy to"), copy))

    requester = request.requester
    lines += ["", _("Who is asking")]
    lines.append(_line(N_("Name"), requester.name.strip() or "—"))
    lines.append(_line(N_("E-mail"), requester.email.strip() or "—"))
    lines.append(_line(N_("Role"), _(ROLE_LABELS[requester.role])))
    for label, value in (
        (N_("Phone"), requester.phone),
        (N_("Customer no."), requester.customer_id),
        (N_("Organisation"), requester.organisation),
        (N_("On behalf of"), requester.on_behalf_of),
        (N_("Package"), request.service),
        (N_("Support plan"), _plan_name(profile, request.plan)),
        (N_("Administrator address"), requester.admin_address),
    ):
        if value.strip():
            lines.append(_line(label, value.strip()))

    lines += ["", _("What is affected")]
    if request.domain.strip():
        shown = request.domain.strip()
        try:
            from composer.model import normalise_domain

            ascii_name = normalise_domain(shown)
            unicode_name = display_domain(ascii_name)
            shown = unicode_name if unicode_name == ascii_name else f"{unicode_name} ({ascii_name})"
        except Exception:
            pass
        lines.append(_line(N_("Domain"), shown))
    if request.account.strip():
        label = N_("Mailbox") if category is not None and category.account_is_mailbox else N_("Account")
        lines.append(_line(label, request.account.strip()))
    device = ", ".join(v.strip() for v in (request.device, request.operating_system) if v.strip())
    if device:
        lines.append(_line(N_("Device"), device))
    program = " ".join(v.strip() for v in (request.client, request.client_version) if v.strip())
    if program:
        lines.append(_line(N_("Program"), program))

    lines += ["", _("What happens")]
    if request.started_at is not None:
        when = format_moment(request.started_at)
        if request.started_text.strip():
            when += " " + _("– in the customer's words: “{text}”").format(text=request.started_text.strip())
        lines.append(_line(N_("Started"), when))
    elif request.started_text.strip():
        lines.append(_line(N_("Started"), request.started_text.strip()))
    if request.worked_before is not WorkedBefore.UNKNOWN:
        lines.append(_line(N_("Worked before"), _(WORKED_BEFORE_LABELS[request.worked_before])))
    if request.error_text.strip():
        lines += ["", "  " + _("Exact error message (as shown on screen):")]
        lines += _block(request.error_text, "    > ")
        hints = explain_error(request.error_text)
        if hints:
            lines += ["", "  " + _("What the message usually means (automatic hint):")]
            lines += [f"    - {hint_meaning(hint)}" for hint in hints[:3]]
    if request.description.strip():
        lines += ["", "  " + _("Description:")]
        lines += _block(request.description)
    if category is not None and request.answers:
        answered = [(q, request.answers.get(q.id, "").strip()) for q in category.questions]
        answered = [(q, a) for q, a in answered if a]
        if answered:
            lines += ["", "  " + _("Answers:")]
            for question, answer in answered:
                lines.append(f"    {_(question.label)}")
                lines += _block(answer_text(question, answer), "      ")
    if request.tried.strip():
        lines += ["", "  " + _("Already tried:")]
        lines += _block(request.tried)

    if request.report is not None:
        from composer.diagnostics.findings import retranslate

        lines += ["", _("Checks made from the customer's network")]
        findings = sorted((retranslate(f) for f in request.report.findings), key=lambda f: -f.severity.rank)
        for finding in findings:
            if finding.severity in {Severity.OK, Severity.INFO}:
                continue
            lines.append(f"  [{_(_SEVERITY_WORDS[finding.severity])}] {finding.title} ({finding.code})")
            if finding.detail:
                lines += _block(finding.detail, "      ")
        good = [f for f in findings if f.severity in {Severity.OK, Severity.INFO}]
        if good:
            lines.append("  " + _("Fine: {checks}").format(checks=", ".join(f.title for f in good)))

    if request.attachments:
        lines += ["", _("Attachments")]
        for attachment in request.attachments:
            extra = f" – {attachment.description}" if attachment.description else ""
            lines.append(f"  - {attachment.name} ({human_size(attachment.size)}){extra}")

    lines += [
        "",
        "--",
        _("Written with Request Composer {version} · request {id}").format(
            version=__version__, id=request.id
        ),
    ]
    return "\n".join(lines) + "\n"


def render_json(request: Request, *, text: str = "", extra: dict[str, Any] | None = None) -> str:
    """The request model with its schema, as helpdesks and :func:`read_bundle` read it.

    Passwords typed into any field are removed first (:mod:`composer.scrub_request`).

    Args:
        request: the request.
        text: :func:`render_text` output, for a helpdesk to put in the ticket's body.
        extra: more top-level members (a bundle's ``provider``).
    """
    request = scrub_request(request)
    document: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "generator": f"request-composer {__version__}",
    }
    if text:
        document["text"] = text
    document.update(extra or {})
    document["request"] = json.loads(request.model_dump_json())
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


@contextmanager
def atomic_file(target: Path, *, prefix: str) -> Iterator[IO[bytes]]:
    """A temporary file beside ``target`` that replaces it only once complete and on disk.

    A crash or an error leaves ``target`` as it was, and no temporary file behind.

    Raises:
        OSError: the folder cannot be created or written.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=prefix, suffix=target.suffix, delete=False
    ) as temp:
        try:
            yield temp
            temp.flush()
            os.fsync(temp.fileno())
        except BaseException:
            temp.close()
            Path(temp.name).unlink(missing_ok=True)
            raise
    try:
        os.replace(temp.name, target)
    except OSError:
        Path(temp.name).unlink(missing_ok=True)
        raise


def write_bundle(
    request: Request, profile: ProviderProfile, store: Store, target: Path, *, text: str | None = None
) -> Path:
    """Save the request, its text and its attachments as one zip file, atomically.

    ``text`` is the request's text as rendered at Send (the outbox's); without
    it the text is rendered now, in the provider's language.

    ``request.json`` also records the provider it was made for
    (:func:`composer.provenance.provider_record`), so that sending it later
    finds the profile again.

    Raises:
        BundleError: ``bundle.write_failed`` when the file cannot be written,
            ``attachment.missing`` when an attachment is gone from the store.
    """
    target = Path(target)
    if target.suffix.lower() != ".zip":
        target = target.with_name(target.name + ".zip")
    for attachment in request.attachments:
        if not store.attachment_path(attachment).is_file():
            raise BundleError("attachment.missing", name=attachment.name)
    try:
        with (
            atomic_file(target, prefix=".request-") as temp,
            zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as bundle,
        ):
            bundle.writestr("request.txt", text if text is not None else render_text(request, profile))
            provider = {"provider": provider_record(profile)}
            bundle.writestr("request.json", render_json(request, extra=provider))
            if request.report is not None:
                bundle.writestr("diagnostics.json", request.report.model_dump_json(indent=2))
            for name, attachment in _attachment_names(request.attachments):
                bundle.write(store.attachment_path(attachment), f"attachments/{name}")
    except OSError as exc:
        raise BundleError("bundle.write_failed", path=str(target), reason=exc.strerror or str(exc)) from None
    return target


def _attachment_names(attachments: tuple[Attachment, ...]) -> list[tuple[str, Attachment]]:
    """Unique file names inside the bundle for attachments that may share a name."""
    seen: set[str] = set()
    named = []
    for attachment in attachments:
        stem, dot, suffix = attachment.name.rpartition(".")
        name, counter = attachment.name, 1
        while name in seen:
            counter += 1
            name = f"{stem} ({counter}).{suffix}" if dot else f"{attachment.name} ({counter})"
        seen.add(name)
        named.append((name, attachment))
    return named


def read_bundle(path: Path, store: Store) -> Request:
    """Load a saved bundle back as a draft, its attachments copied into the store.

    Raises:
        BundleError: ``bundle.not_found``, ``bundle.not_zip``, ``bundle.no_request``,
            ``bundle.newer`` or ``bundle.invalid``.
    """
    path = Path(path)
    if not path.is_file():
        raise BundleError("bundle.not_found", path=str(path))
    try:
        with zipfile.ZipFile(path) as bundle:
            try:
                document = json.loads(bundle.read("request.json").decode("utf-8"))
            except KeyError:
                raise BundleError("bundle.no_request", path=str(path)) from None
            if not isinstance(document, dict) or document.get("format") != BUNDLE_FORMAT:
                raise BundleError("bundle.no_request", path=str(path))
            version = document.get("schema_version")
            if not isinstance(version, int) or version > SCHEMA_VERSION:
                raise BundleError("bundle.newer", path=str(path), version=version)
            request = Request.model_validate(document["request"])
            names = dict(_attachment_names(request.attachments))
            for name, attachment in names.items():
                try:
                    with bundle.open(f"attachments/{name}") as stream:
                        stored = store.add_attachment_stream(
                            attachment.name,
                            stream,
                            media_type=attachment.media_type,
                            description=attachment.description,
                        )
                except KeyError:
                    raise BundleError("attachment.missing", name=attachment.name) from None
                if stored.sha256 != attachment.sha256:
                    raise BundleError(
                        "bundle.invalid",
                        path=str(path),
                        reason=_("attachment {name} is damaged").format(name=name),
                    )
    except zipfile.BadZipFile:
        raise BundleError("bundle.not_zip", path=str(path)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError("bundle.invalid", path=str(path), reason=str(exc)) from None
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        reason = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        raise BundleError("bundle.invalid", path=str(path), reason=reason) from None
    except OSError as exc:
        raise BundleError("bundle.invalid", path=str(path), reason=exc.strerror or str(exc)) from None
    return request
