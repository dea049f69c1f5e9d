"""Renames run the tests check by default: the tests that import the renamed symbol's module,
from the repo's own venv, on a copy with the rename in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.checks.conftest import SHAPES
from tests.conftest import git


def test_a_rename_that_keeps_the_tests_passing_is_applied(shapes_repo: Path, haikutui: Any) -> None:
    run = haikutui(shapes_repo, "rename", "area", "surface", "--no-model", "--yes", "--json")
    assert run.code == 0, run.err
    checks = run.json["checks"]
    assert checks["ok"] is True
    assert checks["ran"][-1].endswith("-m pytest on 1 test file: 1 passed")
    assert "tests pass (1 passed on 1 test file)" in checks["summary"]
    assert "def surface(w, h)" in (shapes_repo / "shapes/geometry.py").read_text()


def test_a_rename_that_breaks_a_test_is_refused_with_exit_4(
    shapes_repo: Path, haikutui: Any
) -> None:
    # A name built at run time: neither rope nor the string lookups can see it, the tests can.
    (shapes_repo / "tests/test_lookup.py").write_text(
        "from shapes import geometry\n\n\ndef test_lookup():\n"
        "    assert getattr(geometry, 'peri' + 'meter')(1, 2) == 6\n"
    )
    git(shapes_repo, "add", "-A")
    git(shapes_repo, "commit", "-qm", "lookup")
    run = haikutui(shapes_repo, "rename", "perimeter", "outline", "--no-model", "--yes")
    assert run.code == 4, run.err
    assert "tests fail (1 failed" in run.err
    assert "tests/test_lookup.py::test_lookup at tests/test_lookup.py:5" in run.err
    assert (shapes_repo / "shapes/geometry.py").read_text() == SHAPES["shapes/geometry.py"]


def test_no_test_skips_the_tests_and_says_so(shapes_repo: Path, haikutui: Any) -> None:
    run = haikutui(shapes_repo, "rename", "area", "surface", "--no-model", "--no-test")
    assert run.code == 0, run.err
    assert "· tests not run" in run.err
