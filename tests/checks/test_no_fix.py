"""Ruff never fixes while it reports: a config's `fix = true` must not move a line number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from haikutui.tasks.lint.ruff_runner import RuffMirror
from tests.conftest import make_repo

TEXT = "import os\n\n\ndef f(x):\n    return x == None\n"


def test_findings_and_rows_are_the_files_own_under_fix_true(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "fixer",
        {"ruff.toml": 'fix = true\nlint.select = ["E711", "F401"]\n', "m.py": TEXT},
    )
    with RuffMirror(root, {"m.py": TEXT}) as mirror:
        found = mirror.check(["m.py"])
        # The lint panel's rows: E711 on row 5 where it is, and the fixable F401 still shown.
        assert [(d.code, d.row) for d in found["m.py"]] == [("F401", 1), ("E711", 5)]
        assert mirror.read("m.py") == TEXT


def test_lint_counts_are_right_under_fix_true(tmp_path: Path, haikutui: Any) -> None:
    root = make_repo(
        tmp_path / "fixer",
        {"ruff.toml": 'fix = true\nlint.select = ["E711", "F401"]\n', "m.py": TEXT},
    )
    run = haikutui(root, "lint", "--no-model", "--json")
    assert run.code == 0, run.err
    # Ruff removes the unused import (1 fixed); E711 has no safe fix (1 left).
    assert run.json["files"] == {"m.py": {"fixed": 1, "remaining": 1}}
    assert "1 of 2 findings fixed" in run.err
    assert (root / "m.py").read_text() == TEXT  # no --yes: nothing written
