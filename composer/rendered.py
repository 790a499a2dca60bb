"""The request as it leaves: rendered once, at Send, in the provider's language, then kept.

When the user presses Send, :func:`render_request` writes the subject and the
text in the language the provider's agents read (the first of the profile's
``provider.languages``; the customer's own words stay as typed). The outbox
stores that :class:`RenderedRequest` with the entry, and every channel sends
it as stored, on the first try and on every retry, after a restart or after
the user switched the window to another language: what the agent receives
is byte for byte what the review showed. Only an entry written by an older
version, without a stored text, is rendered when it is first sent, and that
text is stored before a byte leaves (:func:`composer.outbox.rendered_for`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import ConfigDict

from composer.basemodel import Model

if TYPE_CHECKING:
    from composer.model import Request
    from composer.profile import ProviderProfile

__all__ = ["RenderedRequest", "render_request", "request_language"]


class RenderedRequest(Model):
    """The subject and text of one request, in one language, exactly as they are sent.

    Attributes:
        language: the language the app's words are in (the provider's).
        subject: the e-mail subject (also what the user looks for in the provider's answer).
        text: the body an agent reads: the e-mail's text part, the intake
            document's ``text``, the bundle's ``request.txt``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    language: str
    subject: str
    text: str


def request_language(profile: ProviderProfile) -> str:
    """The language the provider's agents read requests in: the first of ``provider.languages``."""
    languages = profile.provider.languages
    return languages[0] if languages else "en"


def render_request(
    request: Request, profile: ProviderProfile, *, language: str | None = None
) -> RenderedRequest:
    """The request's subject and text in ``language`` (the provider's by default)."""
    from composer.render import render_subject, render_text

    chosen = language or request_language(profile)
    return RenderedRequest(
        language=chosen,
        subject=render_subject(request, profile, language=chosen),
        text=render_text(request, profile, language=chosen),
    )
