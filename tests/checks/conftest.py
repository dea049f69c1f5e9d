"""A small package with its own pytest suite, and a venv beside it that has pytest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from tests.conftest import make_repo, trust_repo

SHAPES = {
    "pyproject.toml": '[project]\nname = "shapes"\nversion = "0"\n\n[tool.ruff.lint]\nselect = ["E", "F"]\n',
    "shapes/__init__.py": "",
    "shapes/geometry.py": "def area(w, h):\n    return w * h\n\n\ndef perimeter(w, h):\n    return 2 * (w + h)\n",
    "shapes/report.py": "from shapes.geometry import area\n\n\ndef describe(w, h):\n    return f'{w}x{h}: {area(w, h)}'\n",
    "shapes/colors.py": "RED = 'red'\n",
    "tests/__init__.py": "",
    "tests/test_report.py": "from shapes.report import describe\n\n\ndef test_describe():\n    assert describe(2, 3) == '2x3: 6'\n",
    "tests/test_colors.py": "from shapes import colors\n\n\ndef test_red():\n    assert colors.RED == 'red'\n",
}


def edit(root: Path, path: str, old: str, new: str, proposal: Proposal | None = None) -> Proposal:
    """A proposal replacing `old` by `new` in `path` (on top of `proposal`'s other edits)."""
    overlay = Overlay(Repo(root))
    for change in proposal.changes if proposal else []:
        overlay.write(change.path, change.new_text)
    text = overlay.read(path)
    assert old in text, (path, old)
    overlay.write(path, text.replace(old, new, 1))
    return Proposal.from_overlay(overlay, model="claude-haiku-4-5", rung="fast")


@pytest.fixture(scope="session")
def venv_with_pytest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real venv (no pip) whose site-packages holds our pytest, linked in."""
    venv = tmp_path_factory.mktemp("venv") / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    ours = Path(pytest.__file__).resolve().parent.parent
    for name in ("pytest", "_pytest", "pluggy", "iniconfig", "packaging", "pygments", "py.py"):
        source = ours / name
        if source.exists():
            (site / name).symlink_to(source)
    return venv


@pytest.fixture
def shapes_repo(tmp_path: Path, venv_with_pytest: Path) -> Path:
    """The shapes project, with `.venv` (untracked, ignored) pointing at a venv with pytest."""
    root = make_repo(tmp_path / "shapes", {**SHAPES, ".gitignore": ".venv\n"})
    (root / ".venv").symlink_to(venv_with_pytest)
    return trust_repo(root)  # its tests run its code: only in a trusted repo


GEO = {
    "pyproject.toml": '[project]\nname = "geo"\nversion = "0"\n\n[tool.ruff.lint]\nselect = ["E", "I"]\n',
    "geo/__init__.py": "",
    "geo/shapes.py": (
        '"""Shapes."""\n\n\ndef area(w, h):\n    return w * h\n\n\n'
        "def square(side):\n    return area(side, side)\n"
    ),
    "geo/report.py": (
        '"""Reports."""\n\nimport os\nimport sys\n\nfrom geo.shapes import area\n\n\n'
        'def describe(w, h):\n    return f"{w}x{h}: {area(w, h)}"\n\n\n'
        "def summary(items):\n"
        "    return os.linesep.join(describe(w, h) for w, h in items) + sys.platform\n"
    ),
    "geo/labels.py": (
        "from geo.shapes import area\n\n\ndef surface(w, h):\n    return area(w, h)\n"
    ),
    "geo/stats.py": "from geo import shapes\n\n\ndef total(w, h):\n    return shapes.area(w, h)\n",
}
"""Ruff selects E and I only: the correctness rules (F821, F811, F401, ...) must come on top."""


@pytest.fixture
def geo_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "geo", GEO)
