"""A small project with lint findings, its own tests, and a helper that runs `haikutui` in-process."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from haikutui.tasks.lint import ruff_runner
from tests.conftest import make_repo, trust_repo

RUFF_CONFIG = """\
[project]
name = "calc"
version = "0"

[tool.ruff.lint]
select = ["E", "F"]
"""

CALC_PY = '''\
"""Small arithmetic helpers."""

import os
import sys
from typing import List


def add(a, b):
    return a + b


def is_none(x):
    if x == None:
        return True
    return False


def unused():
    value = 3
    return 1
'''
"""Three unused imports (F401, ruff fixes them safely), E711 and F841 (no safe fix)."""

CALC_FIXED_BY_MODEL = CALC_PY.replace("    if x == None:", "    if x is None:")

CALC_TESTS = """\
from pkg.calc import add, is_none, unused


def test_add():
    assert add(1, 2) == 3


def test_none():
    assert is_none(None)
    assert not is_none(0)


def test_unused():
    assert unused() == 1
"""

IMPORTS_ONLY_PY = '''\
"""Only unused imports: ruff alone repairs this file."""

import json
import re


def shout(text):
    return text.upper()
'''


@pytest.fixture
def lint_repo(tmp_path: Path) -> Path:
    """Trusted, as the user of a repo of their own would: its tests may run."""
    return trust_repo(
        make_repo(
            tmp_path / "calc",
            {
                "pyproject.toml": RUFF_CONFIG,
                "pkg/__init__.py": "",
                "pkg/calc.py": CALC_PY,
                "pkg/words.py": IMPORTS_ONLY_PY,
                "tests/test_calc.py": CALC_TESTS,
            },
        )
    )


@pytest.fixture
def model_lint_repo(tmp_path: Path) -> Path:
    """`lint_repo` whose config makes E711 and F841 unfixable: ruff offers no unsafe fix for
    them, so the model is needed (the ladder's escalation tests). Trusted, as `lint_repo`."""
    return trust_repo(
        make_repo(
            tmp_path / "calc",
            {
                "pyproject.toml": RUFF_CONFIG + 'unfixable = ["E711", "F841"]\n',
                "pkg/__init__.py": "",
                "pkg/calc.py": CALC_PY,
                "pkg/words.py": IMPORTS_ONLY_PY,
                "tests/test_calc.py": CALC_TESTS,
            },
        )
    )


@pytest.fixture
def ruff_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ruff that logs its arguments, then runs the real one."""
    real, log = ruff_runner.ruff_binary(), tmp_path / "ruff-calls.log"
    wrapper = tmp_path / "ruff-logged"
    wrapper.write_text(
        f"#!{sys.executable}\n"
        "import os, sys\n"
        f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        f"os.execv({real!r}, [{real!r}, *sys.argv[1:]])\n"
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setattr(ruff_runner, "ruff_binary", lambda: str(wrapper))
    return log
