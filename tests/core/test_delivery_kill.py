"""The real ``request-composer send`` killed with SIGKILL at random moments: each request arrives once.

The full figure (50 requests) comes from ``python -m benchmarks.delivery_kill``;
this test runs 30 of them to stay well inside the per-test time limit.
"""

from __future__ import annotations

import sys

import pytest

from benchmarks.delivery_kill import run


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_sigkill_while_sending_loses_nothing_and_duplicates_nothing() -> None:
    figures = run(30, seed=7)
    assert figures.missing == 0
    assert figures.duplicates == 0
    assert figures.tickets == 30
    assert figures.kills > 10
