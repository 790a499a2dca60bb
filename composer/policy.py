"""What the app says from the profile before sending: phone, official channel, scope, priority, who may file.

:func:`decide` takes the profile and the facts of one request (plan,
category, urgency, the requester's role and address, the account's
administrator address) and a clock, and returns a :class:`Policy`: plain
data that the review step shows (``composer/ui/policy_panel.py``) and that
tests check without a display. Nothing here does I/O.

Rules, as the providers' pages state them:

- the plan the user picks, else the profile's default plan, decides which
  contact points may be used (``Contact.plans``), the priority (``Plan.priority``),
  the response target (``Plan.response``) and the scope (``ScopeRule.plans``);
- official contacts come first; the others are advice only (when no contact
  is marked official, the written ones are: e-mail, tickets, customer area);
- scope for a category: the rule for this plan wins over a rule for every plan;
- the provider's priority tier for the urgency, or the plan's; "support
  assigns the priority" turns the user's urgency into a suggestion;
- roles: ``refuse`` wins over ``may_file``; ``["*"]`` is every category and
  ``[]`` none; requests that change something must come from the account's
  administrator address when the provider says so, compared with the
  sender's address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from composer.i18n import N_, _
from composer.model import Request
from composer.policy_hours import OpenState, open_state
from composer.profile import Category, ProviderProfile
from composer.profile_support import ALL, Contact, Plan, ScopeTerms

__all__ = [
    "WRITTEN",
    "ContactStatus",
    "Filing",
    "Policy",
    "PriorityAdvice",
    "ScopeAnswer",
    "decide",
    "describe_filing",
    "filing_for",
    "for_request",
    "may_file",
    "priority_for",
    "scope_for",
]

#: Contact kinds that leave a written record.
WRITTEN = frozenset({"email", "ticket", "customer_area"})


@dataclass(frozen=True)
class ContactStatus:
    """One contact point as the user sees it now: official or advice only, open or when it opens."""

    contact: Contact
    name: str
    official: bool
    available: bool
    state: OpenState
    hours_zone: str
    purpose: str


@dataclass(frozen=True)
class ScopeAnswer:
    """Whether support does this work, and on what terms (free, paid at a price, by agreement, never)."""

    terms: ScopeTerms
    what: str
    price: str = ""


@dataclass(frozen=True)
class PriorityAdvice:
    """The provider's tier for this request and its response target."""

    label: str
    target: str
    examples: tuple[str, ...] = ()
    always_open: bool = False
    assigned_by_support: bool = False
    overall_target: str = ""
    from_plan: bool = False


@dataclass(frozen=True)
class Filing:
    """May this identity file this category? If not, why, and what to do (``code`` + ``params``).

    Codes: ``filing.ok``, ``filing.role_refused``, ``filing.role_nobody``,
    ``filing.admin_mismatch``, ``filing.admin_needed``, ``filing.admin_confirm``
    (allowed, but the provider acts only on the administrator's address).
    """

    allowed: bool
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    advice: str = ""


@dataclass(frozen=True)
class Policy:
    """Everything the app tells the user about how this provider will handle this request."""

    plan: Plan | None
    plan_name: str
    contacts: tuple[ContactStatus, ...]
    scope: ScopeAnswer | None
    general_scope: tuple[ScopeAnswer, ...]
    priority: PriorityAdvice | None
    filing: Filing
    sent_officially: bool | None
    critical_written: bool
    knowledge_base: str = ""
    status_page: str = ""
    website: str = ""

    @property
    def official(self) -> tuple[ContactStatus, ...]:
        return tuple(c for c in self.contacts if c.official and c.available)

    @property
    def phone(self) -> ContactStatus | None:
        """The first phone this plan may use, else the first phone at all."""
        phones = [c for c in self.contacts if c.contact.kind == "phone"]
        return next((c for c in phones if c.available), phones[0] if phones else None)


def decide(
    profile: ProviderProfile,
    *,
    now: datetime,
    user_zone: tzinfo,
    plan: str = "",
    category: str = "",
    urgency: str = "normal",
    role: str = "owner",
    sender: str = "",
    admin_address: str = "",
) -> Policy:
    """The policy for one request at ``now`` (aware), with times in ``user_zone``."""
    chosen = profile.plan(plan)
    kind = profile.category(category)
    return Policy(
        plan=chosen,
        plan_name=profile.text(chosen.name) if chosen else "",
        contacts=_contacts(profile, chosen, now, user_zone),
        scope=_scope(profile, chosen, category),
        general_scope=tuple(
            ScopeAnswer(r.terms, profile.text(r.what), profile.text(r.price))
            for r in profile.support.scope
            if not r.categories and _for_plan(r.plans, chosen)
        ),
        priority=_priority(profile, chosen, urgency),
        filing=_filing(profile, kind, role, sender, admin_address),
        sent_officially=_sent_officially(profile),
        critical_written=urgency == "critical" and profile.support.critical_always_open,
        knowledge_base=profile.support.knowledge_base or "",
        status_page=profile.support.status_page or "",
        website=profile.provider.website or "",
    )


def for_request(profile: ProviderProfile, request: Request, *, now: datetime, user_zone: tzinfo) -> Policy:
    """:func:`decide` for a draft request."""
    return decide(
        profile,
        now=now,
        user_zone=user_zone,
        plan=request.plan,
        category=request.category,
        urgency=request.urgency.value,
        role=request.requester.role.value,
        sender=request.requester.email,
        admin_address=request.requester.admin_address,
    )


def priority_for(profile: ProviderProfile, request: Request) -> PriorityAdvice | None:
    """The provider's tier and response target for ``request`` under its plan (no clock needed)."""
    return _priority(profile, profile.plan(request.plan), request.urgency.value)


def scope_for(profile: ProviderProfile, request: Request) -> ScopeAnswer | None:
    """On what terms support does this kind of request under the user's plan (no clock needed)."""
    return _scope(profile, profile.plan(request.plan), request.category)


def _for_plan(plans: list[str], plan: Plan | None) -> bool:
    return not plans or (plan is not None and plan.id in plans)


def _official(profile: ProviderProfile, contact: Contact) -> bool:
    if any(c.official for c in profile.support.contacts):
        return contact.official
    return contact.kind in WRITTEN


_KIND_NAMES = {
    "phone": N_("Phone"),
    "chat": N_("Chat"),
    "email": N_("E-mail"),
    "ticket": N_("Ticket"),
    "customer_area": N_("Ticket in the customer area"),
}


def _contacts(
    profile: ProviderProfile, plan: Plan | None, now: datetime, zone: tzinfo
) -> tuple[ContactStatus, ...]:
    statuses = [
        ContactStatus(
            contact=contact,
            name=profile.text(contact.name) or _(_KIND_NAMES[contact.kind]),
            official=_official(profile, contact),
            available=_for_plan(contact.plans, plan),
            state=open_state(contact, profile.provider.time_zone, now, zone),
            hours_zone=contact.time_zone or profile.provider.time_zone,
            purpose=profile.text(contact.purpose),
        )
        for contact in profile.support.contacts
    ]
    return tuple(sorted(statuses, key=lambda s: (not s.official, not s.available)))


def _scope(profile: ProviderProfile, plan: Plan | None, category: str) -> ScopeAnswer | None:
    rules = [
        r for r in profile.support.scope if category and category in r.categories and _for_plan(r.plans, plan)
    ]
    rules.sort(key=lambda r: not r.plans)  # a rule for this plan wins over one for every plan
    if not rules:
        return None
    rule = rules[0]
    return ScopeAnswer(rule.terms, profile.text(rule.what), profile.text(rule.price))


def _priority(profile: ProviderProfile, plan: Plan | None, urgency: str) -> PriorityAdvice | None:
    support = profile.support
    tier = profile.priority(urgency)
    from_plan = False
    if plan is not None and plan.priority:
        planned = next((p for p in support.priorities if p.id == plan.priority), None)
        if planned is not None and (tier is None or _rank(profile, planned.id) < _rank(profile, tier.id)):
            tier, from_plan = planned, True
    plan_target = profile.text(plan.response) if plan is not None else ""
    if tier is None and not plan_target and not support.overall_target and not support.assigns_priority:
        return None
    return PriorityAdvice(
        label=profile.text(tier.label_text) if tier else "",
        target=plan_target or (profile.text(tier.target) if tier else ""),
        examples=tuple(profile.text(e) for e in tier.examples_text) if tier else (),
        always_open=bool(tier and tier.always_open),
        assigned_by_support=support.assigns_priority,
        overall_target=profile.text(support.overall_target),
        from_plan=from_plan,
    )


def _rank(profile: ProviderProfile, priority_id: str) -> int:
    """Position of a tier in the profile: the first listed is the most urgent."""
    return [p.id for p in profile.support.priorities].index(priority_id)


def may_file(profile: ProviderProfile, role: str, category: str) -> bool:
    """Whether ``role`` may file ``category`` at all (``refuse`` wins; no rule: everyone may)."""
    rule = next((r for r in profile.roles if r.role == role), None)
    if rule is None:
        return True
    if category in rule.refuse or ALL in rule.refuse:
        return False
    return ALL in rule.may_file or category in rule.may_file


def filing_for(profile: ProviderProfile, request: Request) -> Filing:
    """May the requester of ``request`` file it (see :class:`Filing`)."""
    requester = request.requester
    category = profile.category(request.category)
    return _filing(profile, category, requester.role.value, requester.email, requester.admin_address)


def _filing(
    profile: ProviderProfile, category: Category | None, role: str, sender: str, admin: str
) -> Filing:
    rule = next((r for r in profile.roles if r.role == role), None)
    advice = profile.text(rule.advice) if rule else ""
    params = {"provider": profile.provider.name, "role": role, "category": category.label if category else ""}
    if category is not None and not may_file(profile, role, category.id):
        nobody = rule is not None and not rule.may_file and not rule.refuse
        return Filing(False, "filing.role_nobody" if nobody else "filing.role_refused", params, advice)
    if category is None or not (category.changes_something and profile.support.changes_require_admin_address):
        return Filing(True, "filing.ok", params)
    if admin.strip():
        if sender.strip().lower() != admin.strip().lower():
            return Filing(
                False, "filing.admin_mismatch", {**params, "admin": admin.strip(), "sender": sender.strip()}
            )
        return Filing(True, "filing.ok", params)
    if role != "owner":
        return Filing(False, "filing.admin_needed", params, advice)
    return Filing(True, "filing.admin_confirm", params)


def _sent_officially(profile: ProviderProfile) -> bool | None:
    """Whether the app's first way of sending is one of the official contacts (None: a file, sent by hand)."""
    first = profile.channels[0]
    official = [c for c in profile.support.contacts if _official(profile, c)]
    if first.kind == "file" or not official:
        return None
    if first.kind == "email":
        to = str(getattr(first, "to", "")).lower()
        return any(c.kind == "email" and c.address.lower() == to for c in official)
    return any(c.kind == "ticket" for c in official)


# Filing codes: (why, what to do). Parameters: provider, role, category, admin, sender.
FILING_MESSAGES: dict[str, tuple[str, str]] = {
    "filing.ok": ("", ""),
    "filing.role_refused": (
        N_("{provider} does not accept “{category}” requests from your role."),
        N_("Ask the owner or the administrator of the account to file it, or file it from their address."),
    ),
    "filing.role_nobody": (
        N_("{provider} accepts no requests from your role."),
        N_("Ask the owner or the administrator of the account to file it for you."),
    ),
    "filing.admin_mismatch": (
        N_(
            "{provider} acts on changes only from the account's "
            "administrator address, {admin}; you send from {sender}."
        ),
        N_("Change your e-mail address in step 1 to {admin}, or ask its owner to send the request."),
    ),
    "filing.admin_needed": (
        N_("{provider} acts on changes only from the account's administrator address."),
        N_("Type the administrator address below; send from it, or ask its owner to send the request."),
    ),
    "filing.admin_confirm": (
        N_("{provider} acts on changes only from the account's administrator address."),
        N_("Type the administrator address below, so the app can check you send from it."),
    ),
}


def describe_filing(filing: Filing) -> tuple[str, str]:
    """Why this identity may not file (or must take care), and what to do, translated.

    The provider's own advice for the role, when the profile gives one,
    replaces our "what to do".
    """
    message, next_step = FILING_MESSAGES[filing.code]
    if not message:
        return "", ""
    values = {"provider": "", "category": "", "admin": "", "sender": "", **filing.params}
    return _(message).format_map(values), filing.advice or _(next_step).format_map(values)
