"""The six steps of the form, each built the first time something needs it.

Building every step at start cost the first window about a third of its
time: the step modules and what they import (the capture panel, the
checks' runner, the review's preview, babel's unit data for file sizes)
are not needed to show step 1. :class:`StepPages` is the window's
``steps``: a sequence that builds a step when it is indexed (or iterated,
which builds them all), so code that reaches into ``window.steps[...]``
keeps working. The window asks only :meth:`StepPages.built` where it must
not build (re-translating, re-loading, closing), and builds the others
itself one at a time once the first paint is done
(:meth:`StepPages.build_next`).

The keys are the steps' stable identifiers (``step.<key>`` is a step's
objectName); they and their titles are in :mod:`composer.ui.step_titles`
so that the step list can show them before a step is built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, overload

from composer.i18n import _
from composer.ui.step_titles import STEP_KEYS, STEP_TITLES
from composer.ui.steps.base import Step

if TYPE_CHECKING:
    from composer.diagnostics.settings import DiagnosticsSettings
    from composer.ui.controller import DraftController
    from composer.ui.steps.who import WhoStep

__all__ = ["STEP_KEYS", "StepPages", "step_builders"]


@dataclass(frozen=True)
class ChecksOptions:
    """What the checks step is built with (see :class:`composer.ui.steps.checks.ChecksStep`)."""

    settings: DiagnosticsSettings | Callable[[], DiagnosticsSettings] | None
    autostart: bool
    cache_dir: Path | None


def step_builders(
    controller: DraftController, checks: ChecksOptions, *, shown_who: WhoStep | None = None
) -> list[Callable[[], Step]]:
    """One function per step (in :data:`STEP_KEYS` order) that imports its module and builds it.

    ``shown_who`` is a first step already on the screen, built without the draft
    (the app's start, :mod:`composer.ui.start_window`): it is joined to the draft
    instead of building another.
    """

    def who() -> Step:
        if shown_who is not None:
            shown_who.attach(controller)
            return shown_who
        from composer.ui.steps.who import WhoStep

        return WhoStep(controller)

    def affected() -> Step:
        from composer.ui.steps.affected import AffectedStep

        return AffectedStep(controller)

    def checks_step() -> Step:
        from composer.ui.steps.checks import ChecksStep

        return ChecksStep(controller, checks.settings, autostart=checks.autostart, cache_dir=checks.cache_dir)

    def happens() -> Step:
        from composer.ui.steps.happens import HappensStep

        return HappensStep(controller)

    def evidence() -> Step:
        from composer.ui.steps.evidence import EvidenceStep

        return EvidenceStep(controller)

    def review() -> Step:
        from composer.ui.steps.review import ReviewStep

        return ReviewStep(controller)

    return [who, affected, checks_step, happens, evidence, review]


class StepPages(Sequence[Step]):
    """The steps of the form; indexing one builds it (then ``on_built(index, step)`` runs)."""

    def __init__(self, builders: list[Callable[[], Step]], on_built: Callable[[int, Step], None]) -> None:
        assert len(builders) == len(STEP_KEYS)
        self._builders = builders
        self._steps: list[Step | None] = [None] * len(builders)
        self._on_built = on_built

    def __len__(self) -> int:
        return len(self._builders)

    @overload
    def __getitem__(self, index: int) -> Step: ...

    @overload
    def __getitem__(self, index: slice) -> list[Step]: ...

    def __getitem__(self, index: int | slice) -> Step | list[Step]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        position = range(len(self))[index]  # negative indices, and IndexError past the end
        step = self._steps[position]
        if step is None:
            step = self._builders[position]()
            assert step.key == STEP_KEYS[position], step.key
            self._steps[position] = step
            self._on_built(position, step)
        return step

    def __iter__(self) -> Iterator[Step]:
        return (self[i] for i in range(len(self)))

    def key(self, index: int) -> str:
        """The key of the step at ``index``, without building it."""
        return STEP_KEYS[index]

    def title(self, index: int) -> str:
        """The title of the step at ``index`` in the current language, without building it."""
        return _(STEP_TITLES[STEP_KEYS[index]])

    def is_built(self, index: int) -> bool:
        return self._steps[index] is not None

    def built(self) -> list[Step]:
        """The steps built so far, in order."""
        return [step for step in self._steps if step is not None]

    def build_next(self) -> bool:
        """Build the first step not built yet; False when every step is built."""
        for index, step in enumerate(self._steps):
            if step is None:
                self[index]
                return True
        return False
