"""What the user sees, pinned as SVG: main screen, the live run status, and the review screen.

Regenerate with `pytest tests/snapshots --snapshot-update` and look at every SVG before keeping it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from haikutui.core.config import load_settings
from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.model.fix_request import FixRequest
from haikutui.model.fix_run import FixResult, Progress
from haikutui.model.ladder import resolve
from haikutui.model.pricing import Usage
from haikutui.tasks.fix_session import FixSession
from haikutui.tui.app import HaikutuiApp, create_app
from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.widgets.status_bar import StatusBar
from tests.functional.conftest import LONG_PY, long_repo  # noqa: F401  (fixture)
from tests.functional.pilot import open_file, select_lines, settle

SIZE = (110, 32)
Snap = Callable[..., bool]


def _app(root: Path) -> HaikutuiApp:
    return create_app(Repo(root), load_settings(root))


async def _steady(pilot: Pilot[Any]) -> None:
    """No blinking cursors in a picture."""
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


async def _file_with_selection(pilot: Pilot[Any]) -> None:
    await open_file(pilot, "core.py")
    await select_lines(pilot, 4, 5)
    await _steady(pilot)


def test_main_screen_with_file_open(snap_compare: Snap, long_repo: Path) -> None:  # noqa: F811
    assert snap_compare(_app(long_repo), terminal_size=SIZE, run_before=_file_with_selection)


def test_streaming_status(snap_compare: Snap, long_repo: Path) -> None:  # noqa: F811
    async def streaming(pilot: Pilot[Any]) -> None:
        await _file_with_selection(pilot)
        status = pilot.app.screen.query_one(StatusBar)
        rung = resolve("fast", load_settings(long_repo))
        progress = Progress(rung, started=100.0, phase="streaming", requests=1)
        progress.usage = Usage(input_tokens=1234, output_tokens=0)
        progress.streamed_chars = 400
        status.clock = lambda: 102.5
        status.progress = progress
        await pilot.pause()

    assert snap_compare(_app(long_repo), terminal_size=SIZE, run_before=streaming)


def _session(root: Path) -> FixSession:
    """A finished session with a two-hunk proposal, built without any API."""
    repo, settings = Repo(root), load_settings(root)
    overlay = Overlay(repo)
    overlay.write(
        "core.py",
        LONG_PY.replace("range(len(values) + 1)", "range(len(values))").replace(
            "values[len(values)]", "values[len(values) - 1]"
        ),
    )
    rung = resolve("fast", settings)
    proposal = Proposal.from_overlay(overlay, model=rung.model, rung=rung.name)
    proposal.note = "Fixed the loop bound and the last index."
    session = FixSession(repo, settings, FixRequest("core.py", "fix", (4, 5)), rung)
    session.result = FixResult(proposal, Progress(rung, 0.0, phase="done"), "", "tool_use")
    return session


@pytest.mark.parametrize("keys", [(), ("y", "n")], ids=["fresh", "accept-then-reject"])
def test_review_screen(snap_compare: Snap, long_repo: Path, keys: tuple[str, ...]) -> None:  # noqa: F811
    async def review(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(ReviewScreen(_session(long_repo)))
        await settle(pilot)  # the check verdict, computed in a thread, is in the header
        await pilot.press(*keys)
        await _steady(pilot)

    assert snap_compare(_app(long_repo), terminal_size=SIZE, run_before=review)
