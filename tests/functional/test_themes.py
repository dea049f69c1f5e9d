"""Themes come from TOML files, are chosen by config or memory, and never by TEXTUAL_THEME."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.core import ui_state
from haikutui.tui.themes import load_themes, themes_dir
from tests.functional.conftest import SIZE, build_app


def test_theme_files_load_with_app_variables() -> None:
    themes = {t.name: t for t in load_themes()}
    assert {"haikutui-dark", "haikutui-light"} <= set(themes)
    assert themes["haikutui-light"].dark is False
    assert "diff-added-bg" in themes["haikutui-dark"].variables
    assert (themes_dir() / "haikutui-dark.toml").is_file()


async def test_switching_theme_is_remembered(repo_dir: Path) -> None:
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "haikutui-light"
        await pilot.pause()
    assert ui_state.load().get("theme") == "haikutui-light"
    again = build_app(repo_dir)
    assert again.theme == "haikutui-light"


async def test_config_theme_wins_and_env_does_not_leak(
    repo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEXTUAL_THEME", "nord")
    (repo_dir / ".haikutui.toml").write_text('[ui]\ntheme = "haikutui-light"\n')
    assert build_app(repo_dir).theme == "haikutui-light"
    (repo_dir / ".haikutui.toml").unlink()
    assert build_app(repo_dir).theme == "haikutui-dark"


async def test_the_most_recent_theme_choice_wins_and_the_app_says_so(repo_dir: Path) -> None:
    """ctrl+t under `[ui] theme` was forgotten at the next start: the config always won."""
    (repo_dir / ".haikutui.toml").write_text('[ui]\ntheme = "haikutui-light"\n')
    app = build_app(repo_dir)
    assert app.theme == "haikutui-light"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "nord"  # what ctrl+t's picker does
        await pilot.pause()
        said = [str(n.message) for n in app._notifications]
        assert any("nord is kept for next time, over [ui] theme" in m for m in said)
    assert build_app(repo_dir).theme == "nord"  # chosen after the setting: it wins
    (repo_dir / ".haikutui.toml").write_text('[ui]\ntheme = "gruvbox"\n')
    assert build_app(repo_dir).theme == "gruvbox"  # the setting changed since: it wins
