"""The footer: the keys that work now, from the first frame, and a click presses one."""

from __future__ import annotations

from pathlib import Path

from haikutui.tui.screens.help import HelpScreen
from haikutui.tui.widgets.keys_footer import KeysFooter
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import open_file


def footer_line(app: object) -> str:
    footer = app.screen.query_one(KeysFooter)  # type: ignore[attr-defined]
    return str(footer.render())


async def test_keys_are_in_the_first_frame(repo_dir: Path) -> None:
    app = build_app(repo_dir)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        # Read the footer at the first refresh, before git has listed a single file.
        app.call_after_refresh(lambda: seen.append(footer_line(app)))
        await pilot.pause()
    first = seen[0]
    for key in (" / Files ", " i Ask ", " e Escalate ", " q Quit ", " f1 Help "):
        assert key in first
    assert first.rstrip().endswith("^p palette")


async def test_keys_follow_the_focus(repo_dir: Path) -> None:
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")  # the code view has focus: its keys come first
        await pilot.pause()
        assert footer_line(app).startswith(" v Select ")
        await pilot.press("i")  # typing in the prompt: the letter keys would be text
        await pilot.pause()
        assert " i Ask " not in footer_line(app)
        assert " f1 Help " in footer_line(app)


async def test_narrow_terminal_drops_the_spacing_then_the_last_keys_but_keeps_quit_and_help(
    repo_dir: Path,
) -> None:
    app = build_app(repo_dir)
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        line = footer_line(app)
        assert "/ Files i Ask e Escalate m Rung t Think l Lint q Quit f1 Help" in line
        assert "…" not in line and len(line) == 80
        await pilot.resize_terminal(60, 30)
        await pilot.pause()
        line = footer_line(app)
        assert line.startswith("/ Files i Ask")
        assert "q Quit f1 Help" in line and line.rstrip().endswith("^p palette")
        assert "l Lint" not in line and "…" not in line  # whole keys dropped, from the end
        assert len(line) == 60


async def test_clicking_a_key_presses_it(repo_dir: Path) -> None:
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = footer_line(app)
        column = line.index("f1 Help")
        await pilot.click(KeysFooter, offset=(column, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
