"""`c` on the review lets the model go on; `e` during a stream escalates the original request."""

from __future__ import annotations

import asyncio
from pathlib import Path

from haikutui.tui.screens.review import ReviewScreen
from tests.conftest import CORE_PY
from tests.fake_api import FakeAnthropic, str_replace, text_reply, tool_reply
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import ask, open_file, select_lines, settle, status_text

LOOP = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")
GUARD = str_replace("core.py", "/ len(values)", "/ max(1, len(values))")
FIXED = CORE_PY.replace("range(len(values) + 1)", "range(len(values))")


async def test_continue_merges_the_next_edits_into_the_proposal(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(
        tool_reply(LOOP, text="First I'll fix the loop, then I'll guard mean."),
        tool_reply(GUARD, text="Guarded mean."),
    )
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix the loop and guard mean")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        header = str(screen.query_one("#review-header").render())
        assert "announced more work than it made" in header
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is screen
        assert "announced more work" not in str(screen.query_one("#review-header").render())
        await pilot.press("a")
        await settle(pilot)
    assert len(fake_api.message_requests) == 2
    assert (repo_dir / "core.py").read_text() == FIXED.replace(
        "/ len(values)", "/ max(1, len(values))"
    )


async def test_continue_after_a_finished_reply_says_there_is_nothing_more(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(LOOP, text="Fixed."), text_reply("Nothing else to do."))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("c")  # allowed: the fast path held the results back
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("c")  # the model ended with words: nothing left to send
        await settle(pilot)
        assert "nothing to continue" in status_text(app)
    assert len(fake_api.message_requests) == 2


async def test_escalate_while_streaming_sends_no_prior(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    """A cancelled attempt is not an attempt: Sonnet gets the request as the user asked it."""
    fake_api.script(tool_reply(LOOP, delay=5.0), tool_reply(LOOP))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await select_lines(pilot, 4, 4)
        await ask(pilot, "fix it")
        await asyncio.to_thread(fake_api.wait_for_requests, 1)
        await pilot.pause()
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
    second = fake_api.message_requests[1].json
    assert second is not None and second["model"] == "claude-sonnet-4-6"
    sent = str(second["messages"])
    assert "earlier attempt" not in sent and "(no change)" not in sent
