"""Acceptance 2 of issue 6 in the TUI: the history screen (H) after a restart undoes one apply
to the exact bytes, undoes one hunk, refuses after a later user edit, and offers a reviewed
three-way revert whose conflicts are never written."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.core.journal import Journal
from haikutui.core.repo import Repo
from haikutui.tui.screens.history import HistoryScreen
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.review import ReviewScreen
from tests.conftest import make_repo
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import LONG_PY, SIZE, build_app, long_repo  # noqa: F401
from tests.functional.pilot import ask, open_file, settle, status_text
from tests.watch.helpers import journaled_apply

BEFORE = b"one\r\ntwo\r\nthree\r\nfour\r\nfive\r\nsix\r\nseven\r\neight\r\nnine\r\nten"
AFTER = b"ONE\r\ntwo\r\nthree\r\nfour\r\nfive\r\nsix\r\nseven\r\neight\r\nnine\r\nTEN"
"""CRLF and no final newline: exact bytes or nothing."""


@pytest.fixture
def applied(tmp_path: Path) -> Path:
    """A repo where an earlier session applied one change (two hunks) and was closed."""
    root = make_repo(tmp_path / "proj", {"notes.txt": BEFORE, "README.md": "# proj\n"})
    journaled_apply(root, "fix the case", {"notes.txt": AFTER})
    return root


async def _history(pilot) -> HistoryScreen:  # noqa: ANN001
    await settle(pilot)
    await pilot.press("H")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


async def test_undo_after_restart_restores_exact_bytes(applied: Path) -> None:
    app = build_app(applied)  # a new app: the journal is all that is left of the apply
    async with app.run_test(size=SIZE) as pilot:
        screen = await _history(pilot)
        assert [e.label for e in screen.entries] == ["fix the case"]
        assert len([h for h in screen.hunks if h.hunk]) == 2
        await pilot.press("u")
        await pilot.pause()
        assert "undone: restored notes.txt" in status_text(app)
        assert screen.entries[0].state == "undone"
        await pilot.press("u")
        await pilot.pause()
        assert "already undone" in status_text(app)
        await pilot.press("q")
        assert isinstance(app.screen, MainScreen)
    assert (applied / "notes.txt").read_bytes() == BEFORE


async def test_undo_one_hunk(applied: Path) -> None:
    app = build_app(applied)
    async with app.run_test(size=SIZE) as pilot:
        await _history(pilot)
        await pilot.press("j", "h")  # the second hunk: TEN back to ten
        await pilot.pause()
        assert "undone: hunk 2 of notes.txt" in status_text(app)
    assert (applied / "notes.txt").read_bytes() == AFTER.replace(b"TEN", b"ten")


async def test_undo_refuses_after_a_later_user_edit_then_reverts_three_way(applied: Path) -> None:
    edited = AFTER.replace(b"five", b"five (user)")
    (applied / "notes.txt").write_bytes(edited)
    app = build_app(applied)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _history(pilot)
        assert screen.hunks[0].hunk is None and "edited since" in screen.hunks[0].problem
        await pilot.press("u")
        await pilot.pause()
        assert "notes.txt: edited since that apply; not undone · m: three-way revert" in (
            status_text(app)
        )
        assert (applied / "notes.txt").read_bytes() == edited

        await pilot.press("m")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen) and not review.ask_model
        await pilot.press("e")  # no model behind a revert: nothing is sent
        await pilot.pause()
        assert "three-way revert" in status_text(app)
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is screen
        assert "reverted: wrote notes.txt" in status_text(app)
    assert (applied / "notes.txt").read_bytes() == BEFORE.replace(b"five", b"five (user)")


async def test_revert_conflict_is_shown_and_never_written(applied: Path) -> None:
    edited = AFTER.replace(b"ONE", b"One (user)")
    (applied / "notes.txt").write_bytes(edited)
    app = build_app(applied)
    async with app.run_test(size=SIZE) as pilot:
        await _history(pilot)
        await pilot.press("m")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert "1 conflict(s) marked" in review.proposal.note
        await pilot.press("A", "a")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "conflict markers remain" in status_text(app)
    assert (applied / "notes.txt").read_bytes() == edited


async def test_palette_opens_history(applied: Path) -> None:
    app = build_app(applied)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"History", "enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)


async def test_apply_in_review_then_undo_in_history_end_to_end(
    long_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    """Ask, apply, undo: the whole loop. Needs apply_proposal to write the journal."""
    fake_api.script(tool_reply(str_replace("core.py", "range(len(values) + 1)", "range(3)")))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert (long_repo / "core.py").read_text() != LONG_PY
        if not Journal(Repo(long_repo).git_dir).entries(long_repo):
            pytest.skip("apply_proposal does not write the journal yet (the lead wires it)")
        await _history(pilot)
        await pilot.press("u")
        await pilot.pause()
    assert (long_repo / "core.py").read_text() == LONG_PY
