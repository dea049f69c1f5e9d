"""Acceptance 1 of issue 6, as a user meets it: the file changes on disk while its proposal is
in review; the review says stale within a second, apply refuses, and re-base merges the edit."""

from __future__ import annotations

from pathlib import Path

from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.widgets.code_view import CodeView
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import LONG_PY, SIZE, build_app, long_repo  # noqa: F401
from tests.functional.pilot import ask, files, open_file, settle, status_text
from tests.watch.helpers import header, watching, within

FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")
USER_EDIT = (
    "def helper_5(x):\n    return x + 5\n",
    "def helper_5(x):\n    return x + 50  # user\n",
)
"""Far from the model's hunk (line 4): a non-overlapping edit."""


async def _in_review(pilot) -> ReviewScreen:  # noqa: ANN001
    await watching(pilot.app)
    await open_file(pilot, "core.py")
    await ask(pilot, "fix the loop bound")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    assert "STALE" not in header(pilot.app)
    return screen


async def test_stale_within_a_second_apply_refuses_rebase_merges(
    long_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    fake_api.script(tool_reply(FIX, text="Fixed the bound."))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _in_review(pilot)
        core = long_repo / "core.py"
        core.write_text(LONG_PY.replace(*USER_EDIT))  # another shell, another editor

        took = await within(pilot, lambda: bool(screen.stale))
        assert screen.stale == ["core.py"]
        assert "⚠ STALE: core.py changed on disk" in header(app)
        assert "b re-base" in status_text(app)
        print(f"stale shown after {took:.3f} s")

        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "core.py: changed on disk since the proposal; not written" in status_text(app)
        assert core.read_text() == LONG_PY.replace(*USER_EDIT)

        await pilot.press("b")
        await settle(pilot)
        assert screen.stale == [] and "STALE" not in header(app)
        assert "re-based core.py onto the file on disk" in status_text(app)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)

    expected = LONG_PY.replace(*USER_EDIT).replace("range(len(values) + 1)", "range(len(values))")
    assert core.read_text() == expected  # both edits, nothing lost
    assert len(fake_api.message_requests) == 1  # re-base asked no model


async def test_overlapping_edit_rebases_to_marked_conflict_never_written(
    long_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    fake_api.script(tool_reply(FIX))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _in_review(pilot)
        core = long_repo / "core.py"
        user = LONG_PY.replace("range(len(values) + 1)", "range(0, len(values) + 1)")
        core.write_text(user)
        await within(pilot, lambda: bool(screen.stale))

        await pilot.press("b")
        await settle(pilot)
        assert "1 conflict marked" in status_text(app)
        diff = screen.proposal.diff()
        assert "+<<<<<<< now on disk" in diff and "+>>>>>>> proposal" in diff

        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "conflict markers remain" in status_text(app)
        assert core.read_text() == user

        await pilot.press("n", "a")  # reject the conflicted hunk: nothing is left to write
        await pilot.pause()
        assert "no hunk is accepted" in status_text(app)
    assert core.read_text() == user


async def test_rerun_asks_again_against_the_new_content(
    long_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    fake_api.script(tool_reply(FIX), tool_reply(FIX))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _in_review(pilot)
        (long_repo / "core.py").write_text(LONG_PY.replace(*USER_EDIT))
        await within(pilot, lambda: bool(screen.stale))
        await pilot.press("R")
        await settle(pilot)
        assert screen.stale == [] and "STALE" not in header(app)
        second = fake_api.message_requests[1].json
        assert second is not None
        sent = str(second["messages"])
        assert "return x + 50  # user" in sent and "changed on disk" in sent


async def test_main_screen_reloads_open_file_and_marks(
    long_repo: Path,  # noqa: F811
) -> None:
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await watching(app)
        await open_file(pilot, "core.py")
        code = app.screen.query_one(CodeView)
        await pilot.press("down", "down")
        (long_repo / "core.py").write_text("# changed elsewhere\n" + LONG_PY)
        (long_repo / "fresh.py").write_text("x = 1\n")

        def updated() -> bool:
            text = str(code.render_line(0))
            return "changed elsewhere" in text and files(app).entry("fresh.py") is not None

        await within(pilot, updated)
        await settle(pilot)
        assert code.path == "core.py" and code.cursor == 2  # reloaded in place
        assert files(app).entry("core.py").mark == "M"  # type: ignore[union-attr]
        assert files(app).entry("fresh.py").mark == "?"  # type: ignore[union-attr]
