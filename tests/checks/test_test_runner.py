"""The tests check runs the tests a change reaches, on a mirror, and reads pytest's JUnit XML."""

from __future__ import annotations

from pathlib import Path

from haikutui.core.repo import Repo
from haikutui.tasks.verdict.test_runner import (
    TestCommand,
    changed_paths,
    find_test_command,
    proposal_texts,
    run_tests,
    select_tests,
)
from tests.checks.conftest import edit
from tests.conftest import git


def test_the_configured_command_wins_over_a_detected_venv(shapes_repo: Path) -> None:
    assert find_test_command(shapes_repo, "make test", trusted=True) == TestCommand(
        shell="make test"
    )
    found = find_test_command(shapes_repo, trusted=True)
    assert found is not None and found.python == str(shapes_repo / ".venv" / "bin" / "python")


def test_no_command_without_config_or_a_venv_with_pytest(tmp_path: Path) -> None:
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    (tmp_path / "venv" / "bin" / "python").write_text("")
    assert find_test_command(tmp_path, trusted=True) is None


def test_only_the_tests_whose_imports_reach_the_change_are_selected(shapes_repo: Path) -> None:
    # test_report imports report, which imports geometry: reached through a chain.
    assert select_tests(Repo(shapes_repo), ["shapes/geometry.py"]) == ["tests/test_report.py"]
    assert select_tests(Repo(shapes_repo), ["shapes/colors.py"]) == ["tests/test_colors.py"]
    assert select_tests(Repo(shapes_repo), ["tests/test_colors.py"]) == ["tests/test_colors.py"]


def test_a_conftest_that_reaches_the_change_selects_its_folder(shapes_repo: Path) -> None:
    (shapes_repo / "tests" / "conftest.py").write_text("import shapes.colors\n")
    assert select_tests(Repo(shapes_repo), ["shapes/colors.py"]) == [
        "tests/test_colors.py",
        "tests/test_report.py",
    ]


def test_a_breaking_change_fails_with_the_test_and_where(shapes_repo: Path) -> None:
    repo = Repo(shapes_repo)
    proposal = edit(shapes_repo, "shapes/geometry.py", "return w * h", "return w + h")
    command = find_test_command(shapes_repo, trusted=True)
    assert command is not None
    texts, removed = proposal_texts(proposal)
    result = run_tests(
        repo, command, texts, removed=removed, tests=select_tests(repo, changed_paths(proposal))
    )
    assert not result.ok
    assert (result.passed, result.failed, result.errors) == (0, 1, 0)
    failure = result.failures[0]
    assert failure.nodeid == "tests/test_report.py::test_describe"
    assert failure.location == "tests/test_report.py:5"
    assert "AssertionError" in failure.message or "assert" in failure.message
    assert "2x3: 5" in failure.traceback
    assert result.summary == "1 failed"
    # The user's tree is untouched: the tests ran on a mirror.
    assert "return w * h" in (shapes_repo / "shapes/geometry.py").read_text()
    assert git(shapes_repo, "status", "--porcelain") == ""


def test_a_fine_change_passes_and_counts(shapes_repo: Path) -> None:
    repo = Repo(shapes_repo)
    proposal = edit(shapes_repo, "shapes/geometry.py", "return w * h", "return h * w")
    command = find_test_command(shapes_repo, trusted=True)
    assert command is not None
    texts, _ = proposal_texts(proposal)
    result = run_tests(repo, command, texts, tests=["tests/test_report.py"])
    assert result.ok, result
    assert (result.passed, result.failed, result.summary) == (1, 0, "1 passed")


def test_an_import_error_is_an_error_not_a_pass(shapes_repo: Path) -> None:
    repo = Repo(shapes_repo)
    proposal = edit(shapes_repo, "shapes/geometry.py", "def area(", "def surface(")
    command = TestCommand(python=str(shapes_repo / ".venv" / "bin" / "python"))
    texts, _ = proposal_texts(proposal)
    result = run_tests(repo, command, texts, tests=["tests/test_report.py"])
    assert not result.ok
    assert result.errors == 1 and result.failures[0].kind == "error"
    assert "area" in result.failures[0].traceback


def test_nothing_selected_runs_nothing(shapes_repo: Path) -> None:
    command = find_test_command(shapes_repo, trusted=True)
    assert command is not None
    result = run_tests(Repo(shapes_repo), command, {}, tests=[])
    assert result.total == 0 and result.returncode is None and not result.ok


def test_a_shell_command_without_pytest_is_judged_by_its_exit(shapes_repo: Path) -> None:
    result = run_tests(
        Repo(shapes_repo), TestCommand(shell="echo boom; exit 3"), {"shapes/colors.py": "X = 1\n"}
    )
    assert not result.ok and not result.junit
    assert result.summary == "exit 3: boom"


def test_a_shell_command_running_pytest_reports_in_junit(shapes_repo: Path) -> None:
    python = shapes_repo / ".venv" / "bin" / "python"
    command = TestCommand(shell=f"{python} -m pytest -q {{tests}}")
    result = run_tests(
        Repo(shapes_repo),
        command,
        {"shapes/colors.py": "RED = 'blue'\n"},
        tests=["tests/test_colors.py"],
    )
    assert result.junit and result.failed == 1
    assert result.failures[0].nodeid == "tests/test_colors.py::test_red"


def test_a_command_that_hangs_times_out(shapes_repo: Path) -> None:
    result = run_tests(Repo(shapes_repo), TestCommand(shell="sleep 5"), {}, timeout=0.3)
    assert result.timed_out and not result.ok
    assert result.summary.startswith("timed out")


def test_an_editable_install_of_the_users_tree_does_not_hide_the_change(
    tmp_path: Path, venv_with_pytest: Path
) -> None:
    # src layout, installed editable: the venv's .pth points at the user's src/. The tests
    # must still import the mirror's copy, or a broken proposal would pass.
    from tests.checks.conftest import SHAPES
    from tests.conftest import make_repo

    files = {(f"src/{k}" if k.startswith("shapes/") else k): v for k, v in SHAPES.items()}
    root = make_repo(tmp_path / "srcshapes", {**files, ".gitignore": ".venv\n"})
    venv = tmp_path / "editable-venv"
    import shutil

    shutil.copytree(venv_with_pytest, venv, symlinks=True)
    site = next(venv.glob("lib/python*/site-packages"))
    (site / "_shapes_editable.pth").write_text(str(root / "src") + "\n")
    (root / ".venv").symlink_to(venv)
    command = find_test_command(root, trusted=True)
    assert command is not None
    broken = edit(root, "src/shapes/geometry.py", "return w * h", "return w - h")
    texts, _ = proposal_texts(broken)
    result = run_tests(Repo(root), command, texts, tests=["tests/test_report.py"])
    assert result.failed == 1, result
