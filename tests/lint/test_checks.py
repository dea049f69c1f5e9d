"""Every proposal is checked before it is shown: it parses, adds no ruff finding, passes tests."""

from __future__ import annotations

from pathlib import Path

from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.tasks.lint.ruff_runner import RuffMirror
from haikutui.tasks.verdict.checks import check_proposal
from tests.conftest import make_repo
from tests.lint.conftest import CALC_PY


def proposal(root: Path, path: str, old: str, new: str) -> Proposal:
    overlay = Overlay(Repo(root))
    text = overlay.read(path)
    assert old in text
    overlay.write(path, text.replace(old, new, 1))
    return Proposal.from_overlay(overlay, model="claude-haiku-4-5", rung="fast")


def test_a_clean_change_passes(lint_repo: Path) -> None:
    verdict = check_proposal(
        Repo(lint_repo), proposal(lint_repo, "pkg/calc.py", "x == None", "x is None")
    )
    assert verdict.ok
    assert verdict.summary == "✓ parses · no new findings in 1 file + 1 importer · tests not run"


def test_a_change_that_no_longer_parses(lint_repo: Path) -> None:
    verdict = check_proposal(
        Repo(lint_repo), proposal(lint_repo, "pkg/calc.py", "x == None:", "x is None")
    )
    assert not verdict.ok
    assert verdict.summary.startswith("✗ pkg/calc.py:13: does not parse")


def test_a_change_that_adds_a_style_finding_is_advisory(lint_repo: Path) -> None:
    verdict = check_proposal(
        Repo(lint_repo),
        proposal(lint_repo, "pkg/calc.py", "    return a + b", "    total = 0\n    return a + b"),
    )
    assert verdict.ok
    assert "⚠ 1 new style finding (pkg/calc.py:9:5: F841" in verdict.summary
    assert "parses" in verdict.passed
    assert verdict.as_json()["advisories"] == [
        {
            "file": "pkg/calc.py",
            "line": 9,
            "rule": "F841",
            "message": "Local variable `total` is assigned to but never used",
        }
    ]
    assert verdict.as_json()["blocking"] == []


def test_a_change_that_adds_a_correctness_finding_blocks(lint_repo: Path) -> None:
    verdict = check_proposal(
        Repo(lint_repo),
        proposal(lint_repo, "pkg/calc.py", "    return a + b", "    return a + b + c"),
    )
    assert not verdict.ok
    assert "✗ 1 new correctness finding (pkg/calc.py:" in verdict.summary
    [blocking] = verdict.as_json()["blocking"]
    assert blocking["rule"] == "F821" and blocking["file"] == "pkg/calc.py"


def test_findings_the_file_already_had_are_not_new(lint_repo: Path) -> None:
    # Touching the line with the old E711 keeps E711: the change did not add it.
    verdict = check_proposal(
        Repo(lint_repo),
        proposal(lint_repo, "pkg/calc.py", "    if x == None:", "    if (x == None):"),
    )
    assert verdict.ok, verdict.summary


def test_the_user_test_command_runs_on_a_copy(lint_repo: Path) -> None:
    broken = proposal(lint_repo, "pkg/calc.py", "return a + b", "return a - b")
    verdict = check_proposal(
        Repo(lint_repo),
        broken,
        test_command="python -m pytest -q -p no:cacheprovider tests",
        trusted=True,
    )
    assert not verdict.ok
    # pytest's JUnit report, not its last line: the failing test and where it failed.
    assert (
        "tests fail (1 failed, 2 passed; tests/test_calc.py::test_add at tests/test_calc.py:5"
        in verdict.summary
    )
    assert (lint_repo / "pkg/calc.py").read_text() == CALC_PY  # ran on a copy

    fine = proposal(lint_repo, "pkg/calc.py", "x == None", "x is None")
    verdict = check_proposal(
        Repo(lint_repo), fine, test_command="python -c 'import pkg.calc'", trusted=True
    )
    assert verdict.summary == "✓ parses · no new findings in 1 file + 1 importer · tests pass"


def test_a_test_command_that_hangs_times_out(lint_repo: Path) -> None:
    change = proposal(lint_repo, "pkg/calc.py", "x == None", "x is None")
    verdict = check_proposal(
        Repo(lint_repo), change, test_command="sleep 5", timeout=0.2, trusted=True
    )
    assert "tests fail (timed out after 0s)" in verdict.summary


def test_non_python_changes_only_run_the_tests(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "docs", {"README.md": "# hi\n"})
    change = proposal(root, "README.md", "hi", "hello")
    assert check_proposal(Repo(root), change).summary == "✓ no checks apply · tests not run"


def test_mirror_uses_the_repo_config_and_first_party_layout(tmp_path: Path) -> None:
    """isort (I001) must sort as the repo would: `mypkg` is first-party because it exists."""
    root = make_repo(
        tmp_path / "iso",
        {
            "ruff.toml": 'lint.select = ["I"]\n',
            "mypkg/__init__.py": "",
            "app.py": "import os\n\nimport yaml\n\nimport mypkg\n\nprint(os, yaml, mypkg)\n",
        },
    )
    text = (root / "app.py").read_text()
    with RuffMirror(root, {"app.py": text}) as mirror:
        assert mirror.check(["app.py"]) == {"app.py": []}
    (root / "mypkg" / "__init__.py").unlink()  # now `mypkg` is third-party: one block
    (root / "mypkg").rmdir()
    with RuffMirror(root, {"app.py": text}) as bare:
        assert [d.code for d in bare.check(["app.py"])["app.py"]] == ["I001"]
