"""Renames as the user sees them: the new-name modal from the cursor, a review with a rejected
unsure hunk, and the review of a rename that spans files and engines (rope and the model).

Regenerate with `pytest tests/snapshots/test_rename_snapshots.py --snapshot-update`; look at each SVG.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.tui.app import HaikutuiApp, create_app
from haikutui.tui.screens.rename import RenameReviewScreen
from tests.fake_api import FakeAnthropic, tool_reply
from tests.rename.conftest import shapes_repo  # noqa: F401  (fixture)
from tests.rename.steps import cursor_to, open_file, settle, wait_for_screen
from tests.rename.test_model import COMMENT_EDIT, DOC_EDIT, YAML_EDIT
from tests.rename.test_pilot import _commit_room

SIZE = (110, 32)
Snap = Callable[..., bool]


def _app(root: Path) -> HaikutuiApp:
    # A repo of the user's own, trusted: the trust question is not what these pictures show.
    return create_app(Repo(root), load_settings(root, trusted=True))


async def _steady(pilot: Pilot[Any]) -> None:
    """No blinking cursors in a picture."""
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


async def _rename_modal(pilot: Pilot[Any], typed: str) -> None:
    await open_file(pilot, "shapes/geometry.py")
    await cursor_to(pilot, 6)
    await pilot.press("R")
    await settle(pilot)  # the name is checked against the project once it is parsed
    await _steady(pilot)
    await pilot.press(*typed)
    await _steady(pilot)


def test_rename_modal_refuses_a_bad_name(snap_compare: Snap, shapes_repo: Path) -> None:  # noqa: F811
    async def run_before(pilot: Pilot[Any]) -> None:
        await _rename_modal(pilot, "1abc")

    assert snap_compare(_app(shapes_repo), terminal_size=SIZE, run_before=run_before)


def test_rename_modal_accepts_a_good_name(snap_compare: Snap, shapes_repo: Path) -> None:  # noqa: F811
    async def run_before(pilot: Pilot[Any]) -> None:
        await _rename_modal(pilot, "rect_area")

    assert snap_compare(_app(shapes_repo), terminal_size=SIZE, run_before=run_before)


def test_rename_review_with_a_rejected_unsure_hunk(
    snap_compare: Snap,
    shapes_repo: Path,  # noqa: F811
) -> None:
    _commit_room(shapes_repo)

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_file(pilot, "shapes/geometry.py")
        await cursor_to(pilot, 16)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press(*"surface", "enter")
        await settle(pilot)
        await wait_for_screen(pilot, RenameReviewScreen)
        await _steady(pilot)

    assert snap_compare(_app(shapes_repo), terminal_size=SIZE, run_before=run_before)


def test_rename_review_across_files_and_engines(
    snap_compare: Snap,
    shapes_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    fake_api.script(tool_reply(DOC_EDIT, YAML_EDIT, COMMENT_EDIT, text="Renamed 3 mentions."))

    async def run_before(pilot: Pilot[Any]) -> None:
        await _rename_modal(pilot, "rect_area")
        await pilot.press("enter")
        await settle(pilot)
        await wait_for_screen(pilot, RenameReviewScreen)
        await pilot.press("j", "j", "n")  # move to the third hunk and reject it
        await _steady(pilot)

    assert snap_compare(_app(shapes_repo), terminal_size=SIZE, run_before=run_before)
