"""The registrable domain of a name, from the Public Suffix List.

``shop.example.com`` is part of ``example.com``; ``www.example.co.uk`` of
``example.co.uk``; ``example.com.gr`` is itself registrable because
``com.gr`` is a public suffix. Only the list's ICANN section counts: what a
registry sells (``user.github.io`` is registered as ``github.io``). Registration and delegation belong to the
registrable domain; the site and mail to the name the user typed.

The list ships as ``resources/public_suffix_list.dat`` and is refreshed into
the data folder by :mod:`composer.diagnostics.refresh`, like the RDAP
bootstrap. Names under no listed suffix follow the list's default rule
``*``: the last label is the suffix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import idna

from composer.diagnostics.refresh import local_copy, refreshed_copy
from composer.diagnostics.settings import DiagnosticsSettings
from composer.resources import resource_path

__all__ = ["SNAPSHOT", "SuffixList", "SuffixText", "load_local", "parse", "refresh"]

SNAPSHOT = resource_path("public_suffix_list.dat")
CACHE_NAME = "public_suffix_list.dat"
PRIVATE_MARKER = "// ===BEGIN PRIVATE DOMAINS==="


@dataclass(frozen=True)
class SuffixList:
    """The rules of the list: plain, wildcard (``*.ck``) and exception (``!www.ck``)."""

    rules: frozenset[str]
    wildcards: frozenset[str]
    exceptions: frozenset[str]

    def suffix_length(self, labels: list[str]) -> int:
        """How many labels at the end of ``labels`` form the public suffix."""
        best = 1
        for start in range(len(labels)):
            candidate = ".".join(labels[start:])
            count = len(labels) - start
            if candidate in self.exceptions:
                return count - 1
            if candidate in self.rules:
                best = max(best, count)
            parent = ".".join(labels[start + 1 :])
            if start + 1 < len(labels) and parent in self.wildcards:
                best = max(best, count)
        return best

    def registrable(self, name: str) -> str:
        """The registrable domain of ``name`` (an A-label); ``name`` itself if it is a suffix."""
        labels = name.lower().rstrip(".").split(".")
        length = self.suffix_length(labels)
        if length >= len(labels):
            return name
        return ".".join(labels[-(length + 1) :])


def parse(text: str) -> SuffixList:
    """The rules of a ``public_suffix_list.dat`` (its ICANN section, as :class:`SuffixText`).

    Raises:
        ValueError: the text has no rules (it is not the list).
    """
    rules: set[str] = set()
    wildcards: set[str] = set()
    exceptions: set[str] = set()
    for raw in text.split(PRIVATE_MARKER, 1)[0].splitlines():
        line = raw.strip().split()[0] if raw.strip() else ""
        if not line or line.startswith("//"):
            continue
        rule = line.encode("idna").decode("ascii") if not line.isascii() else line.lower()
        if rule.startswith("!"):
            exceptions.add(rule[1:])
        elif rule.startswith("*."):
            wildcards.add(rule[2:])
        else:
            rules.add(rule)
    if len(rules) < 10:
        raise ValueError("not a public suffix list")
    return SuffixList(frozenset(rules), frozenset(wildcards), frozenset(exceptions))


class SuffixText:
    """The list's text, asked rule by rule: one diagnosis needs a handful of look-ups,
    so searching the text is faster than parsing 10,000 rules first."""

    def __init__(self, text: str) -> None:
        body = text.replace("\r\n", "\n") if "\r" in text else text
        # Registries sell names under the ICANN suffixes only: user.github.io is registered
        # (and delegated) as github.io, so the private section does not count here.
        body = body.split(PRIVATE_MARKER, 1)[0]
        self._text = f"\n{body}\n"

    def _has(self, rule: str) -> bool:
        if f"\n{rule}\n" in self._text:
            return True
        shown = _unicode(rule)
        return shown != rule and f"\n{shown}\n" in self._text

    def registrable(self, name: str) -> str:
        """Like :meth:`SuffixList.registrable`."""
        labels = name.lower().rstrip(".").split(".")
        length = 1
        for start in range(len(labels)):
            candidate = ".".join(labels[start:])
            count = len(labels) - start
            if self._has(f"!{candidate}"):
                length = count - 1
                break
            parent = ".".join(labels[start + 1 :])
            if self._has(candidate) or (start + 1 < len(labels) and self._has(f"*.{parent}")):
                length = count
                break
        if length >= len(labels):
            return name
        return ".".join(labels[-(length + 1) :])


def _unicode(rule: str) -> str:
    if "xn--" not in rule:
        return rule
    prefix = rule[:2] if rule.startswith("*.") else rule[:1] if rule.startswith("!") else ""
    try:
        return prefix + idna.decode(rule[len(prefix) :])
    except (idna.IDNAError, UnicodeError, ValueError):
        return rule


@lru_cache(maxsize=2)
def _loaded(text: str) -> SuffixText:
    return SuffixText(text)


def load_local(settings: DiagnosticsSettings) -> SuffixText:
    """The list as kept on this computer (refreshed copy, else snapshot); no network."""
    return _loaded(local_copy(settings.rdap_cache_dir, CACHE_NAME, SNAPSHOT))


async def refresh(settings: DiagnosticsSettings) -> None:
    """Fetch a newer list into the data folder when the kept one is a week old (for next time)."""
    if settings.rdap_cache_dir is None:
        return
    await refreshed_copy(
        settings.rdap_cache_dir,
        CACHE_NAME,
        url=settings.suffix_list_url,
        max_age_days=settings.rdap_refresh_days,
        validate=parse,
        settings=settings,
    )
