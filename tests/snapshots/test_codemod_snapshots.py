"""A codemod job in the TUI at 80×24, pinned as SVG: its price live and batched before it is
sent, and the review grouped by file. Look at every SVG before keeping it (CONTRIBUTING.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.tui.app import HaikutuiApp, create_app
from tests.codemod.helpers import INSTRUCTION, Responder, make_codemod_repo
from tests.fake_api import FakeAnthropic
from tests.functional.pilot import settle

SIZE = (80, 24)
MODS = [f"src/pkg/mod_{n:02d}.py" for n in range(4)]
Snap = Callable[..., bool]


def _app(root: Path) -> HaikutuiApp:
    return create_app(Repo(root), load_settings(root, trusted=True))


async def _marked_and_asked(pilot: Pilot[Any]) -> None:
    await settle(pilot)
    for name in MODS:
        await pilot.press("slash", "ctrl+u", *name, "tab", "space")
        await pilot.pause()
    await pilot.press("i", *INSTRUCTION, "enter")
    await settle(pilot)


async def _steady(pilot: Pilot[Any]) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def test_codemod_price_live_and_batched(
    snap_compare: Snap, tmp_path: Path, fake_api: FakeAnthropic
) -> None:
    """Nothing is sent yet: each rung's price for the whole job, live and batched, the judge."""
    root = make_codemod_repo(tmp_path / "proj", count=4)

    async def run_before(pilot: Pilot[Any]) -> None:
        await _marked_and_asked(pilot)
        await _steady(pilot)

    assert snap_compare(_app(root), terminal_size=SIZE, run_before=run_before)


def test_codemod_review_grouped_by_file(
    snap_compare: Snap, tmp_path: Path, fake_api: FakeAnthropic
) -> None:
    """mod_02's judge says no on every rung: it climbed, waits rejected, and is highlighted."""
    root = make_codemod_repo(tmp_path / "proj", count=4)
    fake_api.responder = Responder(judge={MODS[2]: ["no"] * 3})

    async def run_before(pilot: Pilot[Any]) -> None:
        await _marked_and_asked(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)
        await _steady(pilot)

    assert snap_compare(_app(root), terminal_size=SIZE, run_before=run_before)
