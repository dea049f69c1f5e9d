"""80×24 is a first-class size: the code gets the width, the keys that matter stay in the
footer, and the estimate shows every rung."""

from __future__ import annotations

from pathlib import Path

from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.widgets.code_view import CodeView
from haikutui.tui.widgets.file_list import FileList
from tests.functional.conftest import build_app
from tests.functional.pilot import open_file, screen_text, select_lines, settle
from tests.functional.session import finished_session

SMALL = (80, 24)


async def test_at_80_columns_the_code_gets_the_width_and_f_folds_the_list(
    long_repo: Path,
) -> None:
    app = build_app(long_repo)
    async with app.run_test(size=SMALL) as pilot:
        await open_file(pilot, "core.py")
        files, code = app.screen.query_one(FileList), app.screen.query_one(CodeView)
        assert files.region.width <= 26 and code.region.width >= 52  # was 38 and 42
        assert "for i in range(len(values) + 1):" in "\n".join(screen_text(app))
        await pilot.press("f")
        await pilot.pause()
        assert not files.display and code.region.width == 80 and code.has_focus
        await pilot.press("slash")  # filtering brings the list back
        await pilot.pause()
        assert files.display and app.screen.query_one("#file-filter").has_focus
        await pilot.press("escape", "f", "f")
        await pilot.pause()
        assert files.display


async def test_at_80_columns_the_footers_keep_quit_and_help_and_the_estimate_every_rung(
    long_repo: Path,
) -> None:
    app = build_app(long_repo)
    async with app.run_test(size=SMALL) as pilot:
        await open_file(pilot, "core.py")
        await select_lines(pilot, 4, 5)
        rows = screen_text(app)
        assert "q Quit" in rows[-1] and "f1 Help" in rows[-1]
        prompt = "\n".join(rows[-5:-2])
        for rung in ("fast $", "strong $", "strongest $"):
            assert rung in prompt
        await app.push_screen(ReviewScreen(finished_session(long_repo)))
        await settle(pilot)
        footer = screen_text(app)[-1]
        assert "q Quit" in footer and "f1 Help" in footer and "a Apply" in footer


async def test_at_80_columns_the_history_footer_keeps_its_way_back(long_repo: Path) -> None:
    app = build_app(long_repo)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        footer = screen_text(app)[-1]
        assert "Back" in footer and "f1 Help" in footer
