"""Who is asking: the roles a requester files in, and their labels.

Apart from the request model (:mod:`composer.model`, which re-exports them)
so that the form's first step can offer them before the model is loaded.
"""

from __future__ import annotations

from enum import StrEnum

from composer.i18n import N_

__all__ = ["ROLE_LABELS", "Role"]


class Role(StrEnum):
    """Who is asking, which decides what they may ask for."""

    OWNER = "owner"
    TECHNICAL = "technical"
    BILLING = "billing"
    OTHER = "other"


ROLE_LABELS: dict[Role, str] = {
    Role.OWNER: N_("Owner or administrator of the account"),
    Role.TECHNICAL: N_("Technical contact (web designer, developer)"),
    Role.BILLING: N_("Billing contact"),
    Role.OTHER: N_("Someone else (employee, friend helping out)"),
}
