"""Ask, stream, review hunk by hunk, apply: the whole loop against the local fake API."""

from __future__ import annotations

from pathlib import Path

from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.widgets.diff_view import DiffView
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import LONG_PY, SIZE, build_app
from tests.functional.pilot import ask, open_file, select_lines, settle, status_text

BOUND_FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")
LAST_FIX = str_replace("core.py", "return values[len(values)]", "return values[len(values) - 1]")


async def test_ask_review_accept_one_reject_other_apply(
    long_repo: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(BOUND_FIX, LAST_FIX, text="Fixed both off-by-ones."))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await select_lines(pilot, 4, 5)
        await ask(pilot, "fix the off by one")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert len(screen.proposal.hunks) == 2
        header = str(screen.query_one("#review-header").render())
        assert "fast · claude-haiku-4-5" in header
        assert "+2 −2" in header
        assert "Fixed both off-by-ones." in header
        await pilot.press("y")  # accept the first hunk, move to the second
        assert screen.query_one(DiffView).current == 1
        await pilot.press("n")  # reject the second
        assert [h.accepted for _, h in screen.proposal.hunks] == [True, False]
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "applied to core.py" in status_text(app)

    text = (long_repo / "core.py").read_text()
    assert "range(len(values))" in text
    assert "return values[len(values)]" in text  # the rejected hunk is not written
    request = fake_api.message_requests[0].json
    assert request is not None and request["model"] == "claude-haiku-4-5"
    assert "lines 4-5" in request["messages"][0]["content"][1]["text"]


async def test_toggle_and_accept_all(long_repo: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(BOUND_FIX, LAST_FIX))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("space", "j", "space")
        assert [h.accepted for _, h in screen.proposal.hunks] == [False, False]
        await pilot.press("a")  # nothing accepted: one line, still reviewing
        assert "no hunk is accepted" in status_text(app)
        await pilot.press("A", "k")
        assert [h.accepted for _, h in screen.proposal.hunks] == [True, True]
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "nothing written" in status_text(app)
    assert (long_repo / "core.py").read_text() == LONG_PY


async def test_stale_file_is_refused_on_apply(long_repo: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(BOUND_FIX))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        (long_repo / "core.py").write_text("someone else edited this\n")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "core.py: changed on disk since the proposal; not written" in status_text(app)
    assert (long_repo / "core.py").read_text() == "someone else edited this\n"
