"""Finding codes: what each means, and turning a code and parameters into words.

Codes are stable API (tests, translations and providers' scripts rely on
them) and every one is documented in ``docs/diagnostics.md``. The texts live
in one catalogue module per family (``catalogue_dns``, ``catalogue_mail``,
``catalogue_site``), marked with ``N_`` and translated with ``_`` when a
finding is made or re-rendered after a language switch (:func:`retranslate`).

A code may have *variants*: whole alternative sentences for the explanation
and next step, chosen by the ``variant`` parameter. That is how a finding
says "the nameserver refuses" or "the nameserver does not answer" without
pasting an English fragment into a translated sentence. Parameters go in
``{braces}``; a missing one is shown as the brace itself, so a translation can
never crash a diagnosis.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from composer.i18n import _
from composer.model import Finding, Severity

__all__ = ["CATALOGUE", "FindingKind", "Variant", "make_finding", "retranslate", "sort_findings"]

# Short names for the catalogue modules' tables.
OK, INFO, WARNING, PROBLEM, CRITICAL = (
    Severity.OK,
    Severity.INFO,
    Severity.WARNING,
    Severity.PROBLEM,
    Severity.CRITICAL,
)


@dataclass(frozen=True)
class Variant:
    """Another explanation (and next step) of the same code; ``""`` keeps the default."""

    explanation: str = ""
    next_step: str = ""
    title: str = ""


@dataclass(frozen=True)
class FindingKind:
    """What a finding code means: its severity and its untranslated texts."""

    code: str
    severity: Severity
    title: str
    explanation: str
    next_step: str = ""
    variants: Mapping[str, Variant] = field(default_factory=dict)

    def texts(self, variant: str) -> tuple[str, str, str]:
        """Title, explanation and next step (untranslated) of ``variant``."""
        chosen = self.variants.get(variant, Variant())
        return (
            chosen.title or self.title,
            chosen.explanation or self.explanation,
            chosen.next_step or self.next_step,
        )


def _catalogue() -> dict[str, FindingKind]:
    from composer.diagnostics.catalogue_dns import KINDS as DNS
    from composer.diagnostics.catalogue_mail import KINDS as MAIL
    from composer.diagnostics.catalogue_site import KINDS as SITE

    return {kind.code: kind for kind in (*DNS, *MAIL, *SITE)}


CATALOGUE: dict[str, FindingKind] = _catalogue()


class _SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _render(text: str, params: Mapping[str, Any]) -> str:
    if not text:
        return ""
    try:
        return _(text).format_map(_SafeDict(params))
    except (ValueError, IndexError, AttributeError, KeyError):  # a broken translation
        return text.format_map(_SafeDict(params))


def _rendered(kind: FindingKind, params: Mapping[str, Any]) -> dict[str, str]:
    title, explanation, next_step = kind.texts(str(params.get("variant", "")))
    return {
        "title": _render(title, params),
        "explanation": _render(explanation, params),
        "next_step": _render(next_step, params),
    }


def make_finding(
    code: str,
    *,
    check: str,
    detail: str = "",
    severity: Severity | None = None,
    **params: Any,
) -> Finding:
    """A finding of a catalogued ``code``, its texts translated into the current language.

    Pass ``variant="..."`` to choose one of the code's alternative sentences.

    Raises:
        KeyError: ``code`` (or the variant) is not in the catalogue (a programming error).
    """
    kind = CATALOGUE[code]
    variant = params.get("variant", "")
    if variant and variant not in kind.variants:
        raise KeyError(f"{code}: no variant {variant!r}")
    return Finding(
        code=code,
        severity=severity or kind.severity,
        detail=detail,
        check=check,
        params=params,
        **_rendered(kind, params),
    )


def retranslate(finding: Finding) -> Finding:
    """The same finding with its texts in the current language (after a switch)."""
    kind = CATALOGUE.get(finding.code)
    if kind is None:
        return finding
    return finding.model_copy(update=_rendered(kind, finding.params))


def sort_findings(findings: list[Finding] | tuple[Finding, ...]) -> list[Finding]:
    """Worst first; equal severities keep their order."""
    return sorted(findings, key=lambda f: -f.severity.rank)
