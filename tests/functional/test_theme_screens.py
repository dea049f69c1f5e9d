"""Every screen opens under every theme: Textual's built-ins and both of ours.

A theme that did not name haikutui's own colours left `$success 15%` in the review
screen's sheet, and the review crashed with StylesheetParseError under any theme but ours.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES

from haikutui.core import ui_state
from haikutui.core.config import Settings
from haikutui.core.repo import Repo
from haikutui.tasks.lint.repair import LintSession
from haikutui.tasks.rename.session import RenameSession
from haikutui.tui.screens.batch import BatchScreen
from haikutui.tui.screens.confirm import ConfirmScreen
from haikutui.tui.screens.help import HelpScreen
from haikutui.tui.screens.history import HistoryScreen
from haikutui.tui.screens.key_entry import KeyEntryScreen
from haikutui.tui.screens.lint_review import LintReviewScreen
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.refine import RefineScreen
from haikutui.tui.screens.rename import RenameReviewScreen, RenameScreen
from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.screens.stats import StatsScreen
from haikutui.tui.themes import THEME_VARIABLES
from haikutui.tui.widgets.code_pane import CodePane
from haikutui.tui.widgets.code_view import CodeView
from tests.conftest import make_repo
from tests.functional.conftest import LONG_PY, build_app
from tests.functional.pilot import settle
from tests.functional.session import finished_session
from tests.lint.conftest import CALC_PY, RUFF_CONFIG
from tests.rename.conftest import GEOMETRY

THEMES = [*BUILTIN_THEMES, "haikutui-dark", "haikutui-light"]


@dataclass
class Prepared:
    """A repo, and the engine runs whose reviews are shown: run once, shown under each theme."""

    root: Path
    lint: LintSession
    rename: RenameSession


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    root = make_repo(
        tmp_path_factory.mktemp("themes") / "proj",
        {
            "pyproject.toml": RUFF_CONFIG,
            "pkg/__init__.py": "",
            "pkg/calc.py": CALC_PY,
            "shapes/__init__.py": "",
            "shapes/geometry.py": GEOMETRY,
            "core.py": LONG_PY,
        },
    )
    repo, settings = Repo(root), Settings()  # no model: ruff's fixes, rope's rename
    lint = LintSession(repo, settings, ["pkg/calc.py"], None)
    asyncio.run(lint.run())
    rename = RenameSession(repo, settings, "area_of", "rect_area", at="shapes/geometry.py:6")
    rename.prepare()
    asyncio.run(rename.run())
    return Prepared(root, lint, rename)


async def _show(pilot: Pilot[int], screen: Screen[object]) -> None:
    """Push, paint with the theme's variables, and leave again."""
    app = pilot.app
    app.push_screen(screen)
    await settle(pilot)
    assert app.screen is screen, type(app.screen).__name__
    screen.refresh(layout=True)
    await pilot.pause()
    app.pop_screen()
    await pilot.pause()


@pytest.mark.parametrize("theme", THEMES)
async def test_every_screen_opens_under_theme(prepared: Prepared, theme: str) -> None:
    root = prepared.root
    (root / ".haikutui.toml").write_text(f'[ui]\ntheme = "{theme}"\n')
    app = build_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == theme and not app.theme_warning
        ours = {k: v for k, v in app.theme_variables.items() if k in THEME_VARIABLES}
        assert not [v for v in ours.values() if "$" in v or "%" in v]  # resolved, solid
        # a diff line's background is never its own mark's colour (green on green under nord)
        assert ours["diff-added-bg"] != ours["diff-added"]
        assert ours["diff-removed-bg"] != ours["diff-removed"]
        await settle(pilot)
        app.screen.query_one(CodePane).load_file("pkg/calc.py")  # code view, lint findings
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one(CodeView).path == "pkg/calc.py"
        repo, settings, rung = app.repo, app.settings, app.rung
        for screen in (
            ReviewScreen(finished_session(root)),
            LintReviewScreen(prepared.lint),
            RenameReviewScreen(prepared.rename),
            RenameScreen("area_of", "shapes/geometry.py:6"),
            KeyEntryScreen("the OS keyring"),
            HistoryScreen(repo, settings, rung),
            StatsScreen(root),
            BatchScreen(repo, settings, rung),
            HelpScreen([], []),
            RefineScreen(),
            ConfirmScreen("Over budget", "Send anyway?", detail="one\ntwo"),
        ):
            await _show(pilot, screen)
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
