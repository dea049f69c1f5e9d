"""Renames that respect class hierarchies and strings (issue 20, item 4).

A new name an ancestor or a descendant defines is refused with the class and its line; a name
looked up by string (`hasattr`, `getattr`, `__all__`, `__slots__`) is renamed with the symbol or
the rename is ✗ with the line; a string that is data is an advisory; a module-level function that
shares a method's name is left alone. Each case runs the real CLI on a real git repo, and where
the project has tests, runs them after.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from haikutui.cli.main import main
from haikutui.core.repo import Repo
from haikutui.tasks.rename.clashes import ClashCheck
from tests.conftest import make_repo


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def _status(root: Path) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def _pytest(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def _repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> Path:
    root = make_repo(tmp_path / "proj", {"zoo/__init__.py": "", **files})
    monkeypatch.chdir(root)
    return root


# -- clashes through the hierarchy ------------------------------------------------------------

BASE = """\
class Base:
    def surface(self):
        return 1

    def describe(self):
        return f"surface {self.surface()}"
"""

SUB = """\
from zoo.base import Base


class Sub(Base):
    def area(self):
        return 2
"""


def test_a_name_an_ancestor_defines_in_another_module_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Sub.area -> surface would silently override Base.surface: Sub().describe() changes.
    root = _repo(tmp_path, monkeypatch, {"zoo/base.py": BASE, "zoo/sub.py": SUB})
    code, _, err = _run(
        ["rename", "area", "surface", "--at", "zoo/sub.py:5", "--no-model", "--yes"], capsys
    )
    assert code == 2, err
    assert "`surface` already exists in class Base (zoo/base.py:2), an ancestor of Sub" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _status(root) == ""
    # The TUI's modal asks the same question before any rope run.
    problem = ClashCheck(Repo(root), "area", "zoo/sub.py:5").problem("surface")
    assert problem is not None and "class Base (zoo/base.py:2)" in problem
    assert ClashCheck(Repo(root), "area", "zoo/sub.py:5").problem("extent") is None


def test_a_name_a_descendant_defines_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Base.describe -> label: Leaf (a grandchild, through a generic base, in another module)
    # already has `label`, which would now override the renamed method.
    leaf = (
        "from typing import Generic, TypeVar\n\nfrom zoo.base import Base\n\nT = TypeVar('T')\n"
        "\n\nclass Mid(Base, Generic[T]):\n    pass\n\n\nclass Leaf(Mid[int]):\n"
        "    label = 'leaf'\n"
    )
    root = _repo(tmp_path, monkeypatch, {"zoo/base.py": BASE, "zoo/leaf.py": leaf})
    code, _, err = _run(
        ["rename", "describe", "label", "--at", "zoo/base.py:5", "--no-model", "--yes"], capsys
    )
    assert code == 2, err
    assert "`label` already exists in class Leaf (zoo/leaf.py:13)" in err
    # A diamond: Both's MRO puts Base before Labelled, so a Base.label would hide Labelled's.
    both = (
        "from zoo.base import Base\n\n\nclass Labelled:\n    def label(self):\n"
        "        return 'x'\n\n\nclass Both(Base, Labelled):\n    pass\n"
    )
    (root / "zoo/leaf.py").write_text(both)
    code, _, err = _run(
        ["rename", "describe", "label", "--at", "zoo/base.py:5", "--no-model", "--yes"], capsys
    )
    assert code == 2, err
    assert "`label` already exists in class Labelled (zoo/leaf.py:5), an ancestor of Both" in err
    assert _status(root) == " M zoo/leaf.py\n"


ABSTRACT = """\
import abc
from typing import Generic, TypeVar

T = TypeVar("T")


class Store(abc.ABC, Generic[T]):
    @abc.abstractmethod
    def load(self) -> T: ...

    def fetch(self) -> T:
        return self.load()
"""

MEMORY = """\
from zoo.store import Store


class Memory(Store[int]):
    def load(self):
        return 1

    def read_all(self):
        return [1]
"""

BAG = """\
from collections.abc import Mapping


class Bag(Mapping):
    def __init__(self):
        self.data = {"a": 1}

    def __getitem__(self, key):
        return self.data[key]

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return len(self.data)

    def everything(self):
        return list(self.data)
"""


def test_a_name_an_abstract_generic_base_or_a_stdlib_abc_defines_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(
        tmp_path,
        monkeypatch,
        {"zoo/store.py": ABSTRACT, "zoo/memory.py": MEMORY, "zoo/bag.py": BAG},
    )
    code, _, err = _run(
        ["rename", "read_all", "fetch", "--at", "zoo/memory.py:8", "--no-model", "--yes"], capsys
    )
    assert code == 2, err
    assert "`fetch` already exists in class Store (zoo/store.py:11), an ancestor of Memory" in err
    # Mapping (collections.abc) has `keys`: a Bag.keys would replace the mixin's.
    code, _, err = _run(
        ["rename", "everything", "keys", "--at", "zoo/bag.py:17", "--no-model", "--yes"], capsys
    )
    assert code == 2, err
    assert "`keys` already exists in class collections.abc.Mapping, a base of Bag" in err
    assert _status(root) == ""
    # A name nobody in the hierarchy has still goes through.
    code, _, err = _run(
        ["rename", "read_all", "read_every", "--at", "zoo/memory.py:8", "--no-model", "--yes"],
        capsys,
    )
    assert code == 0, err


# -- names looked up by string ----------------------------------------------------------------

SHAPE = """\
class Shape:
    __slots__ = ("side", "area")

    def __init__(self, side):
        self.side = side
        self.area = side * side


class Circle:
    def __init__(self, r):
        self.r = r

    @property
    def radius(self):
        return self.r


def describe(x):
    if hasattr(x, "area"):
        return getattr(x, "area")
    return None


def grow(x):
    setattr(x, "area", x.area * 2)
    return x


def error():
    raise ValueError("the area is wrong")
"""

TEST_SHAPE = """\
from zoo.shape import Circle, Shape, describe, grow


def test_describe():
    assert describe(Shape(2)) == 4
    assert grow(Shape(2)).area == 8
    assert describe(Circle(1)) is None
"""


def test_hasattr_getattr_setattr_and_slots_are_renamed_with_the_attribute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(
        tmp_path,
        monkeypatch,
        {"zoo/shape.py": SHAPE, "tests/__init__.py": "", "tests/test_shape.py": TEST_SHAPE},
    )
    assert _pytest(root).returncode == 0
    code, out, err = _run(
        ["rename", "area", "surface", "--at", "zoo/shape.py:6", "--no-model", "--yes", "--json"],
        capsys,
    )
    assert code == 0, err
    text = (root / "zoo/shape.py").read_text()
    assert '__slots__ = ("side", "surface")' in text
    assert 'if hasattr(x, "surface"):\n        return getattr(x, "surface")' in text
    assert 'setattr(x, "surface", x.surface * 2)' in text
    # A message is data: left as it is, and listed as an advisory that does not block.
    assert 'raise ValueError("the area is wrong")' in text
    data = json.loads(out)
    assert {"file": "zoo/shape.py", "line": 30} in [
        {"file": a["file"], "line": a["line"]} for a in data["advisories"]
    ]
    assert "⚠ 1 string still says `area` (data, left as it is): zoo/shape.py:30" in err
    (root / "tests/test_shape.py").write_text(TEST_SHAPE.replace(".area", ".surface"))
    assert _pytest(root).returncode == 0, _pytest(root).stdout


PROPERTY = """\
class Square:
    def __init__(self, side):
        self.side = side

    @property
    def area(self):
        return self.side**2


class Room:
    area = 12


def describe(x):
    if hasattr(x, "area"):
        return x.area
    return None
"""


def test_a_hasattr_that_may_mean_another_class_marks_the_rename_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Room has `area` too: `hasattr(x, "area")` may be about either, so nothing is guessed.
    root = _repo(tmp_path, monkeypatch, {"zoo/square.py": PROPERTY})
    code, _, err = _run(
        ["rename", "area", "surface", "--at", "zoo/square.py:6", "--no-model", "--yes"], capsys
    )
    assert code == 4, err
    assert (
        "✗ 1 unsure reference left; 1 name looked up by string may mean `area`: zoo/square.py:15"
        in err
    )
    assert _status(root) == ""


def test_a_hasattr_only_the_hierarchy_can_mean_is_renamed_with_the_property(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(
        tmp_path,
        monkeypatch,
        {"zoo/square.py": PROPERTY.replace("    area = 12\n", "    size = 12\n")},
    )
    code, _, err = _run(
        ["rename", "area", "surface", "--at", "zoo/square.py:6", "--no-model", "--yes"], capsys
    )
    assert code == 0, err
    text = (root / "zoo/square.py").read_text()
    assert 'if hasattr(x, "surface"):\n        return x.surface' in text


UTIL = """\
import sys

__all__ = ["helper_fn", "other"]


def helper_fn():
    return 1


def other():
    return getattr(sys.modules[__name__], "helper_fn")()
"""

INIT = """\
from zoo.util import helper_fn, other

__all__ = ["helper_fn", "other"]
"""

TEST_UTIL = """\
from zoo import *  # noqa: F403
from zoo import util


def test_all():
    assert helper_fn() == 1 and other() == 1  # noqa: F405
    assert hasattr(util, "helper_fn")
"""


def test_dunder_all_and_a_module_getattr_are_renamed_with_the_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(
        tmp_path,
        monkeypatch,
        {
            "zoo/__init__.py": INIT,
            "zoo/util.py": UTIL,
            "tests/__init__.py": "",
            "tests/test_util.py": TEST_UTIL,
        },
    )
    assert _pytest(root).returncode == 0
    code, _, err = _run(["rename", "helper_fn", "assist", "--no-model", "--yes"], capsys)
    assert code == 0, err
    util = (root / "zoo/util.py").read_text()
    assert '__all__ = ["assist", "other"]' in util
    assert 'getattr(sys.modules[__name__], "assist")()' in util
    assert '__all__ = ["assist", "other"]' in (root / "zoo/__init__.py").read_text()
    test = (root / "tests/test_util.py").read_text()
    assert 'hasattr(util, "assist")' in test
    (root / "tests/test_util.py").write_text(test.replace("helper_fn()", "assist()"))
    assert _pytest(root).returncode == 0, _pytest(root).stdout


# -- a module-level function that shares a method's name --------------------------------------

SHAPES = """\
def area(x):
    return x * x


class Shape:
    def __init__(self, side):
        self.side = side

    def area(self):
        return area(self.side)
"""

USE = """\
import importlib

shape = importlib.import_module("zoo.shapes")


def go(s):
    from zoo import shapes as sh

    return shape.area(3) + sh.area(2) + s.area()
"""

TEST_USE = """\
from zoo.shapes import Shape, area
from zoo.use import go


def test_go():
    assert area(3) == 9 and go(Shape(1)) == 14
"""


def test_a_module_function_with_a_methods_name_is_never_renamed_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(
        tmp_path,
        monkeypatch,
        {
            "zoo/shapes.py": SHAPES,
            "zoo/use.py": USE,
            "tests/__init__.py": "",
            "tests/test_use.py": TEST_USE,
        },
    )
    assert _pytest(root).returncode == 0
    code, _, err = _run(
        ["rename", "area", "surface", "--at", "zoo/shapes.py:9", "--no-model", "--yes"], capsys
    )
    assert code == 0, err
    shapes = (root / "zoo/shapes.py").read_text()
    assert (
        "def area(x):" in shapes and "def surface(self):\n        return area(self.side)" in shapes
    )
    use = (root / "zoo/use.py").read_text()
    assert "return shape.area(3) + sh.area(2) + s.surface()" in use
    assert _pytest(root).returncode == 0, _pytest(root).stdout


DISPATCH = """\
class Visitor:
    def visit(self, kind):
        return getattr(self, f"visit_{kind}")()


class Shapes(Visitor):
    def visit_circle(self):
        return "round"

    def visit_square(self):
        return "square"
"""


def test_a_name_built_at_run_time_that_matches_the_member_marks_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `Shapes().visit("circle")` finds the method by a name built from a string: renaming it
    # breaks the dispatch, and nothing but the f-string says so.
    root = _repo(tmp_path, monkeypatch, {"zoo/visit.py": DISPATCH})
    code, _, err = _run(
        ["rename", "visit_circle", "visit_round", "--at", "zoo/visit.py:7", "--no-model", "--yes"],
        capsys,
    )
    assert code == 4, err
    assert "1 name looked up by string may mean `visit_circle`: zoo/visit.py:3" in err
    assert _status(root) == ""


CACHE = """\
class Cache:
    @property
    def size(self):
        return 1


class Timed(Cache):
    @property
    def size(self):
        return 2
"""

TEST_CACHE = """\
from zoo.cache import Timed


class Case:
    Cache = Timed

    def make(self):
        class Cache(self.Cache):
            pass

        return Cache()


def check(cache):
    assert cache.size == 2


def test_size():
    check(Case().make())
"""


def test_an_override_whose_base_a_test_class_also_names_is_renamed_as_sure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Timed's base is `Cache` of its own module, whatever a test calls its nested classes
    # (cachetools' tests do this): the override rope leaves is the symbol, not a doubt.
    root = _repo(
        tmp_path,
        monkeypatch,
        {"zoo/cache.py": CACHE, "tests/__init__.py": "", "tests/test_cache.py": TEST_CACHE},
    )
    code, _, err = _run(
        ["rename", "size", "current_size", "--at", "zoo/cache.py:3", "--no-model", "--yes"],
        capsys,
    )
    assert code == 0, err
    assert "def size" not in (root / "zoo/cache.py").read_text()
    assert "assert cache.current_size == 2" in (root / "tests/test_cache.py").read_text()
    assert _pytest(root).returncode == 0


HOOKS = """\
class Runner:
    def run(self):
        return getattr(self, "hook")()


class Job(Runner):
    def hook(self):
        return "done"


def check():
    assert Job().run() == "done"
"""


def test_a_getattr_on_self_in_an_ancestor_is_renamed_with_the_subclass_method(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _repo(tmp_path, monkeypatch, {"zoo/hooks.py": HOOKS})
    code, _, err = _run(
        ["rename", "hook", "on_run", "--at", "zoo/hooks.py:7", "--no-model", "--yes"], capsys
    )
    assert code == 0, err
    assert 'return getattr(self, "on_run")()' in (root / "zoo/hooks.py").read_text()
    run = subprocess.run(
        [sys.executable, "-c", "import zoo.hooks; zoo.hooks.check()"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
