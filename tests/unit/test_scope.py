"""Edits outside the selected lines are found, hunk by hunk, so review can show them."""

from __future__ import annotations

from pathlib import Path

from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.core.scope import outside_selection
from tests.conftest import make_repo

TEXT = "".join(f"line{n}\n" for n in range(1, 61))


def _proposal(tmp_path: Path, new: str, extra: dict[str, str] | None = None) -> Proposal:
    root = make_repo(tmp_path / "p", {"a.py": TEXT, "b.py": "b\n"})
    overlay = Overlay(Repo(root))
    overlay.write("a.py", new)
    for path, text in (extra or {}).items():
        overlay.write(path, text)
    return Proposal.from_overlay(overlay, model="m", rung="fast")


def test_edit_inside_the_selection_is_not_flagged(tmp_path: Path) -> None:
    proposal = _proposal(tmp_path, TEXT.replace("line5\n", "five\n"))
    assert outside_selection(proposal, "a.py", (4, 6)) == {}
    assert outside_selection(proposal, "a.py", None) == {}


def test_edit_elsewhere_and_in_another_file_are_flagged(tmp_path: Path) -> None:
    new = TEXT.replace("line5\n", "five\n").replace("line40\n", "forty\n")
    new = new.replace("line52\n", "fifty-two\n").replace("line46\n", "")
    proposal = _proposal(tmp_path, new, {"b.py": "B\n"})
    assert outside_selection(proposal, "a.py", (4, 6)) == {1: "lines 40–52", 2: "b.py"}


def test_insertion_just_after_the_selection_is_inside(tmp_path: Path) -> None:
    proposal = _proposal(tmp_path, TEXT.replace("line6\n", "line6\nnew\n"))
    assert outside_selection(proposal, "a.py", (4, 6)) == {}
    assert outside_selection(proposal, "a.py", (4, 5)) == {0: "line 7"}
