"""`check_passed` in the request log: set for every request whose proposal was checked, so the
log says which model's output passed validation; Stats shows the share per rung."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from haikutui.model import request_log
from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.screens.stats import StatsScreen
from tests.checks.test_tui_verdict import BROKEN
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import screen_text
from tests.lint.steps import ask, open_file, settle

SWAP = str_replace("geo/shapes.py", "return w * h", "return h * w")


def test_the_cli_logs_whether_the_check_passed(
    geo_repo: Path, fake_api: FakeAnthropic, haikutui: Any
) -> None:
    fake_api.script(tool_reply(BROKEN), tool_reply(SWAP))
    assert haikutui(geo_repo, "fix", "geo/shapes.py:4", "-m", "rename", "--yes").code == 4
    assert haikutui(geo_repo, "fix", "geo/shapes.py:5", "-m", "swap", "--yes").code == 0
    records = request_log.read(geo_repo)
    assert [r.check_passed for r in records] == [False, True]
    assert records[0].run and records[0].run != records[1].run


async def test_the_review_logs_the_check_and_stats_shows_the_share_per_rung(
    geo_repo: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(SWAP), tool_reply(BROKEN))
    app = build_app(geo_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "geo/shapes.py")
        await ask(pilot, "swap")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("q")
        await settle(pilot)
        await ask(pilot, "rename area to surface")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("q")
        await settle(pilot)
        assert [r.check_passed for r in request_log.read(geo_repo)] == [True, False]
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        shown = "\n".join(screen_text(app))
        assert "Proposals that passed their check, per rung" in shown
        assert "fast       50%  (1 of 2)" in shown
