"""A small project to rename in: a function used across modules, docs and config naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import make_repo

GEOMETRY = '''\
"""Shapes and their areas."""

__all__ = ["area_of", "Shape"]


def area_of(width, height):
    """Multiply the sides."""
    return width * height


class Shape:
    def __init__(self, width, height):
        self.width = width
        self.height = height

    def area(self):
        return area_of(self.width, self.height)


def describe(thing):
    return f"area {thing.area()}"
'''

REPORT = """\
from shapes.geometry import area_of


def report(rows):
    # area_of is the one place that knows how to multiply
    return [area_of(w, h) for w, h in rows]
"""

MAIN = """\
import shapes.geometry


def main():
    return shapes.geometry.area_of(2, 3)
"""

FILLER = "".join(f"Paragraph {n} says nothing about the topic.\n\n" for n in range(40))
DOC = (
    "# Guide\n\nFAR-AWAY-LINE-THAT-MUST-NOT-BE-SENT\n\n"
    + FILLER
    + "Call `area_of(w, h)` to get the area of a rectangle.\n\n"
    + FILLER
    + "The end.\n"
)
CONFIG = "checks:\n  - name: areas\n    function: area_of\n    enabled: true\n"

FILES: dict[str, str] = {
    "shapes/__init__.py": "",
    "shapes/geometry.py": GEOMETRY,
    "shapes/report.py": REPORT,
    "app.py": MAIN,
    "docs/guide.md": DOC,
    "config/checks.yaml": CONFIG,
}


@pytest.fixture
def shapes_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "shapes-proj", FILES)
    monkeypatch.chdir(root)
    return root
