"""The review header at 80×24: counts apart, no filler note, the verdict always on screen,
and edits outside the selection called out."""

from __future__ import annotations

from pathlib import Path

from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.widgets.diff_view import HunkView
from tests.functional.conftest import LONG_PY, build_app
from tests.functional.pilot import screen_text, settle
from tests.functional.session import FIXED, finished_session

SMALL = (80, 24)


async def _review(root: Path, **session: object) -> tuple[list[int], list[str]]:
    """The screen's rows at 80×24, and the indices of the hunks marked outside the selection."""
    app = build_app(root)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = ReviewScreen(finished_session(root, **session))  # type: ignore[arg-type]
        await app.push_screen(screen)
        await settle(pilot)
        marked = [view.index for view in screen.query(HunkView) if view.has_class("-outside")]
        return marked, screen_text(app)


async def test_counts_are_separated(long_repo: Path) -> None:
    """`+2 −21/2 hunks accepted` ran the line count into the hunk count."""
    _, rows = await _review(long_repo)
    assert "+2 −2 · 2/2 hunks accepted" in rows[0]


async def test_no_note_shows_nothing_and_a_long_note_never_hides_the_verdict(
    long_repo: Path,
) -> None:
    _, rows = await _review(long_repo, note="", selection=None)
    assert not any("no note" in row for row in rows)
    assert rows[1].startswith(" ✓ parses")  # the verdict is the header's second row
    long_note = "I changed the loop bound because it read one past the end. " * 8
    _, rows = await _review(long_repo, note=long_note + "\nAnd a second line.", selection=None)
    assert rows[1].startswith(" I changed the loop bound") and rows[1].endswith("…")
    assert rows[2].startswith(" ✓ parses")  # not pushed off by the note


async def test_edit_outside_the_selection_is_said_and_its_hunk_marked(long_repo: Path) -> None:
    """The user selected lines 4-5; the model also changed line 38."""
    marked, rows = await _review(long_repo, selection=(4, 5))
    assert "⚠ edits outside the selection (line 38)" in rows[1]
    assert marked == [1]
    assert any("2/2 core.py" in row and "⚠ outside the selection" in row for row in rows)
    marked, rows = await _review(long_repo, selection=(4, 5), text=LONG_PY.replace("+ 1)", ")"))
    assert not any("outside" in row for row in rows) and marked == []
    assert FIXED.count("\n") == LONG_PY.count("\n")
