"""The tests check in the verdict: only the tests a change reaches; a failure the tree had
before the change is advisory (⚠, never blocking unless `[checks] strict = true`), a new one
is blocking (issue 20)."""

from __future__ import annotations

from pathlib import Path

from haikutui.core.repo import Repo
from haikutui.tasks.verdict.checks import check_proposal
from tests.checks.conftest import edit
from tests.conftest import git

OLD_BUG = (
    "from shapes.report import describe\n\n\ndef test_describe():\n"
    "    assert describe(2, 3) == '2x3: 6'\n\n\ndef test_old_bug():\n"
    "    assert describe(1, 1) == 'one'\n"
)


def test_a_failure_the_tree_already_had_is_advisory_not_blocking(shapes_repo: Path) -> None:
    (shapes_repo / "tests/test_report.py").write_text(OLD_BUG)
    git(shapes_repo, "commit", "-qam", "a test that fails today")
    change = edit(shapes_repo, "shapes/geometry.py", "return w * h", "return h * w")
    verdict = check_proposal(Repo(shapes_repo), change, tests=True, trusted=True)
    assert verdict.ok, verdict.summary
    assert verdict.problems == [] and verdict.blocking == []
    assert verdict.warnings == ["1 test already failing (tests/test_report.py::test_old_bug)"]
    assert "⚠ 1 test already failing" in verdict.summary
    assert verdict.summary.startswith("✓ parses")
    [advisory] = verdict.as_json()["advisories"]
    assert advisory == {
        "file": "tests/test_report.py",
        "line": 9,
        "rule": "test-failure",
        "message": "tests/test_report.py::test_old_bug: AssertionError: assert '1x1: 1' == 'one'",
    }


def test_strict_makes_an_old_failure_block(shapes_repo: Path) -> None:
    (shapes_repo / "tests/test_report.py").write_text(OLD_BUG)
    git(shapes_repo, "commit", "-qam", "a test that fails today")
    change = edit(shapes_repo, "shapes/geometry.py", "return w * h", "return h * w")
    verdict = check_proposal(Repo(shapes_repo), change, tests=True, strict=True, trusted=True)
    assert not verdict.ok
    assert verdict.summary.startswith("✗ (strict) 1 test already failing")


def test_a_new_failure_beside_an_old_one_blocks_and_the_old_one_is_advisory(
    shapes_repo: Path,
) -> None:
    (shapes_repo / "tests/test_report.py").write_text(OLD_BUG)
    git(shapes_repo, "commit", "-qam", "a test that fails today")
    change = edit(shapes_repo, "shapes/geometry.py", "return w * h", "return w * h + 1")
    verdict = check_proposal(Repo(shapes_repo), change, tests=True, trusted=True)
    assert not verdict.ok
    assert [f.message.split(":")[2] for f in verdict.blocking] == ["test_describe"]
    assert [f.message.split(":")[2] for f in verdict.advisories] == ["test_old_bug"]
    assert verdict.summary.startswith("✗ tests fail (2 failed; tests/test_report.py::test_describe")
    assert "⚠ 1 test already failing" in verdict.summary


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
