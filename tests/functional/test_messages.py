"""What must be read stays on screen: the missing key at start-up, a rename's leftovers, and
errors, in the status bar or a panel; toasts are news and go when the screen changes."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.rename import RenameReviewScreen
from haikutui.tui.screens.review import ReviewScreen
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import settle, status_text
from tests.functional.session import finished_session
from tests.rename.conftest import shapes_repo  # noqa: F401  (fixture)
from tests.rename.steps import cursor_to, open_file, wait_for_screen


async def test_missing_key_is_said_at_start_before_any_instruction(repo_dir: Path) -> None:
    app = build_app(repo_dir)  # the test environment has no API key
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "No API key: a model action will ask for one" in status_text(app)
        assert not app._notifications


async def test_toasts_go_when_the_screen_changes_and_the_status_keeps_the_result(
    long_repo: Path,
) -> None:
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        await app.push_screen(ReviewScreen(finished_session(long_repo)), main._review_closed)
        await settle(pilot)
        app.notify("escalating to strong")  # news about this review
        await pilot.pause()
        assert app._notifications
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert not app._notifications  # gone with the review it was about
        assert "applied to core.py" in status_text(app)


async def test_rename_leftovers_are_listed_in_a_panel_not_a_toast(
    shapes_repo: Path,  # noqa: F811
) -> None:
    app = build_app(shapes_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "shapes/geometry.py")
        await cursor_to(pilot, 6)
        await pilot.press("R")
        await pilot.pause()
        await pilot.press(*"rect_area", "enter")
        await wait_for_screen(pilot, RenameReviewScreen)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RenameReviewScreen)
        left = screen.rename.leftovers
        assert left, "the docs and config name area_of: rope leaves them"
        assert f"{len(left)} occurrences left as they are · L lists them" in status_text(app)
        await pilot.press("L")
        await pilot.pause()
        panel = screen.query_one("#leftovers", Static)
        assert panel.display and panel.region.height > len(left)
        text = str(panel.render())
        assert all(lo.label in text for lo in left)
        assert not app._notifications
        await pilot.press("L")
        await pilot.pause()
        assert not panel.display
