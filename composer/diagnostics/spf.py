"""Following an SPF record the way a receiver does: ``include:`` and ``redirect=``.

RFC 7208 4.6.4: evaluating a record may take at most 10 DNS lookups (the
terms ``include``, ``a``, ``mx``, ``ptr``, ``exists`` and ``redirect``, in the
record and every record it includes) and at most 2 "void" lookups (a name
with no answer). Past either limit receivers stop with a permanent error and
the mail counts as unverified. :func:`expand` asks the DNS (through the
system's resolvers) and builds the tree; the tree's text goes in the
technical details.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from composer.diagnostics.dns_query import Answer

__all__ = ["MAX_LOOKUPS", "MAX_VOID", "SpfNode", "SpfTree", "expand", "lookup_terms"]

MAX_LOOKUPS = 10
MAX_VOID = 2
MAX_DEPTH = 10
_SPF_START = re.compile(r"^v=spf1(\s|$)", re.IGNORECASE)
_COUNTED = {"include", "a", "mx", "ptr", "exists"}

Resolve = Callable[[str, str], Awaitable[Answer]]


@dataclass
class SpfNode:
    """One record in the tree: its domain, its text, what it includes."""

    domain: str
    record: str = ""
    error: str = ""
    children: list[SpfNode] = field(default_factory=list)


@dataclass
class SpfTree:
    """The whole tree and its counts."""

    root: SpfNode
    lookups: int = 0
    void: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [
            f"DNS lookups: {self.lookups} (limit {MAX_LOOKUPS}); void: {len(self.void)} (limit {MAX_VOID})"
        ]

        def walk(node: SpfNode, depth: int) -> None:
            shown = node.record or node.error
            lines.append(f"{'  ' * depth}{node.domain}: {shown}")
            for child in node.children:
                walk(child, depth + 1)

        walk(self.root, 0)
        return "\n".join(lines)


def lookup_terms(record: str) -> list[tuple[str, str]]:
    """The terms of ``record`` that need a DNS lookup: ``(mechanism, target)``."""
    found: list[tuple[str, str]] = []
    for term in record.split()[1:]:
        body = term.lstrip("+-~?").lower()
        if body.startswith("redirect="):
            found.append(("redirect", body.split("=", 1)[1]))
            continue
        mechanism, _sep, target = body.partition(":")
        mechanism = mechanism.split("/", 1)[0]
        if mechanism in _COUNTED:
            found.append((mechanism, target.split("/", 1)[0]))
    return found


def _spf_of(answer: Answer) -> str:
    records = [r for r in answer.records if _SPF_START.match(r.strip())]
    return records[0] if len(records) == 1 else ""


async def expand(domain: str, record: str, resolve: Resolve) -> SpfTree:
    """The tree of ``record`` (the SPF record of ``domain``), asking ``resolve(name, type)``."""
    tree = SpfTree(SpfNode(domain, record))
    await _walk(tree.root, tree, resolve, 0)
    return tree


async def _walk(node: SpfNode, tree: SpfTree, resolve: Resolve, depth: int) -> None:
    if depth > MAX_DEPTH or tree.lookups > MAX_LOOKUPS * 2:
        return
    for mechanism, target in lookup_terms(node.record):
        tree.lookups += 1
        name = target or node.domain
        if "%" in name:  # macros are expanded per message: not countable here
            continue
        if mechanism in {"include", "redirect"}:
            answer = await resolve(name, "TXT")
            child = SpfNode(name, _spf_of(answer))
            if not child.record:
                child.error = answer.error or ("no SPF record" if answer.rcode == "NOERROR" else answer.rcode)
                if answer.rcode == "NXDOMAIN" or (answer.rcode == "NOERROR" and not answer.records):
                    tree.void.append(name)
            node.children.append(child)
            if child.record:
                await _walk(child, tree, resolve, depth + 1)
        elif mechanism in {"a", "mx", "exists"}:
            answer = await resolve(name, "MX" if mechanism == "mx" else "A")
            if answer.rcode == "NXDOMAIN" or (answer.rcode == "NOERROR" and not answer.records):
                tree.void.append(name)
