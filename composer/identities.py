"""Who files: a person's identities, a web designer's client domains, and who may ask for what.

A person keeps several **identities** (:class:`Identity`: name, e-mail, role,
the client or company they act for). A web designer also keeps **client
domains** (:class:`ClientDomain`): each with its owner (name and e-mail, the
account's administrator address) and the identity that files for it.
Choosing a client domain picks that identity and says "filed by technical
contact X on behalf of owner Y" (:func:`apply_client`); the owner gets a copy
when the profile says so (``support.copy_owner``, :func:`owner_copy`).

The book (:class:`IdentityBook`) is a setting in the app's database
(:func:`load_book`, :func:`save_book`) and holds no secret: an identity's
mailbox password and its access key for the provider's intake API live in
the OS keyring only, under that identity's keys (:mod:`composer.identity_secrets`).

Whether an identity may file a kind of request is the profile's rules
(``[[roles]]``, ``support.changes_require_admin_address``), decided by
:func:`composer.policy.filing_for`; :func:`filing_warning` turns a refusal into
a sentence naming the owner to ask. A refused identity is warned, not
blocked: the app cannot authenticate anyone (the role is the user's own
word, and blocking would only teach people to pick another role), the
provider checks the sender against its records anyway, and the owner in
copy can confirm in the same thread.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from composer.basemodel import Model
from composer.errors import ValidationError
from composer.i18n import N_, _
from composer.model import Request, Requester, Role, display_domain, normalise_domain, validate_email
from composer.policy import describe_filing, filing_for, may_file
from composer.profile import ProviderProfile
from composer.settings import load_setting, save_setting
from composer.store import Store

__all__ = [
    "ROLE_NAMES",
    "SETTINGS_KEY",
    "ClientDomain",
    "Identity",
    "IdentityBook",
    "apply_client",
    "apply_identity",
    "client_domain",
    "filed_by",
    "filing_warning",
    "load_book",
    "new_identity",
    "owner_copy",
    "pick_for_domain",
    "save_book",
]

SETTINGS_KEY = "identities"

#: a role as one word or two, for "filed by X (technical contact)"
ROLE_NAMES: dict[Role, str] = {
    Role.OWNER: N_("owner"),
    Role.TECHNICAL: N_("technical contact"),
    Role.BILLING: N_("billing contact"),
    Role.OTHER: N_("someone else"),
}

_FROZEN = ConfigDict(frozen=True, extra="forbid")
EntryT = TypeVar("EntryT", bound=BaseModel)


class Identity(Model):
    """One way a person files: who they are, in which role, for whom. Never a secret."""

    model_config = _FROZEN

    id: str = Field(min_length=1)
    name: str
    email: str
    role: Role = Role.OWNER
    organisation: str = Field(default="", description="The client or company this identity acts for.")
    phone: str = ""
    customer_id: str = ""
    mail_user: str = Field(
        default="",
        description="User name at the outgoing mail server when this identity sends; "
        "empty: the one in the e-mail settings.",
    )

    def label(self) -> str:
        """How lists show it: ``Maria Papadopoulou <maria@studio.gr> – technical contact``."""
        who = f"{self.name} <{self.email}>" if self.name else self.email
        extra = ", ".join(p for p in (_(ROLE_NAMES[self.role]), self.organisation) if p)
        return f"{who} – {extra}"


class ClientDomain(Model):
    """A domain a web designer looks after, its owner, and the identity that files for it."""

    model_config = _FROZEN

    domain: str = Field(description="The domain in ASCII (A-label) form, as normalise_domain gives it.")
    owner_name: str = ""
    owner_email: str = Field(description="The owner's address: the account's administrator address.")
    identity: str = Field(default="", description="Id of the identity that files for it.")
    customer_id: str = ""

    def label(self) -> str:
        owner = self.owner_name or self.owner_email
        return f"{display_domain(self.domain)} – {owner}"


class IdentityBook(Model):
    """Every identity and client domain of the person using the app."""

    model_config = _FROZEN

    identities: tuple[Identity, ...] = ()
    clients: tuple[ClientDomain, ...] = ()

    def identity(self, identity_id: str) -> Identity | None:
        return next((i for i in self.identities if i.id == identity_id), None)

    def find(self, key: str) -> Identity | None:
        """An identity by its id or (case aside) its e-mail address."""
        wanted = key.strip().lower()
        return self.identity(key) or next((i for i in self.identities if i.email.lower() == wanted), None)

    def client(self, domain: str) -> ClientDomain | None:
        """The client entry for ``domain`` or for the domain it is under (``shop.example.gr``)."""
        try:
            name = normalise_domain(domain, known_tld=False)
        except ValidationError:
            return None
        by_length = sorted(self.clients, key=lambda c: -len(c.domain))
        return next((c for c in by_length if name == c.domain or name.endswith("." + c.domain)), None)

    def with_identity(self, identity: Identity) -> IdentityBook:
        """The book with ``identity`` added, or replacing the one with its id."""
        return self.model_copy(update={"identities": _put(self.identities, identity, lambda i: i.id)})

    def without_identity(self, identity_id: str) -> IdentityBook:
        """The book without that identity; its client domains keep their owner but no filer."""
        clients = tuple(
            c.model_copy(update={"identity": ""}) if c.identity == identity_id else c for c in self.clients
        )
        identities = tuple(i for i in self.identities if i.id != identity_id)
        return self.model_copy(update={"identities": identities, "clients": clients})

    def with_client(self, client: ClientDomain) -> IdentityBook:
        """The book with ``client`` added, or replacing the entry for its domain."""
        return self.model_copy(update={"clients": _put(self.clients, client, lambda c: c.domain)})

    def without_client(self, domain: str) -> IdentityBook:
        return self.model_copy(update={"clients": tuple(c for c in self.clients if c.domain != domain)})

    def filer(self, client: ClientDomain) -> Identity | None:
        """Who files for ``client``: its identity, else the first technical contact."""
        return self.identity(client.identity) or next(
            (i for i in self.identities if i.role is Role.TECHNICAL), None
        )


def _put(items: tuple[EntryT, ...], item: EntryT, key: Callable[[EntryT], str]) -> tuple[EntryT, ...]:
    """``items`` with ``item`` in the place of the one with its key, or added at the end."""
    if not any(key(old) == key(item) for old in items):
        return (*items, item)
    return tuple(item if key(old) == key(item) else old for old in items)


def new_identity(
    name: str,
    email: str,
    *,
    role: Role = Role.OWNER,
    organisation: str = "",
    phone: str = "",
    customer_id: str = "",
    mail_user: str = "",
    identity_id: str = "",
) -> Identity:
    """An identity from what was typed, checked as the form checks it.

    Raises:
        ValidationError: ``name.empty``, ``email.empty`` or ``email.invalid``.
    """
    if not name.strip():
        raise ValidationError("name.empty")
    return Identity(
        id=identity_id or uuid.uuid4().hex[:12],
        name=name.strip(),
        email=validate_email(email),
        role=role,
        organisation=organisation.strip(),
        phone=phone.strip(),
        customer_id=customer_id.strip(),
        mail_user=mail_user.strip(),
    )


def client_domain(
    domain: str, owner_email: str, *, owner_name: str = "", identity: str = "", customer_id: str = ""
) -> ClientDomain:
    """A client domain from what was typed.

    Raises:
        ValidationError: a ``domain.*`` code, ``email.empty`` or ``client.owner_email``.
    """
    return ClientDomain(
        domain=normalise_domain(domain),
        owner_name=owner_name.strip(),
        owner_email=validate_email(owner_email, code="client.owner_email"),
        identity=identity,
        customer_id=customer_id.strip(),
    )


def load_book(store: Store) -> IdentityBook:
    """The saved identities and client domains (an empty book when there are none)."""
    return load_setting(store, SETTINGS_KEY, IdentityBook) or IdentityBook()


def save_book(store: Store, book: IdentityBook) -> None:
    """Keep the book in the database (it holds no secret: those are in the keyring)."""
    save_setting(store, SETTINGS_KEY, book)


def apply_identity(request: Request, identity: Identity) -> Request:
    """The request filed by ``identity``: its name, address, role and what it acts for.

    "On behalf of" and the administrator address are cleared: they belong to
    a client (:func:`apply_client`), not to the identity.
    """
    requester = Requester(
        name=identity.name,
        email=identity.email,
        role=identity.role,
        phone=identity.phone,
        customer_id=identity.customer_id,
        organisation=identity.organisation,
    )
    return request.touched(requester=requester)


def apply_client(request: Request, client: ClientDomain, identity: Identity | None) -> Request:
    """The request for a client's domain: its filer, "on behalf of" its owner, the owner's address.

    The domain is set when the request has none (or another one); the owner's
    address becomes the account's administrator address, which the profile's
    rules compare with the sender. When the filer is the owner, nobody is
    "on behalf of".
    """
    if identity is not None:
        request = apply_identity(request, identity)
    requester = request.requester
    own = requester.email.strip().lower() == client.owner_email.lower()
    owner = f"{client.owner_name} <{client.owner_email}>" if client.owner_name else client.owner_email
    changes = {
        "on_behalf_of": "" if own else owner,
        "admin_address": client.owner_email,
        "customer_id": client.customer_id or requester.customer_id,
    }
    updated = request.touched(requester=requester.model_copy(update=changes))
    if _same_domain(request.domain, client.domain):
        return updated
    return updated.touched(domain=client.domain)


def _same_domain(typed: str, ascii_name: str) -> bool:
    try:
        name = normalise_domain(typed, known_tld=False)
    except ValidationError:
        return False
    return name == ascii_name or name.endswith("." + ascii_name)


def pick_for_domain(request: Request, book: IdentityBook) -> Request | None:
    """The request filed for the client whose domain it names, or None when that changes nothing.

    Used when a domain is typed in the form and when a pre-fill names one; it
    only fills who files, never a secret.
    """
    client = book.client(request.domain) if request.domain else None
    if client is None:
        return None
    picked = apply_client(request, client, book.filer(client))
    return None if picked.requester == request.requester and picked.domain == request.domain else picked


def owner_copy(request: Request, profile: ProviderProfile) -> str:
    """The owner's address to put in copy (Cc), or "" (see ``support.copy_owner``).

    Only when someone other than the owner files on the owner's behalf, and
    the administrator address is a usable one different from the sender's.
    """
    requester = request.requester
    if not profile.support.copy_owner or requester.role is Role.OWNER:
        return ""
    try:
        owner = validate_email(requester.admin_address)
    except ValidationError:
        return ""
    return "" if owner.lower() == requester.email.strip().lower() else owner


def filed_by(request: Request) -> str:
    """ "Maria <maria@studio.gr> (technical contact) on behalf of Nikos <nikos@client.gr> (owner)".

    Empty when nobody files on someone's behalf (the role line says the rest).
    """
    requester = request.requester
    behalf = requester.on_behalf_of.strip()
    if not behalf:
        return ""
    filer = (
        f"{requester.name.strip()} <{requester.email.strip()}>" if requester.name.strip() else requester.email
    )
    return _("{filer} ({role}) on behalf of {owner} (owner)").format(
        filer=filer.strip(), role=_(ROLE_NAMES[requester.role]), owner=behalf
    )


def filing_warning(profile: ProviderProfile, request: Request) -> tuple[str, str] | None:
    """Why this identity may not file this request and what to do, or None when it may.

    When the owner is known (a client domain was chosen), the advice names
    them: ask them to send it, or to add you as a technical contact in the
    provider's control panel. The provider's own advice for the role, when
    the profile gives one, comes after it.
    """
    filing = filing_for(profile, request)
    if filing.allowed:
        return None
    message, next_step = describe_filing(filing)
    owner = request.requester.on_behalf_of.strip() or request.requester.admin_address.strip()
    if not owner:
        return message, next_step
    if filing.code == "filing.admin_mismatch":
        ours = _("Ask {owner} to send it from that address.").format(owner=owner)
    else:
        ours = _owner_advice(profile, request, owner)
    advice = profile.text(_role_advice(profile, request.requester.role))
    return message, " ".join(part for part in (ours, advice) if part)


def _owner_advice(profile: ProviderProfile, request: Request, owner: str) -> str:
    """Ask the owner to send it, or to make you a contact whose role may (a billing contact for invoices)."""
    role = request.requester.role
    may = {
        r
        for r in (Role.TECHNICAL, Role.BILLING)
        if r != role and may_file(profile, r.value, request.category)
    }
    params = {"owner": owner, "provider": profile.provider.name}
    if Role.TECHNICAL in may:
        return _(
            "Ask the owner, {owner}, to send it, or to add you as a technical contact "
            "in {provider}'s control panel."
        ).format(**params)
    if Role.BILLING in may:
        return _(
            "Ask the owner, {owner}, to send it, or to add you as a billing contact "
            "in {provider}'s control panel."
        ).format(**params)
    return _("Ask the owner, {owner}, to send it.").format(**params)


def _role_advice(profile: ProviderProfile, role: Role) -> str | dict[str, str]:
    rule = next((r for r in profile.roles if r.role == role.value), None)
    return rule.advice if rule is not None else ""
