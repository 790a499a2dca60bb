"""Readiness coaching: what the request still lacks, and why the agent needs it.

:func:`assess` looks at a request the way a support agent would and returns
problems (which block saving or sending: an unusable e-mail address, say)
and advice (what will otherwise come back as a question: the mailbox for a
mail problem, the exact error text). Each item has a code, the field it is
about and a translated sentence, so the UI can point at the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from composer.critical import critical_advice
from composer.errors import Problem, ValidationError, describe
from composer.i18n import N_, _
from composer.model import Request, Urgency, normalise_domain, validate_email
from composer.policy import filing_for, may_file
from composer.profile import ProviderProfile

__all__ = ["ADVICE", "GENERIC_NEEDS", "NOTE_CODES", "Readiness", "assess"]

# Advice codes: (what is missing, why the agent needs it).
ADVICE: dict[str, tuple[str, str]] = {
    "advice.summary": (
        N_("Say in one line what is wrong."),
        N_("The agent sees this line first, in a list of many requests."),
    ),
    "advice.account": (
        N_("Name the mailbox or account, e.g. sales@example.com."),
        N_("The agent must know which of your mailboxes or logins to look at."),
    ),
    "advice.device": (
        N_("Say which device you use (computer, phone, tablet) and its system."),
        N_("It tells a problem on your device apart from one on the server."),
    ),
    "advice.client": (
        N_("Say which program you use, e.g. Outlook 2021 or Chrome."),
        N_("Settings and error messages differ from program to program."),
    ),
    "advice.error_text": (
        N_("Paste the exact error message."),
        N_("The exact words often name the cause at once; a paraphrase hides it."),
    ),
    "advice.started_at": (
        N_("Say when it started, e.g. “yesterday around 15:00”."),
        N_("The agent can look for that moment in the server's logs."),
    ),
    "advice.worked_before": (
        N_("Say whether it worked before."),
        N_("Something that stopped working is searched for differently from something never set up."),
    ),
    "advice.tried": (N_("Say what you already tried."), N_("The agent will not ask you to do it again.")),
    "advice.attachments": (
        N_("Attach a screenshot of the error, or the message that bounced."),
        N_("A picture of exactly what you see answers many questions at once."),
    ),
    "advice.details": (
        N_("Say in a few sentences what happens, or paste the error message."),
        N_("Without the kind of problem, the agent learns what is wrong only from your words."),
    ),
    "advice.question": (
        N_("Answer: {question}"),
        N_("The agent would otherwise ask you this and wait for the answer."),
    ),
    "advice.role_category": (
        N_("Your role ({role}) may not be allowed to file this kind of request."),
        N_(
            "{provider} accepts it only from another contact of the account; ask them, "
            "or file it from their address."
        ),
    ),
    "advice.admin_address": (
        N_("Changes must be requested from the account's administrator address."),
        N_("{provider} only acts on changes that come from the owner's e-mail address, for your security."),
    ),
    "advice.vague": (
        N_("“{phrase}” does not say what happens. {question}"),
        N_("The agent would ask you exactly this first, and wait for your answer."),
    ),
    "advice.pressure": (
        N_("Choose the urgency below instead of writing “{phrase}”."),
        N_("Support sorts requests by their urgency and facts; an outage is handled first in any case."),
    ),
    "advice.tone": (
        N_("Please keep the request factual and polite."),
        N_("{provider} may refuse requests with abusive language; a calm, exact request is answered sooner."),
    ),
    "advice.critical_unsupported": (
        N_(
            "Is it really critical? For “{category}” {urgency} is usual, and nothing says "
            "the whole service is down."
        ),
        N_(
            "Critical is for outages (the whole site or all mail down) and security incidents, which are "
            "handled first. {target}"
        ),
    ),
    "advice.critical_often": (
        N_("Requests you marked critical in the last 30 days: {count}."),
        N_("Please keep critical for outages and security incidents, so that those are answered first."),
    ),
    "advice.critical_written": (
        N_("Critical problems are handled day and night, in writing."),
        N_("Send this request rather than calling: the phone line keeps office hours."),
    ),
}


# Advice that informs rather than asks for something: it never lowers the score,
# never takes a step's tick away and never stands between the request and "ready".
NOTE_CODES = frozenset(
    {
        "advice.critical_written",
        "advice.role_category",
        "advice.admin_address",
        "advice.pressure",
        "advice.tone",
        "advice.critical_unsupported",
        "advice.critical_often",
    }
)

# What an agent needs to act without asking back, when the kind of problem does not say
# (none chosen yet, or "Something else"): the facts every provider asks for.
GENERIC_NEEDS = ("domain", "account", "error_text", "started_at", "device", "client")
# Advice codes for the facts without which the agent must ask back (the essentials);
# the other advice (summary, what was tried, a screenshot) helps but is not essential.
_ESSENTIAL_ADVICE = frozenset(
    {
        "advice.account",
        "advice.device",
        "advice.client",
        "advice.error_text",
        "advice.started_at",
        "advice.question",
        "advice.details",
    }
)


@dataclass(frozen=True)
class Readiness:
    """What stands between the request and one the agent can act on without asking back.

    ``score`` is the one number shown everywhere (the side bar on every step, the
    review): the share of what the agent needs for this kind of problem that the
    request already has, essentials counting double. ``ready`` is true only when
    nothing blocks sending and no essential is missing.
    """

    problems: tuple[Problem, ...]
    advice: tuple[Problem, ...]
    score: int
    #: every field the agent needs for this kind of problem (met or not), by readiness field name
    needed: tuple[str, ...] = ()

    @property
    def can_send(self) -> bool:
        return not self.problems

    @property
    def missing_essentials(self) -> tuple[Problem, ...]:
        return tuple(a for a in self.advice if a.code in _ESSENTIAL_ADVICE)

    @property
    def ready(self) -> bool:
        """Sendable, and the agent would not have to ask back for an essential."""
        return self.can_send and not self.missing_essentials

    def gaps(self) -> tuple[Problem, ...]:
        """Problems and advice that ask for something (not the information notes)."""
        return tuple(i for i in (*self.problems, *self.advice) if i.code not in NOTE_CODES)


def advice_text(item: Problem) -> tuple[str, str]:
    """The translated sentence and reason of an advice or problem item."""
    if item.code in ADVICE:
        message, why = ADVICE[item.code]
        return _(message).format_map(item.params), _(why).format_map(item.params)
    return describe(item.code, item.params)


def assess(
    request: Request, profile: ProviderProfile, *, now: datetime | None = None, recent_critical: int = 0
) -> Readiness:
    """Check a request as an agent would; ``now`` is only used for time checks.

    ``recent_critical`` is how many of the user's requests of the last 30
    days were marked critical (:func:`composer.critical.recent_critical`).
    """
    problems: list[Problem] = []
    advice: list[Problem] = []
    category = profile.category(request.category)
    generic = category is None or category.id == "other"
    needs: set[str] = set(GENERIC_NEEDS) if generic else set(category.needs) if category else set()

    if not request.requester.name.strip():
        problems.append(Problem("name.empty", "requester.name"))
    _check(problems, "requester.email", lambda: validate_email(request.requester.email))
    if not request.category:
        problems.append(Problem("category.empty", "category"))
    if request.domain.strip() or "domain" in needs:
        _check(problems, "domain", lambda: normalise_domain(request.domain))
    if request.account.strip() and category is not None and category.account_is_mailbox:
        _check(problems, "account", lambda: validate_email(request.account, code="account.invalid"))
    if not (request.description.strip() or request.error_text.strip() or request.summary.strip()):
        problems.append(Problem("description.empty", "description"))
    elif generic and not request.error_text.strip() and _words(request.description) < _DETAIL_WORDS:
        # "mail doesn't work!!! ASAP": with no kind of problem, the agent needs it in words
        advice.append(Problem("advice.details", "description", blocking=False))

    if not request.summary.strip():
        advice.append(Problem("advice.summary", "summary", blocking=False))
    if "account" in needs and not request.account.strip():
        advice.append(Problem("advice.account", "account", blocking=False))
    if "device" in needs and not (request.device.strip() or request.operating_system.strip()):
        advice.append(Problem("advice.device", "device", blocking=False))
    if "client" in needs and not request.client.strip():
        advice.append(Problem("advice.client", "client", blocking=False))
    if "error_text" in needs and not request.error_text.strip():
        advice.append(Problem("advice.error_text", "error_text", blocking=False))
    if "started_at" in needs and request.started_at is None:
        advice.append(Problem("advice.started_at", "started_at", blocking=False))
    if category is not None and category.id not in {"billing", "change_request"}:
        if request.worked_before.value == "unknown":
            advice.append(Problem("advice.worked_before", "worked_before", blocking=False))
        if not request.tried.strip():
            advice.append(Problem("advice.tried", "tried", blocking=False))
    if category is not None and "error_text" in needs and not request.attachments:
        advice.append(Problem("advice.attachments", "attachments", blocking=False))
    if category is not None:
        for question in category.questions:
            if question.required and not request.answers.get(question.id, "").strip():
                advice.append(
                    Problem(
                        "advice.question",
                        f"answers.{question.id}",
                        {"question": _(question.label)},
                        blocking=False,
                    )
                )
        _role_advice(request, profile, advice)
    _wording_advice(request, profile, advice)
    advice.extend(critical_advice(request, profile, recent=recent_critical))
    if request.urgency is Urgency.CRITICAL and profile.support.critical_always_open:
        advice.append(Problem("advice.critical_written", "urgency", blocking=False))

    needed = _needed_fields(request, profile, needs)
    return Readiness(tuple(problems), tuple(advice), _score(needed, problems, advice), tuple(needed))


_DETAIL_WORDS = 12
# Fields every request is judged on besides the category's needs; (field, essential).
_ALWAYS = (
    ("requester.name", True),
    ("requester.email", True),
    ("category", True),
    ("description", True),
    ("summary", False),
)


def _words(text: str) -> int:
    return len(text.split())


def _needed_fields(request: Request, profile: ProviderProfile, needs: set[str]) -> dict[str, bool]:
    """Every field the agent needs for this request, and whether it is essential."""
    category = profile.category(request.category)
    needed = dict(_ALWAYS)
    for field in ("domain", "account", "device", "client", "error_text", "started_at"):
        if field in needs:
            needed[field] = True
    if category is not None:
        for question in category.questions:
            if question.required:
                needed[f"answers.{question.id}"] = True
        if category.id not in {"billing", "change_request"}:
            needed["worked_before"] = False
            needed["tried"] = False
        if "error_text" in needs:
            needed["attachments"] = False
    return needed


def _score(needed: dict[str, bool], problems: list[Problem], advice: list[Problem]) -> int:
    """The share of the needed fields that are there, essentials counting double."""
    missing = {item.field for item in (*problems, *advice) if item.code not in NOTE_CODES}
    total = sum(2 if essential else 1 for essential in needed.values())
    met = sum(2 if essential else 1 for field, essential in needed.items() if field not in missing)
    return round(100 * met / total) if total else 100


def _wording_advice(request: Request, profile: ProviderProfile, advice: list[Problem]) -> None:
    """Vague words get the agent's first question; pressure and abuse get a polite note."""
    from composer.vague import agent_question, judge

    words = f"{request.summary}\n{request.description}"
    verdict = judge(words, has_error_text=bool(request.error_text.strip()))
    if verdict.is_vague:
        advice.append(
            Problem(
                "advice.vague",
                "description",
                {"phrase": verdict.vague[0], "question": _(agent_question(_kind_of(request, verdict.topic)))},
                blocking=False,
            )
        )
    if verdict.pressure or verdict.shouting:
        phrase = verdict.pressure[0] if verdict.pressure else "!!!"
        advice.append(Problem("advice.pressure", "urgency", {"phrase": phrase}, blocking=False))
    if verdict.abusive:
        advice.append(
            Problem("advice.tone", "description", {"provider": profile.provider.name}, blocking=False)
        )


def _kind_of(request: Request, topic: str) -> str:
    """The chosen kind of problem, or when none (or "other") is chosen, what the words are about."""
    if request.category and request.category != "other":
        return request.category
    return topic or "other"


def _role_advice(request: Request, profile: ProviderProfile, advice: list[Problem]) -> None:
    from composer.model import ROLE_LABELS

    role = request.requester.role
    params = {"role": _(ROLE_LABELS[role]), "provider": profile.provider.name}
    if not may_file(profile, role.value, request.category):
        advice.append(Problem("advice.role_category", "requester.role", params, blocking=False))
    if filing_for(profile, request).code in {"filing.admin_mismatch", "filing.admin_needed"}:
        advice.append(Problem("advice.admin_address", "requester.email", params, blocking=False))


def _check(problems: list[Problem], field: str, check: Callable[[], object]) -> None:
    try:
        check()
    except ValidationError as error:
        problems.append(Problem(error.code, field, error.params))
