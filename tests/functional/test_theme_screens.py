"""Every screen opens under every theme: Textual's built-ins and both of ours.

A theme that did not name haikutui's own colours left `$success 15%` in the review
screen's sheet, and the review crashed with StylesheetParseError under any theme but ours.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES

from haikutui.core import ui_state
from haikutui.tasks.rename.rope_engine import Unsure
from haikutui.tui.screens.batch import BatchScreen
from haikutui.tui.screens.confirm import ConfirmScreen
from haikutui.tui.screens.help import HelpScreen
from haikutui.tui.screens.history import HistoryScreen
from haikutui.tui.screens.lint_review import LintReviewScreen
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.refine import RefineScreen
from haikutui.tui.screens.rename import RenameReviewScreen, RenameScreen, UnsureScreen
from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.screens.stats import StatsScreen
from haikutui.tui.themes import THEME_VARIABLES
from tests.conftest import make_repo
from tests.functional.conftest import LONG_PY, build_app
from tests.functional.pilot import open_file, settle
from tests.functional.session import finished_session
from tests.lint.conftest import CALC_PY, RUFF_CONFIG
from tests.rename.conftest import GEOMETRY

THEMES = [*BUILTIN_THEMES, "haikutui-dark", "haikutui-light"]


@pytest.fixture
def every_screen_repo(tmp_path: Path) -> Path:
    """A file to lint, a symbol to rename, and a file for a fix."""
    return make_repo(
        tmp_path / "proj",
        {
            "pyproject.toml": RUFF_CONFIG,
            "pkg/__init__.py": "",
            "pkg/calc.py": CALC_PY,
            "shapes/__init__.py": "",
            "shapes/geometry.py": GEOMETRY,
            "core.py": LONG_PY,
        },
    )


async def _on(pilot: object, kind: type[Screen[object]]) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(pilot)
    assert isinstance(pilot.app.screen, kind), type(pilot.app.screen).__name__
    pilot.app.screen.refresh(layout=True)
    await pilot.pause()  # painted with the theme's variables, not only styled


@pytest.mark.parametrize("theme", THEMES)
async def test_every_screen_opens_under_theme(every_screen_repo: Path, theme: str) -> None:
    (every_screen_repo / ".haikutui.toml").write_text(f'[ui]\ntheme = "{theme}"\n')
    app = build_app(every_screen_repo)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == theme and not app.theme_warning
        assert not [v for k, v in app.theme_variables.items() if k in THEME_VARIABLES and "$" in v]
        await open_file(pilot, "pkg/calc.py")  # main screen, code view, diagnostics panel
        await pilot.press("l")  # no key: ruff's fixes alone, then their review
        await _on(pilot, LintReviewScreen)
        await pilot.press("q")
        await _on(pilot, MainScreen)
        await open_file(pilot, "shapes/geometry.py")
        await pilot.press("home", *["down"] * 5, "R")
        await _on(pilot, RenameScreen)
        await pilot.press(*"rect_area", "enter")
        await _on(pilot, RenameReviewScreen)
        await pilot.press("q")
        await _on(pilot, MainScreen)
        await app.push_screen(ReviewScreen(finished_session(every_screen_repo)))
        await _on(pilot, ReviewScreen)
        await pilot.press("q")
        for key, kind in (("H", HistoryScreen), ("S", StatsScreen), ("b", BatchScreen)):
            await _on(pilot, MainScreen)
            await pilot.press(key)
            await _on(pilot, kind)
            await pilot.press("escape")
        for modal in (
            HelpScreen([], []),
            RefineScreen(),
            ConfirmScreen("Over budget", "Send anyway?", detail="one\ntwo"),
            UnsureScreen([Unsure("shapes/geometry.py", 6, "area_of(1, 2)", 40)]),
        ):
            await _on(pilot, MainScreen)
            app.push_screen(modal)
            await _on(pilot, type(modal))
            app.pop_screen()
    assert app.return_code in (None, 0)


async def test_remembered_theme_that_fails_falls_back_with_a_warning(repo_dir: Path) -> None:
    ui_state.remember("theme", "no-such-theme")
    app = build_app(repo_dir)
    assert app.theme == "haikutui-dark"
    assert app.theme_warning == "theme 'no-such-theme' is not installed; using haikutui-dark"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        shown = [n.message for n in app._notifications]
        assert app.theme_warning in shown


async def test_broken_theme_file_is_skipped_not_fatal(tmp_path: Path) -> None:
    from haikutui.tui.themes import load_themes

    (tmp_path / "bad.toml").write_text(
        'name = "bad"\nprimary = "#7aa2f7"\n[variables]\ndiff-added = "not a colour"\n'
    )
    (tmp_path / "good.toml").write_text('name = "good"\nprimary = "#7aa2f7"\n')
    assert [t.name for t in load_themes(tmp_path)] == ["good"]
