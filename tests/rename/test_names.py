"""Acceptance 3: a bad new name gets one clear line, exit 2, and nothing changes or is sent."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from haikutui.cli.main import main
from haikutui.tasks.rename.target import name_problem
from tests.fake_api import FakeAnthropic


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("class", "`class` is a Python keyword; pick another name"),
        ("match", "`match` is a Python keyword; pick another name"),
        ("1abc", "`1abc` is not a Python identifier: it starts with a digit"),
        ("area-of", "`area-of` is not a Python identifier"),
        ("None", "`None` is a Python keyword; pick another name"),
        ("area_of", "`area_of` is the current name; type a different one"),
        ("", "type a new name"),
    ],
)
def test_name_problems_are_one_clear_line(new: str, message: str) -> None:
    problem = name_problem(new, "area_of")
    assert problem is not None and problem.startswith(message)
    assert "\n" not in problem


def test_valid_names_pass() -> None:
    assert name_problem("rect_area", "area_of") is None
    assert name_problem("_private2", "area_of") is None


def _status(root: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["area_of", "class"], "`class` is a Python keyword"),
        (["area_of", "1abc"], "`1abc` is not a Python identifier: it starts with a digit"),
        # `describe` is another function of the same module: the same scope.
        (["area_of", "describe"], "`describe` already exists in the same scope"),
        # A method renamed to another method's name in the same class.
        (["area", "__init__", "--at", "shapes/geometry.py:16"], "`__init__` already exists"),
        # A parameter renamed to its sibling parameter.
        (["width", "height", "--at", "shapes/geometry.py:6"], "`height` already exists"),
        # A module renamed onto a module that is already there.
        (["geometry", "report", "--at", "shapes/geometry.py"], "`report` already exists"),
    ],
    ids=["keyword", "digit", "same-module-clash", "method-clash", "parameter-clash", "module-file"],
)
def test_bad_new_name_exits_2_and_changes_nothing(
    shapes_repo: Path,
    fake_api: FakeAnthropic,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    code = main(["rename", *args])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("haikutui: ") and message in err
    assert err.count("\n") == 1, "one line"
    assert _status(shapes_repo) == ""
    assert fake_api.requests == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere", "somewhere"], "`nowhere` is not defined in any tracked Python file"),
        (["area_of", "x", "--at", "shapes/report.py:3"], "`area_of` is not on that line"),
        (["len", "length", "--at", "shapes/report.py:6"], "is not on that line"),
        (["width", "w", "--at", "docs/guide.md:1"], "not a Python file"),
    ],
)
def test_symbol_not_found_exits_2(
    shapes_repo: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code = main(["rename", *args])
    err = capsys.readouterr().err
    assert code == 2 and message in err
    assert _status(shapes_repo) == ""


def test_a_builtin_is_not_ours_to_rename(
    shapes_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shapes_repo / "shapes" / "report.py").write_text("def count(rows):\n    return len(rows)\n")
    subprocess.run(["git", "commit", "-qam", "len"], cwd=shapes_repo, check=True)
    code = main(["rename", "len", "length", "--at", "shapes/report.py:2", "--no-model"])
    assert code == 2
    assert "defined outside the repository" in capsys.readouterr().err


def test_a_name_defined_twice_asks_for_at(
    shapes_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shapes_repo / "other.py").write_text("def area_of(r):\n    return 3 * r * r\n")
    subprocess.run(["git", "add", "other.py"], cwd=shapes_repo, check=True)
    code = main(["rename", "area_of", "rect_area", "--no-model"])
    err = capsys.readouterr().err
    assert code == 2
    assert "defined in 2 places" in err and "--at PATH:LINE" in err
    assert "other.py:1" in err and "shapes/geometry.py:6" in err
