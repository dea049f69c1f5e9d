"""Acceptance 1, on a real open-source project: smmap (gitpython's memory-map helper, BSD).

Its wheel ships its own test suite (`smmap/test/`), so the copy made here from site-packages
is a complete project: we commit it to a temp git repo, rename a public function used across
several modules with `--no-model --yes`, and run smmap's own tests on the result. Nothing else
is needed: the tests use only the standard library and pytest.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git, make_repo
from tests.fake_api import FakeAnthropic


@pytest.fixture
def smmap_repo(tmp_path: Path) -> Path:
    spec = importlib.util.find_spec("smmap")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("smmap (a gitpython dependency) is not installed")
    source = Path(next(iter(spec.submodule_search_locations)))
    if not (source / "test" / "test_util.py").is_file():
        pytest.skip("this smmap install does not ship its tests")
    root = make_repo(tmp_path / "smmap-copy", {})
    shutil.copytree(source, root / "smmap", ignore=shutil.ignore_patterns("__pycache__"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "smmap as released")
    return root


def _env(root: Path, fake: FakeAnthropic) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    env["ANTHROPIC_BASE_URL"] = fake.base_url  # would record any request; there must be none
    env["PYTHONPATH"] = str(root)
    return env


def _run(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )


def _smmap_tests_pass(root: Path, env: dict[str, str]) -> None:
    where = _run(root, env, "-c", "import smmap; print(smmap.__file__)")
    assert where.stdout.strip().startswith(str(root)), "the copy is what gets tested"
    tests = _run(root, env, "-m", "pytest", "-q", "-p", "no:cacheprovider", "smmap/test")
    assert tests.returncode == 0, tests.stdout[-2000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout


def test_smmap_function_rename_with_no_model_keeps_its_tests_green(smmap_repo: Path) -> None:
    """`align_to_mmap` is defined in smmap/util.py, listed in its `__all__`, and used by
    smmap/test/test_util.py and smmap/test/test_mman.py."""
    with FakeAnthropic() as fake:
        env = _env(smmap_repo, fake)
        _smmap_tests_pass(smmap_repo, env)  # green before, so green after means something
        proc = _run(
            smmap_repo,
            env,
            "-m",
            "haikutui",
            "rename",
            "align_to_mmap",
            "align_to_granularity",
            "--no-model",
            "--yes",
        )
        assert proc.returncode == 0, proc.stderr
        assert "applied to 3 files" in proc.stderr
        assert fake.requests == [], "no request, and no key was set"
    assert "ANTHROPIC_API_KEY" not in env
    changed = git(smmap_repo, "status", "--porcelain").split()
    assert changed == [
        "M",
        "smmap/test/test_mman.py",
        "M",
        "smmap/test/test_util.py",
        "M",
        "smmap/util.py",
    ]
    leftover = subprocess.run(
        ["git", "grep", "-n", "-w", "align_to_mmap", "--", "*.py"],
        cwd=smmap_repo,
        capture_output=True,
        text=True,
    )
    assert leftover.stdout == "", "no reference to the old name in smmap's Python code"
    assert "def align_to_granularity(num, round_up):" in (smmap_repo / "smmap/util.py").read_text()
    _smmap_tests_pass(smmap_repo, env)


def test_smmap_module_rename_moves_the_file_and_keeps_its_tests_green(smmap_repo: Path) -> None:
    with FakeAnthropic() as fake:
        env = _env(smmap_repo, fake)
        proc = _run(
            smmap_repo, env, "-m", "haikutui", "rename", "util", "mmaputil",
            "--at", "smmap/util.py", "--no-model", "--yes",
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert fake.requests == []
    assert "R  smmap/util.py -> smmap/mmaputil.py" in git(smmap_repo, "status", "--porcelain")
    assert "from .mmaputil import" in (smmap_repo / "smmap/mman.py").read_text()
    _smmap_tests_pass(smmap_repo, env)
