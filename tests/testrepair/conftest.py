"""A package with a real bug and the pytest suite that catches it, with a venv that has pytest."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.conftest import venv_with_pytest  # noqa: F401 - the shared session fixture
from tests.conftest import make_repo, trust_repo

STATS_PY = '''\
"""Small statistics."""


def mean(values):
    """The arithmetic mean."""
    return sum(values) / (len(values) + 1)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
'''

TEST_STATS_PY = """\
from calc.stats import mean, median


def test_median_odd():
    assert median([3, 1, 2]) == 2


def test_median_even():
    assert median([4, 1, 2, 3]) == 2.5


def test_mean():
    data = list(range(1000))
    assert mean(data) == 499.5


def test_mean_of_one():
    assert mean([7]) == 7
"""

TEST_OTHER_PY = """\
from calc import stats


def test_module_has_doc():
    assert stats.__doc__
"""

BUG = "return sum(values) / (len(values) + 1)"
FIXED = "return sum(values) / len(values)"

CALC = {
    "calc/__init__.py": "",
    "calc/stats.py": STATS_PY,
    "tests/__init__.py": "",
    "tests/test_stats.py": TEST_STATS_PY,
    "tests/test_other.py": TEST_OTHER_PY,
    ".gitignore": ".venv\n",
}


@pytest.fixture
def calc_repo(tmp_path: Path, venv_with_pytest: Path) -> Path:  # noqa: F811
    """The calc project with its off-by-one, and `.venv` (ignored) holding pytest."""
    root = make_repo(tmp_path / "calc", CALC)
    (root / ".venv").symlink_to(venv_with_pytest)
    return trust_repo(root)  # its tests run its code: only in a trusted repo
