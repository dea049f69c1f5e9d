"""Issue 22: ruff's unsafe fixes as hunks of their own, rejected unless the user takes them."""

from __future__ import annotations

from pathlib import Path

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.model.ladder import resolve
from haikutui.tasks.lint.repair import repair
from haikutui.tui.screens.lint_review import LintReviewScreen
from tests.conftest import make_repo, trust_repo
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import SIZE, build_app
from tests.lint.conftest import CALC_PY, CALC_TESTS, RUFF_CONFIG
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


AMBIGUOUS = """

def double(x):
    return 2 * x


def count(items):
    l = len(items)
    return l
"""
"""E741: no ruff fix at all, so the model is asked for it while the unsafe hunk is offered
(far enough from it to make a hunk of its own)."""
E741_FIX = str_replace(
    "pkg/calc.py", "    l = len(items)\n    return l", "    size = len(items)\n    return size"
)


async def test_tui_model_path_counts_a_rejected_unsafe_hunk_as_left(
    tmp_path: Path, fake_api: FakeAnthropic
) -> None:
    """Ruff's safe fixes (3 F401), the model's (E741), and an unsafe hunk (E711, F841) that
    stays rejected: the re-lint after the model's edit must not count E711 and F841 as fixed."""
    repo = trust_repo(
        make_repo(
            tmp_path / "calc",
            {
                "pyproject.toml": RUFF_CONFIG,
                "pkg/__init__.py": "",
                "pkg/calc.py": CALC_PY + AMBIGUOUS,
                "tests/test_calc.py": CALC_TESTS,
            },
        )
    )
    fake_api.script(tool_reply(E741_FIX))
    app = build_app(repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "pkg/calc.py")
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LintReviewScreen)
        sent = fake_api.message_requests[0].json
        assert sent is not None and "E711" not in sent["messages"][0]["content"][0]["text"]
        hunks = [h for _, h in screen.proposal.hunks]
        assert any(h.source == "claude-haiku-4-5" and h.accepted for h in hunks)
        assert [h.accepted for h in hunks if h.source.startswith("ruff (unsafe: ")] == [False]
        header = str(screen.query_one("#review-header").render())
        assert "pkg/calc.py 4 fixed · 2 left" in header
        assert "4 of 6 findings fixed" in header
        assert screen.lint.lint_remaining is not None
        left = sorted(d.code for d in screen.lint.lint_remaining["pkg/calc.py"])
        assert left == ["E711", "F841"]


async def test_a_model_hunk_holding_an_unsafe_edit_is_rejected_and_named(
    tmp_path: Path, fake_api: FakeAnthropic
) -> None:
    """The model's E741 fix two lines below the unsafe F841 edit shares its hunk: accepted as
    the model's, it would apply ruff's unsafe fix unasked."""
    repo = make_repo(
        tmp_path / "calc",
        {
            "pyproject.toml": RUFF_CONFIG,
            "pkg/calc.py": CALC_PY + "\n\ndef count(items):\n    l = len(items)\n    return l\n",
        },
    )
    fake_api.script(tool_reply(E741_FIX))
    settings = load_settings(repo)
    result = await repair(
        Repo(repo), settings, None, start=resolve("fast", settings), escalate="off", unsafe=True
    )
    hunks = [h for _, h in result.proposal.hunks]
    mixed = [h for h in hunks if "-    l = len(items)\n" in h.lines]
    assert len(mixed) == 1 and "-    value = 3\n" in mixed[0].lines
    assert mixed[0].source.startswith("claude-haiku-4-5 + ruff (unsafe: ")
    assert not mixed[0].accepted
    assert sorted(d.code for d in result.after["pkg/calc.py"]) == ["E711", "F841"]
    assert result.take_unsafe() == 1 and mixed[0].accepted
    assert result.after["pkg/calc.py"] == []
