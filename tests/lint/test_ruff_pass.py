"""Issue 12: ruff's rung is one `--fix` run and read-only runs beside it, counted before minus
after; the verdict then lints only the new texts."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from haikutui.core.config import Settings
from haikutui.core.repo import Repo
from haikutui.tasks.lint.ruff_pass import ruff_only
from tests.conftest import Run


def test_one_fix_run_and_read_only_runs_beside_it(lint_repo: Path, ruff_calls: Path) -> None:
    result = ruff_only(Repo(lint_repo), Settings(), None)
    calls = ruff_calls.read_text().splitlines()
    # fix; unsafe fixes (of the one file that has any); the repo's rules; the verdict's rules
    assert len(calls) == 4
    assert sum(" --fix " in f" {c} " for c in calls) == 2
    assert [c.split(" -- ")[1] for c in calls if "--unsafe-fixes" in c] == ["pkg/calc.py"]
    assert sum("--extend-select" in c for c in calls) == 1
    assert result.verdict_before is not None and set(result.verdict_before) == set(result.before)
    words = "pkg/words.py"
    assert result.fixed(words) == 2 and result.remaining(words) == 0  # before minus after
    assert result.remaining("pkg/calc.py") >= 1  # E711 has no safe fix
    changed = {c.path for c in result.proposal.changes}
    assert words in changed and "tests/test_calc.py" not in changed
    for change in result.proposal.changes:  # ruff's safe fixes, or its unsafe ones rejected
        for hunk in change.hunks:
            unsafe = hunk.source.startswith("ruff (unsafe: ")
            assert hunk.source == "ruff" or (unsafe and not hunk.accepted)
    assert (lint_repo / words).read_text().startswith('"""Only unused imports')  # disk untouched
    assert "import json" in (lint_repo / words).read_text()


def test_read_only_run_never_writes_through_to_the_users_files(lint_repo: Path) -> None:
    """With `fix = true` in the config a plain `ruff check` fixes: through a hardlink, that
    would be the user's own file (flask's pyproject has it). The scratch tree has copies."""
    config = lint_repo / "pyproject.toml"
    config.write_text(
        config.read_text().replace(
            "[tool.ruff.lint]", "[tool.ruff]\nfix = true\n\n[tool.ruff.lint]"
        )
    )
    before = {p: p.read_bytes() for p in lint_repo.rglob("*.py")}
    inodes = {p: os.stat(p).st_ino for p in before}
    ruff_only(Repo(lint_repo), Settings(), None)
    assert {p: p.read_bytes() for p in before} == before
    assert {p: os.stat(p).st_ino for p in before} == inodes


def test_headless_lint_lints_the_old_texts_once(
    lint_repo: Path, ruff_calls: Path, haikutui: Callable[..., Run]
) -> None:
    """The verdict reuses the rung's read-only run of the old texts: five ruff runs, not six
    (the fix, the unsafe fixes, the old texts twice, the new texts once)."""
    run = haikutui(lint_repo, "lint", "--no-model", "--yes")
    assert run.code == 0, run.err
    assert "check: ✓" in run.err
    calls = ruff_calls.read_text().splitlines()
    assert len(calls) == 5, calls
    assert sum("--extend-select" in c for c in calls) == 2  # old texts once, new texts once
