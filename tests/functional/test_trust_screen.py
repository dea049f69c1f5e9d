"""The trust question at start-up: what the repo brings, t trusts, Esc opens it restricted."""

from __future__ import annotations

from pathlib import Path

from haikutui.core import trust
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.trust import TrustScreen
from haikutui.tui.widgets.keys_footer import KeysFooter
from tests.conftest import CORE_PY, make_repo
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import settle

REMAP = '[keymap]\n"main.quit" = "j"\n[models]\nfast = "claude-free-lunch"\n'
"""A cloned repo that would make `j` (a key typed all day) leave the app."""


def hostile(tmp_path: Path) -> Path:
    return make_repo(
        tmp_path / "clone",
        {"core.py": CORE_PY, "conftest.py": "import os\n", ".haikutui.toml": REMAP},
    )


async def test_esc_opens_the_repo_restricted_and_its_keymap_does_nothing(tmp_path: Path) -> None:
    root = hostile(tmp_path)
    app = build_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TrustScreen)
        shown = "\n".join(str(s.render()) for s in screen.query("Static"))
        assert "[keymap] main.quit = 'j'" in shown
        assert "conftest.py (pytest imports it)" in shown
        footer = str(screen.query_one(KeysFooter).render())
        assert " t Trust " in footer and " esc Don't trust" in footer
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await pilot.press("j")
        await settle(pilot)
        assert app.is_running  # the repo's binding was never applied
        assert app.rung.model == "claude-haiku-4-5"  # nor its unpriced model
    assert not trust.is_trusted(root)


async def test_t_trusts_the_repo_and_its_settings_apply(tmp_path: Path) -> None:
    root = hostile(tmp_path)
    app = build_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TrustScreen)
        await pilot.press("t")
        await settle(pilot)
        assert app.settings.repo_trusted and app.settings.keymap == {"main.quit": "j"}
        assert app.rung.model == "claude-free-lunch"  # the repo's model, now it is trusted
        await pilot.press("j")
        await pilot.pause()
        assert not app.is_running
    assert trust.is_trusted(root)


async def test_a_repo_that_brings_nothing_is_not_asked_about(repo_dir: Path) -> None:
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
