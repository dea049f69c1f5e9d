"""Renames that hold on real code: hierarchies, unsure call sites, clashes, files rope cannot read."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from haikutui.cli.main import main
from tests.conftest import make_repo
from tests.fake_api import FakeAnthropic, text_reply

SHAPES = '''\
"""Shapes."""


class Shape:
    def __init__(self, side):
        self.side = side

    def area(self):
        return self.side * self.side

    def describe(self):
        return f"area {self.area()}"


def total(things):
    return sum(thing.area() for thing in things)
'''

TEST_SHAPES = """\
from zoo.shapes import Shape, total


class Half(Shape):
    def area(self):
        return super().area() / 2


def test_total():
    assert total([Shape(2), Half(2)]) == 6
    assert Half(2).describe() == "area 2.0"
"""

ROOM = """\
class Room:
    def __init__(self, w, h):
        self.w, self.h = w, h

    def area(self):
        return self.w * self.h
"""


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def _pytest(root: Path) -> int:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        capture_output=True,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        check=False,
    ).returncode


@pytest.fixture
def zoo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(
        tmp_path / "zoo",
        {
            "zoo/__init__.py": "",
            "zoo/shapes.py": SHAPES,
            "tests/__init__.py": "",
            "tests/test_shapes.py": TEST_SHAPES,
        },
    )
    monkeypatch.chdir(root)
    return root


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_method_override_in_a_test_subclass_follows_and_tests_still_pass(
    zoo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _pytest(zoo) == 0
    code, out, err = _run(
        ["rename", "area", "surface", "--at", "zoo/shapes.py:8", "--no-model", "--yes", "--json"],
        capsys,
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["applied"] == ["tests/test_shapes.py", "zoo/shapes.py"]
    test_text = (zoo / "tests/test_shapes.py").read_text()
    assert "    def surface(self):\n        return super().surface() / 2" in test_text
    # `thing.area()`: rope cannot tell what `thing` is; no other class has `area`, so it is sure.
    assert "sum(thing.surface() for thing in things)" in (zoo / "zoo/shapes.py").read_text()
    # (and `super().area()` in the subclass, which rope does not follow either)
    assert data["unsure"] == [] and data["resolved"] == 2 and data["unsure_left"] == 0
    assert "unsure resolved as sure: no other class in the project defines `area`" in err
    assert _pytest(zoo) == 0


def test_unsure_call_sites_are_rejected_hunks_and_block_yes(
    zoo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (zoo / "zoo/room.py").write_text(ROOM)
    _git(zoo, "add", "-A")
    _git(zoo, "commit", "-q", "-m", "a room, which has an area too")
    code, out, err = _run(
        ["rename", "area", "surface", "--at", "zoo/shapes.py:8", "--no-model", "--yes", "--json"],
        capsys,
    )
    assert code == 4, err
    assert _git(zoo, "status", "--porcelain") == "", "nothing written"
    data = json.loads(out)
    assert data["applied"] == []
    assert data["unsure"] == [
        {
            "at": "zoo/shapes.py:16",
            "text": "return sum(thing.area() for thing in things)",
            "included": False,
            "model_says": None,
        }
    ]
    assert data["unsure_left"] == 1
    assert not data["check"]["ok"]
    assert "1 unsure reference left" in data["check"]["summary"]
    unsure = [h for h in data["hunks"] if h["source"] == "rope unsure"]
    assert [h["path"] for h in unsure] == ["zoo/shapes.py"]
    # The sure edits around it are hunks of their own.
    assert any(h["source"] == "rope" and h["path"] == "zoo/shapes.py" for h in data["hunks"])
    assert "rope unsure, excluded (hunk rejected): zoo/shapes.py:16" in err
    assert "proposal failed its checks: nothing written" in err
    # Room.area is another symbol: never touched.
    assert "def surface" not in json.dumps([h for h in data["hunks"] if h["path"] == "zoo/room.py"])
    code, out, err = _run(
        [
            "rename",
            *("area", "surface", "--at", "zoo/shapes.py:8"),
            *("--no-model", "--yes", "--include-unsure"),
        ],
        capsys,
    )
    assert code == 0, err
    assert "sum(thing.surface() for thing in things)" in (zoo / "zoo/shapes.py").read_text()
    assert "def area(self):" in (zoo / "zoo/room.py").read_text()


def test_unparseable_file_elsewhere_is_skipped_and_named(
    zoo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (zoo / "scratch").mkdir()
    (zoo / "scratch/broken.py").write_text("def half(:\n    pass\n")
    _git(zoo, "add", "-A")
    _git(zoo, "commit", "-q", "-m", "a work in progress")
    code, out, err = _run(["rename", "total", "grand_total", "--no-model", "--yes"], capsys)
    assert code == 0, err
    assert "skipped 1 file rope cannot parse: scratch/broken.py (line 1: invalid syntax)" in err
    assert "from zoo.shapes import Shape, grand_total" in (zoo / "tests/test_shapes.py").read_text()
    assert (zoo / "scratch/broken.py").read_text() == "def half(:\n    pass\n"


def test_skipped_file_that_uses_the_name_blocks_yes(
    zoo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (zoo / "scratch").mkdir()
    (zoo / "scratch/broken.py").write_text("from zoo.shapes import total\ndef half(:\n")
    _git(zoo, "add", "-A")
    _git(zoo, "commit", "-q", "-m", "a work in progress")
    code, out, err = _run(["rename", "total", "grand_total", "--no-model", "--yes"], capsys)
    assert code == 4, err
    assert "✗ 1 skipped file still uses `total`: scratch/broken.py" in err
    assert _git(zoo, "status", "--porcelain") == ""


OVERLOADS = """\
from typing import overload


@overload
def parse(x: int) -> int: ...
@overload
def parse(x: str) -> str: ...
def parse(x):
    return x


class Factory:
    pass


def wrap(cls):
    return cls


Factory = wrap(Factory)
"""


def test_overload_stubs_and_a_reassignment_are_one_definition(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(
        tmp_path / "ov", {"lib.py": OVERLOADS, "use.py": "from lib import parse, Factory\n"}
    )
    monkeypatch.chdir(root)
    code, _, err = _run(["rename", "parse", "parse_value", "--no-model", "--yes"], capsys)
    assert code == 0, err
    text = (root / "lib.py").read_text()
    assert text.count("def parse_value(") == 3 and "def parse(" not in text
    code, _, err = _run(["rename", "Factory", "Maker", "--no-model", "--yes"], capsys)
    assert code == 0, err
    text = (root / "lib.py").read_text()
    assert "class Maker:" in text and "Maker = wrap(Maker)" in text
    assert (root / "use.py").read_text() == "from lib import parse_value, Maker\n"


def test_clash_in_an_importing_module_is_refused(
    zoo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (zoo / "zoo/report.py").write_text(
        "from zoo.shapes import total\n\n\ndef grand_total(rows):\n    return total(rows)\n"
    )
    _git(zoo, "add", "-A")
    _git(zoo, "commit", "-q", "-m", "report")
    code, _, err = _run(["rename", "total", "grand_total", "--no-model", "--yes"], capsys)
    assert code == 2
    assert "`grand_total` already exists in zoo/report.py:4, a module that imports `total`" in err
    assert "F811" in err
    assert _git(zoo, "status", "--porcelain") == ""


def test_clash_in_a_subclass_body_is_refused(zoo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(
        ["rename", "area", "side", "--at", "zoo/shapes.py:8", "--no-model", "--yes"], capsys
    )
    assert code == 2
    assert "`side` already exists in class Shape (zoo/shapes.py:4)" in err
    (zoo / "tests/test_shapes.py").write_text(TEST_SHAPES + "\n\nclass Big(Shape):\n    size = 9\n")
    _git(zoo, "commit", "-qam", "big")
    code, _, err = _run(
        ["rename", "area", "size", "--at", "zoo/shapes.py:8", "--no-model", "--yes"], capsys
    )
    assert code == 2
    assert "`size` already exists in class Big (tests/test_shapes.py:" in err
    assert _git(zoo, "status", "--porcelain") == ""


def test_with_a_model_unsure_call_sites_are_classified_in_one_request(
    zoo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    (zoo / "zoo/room.py").write_text(ROOM)
    _git(zoo, "add", "-A")
    _git(zoo, "commit", "-q", "-m", "a room, which has an area too")
    fake_api.script(
        text_reply("1: yes"),
        text_reply(
            "KEEP zoo/room.py:5: Room.area is another method\nKEEP zoo/shapes.py:12: prose\n"
            "KEEP tests/test_shapes.py:11: prose"
        ),
    )
    code, out, err = _run(
        ["rename", "area", "surface", "--at", "zoo/shapes.py:8", "--yes", "--json"], capsys
    )
    assert code == 0, err
    assert len(fake_api.message_requests) == 2, "one yes/no question, then the leftovers"
    first = fake_api.message_requests[0].json
    assert first is not None and "`N: yes` or `N: no`" in json.dumps(first["system"])
    asked = json.dumps(first["messages"])
    assert "1. zoo/shapes.py:16" in asked and "thing.area() for thing in things" in asked
    data = json.loads(out)
    assert data["unsure"][0]["model_says"] is True and data["unsure"][0]["included"] is True
    assert data["unsure_left"] == 0 and data["check"]["ok"], data["check"]
    assert "sum(thing.surface() for thing in things)" in (zoo / "zoo/shapes.py").read_text()
    assert "def area(self):" in (zoo / "zoo/room.py").read_text()


def test_a_model_that_says_no_leaves_the_call_site_and_it_is_not_a_problem(
    zoo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    (zoo / "zoo/room.py").write_text(ROOM)
    _git(zoo, "add", "-A")
    _git(zoo, "commit", "-q", "-m", "a room")
    fake_api.script(
        text_reply("1: no"),
        text_reply(
            "KEEP zoo/room.py:5: another\nKEEP zoo/shapes.py:12: prose\n"
            "KEEP tests/test_shapes.py:11: prose"
        ),
    )
    code, out, err = _run(
        ["rename", "area", "surface", "--at", "zoo/shapes.py:8", "--json"], capsys
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["unsure"][0]["model_says"] is False and data["unsure"][0]["included"] is False
    assert data["unsure_left"] == 0


def test_an_import_rope_could_not_resolve_marks_the_rename_and_blocks_yes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A namespace package under src/: rope does not resolve `ns.util`, so it leaves the import.
    root = make_repo(
        tmp_path / "ns",
        {
            "src/ns/util.py": "def helper_fn():\n    return 1\n",
            "tests/__init__.py": "",
            "tests/test_h.py": "from ns.util import helper_fn\n\n\ndef test_h():\n"
            "    assert helper_fn() == 1\n",
        },
    )
    monkeypatch.chdir(root)
    code, _, err = _run(["rename", "helper_fn", "assist", "--no-model", "--yes"], capsys)
    assert code == 4, err
    assert "1 import of `helper_fn` not renamed: tests/test_h.py:1" in err
    assert _git(root, "status", "--porcelain") == ""


def test_a_file_over_the_size_limit_is_skipped_and_named(
    zoo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (zoo / "zoo/tables.py").write_text("ROWS = [\n" + "    0,\n" * 200_000 + "]\n")
    _git(zoo, "add", "-A")
    _git(zoo, "commit", "-q", "-m", "a generated table")
    code, _, err = _run(["rename", "total", "grand_total", "--no-model", "--yes"], capsys)
    assert code == 0, err
    assert "skipped 1 file rope cannot parse: zoo/tables.py (1,400,011 bytes, over the" in err
    assert "from zoo.shapes import Shape, grand_total" in (zoo / "tests/test_shapes.py").read_text()


GENERIC = """\
from typing import Generic, TypeVar

T = TypeVar("T")


class Base(Generic[T]):
    def area(self):
        return 1

    def twice(self):
        return 2 * self.area()


class Sub(Base[int]):
    def area(self):
        return 5

    def half(self):
        return self.area() / 2


def check():
    assert Sub().twice() == 10 and Sub().half() == 2.5
"""


def test_override_under_a_generic_base_that_rope_misses_is_renamed_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "gen", {"gen.py": GENERIC})
    monkeypatch.chdir(root)
    code, _, err = _run(
        ["rename", "area", "surface", "--at", "gen.py:7", "--no-model", "--yes"], capsys
    )
    assert code == 0, err
    text = (root / "gen.py").read_text()
    assert "def area" not in text and text.count("def surface(self):") == 2
    run = subprocess.run(
        [sys.executable, "-c", "import gen; gen.check()"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_a_call_rope_typed_as_the_missed_override_marks_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # rope types `s` as Sub and thinks Sub.area is another method: it neither renames the call
    # nor calls it unsure. Only Base's hierarchy defines `area`, so the call left is a miss.
    use = "\n\ndef use():\n    s = Sub()\n    return s.area()\n"
    root = make_repo(tmp_path / "gen", {"gen.py": GENERIC + use})
    monkeypatch.chdir(root)
    code, _, err = _run(
        ["rename", "area", "surface", "--at", "gen.py:7", "--no-model", "--yes"], capsys
    )
    assert code == 4, err
    assert "✗ 1 reference to `area` not renamed: gen.py:" in err
    assert _git(root, "status", "--porcelain") == ""
