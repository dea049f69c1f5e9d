"""80×24 under Textual's built-in themes: the main screen, the file list folded, and a review
with a long note and an edit outside the selection.

Regenerate with `pytest tests/snapshots/test_small_snapshots.py --snapshot-update`; look at each.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.tui.app import HaikutuiApp, create_app
from haikutui.tui.screens.review import ReviewScreen
from tests.functional.conftest import long_repo  # noqa: F401  (fixture)
from tests.functional.pilot import settle
from tests.functional.session import finished_session
from tests.snapshots.test_snapshots import _file_with_selection, _steady

SMALL = (80, 24)
Snap = Callable[..., bool]
LONG_NOTE = (
    "The loop read one past the end of the list, so I dropped the + 1 from the range; "
    "while there I also fixed last(), which indexed past the end in the same way."
)


def _app(root: Path) -> HaikutuiApp:
    return create_app(Repo(root), load_settings(root))


def test_main_screen_at_80x24_gruvbox(snap_compare: Snap, long_repo: Path) -> None:  # noqa: F811
    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "gruvbox"
        await _file_with_selection(pilot)

    assert snap_compare(_app(long_repo), terminal_size=SMALL, run_before=run_before)


def test_main_screen_folded_at_80x24_textual_light(
    snap_compare: Snap,
    long_repo: Path,  # noqa: F811
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "textual-light"
        await _file_with_selection(pilot)
        await pilot.press("f")
        await _steady(pilot)

    assert snap_compare(_app(long_repo), terminal_size=SMALL, run_before=run_before)


def test_review_at_80x24_nord_long_note_and_edit_outside(
    snap_compare: Snap,
    long_repo: Path,  # noqa: F811
) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "nord"
        await settle(pilot)
        await pilot.app.push_screen(ReviewScreen(finished_session(long_repo, note=LONG_NOTE)))
        await settle(pilot)  # the verdict, computed in a thread
        await pilot.press("j")  # to the hunk outside the selection
        await _steady(pilot)

    assert snap_compare(_app(long_repo), terminal_size=SMALL, run_before=run_before)
