"""Runs the checks of one diagnosis: all at once, each with its own timeout.

This is the one place that knows about concurrency. The checks are
coroutines; :func:`run_plan` runs them on a private asyncio event loop in the
calling thread, which is meant to be a worker thread (the UI's GUI thread
never calls it). Within a check, independent network exchanges are started
together through :func:`fan_out`, which is also the switch that makes the
whole diagnosis sequential for the benchmark.

- Every check has a timeout (its own, or ``settings.timeout``); a check that
  runs out becomes a ``diagnostics.timeout`` finding.
- A :class:`CancelToken` can be cancelled from any thread; running checks are
  cancelled at their next network wait, and the report says which were.
- Progress is reported check by check through a plain callable (the UI wraps
  it into Qt signals); it is called in the thread running the diagnosis.
- An exception in one check becomes a ``diagnostics.error`` finding; the
  others go on.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
import time
import traceback
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from composer.diagnostics.findings import make_finding, sort_findings
from composer.diagnostics.words import human_duration
from composer.i18n import _
from composer.model import CheckResult, CheckStatus, Finding, Report

if TYPE_CHECKING:
    from composer.diagnostics.settings import DiagnosticsSettings
    from composer.profile import ProviderProfile

__all__ = [
    "Analysis",
    "CancelToken",
    "Check",
    "CheckContext",
    "CheckOutput",
    "DiagnosisPlan",
    "ProgressEvent",
    "fan_out",
    "run_diagnostics",
    "run_plan",
    "shared",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

_SEQUENTIAL: contextvars.ContextVar[bool] = contextvars.ContextVar("sequential", default=False)
_SHARED: contextvars.ContextVar[dict[Hashable, asyncio.Future[Any]] | None] = contextvars.ContextVar(
    "shared", default=None
)


class CancelToken:
    """Cancels a running diagnosis; safe to use from any thread."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        """Ask every running check to stop; checks not yet started are skipped."""
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks = list(self._callbacks)
        for callback in callbacks:
            callback()

    def add_callback(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` on cancellation (at once if already cancelled); returns a remover."""
        with self._lock:
            already = self._event.is_set()
            if not already:
                self._callbacks.append(callback)
        if already:
            callback()

        def remove() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return remove


@dataclass(frozen=True)
class CheckOutput:
    """What a check found, and the facts later analyses may need.

    ``reached_network`` is True when at least one server answered, False when
    the check tried and nothing answered, None when it did not use the network.
    """

    findings: tuple[Finding, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)
    reached_network: bool | None = None


@dataclass(frozen=True)
class CheckContext:
    """What a check is told: the domain (A-label), the profile, the settings."""

    domain: str
    profile: ProviderProfile
    settings: DiagnosticsSettings
    name: str
    registrable: str = ""

    def __post_init__(self) -> None:
        if not self.registrable:
            object.__setattr__(self, "registrable", self.domain)


CheckFunction = Callable[[CheckContext], Awaitable[CheckOutput]]
# An analysis sees every check's output and the findings so far; it returns
# the new list of findings (it may add, or drop what an outage makes moot).
Analysis = Callable[[Mapping[str, CheckOutput], list[Finding]], list[Finding]]


@dataclass(frozen=True)
class Check:
    """One independent check; ``title`` is marked with ``N_`` and formatted with ``params``."""

    name: str
    title: str
    run: CheckFunction
    params: Mapping[str, Any] = field(default_factory=dict)
    timeout: float | None = None

    def display_title(self) -> str:
        return _(self.title).format(**self.params)


@dataclass(frozen=True)
class DiagnosisPlan:
    """Everything one diagnosis will do; built by :func:`composer.diagnostics.build_plan`."""

    domain: str
    profile: ProviderProfile
    settings: DiagnosticsSettings
    checks: tuple[Check, ...]
    analyses: tuple[Analysis, ...] = ()
    registrable: str = ""


@dataclass(frozen=True)
class ProgressEvent:
    """A check started (``RUNNING``) or ended (any other status)."""

    check: str
    title: str
    status: CheckStatus
    done: int
    total: int
    result: CheckResult | None = None
    findings: tuple[Finding, ...] = ()


ProgressCallback = Callable[[ProgressEvent], None]


async def fan_out(awaitables: Iterable[Awaitable[T]]) -> list[T | BaseException]:
    """Await independent exchanges together; results (or exceptions) in the given order.

    In sequential mode (the benchmark's baseline) they run one after another.
    Cancellation is not swallowed: it propagates to the caller.
    """
    items = list(awaitables)
    if _SEQUENTIAL.get():
        results: list[T | BaseException] = []
        for item in items:
            try:
                results.append(await item)
            except Exception as exc:
                results.append(exc)
        return results
    gathered = await asyncio.gather(*items, return_exceptions=True)
    for result in gathered:
        if isinstance(result, asyncio.CancelledError):
            raise result
    return list(gathered)


async def shared(key: Hashable, factory: Callable[[], Awaitable[T]]) -> T:
    """The result of ``factory()``, computed once per diagnosis for ``key``.

    Checks that need the same exchange (the address of ``www.example.com``, the
    answer to one DNS question) wait for the same one instead of repeating it.
    Outside a diagnosis it simply awaits ``factory()``.
    """
    memo = _SHARED.get()
    if memo is None:
        return await factory()
    future = memo.get(key)
    if future is None:
        future = asyncio.ensure_future(factory())
        memo[key] = future
    result: T = await asyncio.shield(future)
    return result


def run_plan(
    plan: DiagnosisPlan,
    *,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    sequential: bool = False,
) -> Report:
    """Run every check of ``plan`` and return the report; blocks until all have ended.

    Call it from a worker thread with no running event loop. Never raises for a
    check's failure: those are findings. ``sequential`` runs one exchange at a
    time (for measuring what the concurrency saves).
    """
    token = cancel or CancelToken()
    context = contextvars.copy_context()
    context.run(_SEQUENTIAL.set, sequential)
    return context.run(asyncio.run, _run(plan, on_progress, token))


def run_diagnostics(
    domain: str,
    profile: ProviderProfile,
    settings: DiagnosticsSettings,
    *,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    sequential: bool = False,
) -> Report:
    """Diagnose ``domain`` (as typed: IDN and pasted URLs are fine) and return the report.

    Raises:
        ValidationError: ``domain`` is not a domain name.
    """
    from composer.diagnostics.plan import build_plan

    return run_plan(
        build_plan(domain, profile, settings),
        on_progress=on_progress,
        cancel=cancel,
        sequential=sequential,
    )


async def _run(plan: DiagnosisPlan, on_progress: ProgressCallback | None, token: CancelToken) -> Report:
    started = datetime.now(UTC)
    loop = asyncio.get_running_loop()
    total = len(plan.checks)
    outputs: dict[str, CheckOutput] = {}
    results: dict[str, CheckResult] = {}
    tasks: list[asyncio.Task[None]] = []

    def emit(event: ProgressEvent) -> None:
        if on_progress is None:
            return
        try:
            on_progress(event)
        except Exception:  # a broken listener must not stop the diagnosis
            log.exception("progress callback failed")

    def cancel_all() -> None:
        for task in tasks:
            task.cancel()

    async def run_one(check: Check) -> None:
        context = CheckContext(plan.domain, plan.profile, plan.settings, check.name, plan.registrable)
        title = check.display_title()
        if token.cancelled:
            status, output, error = CheckStatus.CANCELLED, CheckOutput(), ""
            elapsed = 0.0
        else:
            emit(ProgressEvent(check.name, title, CheckStatus.RUNNING, len(results), total))
            begin = time.monotonic()
            status, output, error = await _guarded(check, context, title, plan.settings.timeout)
            elapsed = time.monotonic() - begin
        outputs[check.name] = output
        result = CheckResult(name=check.name, status=status, duration_ms=round(elapsed * 1000), error=error)
        results[check.name] = result
        emit(ProgressEvent(check.name, title, status, len(results), total, result, output.findings))

    def wake() -> None:
        loop.call_soon_threadsafe(cancel_all)

    remove = token.add_callback(wake)
    memo: dict[Hashable, asyncio.Future[Any]] = {}
    _SHARED.set(memo)
    try:
        if _SEQUENTIAL.get():
            for check in plan.checks:
                task = asyncio.ensure_future(run_one(check))
                tasks.append(task)
                await asyncio.gather(task, return_exceptions=True)
        else:
            tasks.extend(asyncio.ensure_future(run_one(check)) for check in plan.checks)
            # a task cancelled before it reached its check ends in CancelledError: it is
            # reported below as cancelled, like the checks that noticed the cancellation
            await asyncio.gather(*tasks, return_exceptions=True)
        for check in plan.checks:
            if check.name not in results:
                outputs[check.name] = CheckOutput()
                results[check.name] = CheckResult(
                    name=check.name, status=CheckStatus.CANCELLED, error="cancelled"
                )
                emit(
                    ProgressEvent(
                        check.name,
                        check.display_title(),
                        CheckStatus.CANCELLED,
                        len(results),
                        total,
                        results[check.name],
                    )
                )
    finally:
        remove()
        pending = [future for future in memo.values() if not future.done()]
        for future in pending:
            future.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for future in memo.values():
            if not future.cancelled():
                future.exception()  # retrieved, so asyncio does not log it

    findings = [f for check in plan.checks for f in outputs[check.name].findings]
    for analysis in plan.analyses:
        try:
            findings = analysis(outputs, findings)
        except Exception as exc:
            log.exception("analysis failed")
            findings.append(
                make_finding(
                    "diagnostics.error", check="analysis", detail=_format_exception(exc), name="analysis"
                )
            )
    environment = dict(outputs["environment"].facts) if "environment" in outputs else {}
    return Report(
        domain=plan.domain,
        started_at=started,
        finished_at=datetime.now(UTC),
        findings=tuple(sort_findings(_unique(findings))),
        checks=tuple(results[check.name] for check in plan.checks),
        environment=_plain(environment),
    )


async def _guarded(
    check: Check, context: CheckContext, title: str, default_timeout: float
) -> tuple[CheckStatus, CheckOutput, str]:
    seconds = check.timeout or default_timeout
    try:
        async with asyncio.timeout(seconds):
            output = await check.run(context)
    except TimeoutError:
        family = check.name.split(".", 1)[0]
        finding = make_finding(
            "diagnostics.timeout",
            check=check.name,
            name=title,
            seconds=f"{seconds:g}",
            seconds_text=human_duration(seconds),
            variant=family if family in {"dns", "registration", "web", "mail"} else "",
            **{k: v for k, v in check.params.items() if k not in {"name", "variant"}},
        )
        return CheckStatus.TIMEOUT, CheckOutput(findings=(finding,)), "timeout"
    except asyncio.CancelledError:
        return CheckStatus.CANCELLED, CheckOutput(), "cancelled"
    except Exception as exc:
        log.exception("check %s failed", check.name)
        finding = make_finding(
            "diagnostics.error", check=check.name, name=title, detail=_format_exception(exc)
        )
        return CheckStatus.FAILED, CheckOutput(findings=(finding,)), type(exc).__name__
    return CheckStatus.DONE, output, ""


def _format_exception(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)).strip()


def _unique(findings: Sequence[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str]] = set()
    unique: list[Finding] = []
    for finding in findings:
        key = (finding.code, finding.title, finding.detail)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
