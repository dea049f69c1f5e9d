"""Steps a user takes, shared by the pilot tests so each test reads as a story."""

from __future__ import annotations

from textual.pilot import Pilot

from haikutui.tui.app import HaikutuiApp
from haikutui.tui.widgets.code_view import CodeView
from haikutui.tui.widgets.file_list import FileList
from haikutui.tui.widgets.status_bar import StatusBar


async def settle(pilot: Pilot[int]) -> None:
    """Let workers finish and their messages land."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_file(pilot: Pilot[int], name: str) -> None:
    """Type the name into the filter and press Enter, as a user would."""
    await settle(pilot)
    await pilot.press("slash", *name, "enter")
    await settle(pilot)
    assert pilot.app.screen.query_one(CodeView).path == name


async def select_lines(pilot: Pilot[int], start: int, end: int) -> None:
    """Move the cursor to `start` and grow the selection down to `end` with shift+down."""
    await pilot.press("home", *["down"] * (start - 1), *["shift+down"] * (end - start))
    await pilot.pause()


async def ask(pilot: Pilot[int], instruction: str) -> None:
    await pilot.press("i", *instruction, "enter")
    await pilot.pause()


def status_text(app: HaikutuiApp) -> str:
    return str(app.screen.query_one(StatusBar).render())


def files(app: HaikutuiApp) -> FileList:
    return app.screen.query_one(FileList)


def screen_text(app: HaikutuiApp) -> list[str]:
    """The screen as the user reads it: one string per terminal row, colours dropped."""
    return [strip.text.rstrip() for strip in app.screen._compositor.render_strips()]
