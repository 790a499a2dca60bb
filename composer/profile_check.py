"""Checking a profile the way a provider understands: each mistake with its line, value and an example.

:func:`check_profile_text` parses the TOML, migrates format 1
(:mod:`composer.profile_migrate`), validates the model, then checks what a
schema cannot: ids that must refer to something (categories in ``may_file``,
plans, priorities), duplicates, addresses that must fit their contact's kind,
opening hours that make sense. Every message comes from
:mod:`composer.profile_messages` (never pydantic's sentences) and carries
the line it is about (:mod:`composer.profile_lines`). It also warns about
keys that have no effect in this build, and says how to upgrade old files.
"""

from __future__ import annotations

import importlib
import importlib.util
import tomllib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from composer.errors import ProfileError
from composer.i18n import N_, _
from composer.profile import PROFILE_FORMAT, ProviderProfile, builtin_category_data
from composer.profile_lines import Path, key_lines, line_of
from composer.profile_migrate import migrate_v1
from composer.profile_reword import ProfileIssue, add_key_suggestions, place, reword
from composer.profile_support import ALL
from composer.profile_values import EmailAddress, HttpsUrl, PhoneNumber

__all__ = ["CheckedProfile", "ProfileIssue", "check_profile_text", "place"]

#: Helpdesks this build sends to, where no channel registry says so.
SUPPORTED_HELPDESKS = frozenset({"intake"})


@dataclass(frozen=True)
class CheckedProfile:
    """A valid profile, the format it was written in, and what ``profile check`` should warn about."""

    profile: ProviderProfile
    source_format: int
    warnings: tuple[ProfileIssue, ...]


def check_profile_text(text: str, *, source: str = "<profile>", with_channels: bool = True) -> CheckedProfile:
    """Parse, migrate and check a profile's text (``with_channels=False``: without its channels).

    Raises:
        ProfileError: ``profile.syntax``, ``profile.too_new`` or ``profile.invalid``
            (``errors``: ``(place, message)`` pairs, in the order of the file).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, source) from None
    lines = key_lines(text)
    found = data.get("format", 1)
    warnings: list[ProfileIssue] = []
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        issue = ProfileIssue(("format",), "literal_error", {"value": found, "choices": "1, 2"})
        _raise(source, [_at(issue, lines)])
    if found > PROFILE_FORMAT:
        raise ProfileError("profile.too_new", path=source, found=found, supported=PROFILE_FORMAT)
    if "format" not in data:
        warnings.append(ProfileIssue(("format",), "effect.format_missing"))
    if found == 1:
        data, notes, moved = migrate_v1(data)
        warnings += [ProfileIssue(path, code, params) for path, code, params in notes]
        for new_path, old_path in moved.items():
            if old_path in lines:
                lines.setdefault(new_path, lines[old_path])
    if not with_channels:
        data = {**data, "channels": []}
    try:
        profile = ProviderProfile.model_validate(data)
    except PydanticValidationError as exc:
        reworded = add_key_suggestions(reword(exc, data), data)
        _raise(source, [_at(issue, lines) for issue in reworded])
    problems = [_at(issue, lines) for issue in _cross_check(profile, data)]
    if problems:
        _raise(source, problems)
    warnings += _no_effect(profile)
    located = sorted((_at(w, lines) for w in warnings), key=lambda w: w.line)
    return CheckedProfile(profile, found, tuple(located))


def _at(issue: ProfileIssue, lines: dict[Path, int]) -> ProfileIssue:
    params = issue.params
    if "first_index" in params:  # a duplicate: say where the first one is
        first = (*issue.path[:-2], params["first_index"], issue.path[-1])
        params = {**params, "first": line_of(lines, first)}
    return ProfileIssue(issue.path, issue.code, params, line_of(lines, issue.path))


def _raise(source: str, issues: list[ProfileIssue]) -> Any:
    issues.sort(key=lambda issue: issue.line)
    errors = [(issue.where(), issue.message()) for issue in issues]
    raise ProfileError("profile.invalid", path=source, count=len(errors), errors=errors)


def _syntax_error(exc: tomllib.TOMLDecodeError, source: str) -> ProfileError:
    import re

    match = re.search(r"line (\d+), column (\d+)", str(exc))
    line, column = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
    reason = str(exc).split(" (at ")[0]
    where = (
        _("line {line}, column {column}").format(line=line, column=column)
        if line
        else _("at the end of the file")
    )
    return ProfileError("profile.syntax", path=source, line=line, column=column, where=where, reason=reason)


# -- what a schema cannot check ----------------------------------------------------


def _cross_check(profile: ProviderProfile, data: dict[str, Any]) -> list[ProfileIssue]:
    issues: list[ProfileIssue] = []
    support = profile.support
    category_ids = [c.id for c in profile.effective_categories()]
    known = (
        set(category_ids)
        | {item["id"] for item in builtin_category_data()}
        | {c.id for c in profile.categories}
    )
    plan_ids = [p.id for p in support.plans]
    priority_ids = [p.id for p in support.priorities]

    def refs(path: Path, values: list[str], choices: list[str], code: str, *, star: bool = False) -> None:
        for index, value in enumerate(values):
            where = path if len(values) == 1 and not star else (*path, index)
            if star and value == ALL:
                if len(values) > 1:
                    issues.append(ProfileIssue(where, "may_file.mixed"))
                continue
            if value not in choices and not (code == "ref.category" and value in known):
                issues.append(
                    ProfileIssue(where, code, {"value": value, "choices": ", ".join(choices) or "—"})
                )

    _duplicates(issues, ("support", "contacts"), [c.id for c in support.contacts])
    _duplicates(issues, ("support", "plans"), plan_ids)
    _duplicates(issues, ("support", "priorities"), priority_ids)
    _duplicates(issues, ("categories",), [c.id for c in profile.categories])
    _duplicates(issues, ("roles",), [r.role for r in profile.roles], key="role")
    seen: dict[str, int] = {}
    for index, priority in enumerate(support.priorities):
        for urgency in priority.urgencies:
            if urgency in seen:
                issues.append(
                    ProfileIssue(
                        ("support", "priorities", index, "urgencies"),
                        "duplicate_urgency",
                        {"value": urgency, "first_index": seen[urgency]},
                    )
                )
            seen.setdefault(urgency, index)
    if sum(1 for p in support.plans if p.default) > 1:
        issues.append(ProfileIssue(("support", "plans"), "plan.two_defaults"))
    for index, plan in enumerate(support.plans):
        if plan.priority:
            refs(("support", "plans", index, "priority"), [plan.priority], priority_ids, "ref.priority")
    for index, contact in enumerate(support.contacts):
        path: Path = ("support", "contacts", index)
        refs((*path, "plans"), contact.plans, plan_ids, "ref.plan")
        issues += _contact_address(path, contact.kind, contact.address)
        if contact.always and contact.hours:
            issues.append(ProfileIssue((*path, "always"), "hours.both"))
        for number, window in enumerate(contact.hours):
            if window.opens == window.closes:
                issues.append(ProfileIssue((*path, "hours", number), "hours.empty", {"value": window.opens}))
    for index, rule in enumerate(support.scope):
        refs(("support", "scope", index, "categories"), rule.categories, category_ids, "ref.category")
        refs(("support", "scope", index, "plans"), rule.plans, plan_ids, "ref.plan")
    for index, role in enumerate(profile.roles):
        refs(("roles", index, "may_file"), role.may_file, category_ids, "ref.category", star=True)
        refs(("roles", index, "refuse"), role.refuse, category_ids, "ref.category", star=True)
    for index, article in enumerate(profile.kb):
        refs(("kb", index, "categories"), article.categories, category_ids, "ref.category")
    issues += _channel_values(profile)
    builtin = {item["id"] for item in builtin_category_data()} if profile.builtin_categories else set()
    for index, entry in enumerate(profile.categories):
        if entry.id not in builtin and entry.label is None and not entry.hidden:
            issues.append(ProfileIssue(("categories", index, "id"), "category.no_label", {"value": entry.id}))
    return add_key_suggestions(issues, data)


def _duplicates(issues: list[ProfileIssue], path: Path, ids: list[str], *, key: str = "id") -> None:
    first: dict[str, int] = {}
    for index, value in enumerate(ids):
        if value in first:
            issues.append(
                ProfileIssue((*path, index, key), "duplicate", {"value": value, "first_index": first[value]})
            )
        first.setdefault(value, index)


_ADDRESS: dict[str, tuple[TypeAdapter[str], str]] = {
    "phone": (
        TypeAdapter(PhoneNumber),
        N_("Write a phone number in international form, like “+30 210 000 0000”."),
    ),
    "email": (TypeAdapter(EmailAddress), N_("Write an e-mail address, like “support@example.net”.")),
    "ticket": (TypeAdapter(HttpsUrl), N_("Write the https:// address of the ticket form.")),
    "customer_area": (TypeAdapter(HttpsUrl), N_("Write the https:// address of the customer area.")),
}


_CHANNEL_VALUES: tuple[tuple[str, str], ...] = (("url", "ticket"), ("to", "email"))


def _fits(path: Path, value: str, adapter: TypeAdapter[str]) -> list[ProfileIssue]:
    """The issue our value check raises for ``value`` (``rc_url_insecure`` and the like), if any."""
    try:
        adapter.validate_python(value)
    except PydanticValidationError as exc:
        return [ProfileIssue(path, str(exc.errors()[0]["type"]), {"value": value})]
    return []


def _contact_address(path: Path, kind: str, address: str) -> list[ProfileIssue]:
    if kind not in _ADDRESS or (not address and kind in {"ticket", "customer_area"}):
        return []
    adapter, expected = _ADDRESS[kind]
    if _fits(path, address, adapter):
        params = {"value": address, "kind": kind, "expected": _(expected)}
        return [ProfileIssue((*path, "address"), "contact.address", params)]
    return []


def _channel_values(profile: ProviderProfile) -> list[ProfileIssue]:
    """Addresses of the channels, checked here: their models belong to the channel modules."""
    issues: list[ProfileIssue] = []
    for index, channel in enumerate(profile.channels):
        for key, kind in _CHANNEL_VALUES:
            value = getattr(channel, key, None)
            if isinstance(value, str):
                issues += _fits(("channels", index, key), value, _ADDRESS[kind][0])
    return issues


def _helpdesk_built(key: str) -> bool:
    """Whether this build can send to helpdesk ``key`` (asked of the channel registry where there is one)."""
    try:
        registry = importlib.import_module("composer.channels.registry")
    except ImportError:
        return key in SUPPORTED_HELPDESKS
    spec = registry.spec_for(key)
    return spec is not None and bool(spec.available)


def _no_effect(profile: ProviderProfile) -> list[ProfileIssue]:
    warnings: list[ProfileIssue] = []
    for index, channel in enumerate(profile.channels):
        helpdesk = getattr(channel, "helpdesk", None)
        if helpdesk is not None and not _helpdesk_built(str(helpdesk)):
            warnings.append(
                ProfileIssue(("channels", index, "helpdesk"), "effect.helpdesk", {"value": helpdesk})
            )
    if profile.prefill.public_key and importlib.util.find_spec("composer.prefill") is None:
        warnings.append(ProfileIssue(("prefill", "public_key"), "effect.prefill"))
    if profile.support.copy_owner and all(c.kind == "file" for c in profile.channels):
        warnings.append(ProfileIssue(("support", "copy_owner"), "effect.copy_owner"))
    for index, contact in enumerate(profile.support.contacts):
        if not contact.always and not contact.hours:
            warnings.append(ProfileIssue(("support", "contacts", index), "hours.none", {"value": contact.id}))
    if profile.updates is not None and not urlsplit(profile.updates.url).path.lower().endswith(".json"):
        # the usual slip: the download page given where the feed belongs
        warnings.append(ProfileIssue(("updates", "url"), "updates.not_feed", {"value": profile.updates.url}))
    return warnings
