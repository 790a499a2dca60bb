"""``request-composer send`` killed with SIGKILL at random moments while it e-mails a real RT.

The full campaign is ``python -m benchmarks.delivery_kill_rt``; this runs a
few requests of it (CI has 2 CPUs): one ticket each, each entry ``sent``
with RT's number, none left ``sending``.
"""

from __future__ import annotations

import sys

import pytest

from benchmarks.delivery_kill_rt import run


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_while_emailing_rt_makes_one_ticket_each_and_leaves_nothing_stuck() -> None:
    figures = run(6, seed=11, wait=20.0)
    assert figures.missing == 0
    assert figures.duplicated == 0
    assert figures.once == figures.requests == figures.tickets
    assert figures.wrong_number == 0
    assert figures.stuck == 0
    assert figures.kills >= 1
