"""The Tests screen as a user drives it: T, the failures, Enter, the review with the test verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import OptionList

from haikutui.tui.screens.confirm import ConfirmScreen
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.test_review import TestReviewScreen
from haikutui.tui.screens.tests import TestsScreen
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import settle, status_text
from tests.testrepair.conftest import BUG, FIXED, STATS_PY, calc_repo  # noqa: F401

WRONG = str_replace("calc/stats.py", BUG, "return sum(values) / (len(values) + 0.5)")
RIGHT = str_replace("calc/stats.py", BUG, FIXED)


def header(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector).render())  # type: ignore[attr-defined]


async def test_list_pick_review_with_the_test_verdict_apply(
    calc_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    fake_api.script(tool_reply(RIGHT, text="Fixing the code: the mean divides by n + 1."))
    app = build_app(calc_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TestsScreen)
        assert "2 failed, 3 passed" in header(app, "#tests-header")
        failures = screen.query_one(OptionList)
        assert failures.option_count == 2
        shown = str(failures.get_option_at_index(0).prompt)
        assert "tests/test_stats.py:14" in shown and "test_mean" in shown
        assert "assert 499.000999000999 == 499.5" in shown
        assert "def test_mean():" in header(app, "#traceback")
        await pilot.press("enter")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, TestReviewScreen)
        await settle(pilot)
        top = header(app, "#review-header")
        assert "test_mean now passes, 3 neighbours pass" in top and "✗" not in top
        assert "fixes the code" in top
        assert (calc_repo / "calc" / "stats.py").read_text() == STATS_PY  # untouched so far
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, TestsScreen)
        await settle(pilot)
        assert "✓ 5 passed: nothing to fix" in header(app, "#tests-header")
        assert "applied to calc/stats.py; 5 passed" in status_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "applied to calc/stats.py" in status_text(app)
    assert (calc_repo / "calc" / "stats.py").read_text() == STATS_PY.replace(BUG, FIXED)
    assert len(fake_api.message_requests) == 1


async def test_a_fix_that_fails_its_test_offers_escalation_with_the_new_output(
    calc_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    fake_api.script(tool_reply(WRONG), tool_reply(RIGHT))
    app = build_app(calc_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(50):  # the ask comes after the model run and the mirror's tests
            if isinstance(app.screen, ConfirmScreen):
                break
            await pilot.pause(0.1)
        assert isinstance(app.screen, ConfirmScreen)
        assert len(fake_api.message_requests) == 1  # asked first: nothing sent yet
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TestReviewScreen)
        await settle(pilot)
        assert "test_mean now passes" in header(app, "#review-header")
    assert len(fake_api.message_requests) == 2
    second = fake_api.message_requests[1].json
    assert second is not None and second["model"] != "claude-haiku-4-5"
    sent = json.dumps(second["messages"])
    assert "(len(values) + 0.5)" in sent  # the failed attempt
    assert "test_mean still fails" in sent and "The test's new output" in sent
    assert (calc_repo / "calc" / "stats.py").read_text() == STATS_PY


async def test_esc_stops_a_slow_run(calc_repo: Path, fake_api: FakeAnthropic) -> None:  # noqa: F811
    (calc_repo / "tests" / "test_slow.py").write_text(
        "import time\n\n\ndef test_slow():\n    time.sleep(60)\n"
    )
    app = build_app(calc_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("T")
        for _ in range(100):
            await pilot.pause(0.1)
            if "running… " in header(app, "#tests-header"):
                break
        assert "running… " in header(app, "#tests-header")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TestsScreen)
        assert "cancelled; the tests were stopped" in header(app, "#tests-header")


async def test_a_hand_edit_in_the_test_review_runs_the_test_again(
    calc_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.functional.test_hand_edit import scripted_editor

    editor = scripted_editor(tmp_path, "/ len(values)", "/ (len(values) - 1)")
    monkeypatch.setenv("VISUAL", str(editor))
    fake_api.script(tool_reply(RIGHT))
    app = build_app(calc_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TestReviewScreen)
        await settle(pilot)
        assert "✓" in header(app, "#review-header")
        await pilot.press("E")
        await settle(pilot)
        top = header(app, "#review-header")
        assert "✗" in top and "test_mean still fails" in top
    assert (calc_repo / "calc" / "stats.py").read_text() == STATS_PY


async def test_a_reply_that_weakens_the_test_says_so_in_the_review_header(
    calc_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    weaken = str_replace(
        "tests/test_stats.py", "    assert mean(data) == 499.5", "    assert mean(data) > 0"
    )
    fake_api.script(tool_reply(weaken, text="Fixing the code."))
    app = build_app(calc_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TestReviewScreen)
        await settle(pilot)
        top = header(app, "#review-header")
        assert "⚠ changes the test, not the code: tests/test_stats.py:14 (the test)" in top
