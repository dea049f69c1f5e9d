"""Renames as a user meets them in the TUI: R on the cursor line, the modal, the review, apply."""

from __future__ import annotations

import subprocess
from pathlib import Path

from textual.widgets import Input, Label

from haikutui.tui.app import HaikutuiApp
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.rename import RenameReviewScreen, RenameScreen
from haikutui.tui.widgets.code_view import CodeView
from tests.fake_api import FakeAnthropic, tool_reply
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import status_text
from tests.rename.steps import cursor_to, open_file, settle, wait_for_screen
from tests.rename.test_model import COMMENT_EDIT, DOC_EDIT, YAML_EDIT


def _message(app: HaikutuiApp) -> str:
    return str(app.screen.query_one("#rename-message", Label).render())


async def test_rename_from_the_cursor_reviews_rope_and_model_hunks_then_applies(
    shapes_repo: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(DOC_EDIT, YAML_EDIT, COMMENT_EDIT, text="Renamed 3 mentions."))
    app = build_app(shapes_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "shapes/geometry.py")
        await cursor_to(pilot, 6)  # def area_of(width, height):
        assert app.screen.query_one(CodeView).symbol_under_cursor() == "area_of"
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, RenameScreen)
        assert app.screen.query_one(Input).value == "area_of"
        await pilot.press(*"1abc")
        assert app.screen.query_one(Input).value == "1abc"
        assert "✗ `1abc` is not a Python identifier: it starts with a digit" in _message(app)
        await pilot.press("enter")  # refused: the modal stays
        assert isinstance(app.screen, RenameScreen)
        await pilot.press(*["backspace"] * 4, *"class")
        assert "✗ `class` is a Python keyword" in _message(app)
        await pilot.press(*["backspace"] * 5, *"rect_area")
        assert "✓ area_of → rect_area" in _message(app)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RenameReviewScreen)
        header = str(screen.query_one("#review-header").render())
        assert "rename area_of → rect_area" in header and "5 files" in header
        sources = {(c.path, h.source) for c, h in screen.proposal.hunks}
        assert ("app.py", "rope") in sources
        assert ("docs/guide.md", "claude-haiku-4-5") in sources
        assert ("config/checks.yaml", "claude-haiku-4-5") in sources
        assert len(fake_api.message_requests) == 1
        # Reject the doc's hunk, keep the rest, apply.
        paths = [c.path for c, _ in screen.proposal.hunks]
        for path in paths:
            await pilot.press("n" if path == "docs/guide.md" else "y")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "applied to" in status_text(app)
    assert "def rect_area(width, height):" in (shapes_repo / "shapes/geometry.py").read_text()
    assert "function: rect_area" in (shapes_repo / "config/checks.yaml").read_text()
    assert "Call `area_of(w, h)`" in (shapes_repo / "docs/guide.md").read_text(), "rejected"


async def test_palette_command_and_escape_rename_nothing(shapes_repo: Path) -> None:
    app = build_app(shapes_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "shapes/report.py")
        await cursor_to(pilot, 4)  # def report(rows):
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Rename symbol")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RenameScreen)
        assert app.screen.query_one(Input).value == "report"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=shapes_repo, capture_output=True, text=True
    )
    assert status.stdout == ""


ROOM = "class Room:\n    def area(self):\n        return 12\n"


def _commit_room(root: Path) -> None:
    (root / "shapes/room.py").write_text(ROOM)
    for args in (["add", "-A"], ["commit", "-q", "-m", "a room has an area too"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


async def test_without_a_key_unsure_call_sites_are_rejected_hunks_in_review(
    shapes_repo: Path,
) -> None:
    _commit_room(shapes_repo)  # `thing.area()` may now be Room's: rope's unsure stays unsure
    app = build_app(shapes_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "shapes/geometry.py")
        await cursor_to(pilot, 16)  # def area(self):
        await pilot.press("R")
        await settle(pilot)
        await pilot.press(*"surface", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RenameReviewScreen)
        unsure = [(c.path, h) for c, h in screen.proposal.hunks if h.source == "rope unsure"]
        assert len(unsure) == 1 and unsure[0][0] == "shapes/geometry.py"
        hunk = unsure[0][1]
        assert '+    return f"area {thing.surface()}"\n' in hunk.lines
        assert not hunk.accepted, "rejected until the user accepts it"
        sure = [h for _, h in screen.proposal.hunks if h.source == "rope"]
        assert sure and all(h.accepted for h in sure)
        header = str(screen.query_one("#review-header").render())
        assert "✗ 1 unsure reference left" in header
        # Accept it, as the user who knows `thing` is a Shape: the ✗ goes away.
        hunks = [h for _, h in screen.proposal.hunks]
        for each in hunks:
            await pilot.press("y" if each is hunk else "n")
        await pilot.pause()
        assert hunk.accepted
        assert "unsure reference" not in str(screen.query_one("#review-header").render())
        await pilot.press("q")
        await settle(pilot)
        assert "nothing written" in status_text(app)


async def test_modal_refuses_a_name_that_clashes_before_showing_a_tick(
    shapes_repo: Path,
) -> None:
    app = build_app(shapes_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "shapes/geometry.py")
        await cursor_to(pilot, 6)  # def area_of(width, height):
        await pilot.press("R")
        await settle(pilot)
        await pilot.press(*["backspace"] * 7, *"describe")
        await pilot.pause()
        assert "✗ `describe` already exists in the same scope (shapes/geometry.py:20)" in (
            _message(app)
        )
        await pilot.press("enter")  # refused: the modal stays
        assert isinstance(app.screen, RenameScreen)
        await pilot.press(*["backspace"] * 8, *"report")  # shapes/report.py defines `report`
        await pilot.pause()
        assert "✗ `report` already exists in shapes/report.py:4" in _message(app)
        await pilot.press(*["backspace"] * 6, *"rect_area")
        await pilot.pause()
        assert "✓ area_of → rect_area" in _message(app)


async def test_rename_key_on_a_non_python_file_says_why(shapes_repo: Path) -> None:
    app = build_app(shapes_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "docs/guide.md")
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "open a Python file" in status_text(app)


async def test_escalation_asks_first_and_no_keeps_the_first_rungs_edits(
    shapes_repo: Path, fake_api: FakeAnthropic
) -> None:
    from haikutui.tui.screens.confirm import ConfirmScreen

    fake_api.script(tool_reply(DOC_EDIT, text="Renamed the doc."))  # 2 left unexplained
    app = build_app(shapes_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "shapes/geometry.py")
        await cursor_to(pilot, 6)  # def area_of(width, height):
        await pilot.press("R")
        await settle(pilot)
        await pilot.press(*["backspace"] * 7, *"rect_area", "enter")
        await wait_for_screen(pilot, ConfirmScreen)
        question = app.screen.query_one("#confirm-detail").render()
        assert "config/checks.yaml:3" in str(question)
        await pilot.press("n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RenameReviewScreen)
        assert len(fake_api.message_requests) == 1, "no stronger rung without a yes"
        sources = {(c.path, h.source) for c, h in screen.proposal.hunks}
        assert ("docs/guide.md", "claude-haiku-4-5") in sources


SOLID = """\
from shapes.geometry import Shape


class Cube(Shape):
    def volume(self):
        if self.width < 0:
            raise ValueError("a volume is never negative")
        return self.width**3
"""


async def test_modal_refuses_an_ancestors_name_and_review_lists_data_strings(
    shapes_repo: Path,
) -> None:
    (shapes_repo / "shapes/solid.py").write_text(SOLID)
    subprocess.run(["git", "add", "-A"], cwd=shapes_repo, check=True)
    subprocess.run(["git", "commit", "-qm", "cube"], cwd=shapes_repo, check=True)
    app = build_app(shapes_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "shapes/solid.py")
        await cursor_to(pilot, 5)  # def volume(self):
        await pilot.press("R")
        await settle(pilot)
        await pilot.press(*["backspace"] * 6, *"area")
        await pilot.pause()
        assert (
            "✗ `area` already exists in class Shape (shapes/geometry.py:16), an ancestor of Cube"
            in _message(app)
        )
        await pilot.press("enter")  # refused: the modal stays
        assert isinstance(app.screen, RenameScreen)
        await pilot.press(*["backspace"] * 4, *"cubic_volume", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RenameReviewScreen)
        header = str(screen.query_one("#review-header").render())
        assert "⚠ 1 string still says `volume` (data, left as it is): shapes/solid.py:7" in header
        assert "✗" not in header.split("\n")[1]
