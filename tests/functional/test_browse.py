"""Opening the app, finding a file, and selecting lines: no model involved."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input

from haikutui.tui.app import HaikutuiApp
from haikutui.tui.widgets.code_view import CodeView
from haikutui.tui.widgets.prompt_bar import PromptBar
from tests.conftest import git
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import files, open_file, select_lines, settle, status_text


async def test_first_screen_lists_files_with_marks(repo_dir: Path) -> None:
    (repo_dir / "core.py").write_text("changed\n")
    (repo_dir / "new.txt").write_text("new\n")
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listed = files(app)
        assert listed.border_title == "proj · 4 files"
        prompts = [str(o.prompt) for o in listed.query_one("OptionList")._options]
        assert "M core.py" in prompts
        assert "? new.txt" in prompts
        assert app.theme == "haikutui-dark"


async def test_pick_file_and_select_lines(repo_dir: Path) -> None:
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        code = app.screen.query_one(CodeView)
        assert code.has_focus
        assert app.screen.query_one(PromptBar).target == "core.py"
        await select_lines(pilot, 4, 5)
        assert code.selection == (4, 5)
        assert app.screen.query_one(PromptBar).target == "core.py:4-5"
        await pilot.press("down")
        assert code.selection is None
        await pilot.press("v", "down", "down")
        assert code.selection == (6, 8)
        await pilot.press("escape")
        assert code.selection is None


async def test_fuzzy_filter_narrows_the_list(repo_dir: Path) -> None:
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", "u", "t", "l")
        options = files(app).query_one("OptionList")
        assert [o.id for o in options._options] == ["pkg/util.py"]


async def test_untracked_and_binary_files_show_one_line(repo_dir: Path) -> None:
    (repo_dir / "loose.py").write_text("x = 1\n")
    (repo_dir / "blob.bin").write_bytes(b"\x00\x01\x02")
    git(repo_dir, "add", "blob.bin")
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"loose", "enter")
        await settle(pilot)
        assert "loose.py: not tracked by git (`git add` it first)" in status_text(app)
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"blob", "enter")
        await settle(pilot)
        assert "blob.bin: binary file, not edited" in status_text(app)
        assert app.screen.query_one(CodeView).path is None


async def test_ten_thousand_files_stay_responsive(repo_dir: Path) -> None:
    from haikutui.core.repo import FileEntry
    from haikutui.tui.widgets.file_list import MAX_SHOWN
    from haikutui.tui.widgets.fuzzy import fuzzy_filter

    paths = [f"src/mod{d}/file_{f}.py" for d in range(100) for f in range(100)]
    matches, total = fuzzy_filter("mod5fil7", paths, MAX_SHOWN)
    assert total > MAX_SHOWN and len(matches) == MAX_SHOWN
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        files(app).set_entries([FileEntry(p) for p in paths])
        await pilot.pause()
        assert files(app).border_title == f"proj · 10000 files (showing {MAX_SHOWN})"
        await pilot.press("slash", *"m42f17")
        options = files(app).query_one("OptionList")
        assert options.get_option_at_index(0).id == "src/mod42/file_17.py"


def burst(app: HaikutuiApp, typed: str) -> None:
    """Keys as a terminal delivers a fast typist's burst: all queued before any is handled."""
    for char in typed:
        app.post_message(events.Key("slash" if char == "/" else char, char))


async def test_keys_typed_ahead_after_slash_and_i_land_in_the_inputs(repo_dir: Path) -> None:
    """A fast typist's `/core` arrives as one burst: none of it may fire a screen key."""
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "/utl")  # `l` alone would start a lint repair
        await settle(pilot)
        options = files(app).query_one("OptionList")
        assert [o.id for o in options._options] == ["pkg/util.py"]
        await pilot.press("enter")
        await settle(pilot)
        # `e` would escalate and `t` toggle thinking; once typing, `i` and `/` are text.
        burst(app, "ielti/2")
        await pilot.pause()
        assert app.screen.query_one("#prompt-input", Input).value == "elti/2"


def burst_keys(app: HaikutuiApp, *keys: str) -> None:
    """A burst of named keys (`ctrl+u`, `escape`) and letters, all queued before any is handled."""
    for key in keys:
        character = {"slash": "/", "space": " "}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, character))


async def test_ctrl_u_typed_ahead_clears_only_what_came_before(repo_dir: Path) -> None:
    """`/`, `co`, ctrl+u, `utl` in one burst: ctrl+u ran after `utl` and left nothing."""
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst_keys(app, "slash", "c", "o", "ctrl+u", "u", "t", "l")
        await settle(pilot)
        assert app.screen.query_one("#file-filter", Input).value == "utl"
        options = files(app).query_one("OptionList")
        assert [o.id for o in options._options] == ["pkg/util.py"]
        await pilot.press("enter")
        await settle(pilot)
        burst_keys(app, "i", *"fix", "backspace", "ctrl+u", *"add docs", "left", "backspace", "s")
        await settle(pilot)
        assert (
            app.screen.query_one("#prompt-input", Input).value == "add doss"
        )  # left, then backspace ate the c


async def test_escape_leaves_the_prompt_and_the_next_keys_are_shortcuts(repo_dir: Path) -> None:
    """`i`, `x`, Esc, `j` gave "xj": Esc must leave the input, so `j` moves the cursor."""
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        code = app.screen.query_one(CodeView)
        burst_keys(app, "i", "x", "escape", "j", "j")
        await settle(pilot)
        assert app.screen.query_one("#prompt-input", Input).value == "x"  # kept for later
        assert code.has_focus
        assert code.cursor == 2
        await pilot.press("i")
        assert app.screen.query_one("#prompt-input", Input).has_focus


async def test_escape_in_the_filter_clears_it_and_returns_to_the_list(repo_dir: Path) -> None:
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst_keys(app, "slash", "u", "t", "l", "escape", "i")
        await settle(pilot)
        assert app.screen.query_one("#file-filter", Input).value == ""
        assert len(files(app).query_one("OptionList")._options) == 3  # the whole list again
        # `i` after Esc is the ask key again, not a letter of the filter
        assert app.screen.query_one("#prompt-input", Input).has_focus


async def test_keys_typed_after_enter_in_the_filter_reach_the_opened_file(repo_dir: Path) -> None:
    """`/core`, Enter, then at once a selection and `i`: they went into the filter."""
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst_keys(app, "slash", *"core", "enter", "down", "down", "shift+down", "i", *"fix it")
        await settle(pilot)
        code = app.screen.query_one(CodeView)
        assert app.screen.query_one("#file-filter", Input).value == "core"
        assert code.path == "core.py" and code.selection == (3, 4)
        assert app.screen.query_one("#prompt-input", Input).value == "fix it"


async def test_moves_typed_ahead_in_the_code_view_happen_before_i_moves_the_focus(
    repo_dir: Path,
) -> None:
    """`down down shift+down i x` in one burst: `i` took the focus before the moves ran."""
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        burst_keys(app, "down", "down", "shift+down", "i", "x")
        await settle(pilot)
        assert app.screen.query_one(CodeView).selection == (3, 4)
        assert app.screen.query_one(PromptBar).target == "core.py:3-4"
        assert app.screen.query_one("#prompt-input", Input).value == "x"
