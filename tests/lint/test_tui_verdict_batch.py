"""Acceptance 4, pilot side: the verdict for every task's review, and the batch screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.tui.screens.batch import BatchScreen
from haikutui.tui.screens.lint_review import LintReviewScreen
from haikutui.tui.screens.review import ReviewScreen
from tests.conftest import trust_repo
from tests.fake_api import FakeAnthropic, error_reply, str_replace, tool_reply
from tests.functional.conftest import SIZE, build_app, long_repo  # noqa: F401  (fixture)
from tests.functional.pilot import status_text
from tests.lint.steps import ask, open_file, settle
from tests.lint.test_batch import NONE_CMP, batch_repo, fix_none  # noqa: F401  (fixture)


def header(app: object) -> str:
    return str(app.screen.query_one("#review-header").render())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("new", "config", "verdict"),
    [
        ("range(len(values))", "", "✓ parses · no new findings in"),
        (
            "range(len(values)",
            '[checks]\ntest_command = "exit 3"\n',
            "✗ core.py:4: does not parse (",
        ),
        ("range(len(values))", '[checks]\ntest_command = "exit 3"\n', "✗ tests fail (exit 3"),
    ],
    ids=["clean", "no-parse", "tests-fail"],
)
async def test_quick_fix_review_shows_the_verdict(
    long_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
    new: str,
    config: str,
    verdict: str,
) -> None:
    if config:
        (long_repo / ".haikutui.toml").write_text(config)
        trust_repo(long_repo)  # its test_command runs only in a trusted repo
    fake_api.script(tool_reply(str_replace("core.py", "range(len(values) + 1)", new)))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix the bound")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "checking…" in header(app) or verdict in header(app)
        await settle(pilot)
        assert verdict in header(app)


async def test_batch_screen_progress_and_review_queue(
    batch_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    fake_api.batch_polls_in_progress = 2
    fake_api.script_batch(
        fix_none("a.py"),
        error_reply(500, "api_error", "the fake broke"),
        fix_none("c.py"),
        "expired",
    )
    app = build_app(batch_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BatchScreen)
        assert "no batches yet" in status_text(app)
        await pilot.press("s")  # submit the whole repo
        await settle(pilot)
        table = screen.query_one("DataTable")
        assert table.row_count == 1
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[0] == "msgbatch_fake0001" and row[2] == "claude-haiku-4-5" and row[3] == "5"
        assert row[4].endswith(" 0/4") and row[5] == "in progress"
        await pilot.press("r")
        await settle(pilot)
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[4] == "██████████ 4/4"
        assert row[5] == "to review · 2 failed"
        assert "1 of 1 ready to review" in status_text(app)

        (batch_repo / "c.py").write_text(NONE_CMP + "# mine\n")
        await pilot.press("c")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, LintReviewScreen)
        text = header(app)
        assert "stale, left as it is: c.py" in text
        assert "a.py 1 fixed · 0 left" in text
        assert "✓ parses · no new findings in" in text
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is screen
        assert "applied to a.py, b.py, d.py" in status_text(app)
        detail = str(screen.query_one("#batch-detail").render())
        assert "failed: b.py: errored (the fake broke)" in detail and "e.py: expired" in detail
        await pilot.press("c")  # collected again: what it wrote is ours, not someone's edit
        await settle(pilot)
        detail = str(screen.query_one("#batch-detail").render())
        assert "already applied: a.py" in detail and "stale, left as it is: a.py" not in detail
        assert "stale, left as it is: c.py" in detail
    assert (batch_repo / "c.py").read_text() == NONE_CMP + "# mine\n"
    assert (batch_repo / "a.py").read_text() == NONE_CMP.replace("==", "is")
