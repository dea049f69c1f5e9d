"""Pilot steps for the lint tests: like tests/functional/pilot.py, but blind to the watcher.

The repo watcher is a worker that lives as long as the app, so waiting for every worker
would wait forever; these wait for all the others.
"""

from __future__ import annotations

from textual.pilot import Pilot

from haikutui.tui.widgets.code_view import CodeView

LONG_LIVED_GROUPS: frozenset[str] = frozenset({"watch"})


async def settle(pilot: Pilot[int]) -> None:
    """Let workers finish and their messages land."""
    for _ in range(2):
        workers = [w for w in pilot.app.workers if w.group not in LONG_LIVED_GROUPS]
        await pilot.app.workers.wait_for_complete(workers)
        await pilot.pause()


async def open_file(pilot: Pilot[int], name: str) -> None:
    """Type the name into the filter and press Enter, as a user would."""
    await settle(pilot)
    await pilot.press("slash", *name, "enter")
    await settle(pilot)
    assert pilot.app.screen.query_one(CodeView).path == name


async def ask(pilot: Pilot[int], instruction: str) -> None:
    await pilot.press("i", *instruction, "enter")
    await pilot.pause()
