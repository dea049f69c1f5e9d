"""The tests check in the verdict: only the tests a change reaches, and failures that were
there before the change are named as such (they still fail: the verdict stays ✗)."""

from __future__ import annotations

from pathlib import Path

from haikutui.core.repo import Repo
from haikutui.tasks.checks import check_proposal
from tests.checks.conftest import edit
from tests.conftest import git


def test_a_failure_the_tree_already_had_is_named_and_still_fails(shapes_repo: Path) -> None:
    (shapes_repo / "tests/test_report.py").write_text(
        "from shapes.report import describe\n\n\ndef test_describe():\n"
        "    assert describe(2, 3) == '2x3: 6'\n\n\ndef test_old_bug():\n"
        "    assert describe(1, 1) == 'one'\n"
    )
    git(shapes_repo, "commit", "-qam", "a test that fails today")
    change = edit(shapes_repo, "shapes/geometry.py", "return w * h", "return h * w")
    verdict = check_proposal(Repo(shapes_repo), change, tests=True, trusted=True)
    assert not verdict.ok
    assert verdict.problems == [
        "tests fail (1 failed, 1 passed; tests/test_report.py::test_old_bug at "
        "tests/test_report.py:9: AssertionError: assert '1x1: 1' == 'one'; "
        "all also failing without the change)"
    ]


def test_a_new_failure_is_named_first(shapes_repo: Path) -> None:
    change = edit(shapes_repo, "shapes/geometry.py", "return w * h", "return w * h + 1")
    verdict = check_proposal(Repo(shapes_repo), change, tests=True, trusted=True)
    assert not verdict.ok
    assert "tests/test_report.py::test_describe at tests/test_report.py:5" in verdict.summary
    assert "also failing" not in verdict.summary


def test_a_change_no_test_reaches_says_so(shapes_repo: Path) -> None:
    (shapes_repo / "shapes/orphan.py").write_text("X = 1\n")
    git(shapes_repo, "add", "-A")
    git(shapes_repo, "commit", "-qm", "orphan")
    change = edit(shapes_repo, "shapes/orphan.py", "X = 1", "X = 2")
    verdict = check_proposal(Repo(shapes_repo), change, tests=True, trusted=True)
    assert verdict.ok and verdict.tests is None
    assert verdict.summary.endswith("· tests not run (no test imports the changed modules)")


def test_selected_files_without_tests_claim_nothing(shapes_repo: Path) -> None:
    (shapes_repo / "tests/test_colors.py").write_text("from shapes import colors\n")
    git(shapes_repo, "commit", "-qam", "no test left")
    change = edit(shapes_repo, "shapes/colors.py", "RED = 'red'", "RED = 'crimson'")
    verdict = check_proposal(Repo(shapes_repo), change, tests=True, trusted=True)
    assert verdict.ok and verdict.tests is None
    assert verdict.summary.endswith("· tests not run (pytest collected none)")
