"""The steps' keys and titles: what the window shows of the form before any of its code is loaded.

Kept apart from the steps' modules (which import the request model, and so
pydantic) so that the start window (:mod:`composer.ui.start_window`) can
list the steps in its first paint.
"""

from __future__ import annotations

from composer.i18n import N_

__all__ = ["STEP_KEYS", "STEP_TITLES"]

#: the order of the steps in the form (``step.<key>`` is a step's objectName)
STEP_KEYS = ("who", "affected", "checks", "happens", "evidence", "review")

#: the title of each step by its key: the step list shows them before a step is built
STEP_TITLES = {
    "who": N_("Who you are"),
    "affected": N_("What is affected"),
    "checks": N_("Checks"),
    "happens": N_("What happens"),
    "evidence": N_("Screenshots and files"),
    "review": N_("Review and send"),
}
