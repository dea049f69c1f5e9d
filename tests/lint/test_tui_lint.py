"""Acceptance 4, pilot side: the diagnostics panel, the lint key and palette, `ask` escalation."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.pilot import Pilot
from textual.screen import Screen

from haikutui.tui.screens.confirm import ConfirmScreen
from haikutui.tui.screens.lint_review import LintReviewScreen
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.widgets.code_view import CodeView
from haikutui.tui.widgets.diagnostics_panel import DiagnosticsPanel
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import status_text
from tests.lint.conftest import CALC_PY
from tests.lint.steps import open_file, settle

E711_FIX = str_replace("pkg/calc.py", "    if x == None:", "    if x is None:")
F841_FIX = str_replace("pkg/calc.py", "    value = 3\n    return 1", "    return 1")


async def wait_for_screen(pilot: Pilot[int], kind: type[Screen[object]]) -> Screen[object]:
    """For a worker that waits on a modal: `settle` would wait for it forever."""
    for _ in range(200):
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return pilot.app.screen
        await asyncio.sleep(0.025)
    raise AssertionError(f"{kind.__name__} never showed; on {pilot.app.screen!r}")


def header(pilot: Pilot[int]) -> str:
    return str(pilot.app.screen.query_one("#review-header").render())


async def test_panel_lists_findings_marks_gutter_and_jumps(lint_repo: Path) -> None:
    app = build_app(lint_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "pkg/calc.py")
        panel = app.screen.query_one(DiagnosticsPanel)
        code = app.screen.query_one(CodeView)
        assert panel.display and panel.option_count == 5
        assert panel.border_title == "ruff · 5 findings in pkg/calc.py"
        assert code.marks == {3: "F401", 4: "F401", 5: "F401", 13: "E711", 19: "F841"}
        assert "●" in "".join(s.text for s in code.render_line(2))  # row 3, from the top
        await pilot.press("tab", "down", "down", "down", "enter")  # the E711 row
        await pilot.pause()
        assert code.has_focus and code.cursor == 12

        await open_file(pilot, "tests/test_calc.py")  # a clean file: no panel, no marks
        assert not panel.display and code.marks == {}


async def test_lint_key_without_key_runs_ruff_only_and_applies(lint_repo: Path) -> None:
    app = build_app(lint_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "pkg/calc.py")
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LintReviewScreen)
        safe = [h for _, h in screen.proposal.hunks if h.source == "ruff"]
        unsafe = [h for _, h in screen.proposal.hunks if h.source != "ruff"]
        assert safe and all(h.accepted for h in safe)
        # Six lines apart: one hunk, both rules and ruff's reasons in its header.
        assert [h.source.split(" · ")[0] for h in unsafe] == [
            "ruff (unsafe: E711 none-comparison, F841 unused-variable)"
        ]
        assert "Remove assignment to unused variable `value`" in unsafe[0].source
        assert not any(h.accepted for h in unsafe)  # offered, rejected until `y`
        text = header(pilot)
        assert "◆ lint · ruff" in text
        assert "3 of 5 findings fixed · ruff" in text
        assert "✓ parses · no new findings in" in text
        assert "pkg/calc.py 3 fixed · 2 left" in text
        assert "◇ ruff" in str(screen.query("SourcedHunkView").first().render())
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "applied to pkg/calc.py" in status_text(app)
        panel = app.screen.query_one(DiagnosticsPanel)
        for _ in range(150):  # the re-lint runs in a thread, and the watcher may start another
            if panel.option_count == 2:
                break
            await pilot.pause(0.02)
        assert panel.option_count == 2  # re-linted after the apply
    assert "import os" not in (lint_repo / "pkg/calc.py").read_text()


async def test_review_verdict_lints_the_old_texts_once(lint_repo: Path, ruff_calls: Path) -> None:
    """The review's verdict takes the old texts' findings from ruff's rung, which ran them
    beside its fix: the verdict's rules run twice in all (old texts, new texts), not three."""
    app = build_app(lint_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "pkg/calc.py")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, LintReviewScreen)
        assert "✓ parses · no new findings in" in header(pilot)
    calls = ruff_calls.read_text().splitlines()
    assert sum("--extend-select" in c for c in calls) == 2, calls


async def test_ask_escalation_yes_climbs_to_sonnet(
    model_lint_repo: Path, fake_api: FakeAnthropic
) -> None:
    lint_repo = model_lint_repo
    fake_api.script(tool_reply(E711_FIX), tool_reply(E711_FIX, F841_FIX))
    app = build_app(lint_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "pkg/calc.py")
        await pilot.press("l")
        modal = await wait_for_screen(pilot, ConfirmScreen)
        assert "claude-sonnet-4-6" in str(modal.query("Static")[1].render())
        assert "F841" in str(modal.query_one("#confirm-detail").render())
        await pilot.press("y")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LintReviewScreen)
        assert [r.model for r in fake_api.message_requests] == [
            "claude-haiku-4-5",
            "claude-sonnet-4-6",
        ]
        assert {h.source for _, h in screen.proposal.hunks} == {"ruff", "claude-sonnet-4-6"}
        assert "pkg/calc.py 5 fixed · 0 left" in header(pilot)
        assert "◆ lint · claude-sonnet-4-6" in header(pilot)
    assert (lint_repo / "pkg/calc.py").read_text() == CALC_PY


async def test_ask_escalation_no_reviews_the_weaker_proposal_then_e_escalates(
    model_lint_repo: Path, fake_api: FakeAnthropic
) -> None:
    lint_repo = model_lint_repo
    fake_api.script(tool_reply(E711_FIX), tool_reply(E711_FIX, F841_FIX))
    app = build_app(lint_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "pkg/calc.py")
        await pilot.press("l")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, LintReviewScreen)
        assert "pkg/calc.py 4 fixed · 1 left" in header(pilot)
        assert len(fake_api.message_requests) == 1
        await pilot.press("e")  # the user escalates by hand: one rung, no question
        await settle(pilot)
        assert "pkg/calc.py 5 fixed · 0 left" in header(pilot)
        assert fake_api.message_requests[1].model == "claude-sonnet-4-6"
        assert "✓ parses · no new findings in" in header(pilot)


async def test_palette_lints_the_whole_repo(lint_repo: Path) -> None:
    app = build_app(lint_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Lint repair: whole")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LintReviewScreen)
        assert [c.path for c in screen.proposal.changes] == ["pkg/calc.py", "pkg/words.py"]
        assert "pkg/words.py 2 fixed · 0 left" in header(pilot)


async def test_lint_on_a_clean_file_says_so(lint_repo: Path) -> None:
    app = build_app(lint_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "tests/test_calc.py")
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "ruff finds nothing to fix in tests/test_calc.py" in status_text(app)
