"""Errors are data: a stable code and parameters, turned into words only when shown.

Exception tree::

    ComposerError                 code + params; never carries a secret
    ├── ProfileError              a provider profile that cannot be used
    ├── BundleError               a request file that cannot be read back
    └── ValidationError           a field the user must correct

Every code has a sentence and a "what to do next" in :data:`MESSAGES`, both
translated when shown (:func:`describe`). The UI's ``messages`` module and the
command line print the same words.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from composer.i18n import N_, _

__all__ = [
    "MESSAGES",
    "BundleError",
    "ComposerError",
    "Problem",
    "ProfileError",
    "ValidationError",
    "describe",
]


class ComposerError(Exception):
    """An error with a stable ``code`` and the ``params`` its message needs."""

    def __init__(self, code: str, *, details: str = "", **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
        self.details = details

    def __str__(self) -> str:
        return describe(self.code, self.params)[0]


class ProfileError(ComposerError):
    """A provider profile is missing, unreadable or invalid."""


class BundleError(ComposerError):
    """A saved request file (zip bundle) cannot be read back."""


class ValidationError(ComposerError):
    """A value the user entered cannot be used as it is."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a request or a file: where, which code, its parameters."""

    code: str
    field: str = ""
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    blocking: bool = True

    def message(self) -> str:
        return describe(self.code, self.params)[0]

    def next_step(self) -> str:
        return describe(self.code, self.params)[1]


# code -> (what happened, what to do next). Parameters in {braces}.
MESSAGES: dict[str, tuple[str, str]] = {
    "domain.empty": (
        N_("The domain name is missing."),
        N_("Type the domain your problem is about, for example example.com."),
    ),
    "domain.invalid": (
        N_("“{value}” is not a domain name."),
        N_("Type only the domain, for example example.com or παράδειγμα.gr, without http:// or a path."),
    ),
    "domain.no_tld": (
        N_("“{value}” has no ending such as .com or .gr."),
        N_("Type the whole domain, including its ending, for example example.gr."),
    ),
    "email.empty": (
        N_("Your e-mail address is missing."),
        N_("Type the address the support team should answer, for example maria@example.com."),
    ),
    "email.invalid": (
        N_("“{value}” is not an e-mail address."),
        N_("Check the address: it needs a name, an @ and a domain, like maria@example.com."),
    ),
    "account.invalid": (
        N_("“{value}” is not a mailbox address."),
        N_("For mail problems, type the whole mailbox, for example sales@example.com."),
    ),
    "name.empty": (
        N_("Your name is missing."),
        N_("Type your name so the support team knows who is asking."),
    ),
    "error_text.empty": (
        N_("The exact error message is missing."),
        N_(
            "Copy the error message from the screen and paste it here, or type it word for "
            "word. If there is none, say what you see instead."
        ),
    ),
    "started_at.unparsed": (
        N_("“{value}” is not a time the app understands."),
        N_("Try for example “yesterday around 15:00”, “2 hours ago”, “this morning” or “2026-11-20 14:30”."),
    ),
    "started_at.future": (
        N_("“{value}” is in the future."),
        N_("Type when the problem started, which must be now or earlier."),
    ),
    "category.empty": (
        N_("No kind of problem is chosen."),
        N_("Pick the kind of problem that fits best; “Something else” is fine too."),
    ),
    "description.empty": (
        N_("The description is empty."),
        N_("Describe in a few sentences what you did, what you expected and what happened."),
    ),
    "profile.not_found": (
        N_("The provider profile {path} does not exist."),
        N_("Check the file name, or use the profile your provider sent you."),
    ),
    "profile.unreadable": (
        N_("The provider profile {path} cannot be read: {reason}"),
        N_("Check that the file is a text file you may read."),
    ),
    "profile.syntax": (
        N_("The provider profile {path} is not valid TOML ({where}): {reason}"),
        N_("Fix the file at that place; a TOML checker shows the exact problem."),
    ),
    "profile.invalid": (
        N_("The provider profile {path} has {count} mistake(s)."),
        N_("Fix each field in the list; `request-composer profile schema` prints what every field accepts."),
    ),
    "bundle.not_found": (
        N_("The request file {path} does not exist."),
        N_("Check the file name, or choose the file again."),
    ),
    "bundle.not_zip": (
        N_("{path} is not a saved request file."),
        N_("Choose a .zip file that Request Composer saved."),
    ),
    "bundle.no_request": (
        N_("{path} does not contain a request."),
        N_("The file may be damaged or made by another program. Choose a file that Request Composer saved."),
    ),
    "bundle.newer": (
        N_("{path} was saved by a newer version of Request Composer (format {version})."),
        N_("Update Request Composer, then open the file again."),
    ),
    "bundle.invalid": (
        N_("The request in {path} cannot be read: {reason}"),
        N_("The file may be damaged. If you still have the app that saved it, save it again."),
    ),
    "bundle.write_failed": (
        N_("The request could not be saved to {path}: {reason}"),
        N_("Choose another folder, or check that there is free space."),
    ),
    "attachment.missing": (
        N_("The attached file {name} is no longer available."),
        N_("Attach the file again, or remove it from the request."),
    ),
    "store.unavailable": (
        N_("Your drafts cannot be saved in {path}: {reason}"),
        N_(
            "Check that the folder exists and that you may write to it. "
            "Until then, save your request as a file."
        ),
    ),
    "internal": (
        N_("Something unexpected went wrong."),
        N_("Your draft is saved. Copy the details into a report to the Request Composer team."),
    ),
}


def describe(code: str, params: dict[str, Any] | None = None) -> tuple[str, str]:
    """The translated sentence and "what to do next" for an error ``code``."""
    message, next_step = MESSAGES.get(code, MESSAGES["internal"])
    values = _SafeDict(params or {})
    return _(message).format_map(values), _(next_step).format_map(values)


class _SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
