"""Keys and focus as a lazygit or aider user expects them (issue 23): each test is a story
that went wrong before its fix."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Input

from haikutui.core.repo import Repo
from haikutui.core.textfile import TextFile
from haikutui.tui.screens.detail import DetailScreen
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.widgets.code_view import CodeView
from haikutui.tui.widgets.file_list import FileList
from haikutui.tui.widgets.prompt_bar import PromptBar
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import LONG_PY, SIZE, build_app
from tests.functional.pilot import ask, open_file, screen_text, settle
from tests.functional.test_browse import burst_keys
from tests.functional.test_fix_flow import BOUND_FIX, LAST_FIX


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


async def test_escape_from_refine_keeps_the_text(long_repo: Path, fake_api: FakeAnthropic) -> None:
    """Esc in the refine box threw the typed follow-up away; the instruction field keeps its."""
    fake_api.script(tool_reply(BOUND_FIX))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("r", *"keep the loop", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.query_one("#refine-input", Input).value == "keep the loop"


async def test_escape_from_the_filter_returns_to_the_code(repo_dir: Path) -> None:
    """`/` from the code view, then Esc: the focus went to the file list, not back."""
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await pilot.press("j", "slash", "u", "escape")
        await pilot.pause()
        code = app.screen.query_one(CodeView)
        assert code.has_focus
        assert app.screen.query_one("#file-filter", Input).value == ""
        await pilot.press("j")
        assert code.cursor == 2


async def test_instruction_is_cleared_when_another_file_opens(repo_dir: Path) -> None:
    """An instruction typed for core.py must never be sent for util.py."""
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await pilot.press("i", *"rename total", "escape")
        await pilot.press("slash", *"util", "enter")
        await settle(pilot)
        assert app.screen.query_one(CodeView).path == "pkg/util.py"
        assert app.screen.query_one("#prompt-input", Input).value == ""


async def test_after_apply_the_instruction_is_cleared_and_the_code_stays_at_the_change(
    long_repo: Path, fake_api: FakeAnthropic
) -> None:
    """After `a`, the old instruction stayed (Enter re-sent it) and the view jumped to line 1."""
    fake_api.script(tool_reply(LAST_FIX))
    app = build_app(long_repo)
    async with app.run_test(size=(100, 20)) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix the last one")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.screen.query_one("#prompt-input", Input).value == ""
        code = app.screen.query_one(CodeView)
        changed = LONG_PY.splitlines().index("    return values[len(values)]")
        assert code.cursor == changed
        assert code.scroll_y <= changed < code.scroll_y + code.scrollable_content_region.height


async def test_a_burst_of_downs_scrolls_as_many_lines(repo_dir: Path) -> None:
    """Eight downs pasted at once scrolled the help by one line: each scrolled from the old
    place, because Textual moves the scroll target only after the next refresh."""
    app = build_app(repo_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        burst_keys(app, *["down"] * 8)
        await settle(pilot)
        scroll = app.screen.query_one(VerticalScroll)
        assert scroll.scroll_y == 8
        burst_keys(app, *["up"] * 3, "pagedown", "pagedown")
        await settle(pilot)
        assert scroll.scroll_y == min(
            5 + 2 * scroll.scrollable_content_region.height, scroll.max_scroll_y
        )


async def test_shift_v_shows_the_whole_status_message(repo_dir: Path) -> None:
    """On the main screen `V` opens the status bar's message whole (cut at 80 columns)."""
    app = build_app(repo_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")  # no file open: an error in the status bar
        await pilot.press("V")
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, DetailScreen)
        assert "pick a file first, or lint the repo" in panel.text


@pytest.mark.parametrize(
    ("typed", "screen"),
    [("tests", "TestsScreen"), ("stats", "StatsScreen"), ("history", "HistoryScreen")],
)
async def test_the_palette_opens_tests_stats_and_history(
    repo_dir: Path, typed: str, screen: str
) -> None:
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*typed)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == screen


RETURNS = [i for i, line in enumerate(LONG_PY.splitlines()) if "return" in line]


async def test_ctrl_f_searches_the_open_file_and_n_moves_between_matches(long_repo: Path) -> None:
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        code = app.screen.query_one(CodeView)
        await pilot.press("ctrl+f", *"RETURN", "enter")  # a capital: case-sensitive, none
        await pilot.pause()
        assert code.cursor == 0 and "not found: RETURN" in str(code.border_subtitle)
        await pilot.press("ctrl+f", "ctrl+u", *"return", "enter")
        await pilot.pause()
        assert code.has_focus
        assert code.cursor == RETURNS[0]
        await pilot.press("n", "n")
        assert code.cursor == RETURNS[2]
        assert f"return: 3 of {len(RETURNS)} lines" in str(code.border_subtitle)
        await pilot.press("N", "N", "N")  # back past the first: wraps to the last
        assert code.cursor == RETURNS[-1]


async def test_colon_and_ctrl_g_go_to_a_line(long_repo: Path) -> None:
    app = build_app(long_repo)
    async with app.run_test(size=(100, 20)) as pilot:
        await open_file(pilot, "core.py")
        code = app.screen.query_one(CodeView)
        await pilot.press("colon", *"30", "enter")
        await pilot.pause()
        assert code.cursor == 29
        assert code.scroll_y <= 29 < code.scroll_y + code.scrollable_content_region.height
        await pilot.press("ctrl+g", *"2", "enter")
        await pilot.pause()
        assert code.cursor == 1
        await pilot.press("ctrl+g", *"x", "enter")
        await pilot.pause()
        assert code.cursor == 1 and "not a line number" in str(code.border_subtitle)


async def test_right_scrolls_a_long_line_into_view(tmp_path: Path) -> None:
    from tests.conftest import make_repo

    tail = "THE_END_OF_A_LONG_LINE"
    root = make_repo(tmp_path / "wide", {"wide.py": f"x = '{'a' * 150}{tail}'\n"})
    app = build_app(root)
    async with app.run_test(size=(100, 20)) as pilot:
        await open_file(pilot, "wide.py")
        assert tail not in "\n".join(screen_text(app))
        code = app.screen.query_one(CodeView)
        await pilot.press(*["right"] * 10)
        await pilot.pause()
        assert code.scroll_x == 40  # four columns a key, each key counted
        await pilot.press(*["right"] * 40)
        await pilot.pause()
        assert code.scroll_x == code.max_scroll_x > 40
        assert tail in "\n".join(screen_text(app))
        await pilot.press(*["left"] * 50)
        await pilot.pause()
        assert code.scroll_x == 0


async def test_dragging_the_mouse_selects_lines(long_repo: Path) -> None:
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        code = app.screen.query_one(CodeView)
        await pilot.mouse_down(CodeView, offset=(10, 3))  # the border is row 0: line 3
        await pilot.hover(CodeView, offset=(10, 6))
        await pilot.mouse_up(CodeView, offset=(10, 6))
        await pilot.pause()
        assert code.selection == (3, 6)
        assert app.screen.query_one(PromptBar).target == "core.py:3-6"
        await pilot.click(CodeView, offset=(10, 8))  # a plain click drops it
        await pilot.pause()
        assert code.selection is None and code.cursor == 7


async def test_marked_files_go_with_the_request_and_the_proposal_spans_them(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    """space on pkg/util.py, open core.py, `g` (together), ask: both are sent and edited."""
    fake_api.script(
        tool_reply(
            str_replace("core.py", "range(len(values) + 1)", "range(len(values))"),
            str_replace("pkg/util.py", "return x * 2", "return 2 * x"),
        )
    )
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listed = app.screen.query_one(FileList)
        await pilot.press("down", "down", "space")  # README.md, core.py, pkg/util.py
        await pilot.pause()
        assert listed.marked == ["pkg/util.py"]
        assert "1 marked" in str(listed.border_title)
        await open_file(pilot, "core.py")
        assert app.screen.query_one(PromptBar).target == "job: 1 file, each alone"
        await pilot.press("g")  # marked files go with the open one, as one fix
        assert app.screen.query_one(PromptBar).target == "core.py +1 together"
        await ask(pilot, "fix both")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert [c.path for c in review.proposal.changes] == ["core.py", "pkg/util.py"]
        sent = fake_api.message_requests[0].json
        assert sent is not None
        first = sent["messages"][0]["content"]
        assert '<file path="pkg/util.py" lines="2">' in first[0]["text"]
        assert "also marked pkg/util.py" in first[1]["text"]
        await pilot.press("a")
        await settle(pilot)
        assert listed.marked == []  # the marks were for that request
    assert "return 2 * x" in (repo_dir / "pkg/util.py").read_text()
    assert "range(len(values))" in (repo_dir / "core.py").read_text()


async def test_the_estimate_counts_the_marked_files(long_repo: Path) -> None:
    """A marked file goes with the request (`g`): the estimate under the target counts it."""
    (long_repo / "big.py").write_text("VALUE = 1\n" * 400)
    from tests.conftest import git

    git(long_repo, "add", "big.py")
    git(long_repo, "commit", "-qm", "big")
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        bar = app.screen.query_one(PromptBar)
        assert bar.estimate is not None
        before = bar.estimate.rungs[0].input_tokens
        await pilot.press("slash", *"big", "tab", "space", "g")
        await pilot.pause()
        assert app.screen.query_one(FileList).marked == ["big.py"]
        assert bar.estimate is not None
        assert bar.estimate.rungs[0].input_tokens >= before + 4000 // 4


async def test_a_long_target_path_is_cut_in_the_middle_and_v_shows_it_whole(
    tmp_path: Path,
) -> None:
    """At 80 columns the prompt bar cut a long path at its end ("src/project_name/comma…"),
    losing the file's name; now its middle folders go, and `V` shows it whole."""
    from tests.conftest import make_repo

    long = "src/project_name/commands/deeply_nested/module_with_a_long_name.py"
    root = make_repo(tmp_path / "proj", {long: "x = 1\n"})
    app = build_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_file(pilot, long)
        await settle(pilot)
        shown = " ".join(screen_text(app))
        assert "module_with_a_long_name.py → fast" in shown
        assert long not in shown
        await pilot.press("V")
        await pilot.pause()
        panel = app.screen
        assert isinstance(panel, DetailScreen)
        assert long in panel.text
