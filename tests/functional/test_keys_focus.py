"""Keys and focus as a lazygit or aider user expects them (issue 23): each test is a story
that went wrong before its fix."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.widgets import Input

from haikutui.core.repo import Repo
from haikutui.core.textfile import TextFile
from haikutui.tui.widgets.code_view import CodeView
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import settle
from tests.functional.test_browse import burst_keys


@pytest.fixture
def slow_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a file takes 1.5 s, as a 150 KB file on a busy machine or a network disk can."""
    real = Repo.read_for_model

    def slow(self: Repo, rel: str) -> TextFile:
        time.sleep(1.5)
        return real(self, rel)

    monkeypatch.setattr(Repo, "read_for_model", slow)


async def test_keys_after_enter_wait_for_a_slow_file(repo_dir: Path, slow_disk: None) -> None:
    """`/core`, Enter, `jjji`, `fix it`: after 1 s the keys ran in the filter (or as shortcuts)."""
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst_keys(app, "slash", *"core", "enter", "j", "j", "j", "i", *"fix it")
        await settle(pilot)
        code = app.screen.query_one(CodeView)
        assert code.path == "core.py"
        assert code.cursor == 3
        assert app.screen.query_one("#file-filter", Input).value == "core"
        assert app.screen.query_one("#prompt-input", Input).value == "fix it"


async def test_enter_on_a_filter_with_no_match_holds_nothing(repo_dir: Path) -> None:
    """No file will open: the keys after Enter are handled at once, not held for ever."""
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst_keys(app, "slash", *"zzz", "enter", "escape", "i", *"x")
        await settle(pilot)
        assert app.screen.query_one("#prompt-input", Input).value == "x"
