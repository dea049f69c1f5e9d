"""Pilot steps for renames. `settle` waits for every worker but the app's file watcher, which
runs for the app's whole life."""

from __future__ import annotations

import contextlib

from textual.pilot import Pilot
from textual.worker import WorkerCancelled, WorkerFailed

from haikutui.tui.widgets.code_view import CodeView


async def settle(pilot: Pilot[int]) -> None:
    for _ in range(2):
        for worker in [w for w in pilot.app.workers if w.group != "watch"]:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
        await pilot.pause()


async def open_file(pilot: Pilot[int], name: str) -> None:
    """Type the name into the filter and press Enter, as a user would."""
    await settle(pilot)
    await pilot.press("slash", *name, "enter")
    await settle(pilot)
    assert pilot.app.screen.query_one(CodeView).path == name


async def cursor_to(pilot: Pilot[int], line: int) -> None:
    await pilot.press("home", *["down"] * (line - 1))
    await pilot.pause()


async def wait_for_screen(pilot: Pilot[int], kind: type, timeout: float = 10.0) -> None:
    """For a screen a worker pushes and then waits on: `settle` would wait for the worker."""
    for _ in range(int(timeout / 0.05)):
        if isinstance(pilot.app.screen, kind):
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{kind.__name__} never showed; on {type(pilot.app.screen).__name__}")
