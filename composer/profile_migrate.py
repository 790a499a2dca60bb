"""Format 1 profiles, read as format 2: what each old key became, and what to write instead.

Format 1 had one phone with one set of hours, a ``phone_tier``, general
``office_hours``, free-text ``scope`` lists, priorities named after the app's
urgencies, ``may_file = []`` meaning "everyone", and ``[[categories]]`` that
replaced all built-in ones. :func:`migrate_v1` turns such a file (as parsed
TOML) into format 2 and returns a note for every key it changed or dropped,
so ``profile check`` can say how to upgrade the file. Old files keep loading.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["Moved", "Note", "migrate_v1"]

Path = tuple[str | int, ...]
#: (path of the old key, note code, parameters); codes are explained in composer.profile_messages.
Note = tuple[Path, str, dict[str, Any]]
#: new path -> the old key it was made from, so a mistake is reported at the line the file has.
Moved = dict[Path, Path]

_WEEK = ["mon", "tue", "wed", "thu", "fri"]


def migrate_v1(data: dict[str, Any]) -> tuple[dict[str, Any], list[Note], Moved]:
    """A format 2 copy of the format 1 profile ``data``, the notes on what changed, and what moved where."""
    new = copy.deepcopy(data)
    notes: list[Note] = [(("format",), "migrate.format", {"found": data.get("format", 1)})]
    moved: Moved = {}
    new["format"] = 2
    _provider(new, notes)
    support = new.get("support")
    if isinstance(support, dict):
        _support(support, notes, moved)
    expected = new.get("expected")
    if isinstance(expected, dict) and "control_panel" in expected:
        url = expected.pop("control_panel")
        if url:
            contact = {"id": "customer_area", "kind": "customer_area", "address": url, "always": True}
            contacts = new.setdefault("support", {}).setdefault("contacts", [])
            moved[("support", "contacts", len(contacts))] = ("expected", "control_panel")
            contacts.append(contact)
        notes.append((("expected", "control_panel"), "migrate.control_panel", {}))
    categories = new.get("categories")
    if isinstance(categories, list) and categories:
        new["builtin_categories"] = False
        notes.append((("categories",), "migrate.categories", {}))
        for index, category in enumerate(categories):
            if isinstance(category, dict) and "department" in category:
                del category["department"]
                notes.append((("categories", index, "department"), "migrate.department", {}))
    for index, channel in enumerate(new.get("channels") or []):
        if isinstance(channel, dict) and "departments" in channel:
            del channel["departments"]
            notes.append((("channels", index, "departments"), "migrate.departments", {}))
    for index, role in enumerate(new.get("roles") or []):
        if isinstance(role, dict) and role.get("may_file") == []:
            role["may_file"] = ["*"]
            notes.append((("roles", index, "may_file"), "migrate.may_file", {}))
    return new, notes, moved


def _provider(new: dict[str, Any], notes: list[Note]) -> None:
    provider = new.get("provider")
    if not isinstance(provider, dict):
        return
    if "logo" in provider:
        del provider["logo"]
        notes.append((("provider", "logo"), "migrate.logo", {}))
    if provider.get("website") == "":
        del provider["website"]


def _support(support: dict[str, Any], notes: list[Note], moved: Moved) -> None:
    contacts: list[dict[str, Any]] = support.setdefault("contacts", [])
    office = support.pop("office_hours", None)
    if office is not None:
        notes.append((("support", "office_hours"), "migrate.office_hours", {}))
    if email := support.pop("email", ""):
        moved[("support", "contacts", len(contacts))] = ("support", "email")
        contacts.append({"id": "email", "kind": "email", "address": email, "official": True, "always": True})
        notes.append((("support", "email"), "migrate.email", {}))
    tier = support.pop("phone_tier", "")
    hours_key = "phone_hours" if support.get("phone_hours") else "office_hours"
    hours = support.pop("phone_hours", None) or office
    if phone := support.pop("phone", ""):
        contact: dict[str, Any] = {"id": "phone", "kind": "phone", "address": phone}
        here: Path = ("support", "contacts", len(contacts))
        moved[here] = ("support", "phone")
        if hours is not None:
            # a table becomes one window; anything else is left for the check to report at its line
            contact["hours"] = [{"days": _WEEK, **hours}] if isinstance(hours, dict) else hours
            moved[(*here, "hours")] = ("support", hours_key)
        if tier:
            contact["plans"] = [tier]
            moved[(*here, "plans")] = ("support", "phone_tier")
        contacts.append(contact)
        notes.append((("support", "phone"), "migrate.phone", {}))
    if tier:
        support["plans"] = [
            {"id": "standard", "name": "Standard", "default": True},
            {"id": tier, "name": tier},
        ]
        moved[("support", "plans")] = ("support", "phone_tier")
        notes.append((("support", "phone_tier"), "migrate.phone_tier", {"tier": tier}))
    for key in ("knowledge_base", "status_page"):
        if support.get(key) == "":
            del support[key]
    priorities = support.get("priorities")
    if isinstance(priorities, list) and priorities:
        for index, priority in enumerate(priorities):
            if isinstance(priority, dict) and "name" in priority:
                name = priority.pop("name")
                priority["id"] = name
                priority["urgencies"] = [name]
                priority.setdefault("label", str(name).capitalize())
                here = ("support", "priorities", index)
                moved[(*here, "id")] = moved[(*here, "urgencies")] = (*here, "name")
                if "response" in priority:
                    priority["target"] = priority.pop("response")
                    moved[(*here, "target")] = (*here, "response")
        notes.append((("support", "priorities"), "migrate.priorities", {}))
    scope = support.pop("scope", None)
    if isinstance(scope, dict):
        entries = [(terms, what) for terms in ("free", "paid", "never") for what in scope.get(terms) or []]
        support["scope"] = [{"terms": terms, "what": what} for terms, what in entries]
        for index, (terms, _what) in enumerate(entries):
            moved[("support", "scope", index)] = ("support", "scope", terms)
        notes.append((("support", "scope"), "migrate.scope", {}))
    if not contacts:
        del support["contacts"]
