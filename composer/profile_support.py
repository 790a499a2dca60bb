"""How a provider's support works: plans, contact points, priorities, scope and roles.

These are the parts of a profile (format 2) that decide what the app tells
the user before sending (see :mod:`composer.policy`): which plan gives phone
access and which response target, when each contact point is open and in
which time zone, which one is official, whether this kind of request is
free, paid, by agreement or never done, the provider's own priority tiers,
and who may file what.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from composer.basemodel import Model
from composer.defaults import empty_list
from composer.i18n import current_language
from composer.profile_text import Text, pick
from composer.profile_values import HttpsUrl, TimeOfDay, TimeZoneName

__all__ = [
    "ALL",
    "Contact",
    "ContactKind",
    "Hours",
    "Plan",
    "Priority",
    "RoleRule",
    "ScopeRule",
    "ScopeTerms",
    "Support",
    "Weekday",
]

_STRICT = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WORKING_DAYS: tuple[Weekday, ...] = WEEKDAYS[:5]

#: In ``may_file`` and ``refuse``: every category.
ALL = "*"


class Hours(Model):
    """One opening window on some days; ``closes`` at or before ``opens`` runs past midnight."""

    model_config = _STRICT

    days: list[Weekday] = Field(default_factory=lambda: list(_WORKING_DAYS), examples=[["mon", "fri"]])
    opens: TimeOfDay = Field(default="09:00", examples=["09:30"])
    closes: TimeOfDay = Field(default="17:00", examples=["17:30"])


ContactKind = Literal["phone", "chat", "email", "ticket", "customer_area"]


class Contact(Model):
    """A way to reach support, with its own hours: phone, chat, e-mail, tickets, the customer area."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9_-]+$", description="Short name other keys refer to.")
    kind: ContactKind
    name: Text = Field(default="", description="What the provider calls it, e.g. 'Live Chat' or 'Skype'.")
    address: str = Field(default="", description="Phone number, e-mail address or https:// address, by kind.")
    official: bool = Field(
        default=False, description="Requests through it are official; the others are advice only."
    )
    always: bool = Field(default=False, description="Open day and night, every day.")
    hours: list[Hours] = Field(default_factory=empty_list, description="When it is open, if not always.")
    time_zone: TimeZoneName | None = Field(default=None, description="Default: the provider's time zone.")
    plans: list[str] = Field(
        default_factory=empty_list, description="Plans that may use it; empty: every plan."
    )
    purpose: Text = Field(default="", description="What it is for, e.g. 'quick questions'.")


class Plan(Model):
    """A support plan and what it entitles to (free, +Plus, a phone package, an SLA)."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: Text
    default: bool = Field(default=False, description="The plan assumed until the user picks one.")
    price: Text = Field(default="", description="What it costs, in the provider's words.")
    phone_allowance: Text = Field(default="", description="e.g. '12 hours a year, at most 1 hour a month'.")
    priority: str = Field(
        default="", description="Id of the priority every request of this plan gets, if any."
    )
    response: Text = Field(default="", description="Response target that replaces the priorities' own.")
    after_hours: bool = Field(default=False, description="Support outside office hours is included.")
    note: Text = ""


class Priority(Model):
    """One of the provider's own priority tiers, and which urgencies it takes."""

    model_config = _STRICT

    id: str = Field(pattern=r"^[a-z0-9_-]+$", examples=["first"])
    label_text: Text = Field(alias="label", description="The provider's name for the tier.")
    target: Text = Field(default="", description="Response target, e.g. 'within the day'.")
    examples_text: list[Text] = Field(
        default_factory=empty_list, alias="examples", description="Typical requests of this tier."
    )
    urgencies: list[Literal["critical", "high", "normal", "low"]] = Field(
        default_factory=empty_list, description="The app's urgencies that map to this tier."
    )
    always_open: bool = Field(
        default=False, description="Handled day and night through the official written contact."
    )

    @property
    def label(self) -> str:
        return pick(self.label_text, current_language())

    @property
    def response(self) -> str:
        """The response target in the user's language (kept under this name for callers)."""
        return pick(self.target, current_language())

    @property
    def examples(self) -> list[str]:
        return [pick(example, current_language()) for example in self.examples_text]


ScopeTerms = Literal["free", "paid", "agreement", "never"]


class ScopeRule(Model):
    """What support does for which categories and plans: free, paid (a price), by agreement or never."""

    model_config = _STRICT

    terms: ScopeTerms
    what: Text = Field(description="The work, in the provider's words.")
    categories: list[str] = Field(
        default_factory=empty_list, description="Category ids it is about; empty: general information."
    )
    plans: list[str] = Field(default_factory=empty_list, description="Plans it holds for; empty: every plan.")
    price: Text = Field(default="", description="For paid work, e.g. '60-90 EUR per hour'.")


class RoleRule(Model):
    """Which categories a role may file; ``["*"]`` is every category and ``[]`` is none."""

    model_config = _STRICT

    role: Literal["owner", "technical", "billing", "other"]
    may_file: list[str] = Field(default_factory=lambda: [ALL], description="Category ids, or '*' for all.")
    refuse: list[str] = Field(
        default_factory=empty_list, description="Category ids this role may never file."
    )
    advice: Text = Field(default="", description="What to do instead, in the provider's words.")


class Support(Model):
    """How the provider's support works."""

    model_config = _STRICT

    contacts: list[Contact] = Field(default_factory=empty_list, description="Every way to reach support.")
    plans: list[Plan] = Field(
        default_factory=empty_list,
        description="Support plans; contacts and scope rules name the plans they hold for.",
    )
    priorities: list[Priority] = Field(default_factory=empty_list, description="The provider's own tiers.")
    scope: list[ScopeRule] = Field(
        default_factory=empty_list, description="What is free, paid, agreed or never."
    )
    critical_always_open: bool = Field(
        default=True, description="Outages and security incidents are handled day and night, in writing."
    )
    changes_require_admin_address: bool = Field(
        default=False, description="Requests that change something must come from the administrator address."
    )
    copy_owner: bool = Field(
        default=False,
        description=(
            "When someone files on behalf of the account's owner (a technical contact, a web designer), "
            "the owner's address gets a copy: Cc on e-mail, 'copy_to' in the intake document."
        ),
    )
    assigns_priority: bool = Field(
        default=False, description="Support decides the priority; the user's urgency is a suggestion."
    )
    overall_target: Text = Field(default="", description="e.g. 'in every case within 3-4 working days'.")
    knowledge_base: HttpsUrl | None = None
    status_page: HttpsUrl | None = None

    def first(self, kind: str) -> Contact | None:
        return next((c for c in self.contacts if c.kind == kind), None)

    @property
    def email(self) -> str:
        """The first e-mail contact's address ("" when there is none)."""
        contact = self.first("email")
        return contact.address if contact else ""

    @property
    def phone(self) -> str:
        contact = self.first("phone")
        return contact.address if contact else ""

    @property
    def phone_hours(self) -> Hours | None:
        """The phone's first opening window, for callers that show one."""
        contact = self.first("phone")
        return contact.hours[0] if contact and contact.hours else None
