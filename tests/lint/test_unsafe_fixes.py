"""Issue 22: ruff's unsafe fixes as hunks of their own, rejected unless the user takes them."""

from __future__ import annotations

from pathlib import Path

from haikutui.tui.screens.lint_review import LintReviewScreen
from tests.fake_api import FakeAnthropic
from tests.functional.conftest import SIZE, build_app
from tests.lint.conftest import CALC_PY
from tests.lint.steps import open_file, settle

UNSAFE_EDITS = ("    if x == None:", "    value = 3\n")
"""calc.py's E711 and F841: ruff fixes both, but only with --unsafe-fixes."""


def test_headless_unsafe_hunks_are_offered_and_rejected_by_default(
    lint_repo: Path, haikutui
) -> None:
    run = haikutui(lint_repo, "lint", "--no-model", "--yes", "--json")
    assert run.code == 0, run.err
    assert "not applied: ruff (unsafe: E711 none-comparison, F841 unused-variable) · " in run.err
    assert "(use --unsafe-fixes)" in run.err
    assert run.json["unsafe_offered"] and run.json["unsafe_applied"] == []
    text = (lint_repo / "pkg/calc.py").read_text()
    assert all(edit in text for edit in UNSAFE_EDITS)  # the unsafe edits are not written
    assert "import os" not in text  # ruff's safe fixes are


def test_headless_unsafe_fixes_flag_takes_them_and_the_verdict_still_judges(
    lint_repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    run = haikutui(lint_repo, "lint", "--yes", "--unsafe-fixes", "--json")
    assert run.code == 0, run.err
    assert fake_api.message_requests == []  # every finding had a ruff fix: 0 tokens
    assert run.json["checks"] is not None and run.json["check"]["ok"] is True
    assert len(run.json["unsafe_applied"]) == 1
    text = (lint_repo / "pkg/calc.py").read_text()
    assert "    if x is None:" in text and "value = 3" not in text
    assert run.json["remaining"] == []


def test_without_the_flag_the_model_gets_what_an_unsafe_fix_would_cover(
    lint_repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    run = haikutui(lint_repo, "lint", "--yes", "--json")
    assert run.code != 0 or fake_api.message_requests  # asked the model (unscripted: fails)
    assert len(fake_api.message_requests) >= 1
    sent = fake_api.message_requests[0].json
    assert sent is not None and "E711" in sent["messages"][0]["content"][0]["text"]


async def test_y_takes_an_unsafe_hunk_in_review(lint_repo: Path) -> None:
    app = build_app(lint_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "pkg/calc.py")
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LintReviewScreen)
        hunks = [h for _, h in screen.proposal.hunks]
        unsafe = [i for i, h in enumerate(hunks) if h.source.startswith("ruff (unsafe: ")]
        assert unsafe and not any(hunks[i].accepted for i in unsafe)
        views = list(screen.query("SourcedHunkView"))
        assert "◇ ruff (unsafe: E711" in str(views[unsafe[0]].render())
        for _ in range(unsafe[0]):
            await pilot.press("j")
        await pilot.press("y")
        await pilot.pause()
        assert hunks[unsafe[0]].accepted
        await pilot.press("a")
        await settle(pilot)
    text = (lint_repo / "pkg/calc.py").read_text()
    assert "    if x is None:" in text and "value = 3" not in text
    assert text != CALC_PY
