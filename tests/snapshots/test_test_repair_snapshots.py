"""Test repair as the user sees it: the failure list on the Tests screen, and the review whose
verdict is the test run on a mirror.

Regenerate with `pytest tests/snapshots/test_test_repair_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from haikutui.tui.screens.test_review import TestReviewScreen
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import build_app
from tests.functional.pilot import settle
from tests.testrepair.conftest import BUG, FIXED, calc_repo, venv_with_pytest  # noqa: F401

SIZE = (110, 32)
Snap = Callable[..., bool]


def test_tests_screen_lists_the_failures(snap_compare: Snap, calc_repo: Path) -> None:  # noqa: F811
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)

    assert snap_compare(build_app(calc_repo), terminal_size=SIZE, run_before=run_before)


def test_review_carries_the_test_verdict(
    snap_compare: Snap,
    calc_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    fake_api.script(
        tool_reply(
            str_replace("calc/stats.py", BUG, FIXED),
            text="Fixing the code: mean divides by n + 1.",
        )
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TestReviewScreen)
        await settle(pilot)

    assert snap_compare(build_app(calc_repo), terminal_size=SIZE, run_before=run_before)
