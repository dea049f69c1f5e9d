"""Steps shared by the live-awareness and history tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from haikutui.core.atomic import write_atomic
from haikutui.core.journal import Journal
from haikutui.core.repo import Repo
from haikutui.tui.app import HaikutuiApp

DEADLINE = 1.0
"""The behaviour deadline of issue 6: a base file changed on disk shows as stale within 1 s."""


async def watching(app: HaikutuiApp) -> None:
    """The watcher has its inotify watches in place (edits before that are not seen)."""
    assert await asyncio.to_thread(app.watcher.ready.wait, 5.0)


async def within(
    pilot: Pilot[int], condition: Callable[[], bool], deadline: float = DEADLINE
) -> float:
    """Wait for `condition` with short pauses, at most `deadline` seconds; return the time taken."""
    start = time.monotonic()
    while not condition():
        elapsed = time.monotonic() - start
        assert elapsed < deadline, f"not within {deadline} s"
        await pilot.pause(0.02)
    return time.monotonic() - start


def journaled_apply(root: Path, label: str, writes: dict[str, bytes]) -> str:
    """Journal, then write, then commit the entry: what an apply does (see journal.py)."""
    journal = Journal(Repo(root).git_dir)
    plan = []
    for rel, after in writes.items():
        full = root / rel
        plan.append((rel, full.read_bytes() if full.exists() else None, after))
    entry = journal.begin(label, plan)
    for rel, _before, after in plan:
        write_atomic(root / rel, after)
    journal.commit(entry)
    return entry.id


def header(app: HaikutuiApp) -> str:
    return str(app.screen.query_one("#review-header").render())
