"""rope's half: Python references renamed in memory, modules moved with `git mv`, unsure listed."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest

from haikutui.cli.main import main
from haikutui.core.config import load_settings
from haikutui.core.proposal import MovedFileChange
from haikutui.core.repo import Repo
from haikutui.tasks.rename.session import RenameSession
from tests.rename.conftest import GEOMETRY, MAIN, REPORT


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def _session(root: Path, old: str, new: str, at: str | None = None) -> RenameSession:
    return RenameSession(Repo(root), load_settings(root), old, new, at=at, rung=None)


def test_function_renamed_in_every_module_in_memory_only(shapes_repo: Path) -> None:
    session = _session(shapes_repo, "area_of", "rect_area")
    result = asyncio.run(session.run())
    proposal = result.proposal
    assert _git(shapes_repo, "status", "--porcelain") == "", "nothing written before apply"
    assert [c.path for c in proposal.changes] == [
        "app.py",
        "shapes/geometry.py",
        "shapes/report.py",
    ]
    assert {h.source for _, h in proposal.hunks} == {"rope"}
    texts = {c.path: c.new_text for c in proposal.changes}
    assert texts["app.py"] == MAIN.replace("area_of", "rect_area")
    # `__all__` names it in a string: renamed with it, so `import *` still works.
    assert '__all__ = ["rect_area", "Shape"]' in texts["shapes/geometry.py"]
    assert "return rect_area(self.width, self.height)" in texts["shapes/geometry.py"]
    assert "from shapes.geometry import rect_area" in texts["shapes/report.py"]
    # The comment is not rope's: it is left, and says why.
    assert "# area_of is the one place" in texts["shapes/report.py"]
    left = {lo.occurrence.where: lo.reason for lo in session.leftovers}
    assert left == {
        "config/checks.yaml:3": "not sent: rope only (no model run)",
        "docs/guide.md:85": "not sent: rope only (no model run)",
        "shapes/report.py:5": "not sent: rope only (no model run)",
    }


def test_cli_no_model_yes_applies_and_lists_leftovers(
    shapes_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["rename", "area_of", "rect_area", "--no-model", "--yes", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["applied"] == ["app.py", "shapes/geometry.py", "shapes/report.py"]
    assert data["sent_to_model"] == [] and data["rungs"] == [] and data["cost"] == 0
    assert data["check"]["ok"]
    assert {h["source"] for h in data["hunks"]} == {"rope"}
    assert "left: docs/guide.md:85: not sent: rope only (no model run)" in err
    assert (shapes_repo / "shapes/report.py").read_text() == REPORT.replace(
        "import area_of", "import rect_area"
    ).replace("[area_of(", "[rect_area(")
    assert _git(shapes_repo, "grep", "-w", "-n", "area_of", "--", "*.py").splitlines() == [
        "shapes/report.py:5:    # area_of is the one place that knows how to multiply"
    ]


def test_module_rename_moves_the_file_and_apply_uses_git_mv(
    shapes_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["rename", "geometry", "shapes_geo", "--at", "shapes/geometry.py", "--no-model", "--yes"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "diff --git a/shapes/geometry.py b/shapes/shapes_geo.py" in out
    assert "rename from shapes/geometry.py\nrename to shapes/shapes_geo.py" in out
    assert "move: shapes/geometry.py → shapes/shapes_geo.py (git mv)" in err
    status = _git(shapes_repo, "status", "--porcelain")
    assert "R  shapes/geometry.py -> shapes/shapes_geo.py" in status, status
    assert not (shapes_repo / "shapes/geometry.py").exists()
    assert (shapes_repo / "shapes/shapes_geo.py").read_text() == GEOMETRY
    assert "from shapes.shapes_geo import area_of" in (shapes_repo / "shapes/report.py").read_text()
    assert "return shapes.shapes_geo.area_of(2, 3)" in (shapes_repo / "app.py").read_text()


def test_rejecting_the_move_keeps_the_old_path(shapes_repo: Path) -> None:
    session = _session(shapes_repo, "geometry", "shapes_geo", at="shapes/geometry.py")
    proposal = asyncio.run(session.run()).proposal
    moved = [c for c in proposal.changes if isinstance(c, MovedFileChange)]
    assert len(moved) == 1 and moved[0].old_path == "shapes/geometry.py"
    moved[0].hunks[0].accepted = False
    for change in proposal.changes:
        if change is not moved[0]:
            for hunk in change.hunks:
                hunk.accepted = False
    with pytest.raises(Exception, match="no hunk is accepted"):
        session.apply()
    assert _git(shapes_repo, "status", "--porcelain") == ""


def test_unsure_occurrence_is_resolved_when_no_other_class_has_the_name(
    shapes_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `thing.area()`: rope cannot tell what `thing` is, so it is unsure; but only Shape has
    # an `area`, so it can only be this method (rejected-hunk cases: test_real_code.py).
    code = main(["rename", "area", "surface", "--at", "shapes/geometry.py:16", "--no-model"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "1 unsure resolved as sure: no other class in the project defines `area`" in err
    assert '+    return f"area {thing.surface()}"' in out
    assert "rope unsure" not in err


def test_parameter_rename_stays_in_its_function(shapes_repo: Path) -> None:
    session = _session(shapes_repo, "width", "w", at="shapes/geometry.py:6")
    proposal = asyncio.run(session.run()).proposal
    [change] = proposal.changes
    assert "def area_of(w, height):" in change.new_text
    assert "return w * height" in change.new_text
    assert "self.width = width" in change.new_text, "Shape's own `width` is another symbol"
