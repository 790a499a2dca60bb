"""Errors are data: a stable code and parameters, turned into words only when shown.

Exception tree::

    ComposerError                 code + params; never carries a secret
    ├── ProfileError              a provider profile that cannot be used
    ├── BundleError               a request file that cannot be read back
    └── ValidationError           a field the user must correct

Every code has a sentence and a "what to do next" in :data:`MESSAGES`, both
translated when shown (:func:`describe`); a sentence about a number of things
is in :data:`COUNTED` too, so that each language gets the form its grammar
needs for that ``count``. The UI's ``messages`` module and the
command line print the same words.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from composer.i18n import N_, N_plural, Plural, _, ngettext

__all__ = [
    "COUNTED",
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


#: code -> the singular and plural of its sentence, chosen by the ``count`` parameter
COUNTED: dict[str, Plural] = {
    "profile.invalid": N_plural(
        "The provider profile {path} has {count} mistake.",
        "The provider profile {path} has {count} mistakes.",
    ),
    "cli.not_ready": N_plural(
        "The request cannot be sent yet: {count} thing to fix.",
        "The request cannot be sent yet: {count} things to fix.",
    ),
    "history.ambiguous": N_plural(
        "“{id}” matches {count} sent request.", "“{id}” matches {count} sent requests."
    ),
}

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
    "domain.unknown_tld": (
        N_("“{value}” does not end in an existing domain ending (.{tld} does not exist)."),
        N_("Check the end of the domain, for example .com, .gr, .hr or .рф, and type it in full."),
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
        COUNTED["profile.invalid"].singular,
        N_("Fix each field in the list; `request-composer profile schema` prints what every field accepts."),
    ),
    "profile.too_new": (
        N_(
            "The provider profile {path} is written in format {found}; "
            "this version reads formats 1 to {supported}."
        ),
        N_("Update Request Composer, or ask your provider for a profile in format {supported}."),
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
    "attachment.too_large": (
        N_("{name} is {size}; {limit} is the most one file may be."),
        N_("Attach a smaller file: crop a screenshot, or send only the part of a log around the error."),
    ),
    "attachment.total_too_large": (
        N_("With {name} the attachments would come to {total}; the limit is {limit}."),
        N_("Remove an attachment you do not need, or attach smaller files."),
    ),
    "attachment.type_not_allowed": (
        N_("Files like {name} are not accepted by your provider."),
        N_("Attach one of these kinds instead: {types}. A screenshot or a PDF usually works."),
    ),
    "attachment.unreadable": (
        N_("{name} cannot be read: {reason}"),
        N_("Check that the file still exists and that you may open it."),
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
    # -- delivery: composer.delivery, composer.outbox, composer.channels --
    "delivery.network": (
        N_("{host} could not be reached ({reason})."),
        N_(
            "Your request is safe in the outbox and will be sent again by itself when the connection is back."
        ),
    ),
    "delivery.timeout": (
        N_("{host} did not answer in time."),
        N_(
            "Your request is safe in the outbox and will be sent again by itself. It will not be filed twice."
        ),
    ),
    "delivery.server_error": (
        N_("{host} had a temporary problem (status {status})."),
        N_("Your request is safe in the outbox and will be sent again by itself shortly."),
    ),
    "delivery.bad_response": (
        N_("{host} gave an answer the app does not understand (status {status})."),
        N_("Your request is safe in the outbox and will be sent again by itself."),
    ),
    "delivery.rejected": (
        N_("{host} did not accept the request: {reason}"),
        N_("Correct what it says, then send again; or send it another way."),
    ),
    "delivery.not_found": (
        N_("{host} does not know this ticket or code."),
        N_("Check the reference code, or send a new request."),
    ),
    "delivery.auth_failed": (
        N_("{host} did not accept your password or access key."),
        N_("Type the password (or access key) again, then send again."),
    ),
    "credential.missing": (
        N_("The password or access key for {host} is missing."),
        N_("Type it once; the app keeps it in your system’s keyring."),
    ),
    "delivery.tls": (
        N_("The secure connection to {host} could not be checked: {reason}"),
        N_(
            "The app did not send anything. Check the date and time of this computer, or "
            "send the request another way."
        ),
    ),
    "delivery.insecure_url": (
        N_("{url} is not a secure (https://) address."),
        N_("Ask your provider for the https:// address of their request intake."),
    ),
    "delivery.unsupported_channel": (
        N_("This version cannot send to a {channel} helpdesk."),
        N_("Send the request another way, or update Request Composer."),
    ),
    "delivery.no_next_channel": (
        N_("There is no other way to send this request."),
        N_("Save it as a file and send it to your provider yourself."),
    ),
    "delivery.no_reference": (
        N_("The original request has no reference code yet."),
        N_("Type the reference code from the provider’s answer, then send the follow-up."),
    ),
    "client.owner_email": (
        N_("“{value}” is not the owner's e-mail address."),
        N_("Type the address the owner ordered the service from, like owner@example.com."),
    ),
    "identity.not_found": (
        N_("There is no identity “{value}”."),
        N_("Use the e-mail address of an identity that `request-composer identity list` shows."),
    ),
    "identity.mail_user_missing": (
        N_("A mailbox password of its own needs the identity's own mail user."),
        N_(
            "Type the user name this identity logs in to the mail server with, "
            "or set the password in Settings → E-mail sending."
        ),
    ),
    "client.not_found": (
        N_("There is no client domain “{value}”."),
        N_("Use a domain that `request-composer identity client list` shows."),
    ),
    "email.not_configured": (
        N_("Your outgoing mail server is not set up."),
        N_("Enter the server, port and user name of your mailbox in the settings."),
    ),
    "email.insecure": (
        N_("{host} would receive your mail without encryption."),
        N_("Choose STARTTLS or TLS in the mail settings."),
    ),
    "email.unsupported": (
        N_("{host} does not offer what the mail settings ask for (encryption or login)."),
        N_("Check the port and the encryption setting; your provider’s help page lists them."),
    ),
    "outbox.no_channel": (
        N_("The profile of {provider} names no way to send requests."),
        N_("Save the request as a file and send it yourself."),
    ),
    "outbox.not_found": (
        N_("The outbox has no entry {id}."),
        N_("`request-composer outbox list` shows what is in the outbox."),
    ),
    "outbox.busy": (
        N_("Entry {id} is being sent right now."),
        N_("Wait until it is sent or fails, then try again."),
    ),
    "outbox.already_sent": (
        N_("Entry {id} was already sent."),
        N_("Its reference code is in the history."),
    ),
    "outbox.still_pending": (
        N_("The request is in the outbox and not sent yet: {reason}"),
        N_("It is sent by itself while the app runs, or now with `request-composer outbox retry {id}`."),
    ),
    "outbox.uncertain": (
        N_("Request {id} may have arrived already: the connection was cut after it had left."),
        N_(
            "Look for the provider's confirmation mail. Then: "
            "`request-composer outbox settle {id} arrived` if it came, or "
            "`request-composer outbox settle {id} resend` to send it again."
        ),
    ),
    "outbox.not_uncertain": (
        N_("Entry {id} is not waiting for you to say whether it arrived."),
        N_("`request-composer outbox list` shows the state of every entry."),
    ),
    "outbox.not_sent_yet": (
        N_("Entry {id} has not reached the provider yet, so it has no number."),
        N_("Keep the number once the request has been sent."),
    ),
    "reference.invalid": (
        N_("“{reference}” does not look like a ticket number."),
        N_("Copy the number from the provider's answer, for example 12345 or #12345."),
    ),
    "delivery.maybe_delivered": (
        N_("The connection was cut after the request had left: it may have arrived."),
        N_(
            "Look for the provider's confirmation mail. If it came, say that it arrived; "
            "if it does not come, send it again."
        ),
    ),
    "replies.invalid": (
        N_("The incoming mail setting {field} cannot be used: {reason}"),
        N_("`request-composer outbox replies --help` lists what each setting takes."),
    ),
    "replies.failed": (
        N_("The app could not read your mailbox at {host} ({reason})."),
        N_("Check the incoming mail settings; the app tries again later by itself."),
    ),
    "history.not_found": (
        N_("No sent request {id} is in the history."),
        N_("Search the history for the request first."),
    ),
    "explain.empty": (
        N_("There is no text to explain."),
        N_("Paste the error message into standard input, for example: request-composer explain < error.txt"),
    ),
    "explain.not_found": (
        N_("{path} does not exist."),
        N_("Give the file that holds the error message, or paste it into standard input."),
    ),
    "explain.unreadable": (
        N_("{path} cannot be read: {reason}"),
        N_("Check that it is a file you may read."),
    ),
    # signed pre-fill links (composer/prefill.py)
    "prefill.no_key": (
        N_("This provider profile has no key for checking pre-filled links."),
        N_("Ask your provider for their profile with a pre-fill key, or fill in the form yourself."),
    ),
    "prefill.bad_key": (
        N_("The pre-fill key in the provider profile is not a valid Ed25519 key."),
        N_(
            "The provider must write it as `request-composer prefill keygen` prints it: ed25519: and the key."
        ),
    ),
    "prefill.unsigned": (
        N_("This link has no signature, so nobody can tell who made it."),
        N_("Do not use it. Ask your provider's support to send you a new link."),
    ),
    "prefill.malformed": (
        N_("This is not a complete pre-filled link; part of it may be missing."),
        N_("Copy the whole link again from the message you received, or ask support for a new one."),
    ),
    "prefill.unsupported": (
        N_("This pre-filled link was made by a newer version of the app."),
        N_("Update Request Composer, then open the link again."),
    ),
    "prefill.bad_signature": (
        N_("This link was changed after it was made, or it does not come from your provider."),
        N_("Do not use it. Ask your provider's support to send you a new link."),
    ),
    "prefill.expired": (
        N_("This pre-filled link expired on {expired}."),
        N_("Ask your provider's support for a new link, or fill in the form yourself."),
    ),
    "prefill.not_yet_valid": (
        N_("This pre-filled link is dated in the future."),
        N_("Check your computer's date and time, then open the link again."),
    ),
    "prefill.too_large": (
        N_("This pre-filled link is too long ({limit} characters at most)."),
        N_("Ask support for a shorter link: leave out long notes."),
    ),
    "prefill.bad_lifetime": (
        N_("A pre-filled link must expire within {days} days."),
        N_("Give --expires a shorter time, for example 2h or 3d."),
    ),
    "prefill.key_exists": (
        N_("{path} exists already; a key is never overwritten."),
        N_("Choose another file name, or use the key that is there."),
    ),
    "prefill.key_unwritable": (
        N_("The key cannot be written to {path}: {reason}"),
        N_("Choose a folder you may write to."),
    ),
    "prefill.key_unreadable": (
        N_("The private key {path} cannot be read: {reason}"),
        N_("Give the file written by `request-composer prefill keygen`."),
    ),
    "prefill.bad_field": (
        N_("“{value}” is not a pre-fill field."),
        N_("Write --field NAME=VALUE with one of: {fields}."),
    ),
    "prefill.no_relay": (
        N_("{provider} takes no codes for prepared requests in this app."),
        N_("Ask support to send you the link instead, or fill in the form yourself."),
    ),
    "prefill.bad_value": (
        N_("“{value}” cannot be used for the pre-fill field {field}."),
        N_(
            "Check the value: a domain like example.gr, a category id from the profile, "
            "an urgency of critical, high, normal or low, at most 1000 characters for a note."
        ),
    ),
    "prefill.bad_duration": (
        N_("“{value}” is not a duration."),
        N_("Write a number and a unit: 30m, 2h or 3d."),
    ),
    "prefill.not_found": (
        N_("{path} does not exist."),
        N_("Give a pre-filled link, or the file that holds one."),
    ),
    # -- command line: composer.compose, composer.provenance, composer.mail_setup --
    "history.ambiguous": (
        COUNTED["history.ambiguous"].singular,
        N_("Type more of the request's id, or its whole reference code."),
    ),
    "bundle.profile_mismatch": (
        N_("{path} was made for {made_for} ({made_for_id}), not for {given} ({given_id})."),
        N_("Send it without --profile, or with the profile of {made_for}."),
    ),
    "bundle.profile_unreadable": (
        N_("The copy of {made_for}'s profile in {path} cannot be used by this version."),
        N_("Send it with --profile and the profile your provider gave you."),
    ),
    "cli.field_syntax": (
        N_("“{value}” is not NAME=VALUE."),
        N_("Write each field as --field NAME=VALUE, for example --field domain=example.com."),
    ),
    "cli.field_unknown": (
        N_("The form has no field “{name}”."),
        N_("Use one of: {names}."),
    ),
    "cli.field_choice": (
        N_("“{value}” is not a choice for {name}."),
        N_("Use one of: {choices}."),
    ),
    "cli.question_unknown": (
        N_("The chosen kind of problem asks no question “{name}”."),
        N_("Its questions are: {names}. Set --field category=... first."),
    ),
    "cli.not_ready": (
        COUNTED["cli.not_ready"].singular,
        N_("Fix each one in the list, the same as the form asks, then run the command again."),
    ),
    "cli.output_missing": (
        N_("No file to write the request to was given."),
        N_("Add --output FILE.zip, for example --output request.zip."),
    ),
    "cli.follow_up_empty": (
        N_("The follow-up has no text."),
        N_("Write what you want to add with --text, or --text - to read it from standard input."),
    ),
    "mail.host_missing": (
        N_("The mail server is missing."),
        N_("Type the name of your mail server, for example mail.example.com."),
    ),
    "mail.password_missing": (
        N_("The password of your mailbox is missing."),
        N_("Type the password of your mailbox, or leave the user name empty."),
    ),
    "mail.invalid": (
        N_("The mail settings cannot be used: {reason}"),
        N_("Check the port (1 to 65535) and the encryption: starttls, tls or none."),
    ),
}


def describe(code: str, params: dict[str, Any] | None = None) -> tuple[str, str]:
    """The translated sentence and "what to do next" for an error ``code``."""
    message, next_step = MESSAGES.get(code, MESSAGES["internal"])
    values = _SafeDict(params or {})
    counted, count = COUNTED.get(code), values.get("count")
    if counted is not None and isinstance(count, int):
        return ngettext(counted.singular, counted.plural, count).format_map(values), _(next_step).format_map(
            values
        )
    return _(message).format_map(values), _(next_step).format_map(values)


class _SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
