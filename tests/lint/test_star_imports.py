"""Issue 22: star imports written out by rope (F403, F405), with no model and no behaviour change."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.model.ladder import resolve
from haikutui.tasks.lint.repair import repair
from haikutui.tasks.lint.ruff_pass import ruff_only
from haikutui.tui.screens.lint_review import LintReviewScreen
from tests.conftest import make_repo, trust_repo
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import status_text
from tests.lint.steps import open_file, settle

CONFIG = """\
[project]
name = "pkg"
version = "0"

[tool.ruff.lint]
select = ["E", "F", "I"]
"""

FILES = {
    "pyproject.toml": CONFIG,
    "pkg/__init__.py": '"""A package whose API is its stars."""\n\nfrom .core import *\nfrom .helpers import *\n\n__all__ = ["Parser", "parse"]\n',
    "pkg/core.py": '"""Core."""\n\nimport re\n\nVERSION = "1"\n\n\nclass Parser:\n    def __init__(self, tokens):\n        self.tokens = tokens\n\n\ndef tokens(text):\n    return re.findall(r"\\w+", text)\n',
    "pkg/helpers.py": '"""Helpers."""\n\nfrom .core import *\n\n\ndef parse(text):\n    return Parser(tokens(text))\n',
    "scripts/run.py": 'from pkg import *\n\nprint(parse("a b").tokens)\n',
}
"""F403 five times, F405 for every name the stars hide (the package's `__all__` too)."""

SHOW_API = """\
import json, pkg
def what(o):
    return getattr(o, "__module__", None), getattr(o, "__qualname__", type(o).__name__)
star = {}
exec("from pkg import *", star)
print(json.dumps({
    "pkg": {n: what(getattr(pkg, n)) for n in dir(pkg) if not n.startswith("__")},
    "star": sorted(n for n in star if n != "__builtins__"),
}))
"""


def api(root: Path) -> dict[str, object]:
    """What the package binds, and what `from pkg import *` gives, by running it."""
    out = subprocess.run(
        [sys.executable, "-c", SHOW_API], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    found: dict[str, object] = json.loads(out)
    return found


@pytest.fixture
def star_repo(tmp_path: Path) -> Path:
    return trust_repo(make_repo(tmp_path / "stars", dict(FILES)))


def test_stars_become_the_names_used_and_the_package_keeps_its_api(
    star_repo: Path, haikutui
) -> None:
    before = api(star_repo)
    script = [sys.executable, "scripts/run.py"]
    printed = subprocess.run(script, cwd=star_repo, capture_output=True, text=True).stdout
    run = haikutui(star_repo, "lint", "--no-model", "--yes", "--json")
    assert run.code == 0, run.err
    assert run.json["remaining"] == [] and run.json["check"]["ok"] is True
    assert run.json["unsafe_offered"] == []  # accepted by default: nothing can change
    helpers = (star_repo / "pkg/helpers.py").read_text()
    assert "from .core import Parser, tokens\n" in helpers
    init = (star_repo / "pkg/__init__.py").read_text()
    assert "import *" not in init
    # `__all__` names plainly; the rest the stars bound, re-exported, from where they are made
    assert "VERSION as VERSION" in init and "re as re" in init and "tokens as tokens" in init
    assert "from .helpers import parse\n" in init
    assert "from pkg import parse\n" in (star_repo / "scripts/run.py").read_text()
    assert api(star_repo) == before
    assert subprocess.run(script, cwd=star_repo, capture_output=True, text=True).stdout == printed


def test_star_hunks_are_marked_rope_and_accepted(star_repo: Path) -> None:
    result = ruff_only(Repo(star_repo), load_settings(star_repo), None)
    sources = {c.path: [h.source for h in c.hunks] for c in result.proposal.changes}
    assert sources["pkg/helpers.py"] == ["rope (F403, F405) · from .core import * → 2 names"]
    assert all(h.accepted for _, h in result.proposal.hunks)
    assert result.remaining() == 0
    assert result.fixed() == result.total_before


def test_a_star_that_binds_nothing_used_is_offered_rejected(tmp_path: Path, haikutui) -> None:
    """Writing it out removes the import, and with it the module's import-time effects."""
    files = dict(FILES) | {"pkg/unused.py": "from .core import *\n\n\ndef one():\n    return 1\n"}
    repo = make_repo(tmp_path / "stars", files)
    run = haikutui(repo, "lint", "--no-model", "--yes", "--json")
    assert run.code == 0, run.err
    assert run.json["unsafe_offered"] == [
        "rope (unsafe: F403, F405) · from .core import * → 0 names; "
        "no longer imported: from .core import *"
    ]
    assert run.json["remaining"] == [
        "pkg/unused.py:1:1: F403 `from .core import *` used; unable to detect undefined names"
    ]
    assert (repo / "pkg/unused.py").read_text() == files["pkg/unused.py"]
    taken = haikutui(repo, "lint", "--no-model", "--yes", "--unsafe-fixes", "--json")
    assert taken.code == 0, taken.err
    assert "import" not in (repo / "pkg/unused.py").read_text()


def test_a_star_rope_cannot_place_is_left_alone(tmp_path: Path, haikutui) -> None:
    files = dict(FILES) | {
        "pkg/dyn.py": "NAMES = ['a']\n__all__ = [n.upper() for n in NAMES]\nA = 1\n",
        "pkg/uses.py": "from .dyn import *\n\nprint(A)\n",
    }
    repo = make_repo(tmp_path / "stars", files)
    run = haikutui(repo, "lint", "--no-model", "--yes", "--json")
    assert run.code == 0, run.err
    assert (repo / "pkg/uses.py").read_text() == files["pkg/uses.py"]
    left = [line.split(" ")[1] for line in run.json["remaining"] if "uses.py" in line]
    assert left == ["F403", "F405"]
    assert "from .core import Parser, tokens" in (repo / "pkg/helpers.py").read_text()


async def test_what_the_stars_hide_is_not_sent_to_the_model(
    star_repo: Path, fake_api: FakeAnthropic
) -> None:
    (star_repo / "pkg/more.py").write_text("def count(items):\n    l = len(items)\n    return l\n")
    subprocess.run(["git", "add", "-A"], cwd=star_repo, check=True)
    fix = str_replace("pkg/more.py", "    l = len(items)\n    return l", "    return len(items)")
    fake_api.script(tool_reply(fix))
    settings = load_settings(star_repo)
    result = await repair(
        Repo(star_repo), settings, None, start=resolve("fast", settings), escalate="off"
    )
    sent = fake_api.message_requests[0].json
    assert sent is not None
    text = sent["messages"][0]["content"][0]["text"]
    assert "E741" in text and "F405" not in text and "F403" not in text
    assert result.remaining() == 0


async def test_review_marks_a_star_hunk_as_rope(star_repo: Path) -> None:
    app = build_app(star_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "pkg/helpers.py")
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LintReviewScreen), status_text(app)
        view = str(screen.query("SourcedHunkView").first().render())
        assert "◇ rope (F403, F405) · from .core import * → 2 names" in view
        assert "pkg/helpers.py 3 fixed · 0 left" in str(screen.query_one("#review-header").render())


def test_a_name_a_module_only_passes_on_is_taken_from_where_it_is_made(
    tmp_path: Path, haikutui
) -> None:
    """core.py does not use `List` or `re`: ruff's F401 fix drops them there in the same run,
    so `from .core import List` would break helpers.py; it takes them from typing and re."""
    files = {
        "pyproject.toml": CONFIG,
        "pkg/__init__.py": "",
        "pkg/core.py": "import re\nfrom typing import List\n\nSIZE = 3\n",
        "pkg/helpers.py": (
            "from .core import *\n\n\n"
            "def sizes(text) -> List[int]:\n    return [SIZE, len(re.findall('a', text))]\n"
        ),
    }
    repo = make_repo(tmp_path / "stars", files)
    run = haikutui(repo, "lint", "--no-model", "--yes", "--json")
    assert run.code == 0, run.err
    helpers = (repo / "pkg/helpers.py").read_text()
    assert "from .core import SIZE\n" in helpers
    assert "from typing import List\n" in helpers and "import re\n" in helpers
    assert "List" not in (repo / "pkg/core.py").read_text()  # ruff's F401 fix, same run
    check = [sys.executable, "-c", "from pkg.helpers import sizes; print(sizes('aa'))"]
    ran = subprocess.run(check, cwd=repo, capture_output=True, text=True)
    assert ran.stdout == "[3, 2]\n", ran.stderr


def test_a_file_whose_name_starts_with_a_dash_is_read_as_a_file_not_an_option(
    tmp_path: Path,
) -> None:
    """A repo's file names are data: `-odd.py` beside the others (a name ruff would take
    for an option) still has its star written out, and so do the rest."""
    core = "def helper(x):\n    return x\n\n\ndef other():\n    return 2\n"
    use = "from pkg.core import *\n\n\ndef run():\n    return helper(1) + other()\n"
    repo = make_repo(
        tmp_path / "dash",
        {
            "pyproject.toml": '[tool.ruff.lint]\nselect = ["F"]\n',
            "pkg/__init__.py": "",
            "pkg/core.py": core,
            "-odd.py": use,
            "pkg/use.py": use,
        },
    )
    result = ruff_only(Repo(repo), load_settings(repo), None)
    written = {c.path: c.new_text for c in result.proposal.changes}
    assert sorted(written) == ["-odd.py", "pkg/use.py"]
    assert all(t.startswith("from pkg.core import helper, other\n") for t in written.values())
