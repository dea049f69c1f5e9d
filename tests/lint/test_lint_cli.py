"""Acceptance 1 and the exit codes: `haikutui lint` with ruff's rung only, no key, no request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from haikutui.tasks.lint.ruff_runner import ruff_binary
from tests.conftest import git
from tests.fake_api import FakeAnthropic
from tests.lint.conftest import CALC_PY, IMPORTS_ONLY_PY


def ruff_codes(repo: Path) -> list[str]:
    """What `ruff check` itself says about the repo, with the repo's own config."""
    out = subprocess.run(
        [ruff_binary(), "check", "--no-cache", "--output-format", "json", "--exit-zero", "."],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sorted(item["code"] for item in json.loads(out))


def project_tests(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=repo,
        capture_output=True,
        text=True,
    )


def test_no_model_yes_fixes_unused_imports_without_key_or_request(
    lint_repo: Path, fake_api: FakeAnthropic, haikutui, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")  # the fake listens, but there is no key
    assert ruff_codes(lint_repo).count("F401") == 5

    run = haikutui(lint_repo, "lint", "--no-model", "--yes")

    assert run.code == 0, run.err
    assert fake_api.requests == []
    assert ruff_codes(lint_repo) == ["E711", "F841"]  # only what ruff cannot fix safely
    calc = (lint_repo / "pkg/calc.py").read_text()
    assert "import os" not in calc and "def is_none" in calc
    assert "pkg/calc.py: 3 fixed, 2 remain" in run.err
    assert "pkg/words.py: 2 fixed, 0 remain" in run.err
    assert "5 of 7 findings fixed · applied to 2 files" in run.err
    assert "check: ✓ parses · no new findings in 2 files" in run.err
    assert "-import os\n" in run.out
    tests = project_tests(lint_repo)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout


def test_no_model_yes_as_a_real_process(lint_repo: Path, fake_api: FakeAnthropic) -> None:
    env = {**os.environ, "ANTHROPIC_BASE_URL": fake_api.base_url}
    env.pop("ANTHROPIC_API_KEY", None)
    proc = subprocess.run(
        [sys.executable, "-m", "haikutui", "lint", "--no-model", "--yes", "pkg/words.py"],
        cwd=lint_repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert fake_api.requests == []
    assert "applied to 1 file" in proc.stderr
    assert ruff_codes(lint_repo).count("F401") == 3  # calc.py was not asked for
    assert (lint_repo / "pkg/calc.py").read_text() == CALC_PY
    assert project_tests(lint_repo).returncode == 0


def test_without_yes_nothing_is_written_and_json_parses(lint_repo: Path, haikutui) -> None:
    run = haikutui(lint_repo / "pkg", "lint", "--no-model", "--json", "words.py")
    assert run.code == 0
    data = run.json
    assert data["files"] == {"pkg/words.py": {"fixed": 2, "remaining": 0}}
    assert data["applied"] == [] and data["rungs"] == [] and data["cost"] == 0
    assert data["check"]["ok"] is True
    assert data["diff"].startswith("--- a/pkg/words.py\n+++ b/pkg/words.py\n")
    assert (lint_repo / "pkg/words.py").read_text() == IMPORTS_ONLY_PY
    assert git(lint_repo, "status", "--porcelain") == ""


def test_exit_1_when_ruff_finds_nothing(lint_repo: Path, haikutui) -> None:
    run = haikutui(lint_repo, "lint", "--no-model", "--json", "pkg/__init__.py")
    assert run.code == 1
    assert run.json["found"] == 0 and run.json["diff"] == ""
    assert "ruff finds nothing to fix in 1 file" in run.err


def test_exit_1_when_only_unfixable_findings_and_no_model(lint_repo: Path, haikutui) -> None:
    haikutui(lint_repo, "lint", "--no-model", "--yes")
    run = haikutui(lint_repo, "lint", "--no-model", "--json")
    assert run.code == 1
    assert len(run.json["remaining"]) == 2
    assert "2 findings left and no fix proposed (ruff has no safe fix" in run.err


@pytest.mark.parametrize("path", ["nope.py", "../outside.py", "README.md"])
def test_exit_2_on_a_bad_path(lint_repo: Path, haikutui, path: str) -> None:
    (lint_repo / "README.md").write_text("# calc\n")
    run = haikutui(lint_repo, "lint", "--no-model", path)
    assert run.code == 2
    assert run.err.startswith("haikutui: ") and run.err.count("\n") == 1


def test_exit_2_outside_a_repo(tmp_path: Path, haikutui) -> None:
    assert haikutui(tmp_path, "lint", "--no-model").code == 2


def test_exit_3_without_key_when_the_model_is_needed(
    lint_repo: Path, fake_api: FakeAnthropic, haikutui, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    run = haikutui(lint_repo, "lint", "--yes")
    assert run.code == 3
    assert "No Anthropic API key" in run.err
    assert fake_api.requests == []
    assert (lint_repo / "pkg/calc.py").read_text() == CALC_PY  # nothing half-applied


def test_no_key_is_fine_when_ruff_leaves_nothing_for_the_model(lint_repo: Path, haikutui) -> None:
    run = haikutui(lint_repo, "lint", "--yes", "pkg/words.py")
    assert run.code == 0, run.err
    assert "rungs: ruff · $0.0000" in run.err
