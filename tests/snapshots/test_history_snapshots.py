"""The history screen as pictures: an apply with the hunks undo restores, and the refusal after a
later user edit. Times come from an injected formatter, so no clock is drawn."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.tui.app import HaikutuiApp, create_app
from haikutui.tui.screens.history import HistoryScreen
from tests.conftest import make_repo
from tests.functional.pilot import settle
from tests.watch.helpers import journaled_apply

SIZE = (110, 32)
Snap = Callable[..., bool]
BEFORE = "".join(f"line {n}\n" for n in range(1, 16))


@pytest.fixture
def journaled(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "proj", {"notes.txt": BEFORE, "src/app.py": "x = 1\n"})
    journaled_apply(root, "rename the first note", {"src/app.py": b"x = 2\n"})
    after = BEFORE.replace("line 2\n", "LINE 2\n").replace("line 14\n", "LINE 14\n")
    journaled_apply(root, "shout two lines", {"notes.txt": after.encode()})
    return root


def _app(root: Path) -> HaikutuiApp:
    return create_app(Repo(root), load_settings(root))


def _history(root: Path, *keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(
            HistoryScreen(Repo(root), pilot.app.settings, pilot.app.rung, when=lambda _t: "earlier")
        )
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


def test_history_with_hunks(snap_compare: Snap, journaled: Path) -> None:
    assert snap_compare(_app(journaled), terminal_size=SIZE, run_before=_history(journaled, "j"))


def test_history_refuses_after_user_edit(snap_compare: Snap, journaled: Path) -> None:
    notes = journaled / "notes.txt"
    notes.write_text(notes.read_text().replace("line 8\n", "line 8 (user)\n"))
    assert snap_compare(_app(journaled), terminal_size=SIZE, run_before=_history(journaled, "u"))
