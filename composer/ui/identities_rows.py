"""What the identities dialog edits: rows of typed text, and the widgets it is built of.

A row is plain text until Save: :func:`identity_of` and :func:`client_of`
check it with the core's rules and raise the same errors the form shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QListWidget, QPushButton, QVBoxLayout

from composer.identities import ClientDomain, Identity, client_domain, new_identity
from composer.model import Role

__all__ = [
    "ClientRow",
    "IdentityRow",
    "IdentitySecretsTyped",
    "Rows",
    "client_of",
    "identity_of",
    "line_edit",
    "list_with_buttons",
]


@dataclass
class IdentityRow:
    id: str = ""
    name: str = ""
    email: str = ""
    role: Role = Role.TECHNICAL
    organisation: str = ""
    phone: str = ""
    customer_id: str = ""
    mail_user: str = ""
    mail_password: str = ""
    api_key: str = ""


@dataclass
class ClientRow:
    domain: str = ""
    owner_name: str = ""
    owner_email: str = ""
    identity: str = ""
    customer_id: str = ""


@dataclass(frozen=True)
class IdentitySecretsTyped:
    """Secrets typed for one identity ("" = not typed, keep what the keyring has)."""

    identity: Identity
    mail_password: str = ""
    api_key: str = ""


@dataclass
class Rows:
    identities: list[IdentityRow] = field(default_factory=list)
    clients: list[ClientRow] = field(default_factory=list)


def line_edit(name: str, *, secret: bool = False) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def list_with_buttons(
    outer: QHBoxLayout,
    name: str,
    shown: Callable[[int], None],
    add: Callable[[], None],
    remove: Callable[[], None],
) -> tuple[QListWidget, QPushButton, QPushButton]:
    """A list (``<name>.list``) with Add and Remove under it (``<name>.add``, ``<name>.remove``)."""
    left = QVBoxLayout()
    items = QListWidget()
    items.setObjectName(f"{name}.list")
    items.currentRowChanged.connect(shown)
    left.addWidget(items, 1)
    row = QHBoxLayout()
    buttons = []
    for key, handler in (("add", add), ("remove", remove)):
        button = QPushButton()
        button.setObjectName(f"{name}.{key}")
        button.clicked.connect(handler)
        row.addWidget(button)
        buttons.append(button)
    left.addLayout(row)
    outer.addLayout(left, 1)
    return items, buttons[0], buttons[1]


def identity_of(row: IdentityRow) -> Identity:
    return new_identity(
        row.name,
        row.email,
        role=row.role,
        organisation=row.organisation,
        phone=row.phone,
        customer_id=row.customer_id,
        mail_user=row.mail_user,
        identity_id=row.id,
    )


def client_of(row: ClientRow) -> ClientDomain:
    return client_domain(
        row.domain,
        row.owner_email,
        owner_name=row.owner_name,
        identity=row.identity,
        customer_id=row.customer_id,
    )
