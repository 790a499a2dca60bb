"""pydantic's validation errors, in our words: the key path in the file's own terms, the value, an example.

pydantic reports locations with the names of union branches and its own
sentences; :func:`reword` walks the parsed TOML along each location to give
the path as the provider wrote it, and maps each error type to one of our
codes (:mod:`composer.profile_messages`). :class:`ProfileIssue` is what
every check of a profile reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, get_args

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from composer.i18n import _
from composer.profile import ProviderProfile
from composer.profile_lines import Path
from composer.profile_messages import EXAMPLES, MESSAGES

__all__ = ["ProfileIssue", "add_key_suggestions", "place", "reword"]


@dataclass(frozen=True)
class ProfileIssue:
    """One mistake or warning: where (key path and line), which code, its parameters."""

    path: Path
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    line: int = 0

    def where(self) -> str:
        return place(self.path, self.line)

    def message(self) -> str:
        """What is wrong and what to write instead, translated."""
        problem, fix = MESSAGES.get(self.code, MESSAGES["invalid"])
        values = _Params({"key": _key_name(self.path), "example": "", "example_value": "", **self.params})
        return f"{_(problem).format_map(values)} {_(fix).format_map(values)}"


class _Params(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def place(path: Path, line: int) -> str:
    """``support.contacts[0].hours`` and its line, as the check prints them."""
    dotted = _dotted(path)
    return _("line {line}, {key}").format(line=line, key=dotted) if line else dotted


def _dotted(path: Path) -> str:
    text = ""
    for item in path:
        text += f"[{item}]" if isinstance(item, int) else (f".{item}" if text else item)
    return text


def _key_name(path: Path) -> str:
    return next((str(p) for p in reversed(path) if isinstance(p, str)), "")


# -- pydantic's errors, in our words ---------------------------------------------

_TYPES = {
    "string_type": "type_text",
    "dict_type": "type_text",
    "int_type": "type_number",
    "int_parsing": "type_number",
    "int_from_float": "type_number",
    "float_type": "type_number",
    "float_parsing": "type_number",
    "bool_type": "type_bool",
    "bool_parsing": "type_bool",
    "list_type": "type_list",
    "model_type": "type_table",
    "model_attributes_type": "type_table",
    "greater_than": "too_small_strict",
    "greater_than_equal": "too_small",
    "less_than": "too_large",
    "less_than_equal": "too_large",
}


def reword(exc: PydanticValidationError, data: dict[str, Any]) -> list[ProfileIssue]:
    issues: dict[Path, ProfileIssue] = {}
    for error in exc.errors():
        path, value = _file_path(error["loc"], data, missing=error["type"] == "missing")
        if path in issues:
            continue  # the other branches of a union say the same thing
        issues[path] = _issue(path, error, value)
    return list(issues.values())


def _file_path(loc: tuple[Any, ...], data: Any, *, missing: bool) -> tuple[Path, Any]:
    """The error's location in the file's own keys (pydantic adds the names of union branches)."""
    path: list[str | int] = []
    current = data
    for index, item in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(current, dict) and not last and item == current.get("kind"):
            continue  # the name of the union branch chosen by ``kind``
        in_table = isinstance(current, dict) and item in current
        in_list = isinstance(current, list) and isinstance(item, int) and item < len(current)
        if in_table or in_list:
            current = current[item]
        elif last and (missing or isinstance(current, dict)):
            path.append(item)
            return tuple(path), None
        else:
            continue
        path.append(item)
    return tuple(path), current


def _issue(path: Path, error: Any, value: Any) -> ProfileIssue:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    example = EXAMPLES.get(_key_name(path), "")
    params: dict[str, Any] = {
        "value": _show(value),
        "example": _("; for example {key} = {value}").format(key=_key_name(path), value=example)
        if example
        else "",
        "example_value": example.strip('"') or "example-hosting",
    }
    if kind.startswith("rc_"):
        params.update({k: v for k, v in ctx.items() if k != "value"})
        if kind == "rc_time_zone":
            suggestion = ctx.get("suggestion", "")
            params["suggestion"] = (
                _(" (did you mean “{zone}”?)").format(zone=suggestion) if suggestion else ""
            )
        return ProfileIssue(path, kind, params)
    if kind in {"literal_error", "union_tag_invalid", "union_tag_not_found"}:
        params["choices"] = str(ctx.get("expected") or ctx.get("expected_tags", "")).replace("'", "")
        if kind == "union_tag_invalid":
            params["value"] = ctx.get("tag", params["value"])
            path = (*path, "kind")
        return ProfileIssue(path, kind, params)
    if kind == "extra_forbidden":
        return ProfileIssue(path, kind, params)
    if kind in _TYPES:
        code = _TYPES[kind]
        params["limit"] = next((ctx[k] for k in ("ge", "gt", "le", "lt") if k in ctx), "")
        return ProfileIssue(path, code, params)
    if kind in {"missing", "string_pattern_mismatch", "string_too_short"}:
        return ProfileIssue(path, kind, params)
    return ProfileIssue(path, "invalid", params)


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = …" for key in value) + " }"
    return str(value)


def add_key_suggestions(issues: list[ProfileIssue], data: dict[str, Any]) -> list[ProfileIssue]:
    """Fill ``choices`` and "did you mean" for keys that do not exist (needs the model's fields)."""
    result = []
    for issue in issues:
        if issue.code != "extra_forbidden":
            result.append(issue)
            continue
        allowed = _allowed_keys(issue.path[:-1], data)
        import difflib  # only for a profile with a mistake: a profile that loads never needs it

        close = difflib.get_close_matches(str(issue.path[-1]), allowed, n=1, cutoff=0.6)
        suggestion = _("Did you mean “{key}”? ").format(key=close[0]) if close else ""
        result.append(
            ProfileIssue(
                issue.path,
                issue.code if allowed else "extra_forbidden_schema",
                {**issue.params, "choices": ", ".join(allowed), "suggestion": suggestion},
            )
        )
    return result


def _allowed_keys(path: Path, data: dict[str, Any]) -> list[str]:
    model: Any = ProviderProfile
    current: Any = data
    for item in path:
        if isinstance(item, int):
            current = current[item] if isinstance(current, list) and item < len(current) else None
            continue
        current = current.get(item) if isinstance(current, dict) else None
        info = (
            model.model_fields.get(item) if isinstance(model, type) and issubclass(model, BaseModel) else None
        )
        if info is None:
            return []
        model = _model_of(info.annotation, current)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return []
    keys = [info.alias or name for name, info in model.model_fields.items()]
    return [] if keys == ["kind"] else keys  # a base model chosen at run time: its keys are not known here


def _model_of(annotation: Any, value: Any) -> Any:
    """The model class inside ``list[X]``, ``X | None`` or a channel union (chosen by ``kind``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_of(arg, value)
        if found is None:
            continue
        kind = value.get("kind") if isinstance(value, dict) else None
        fields = getattr(found, "model_fields", {})
        if kind is None or "kind" not in fields or kind in str(fields["kind"].annotation):
            return found
    return None
