"""Escalation up the ladder, Esc during a stream, and failures that leave the app standing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from haikutui.model.client import KEY_HINT
from haikutui.tui.screens.key_entry import KeyEntryScreen
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.widgets.prompt_bar import PromptBar
from haikutui.tui.widgets.status_bar import StatusBar
from tests.conftest import CORE_PY
from tests.fake_api import FakeAnthropic, error_reply, str_replace, text_reply, tool_reply
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import ask, open_file, select_lines, settle, status_text

WEAK = str_replace("core.py", "range(len(values) + 1)", "range(len(values) + 0)")
STRONG = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")


def prompt_of(request_json: dict[str, object] | None) -> str:
    assert request_json is not None
    messages = request_json["messages"]
    assert isinstance(messages, list)
    return str(messages[0]["content"][1]["text"])


async def wait_for_request(fake: FakeAnthropic, count: int) -> None:
    await asyncio.to_thread(fake.wait_for_requests, count)


async def test_escalate_from_review_replaces_the_proposal(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(WEAK, text="Weak fix."), tool_reply(STRONG, text="Strong fix."))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await select_lines(pilot, 4, 4)
        await ask(pilot, "fix the off by one")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is screen  # replaced in place
        assert screen.proposal.model == "claude-sonnet-4-6"
        assert "strong · claude-sonnet-4-6" in str(screen.query_one("#review-header").render())
        assert "◆ strong" in str(screen.query_one(StatusBar).render())
        await pilot.press("a")
        await settle(pilot)
    assert "range(len(values)):" in (repo_dir / "core.py").read_text()
    first, second = fake_api.message_requests
    assert first.model == "claude-haiku-4-5"
    assert second.model == "claude-sonnet-4-6"
    assert "range(len(values) + 0)" in prompt_of(second.json)  # the weaker proposal
    assert "claude-haiku-4-5" in prompt_of(second.json)


async def test_escalate_at_the_top_rung_says_so(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(STRONG))
    app = build_app(repo_dir, model="opus")
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("e")
        await settle(pilot)
        assert "already on the strongest rung" in status_text(app)
    assert len(fake_api.message_requests) == 1


async def test_escape_cancels_a_slow_stream(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(STRONG, delay=5.0))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await wait_for_request(fake_api, 1)
        await pilot.pause()
        assert "esc cancel" in status_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "cancelled; nothing written" in status_text(app)
    assert (repo_dir / "core.py").read_text() == CORE_PY


async def test_escalate_while_streaming(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(WEAK, delay=5.0), tool_reply(STRONG))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await wait_for_request(fake_api, 1)
        await pilot.pause()
        assert "esc cancel" in status_text(app)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.proposal.model == "claude-sonnet-4-6"
    assert [r.model for r in fake_api.message_requests] == ["claude-haiku-4-5", "claude-sonnet-4-6"]


async def test_cycle_rung_sets_the_next_request(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(tool_reply(STRONG))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await pilot.press("m")
        assert "strong" in str(app.screen.query_one(PromptBar).rung)
        assert "◆ strong · claude-sonnet-4-6" in status_text(app)
        await pilot.press("m", "m")
        assert "◆ fast" in status_text(app)
        await pilot.press("m")
        await ask(pilot, "fix it")
        await settle(pilot)
    assert fake_api.message_requests[0].model == "claude-sonnet-4-6"


async def test_no_key_says_how_and_sends_nothing(repo_dir: Path) -> None:
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        # The masked key input opens over the main screen; backing out sends nothing.
        assert isinstance(app.screen, KeyEntryScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert KEY_HINT in status_text(app)


async def test_overloaded_is_one_line_and_escalation_still_works(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(
        error_reply(529, "overloaded_error", "Overloaded"),
        error_reply(529, "overloaded_error", "Overloaded"),
        error_reply(529, "overloaded_error", "Overloaded"),
        tool_reply(STRONG),
    )
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "overloaded (529)" in status_text(app)
        assert "\n" not in status_text(app)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
    second = fake_api.message_requests[-1]
    assert second.model == "claude-sonnet-4-6"
    assert "overloaded" in prompt_of(second.json)


async def test_no_change_reply_is_one_line(repo_dir: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(text_reply("The code is already correct."))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "proposed no change: The code is already correct." in status_text(app)
