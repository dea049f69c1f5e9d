"""Issue 20: the verdict is right both ways. Good changes on real layouts are not refused
(the scratch tree has the repo's whole layout and its generated files; style findings and old
test failures are advisory), and changes keep the repo's import sorting."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from haikutui.core.proposal import FileChange, Proposal
from haikutui.core.repo import Repo
from haikutui.core.textfile import TextFile
from haikutui.tasks.lint.ruff_runner import ruff_binary
from haikutui.tasks.verdict.checks import check_proposal
from tests.checks.conftest import edit
from tests.conftest import git, make_repo, trust_repo


def ruff_fix_on_a_copy(root: Path, tmp_path: Path) -> dict[str, str]:
    """What `ruff check --fix` writes in a plain copy of the repo: the tree lint must equal."""
    copy = tmp_path / "ruff-copy" / root.name
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".git", ".venv"))
    subprocess.run([ruff_binary(), "check", "--fix", "--no-cache", "-q", "."], cwd=copy)
    return {str(p.relative_to(copy)): p.read_text() for p in sorted(copy.rglob("*.py"))}


def python_files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text()
        for p in sorted(root.rglob("*.py"))
        if ".git" not in p.parts and ".venv" not in p.parts
    }


SRC_LAYOUT = {
    "pyproject.toml": (
        '[project]\nname = "pkg"\nversion = "0"\n\n'
        '[tool.ruff]\nsrc = ["src", "tests"]\n\n[tool.ruff.lint]\nselect = ["I", "F401"]\n'
    ),
    "src/pkg/__init__.py": "",
    "src/pkg/a.py": "def gamma():\n    return 3\n",
    "tests/helpers.py": "def util():\n    return 1\n",
    # Sorted as ruff sorts it in this repo: `pkg` (under src/) and `helpers` (under tests/)
    # are first-party, pytest third-party. `os` is unused: the one thing ruff fixes.
    "tests/test_a.py": (
        "import os\n\nimport pytest\n\nfrom helpers import util\nfrom pkg.a import gamma\n\n\n"
        "def test_gamma():\n    assert gamma() == 3 and util() == 1 and pytest\n"
    ),
}


def test_lint_in_a_src_tests_layout_writes_what_ruff_writes(tmp_path: Path, haikutui: Any) -> None:
    """attrs' case: `src = ["src", "tests"]` and isort. The old mirror held only the files one
    folder deep, so `pkg` looked third-party and a false I001 was 'fixed' or refused."""
    root = make_repo(tmp_path / "srcproj", SRC_LAYOUT)
    expected = ruff_fix_on_a_copy(root, tmp_path)
    # ruff's own fix: the unused import, and nothing else (the block is sorted for this layout)
    assert "import os" not in expected["tests/test_a.py"]
    assert "\nfrom helpers import util\nfrom pkg.a import gamma\n" in expected["tests/test_a.py"]
    run = haikutui(root, "lint", "--no-model", "--yes")
    assert run.code == 0, run.err
    assert python_files(root) == expected
    assert "check: ✓" in run.err


SIM = (
    "def kind(a):\n    if isinstance(a, int):\n        return 1\n"
    "    elif isinstance(a, str):\n        return 1\n    return 0\n"
)


def test_a_safe_fix_that_makes_an_unsafe_fix_finding_is_applied_and_counted_left(
    tmp_path: Path, haikutui: Any
) -> None:
    """boltons' case: SIM114's safe fix merges the arms into `isinstance(a, int) or
    isinstance(a, str)`, which SIM101 flags (its fix is unsafe). That finding is what ruff
    leaves, not something the change broke: `--yes` writes ruff's tree."""
    root = make_repo(tmp_path / "simproj", {"ruff.toml": 'lint.select = ["SIM"]\n', "m.py": SIM})
    expected = ruff_fix_on_a_copy(root, tmp_path)
    run = haikutui(root, "lint", "--no-model", "--yes", "--json")
    assert run.code == 0, run.err
    assert python_files(root) == expected
    data = run.json
    assert [r.split(": ", 1)[1].split(" ")[0] for r in data["remaining"]] == ["SIM101"]
    assert data["checks"]["ok"] is True
    assert data["checks"]["blocking"] == [] and data["checks"]["advisories"] == []
    assert "left: m.py:2:8: SIM101" in run.err
    assert data["files"]["m.py"] == {"fixed": 1, "remaining": 1}  # SIM114 fixed, SIM101 left
    assert "1 of 1 finding fixed" in run.err


def test_ruffs_own_fix_of_a_conftest_is_written_by_yes(tmp_path: Path, haikutui: Any) -> None:
    """platformdirs' case: ruff's safe fix of `tests/conftest.py` was refused as an edit to a
    file that configures execution. A local tool's rewrite is not a model's: `--yes` writes
    ruff's tree. (A model's edit of a conftest.py is still refused: test_repo_trust.py.)"""
    files = {
        "ruff.toml": 'lint.select = ["F401"]\n',
        "tests/conftest.py": "import os\nimport sys\n\n\ndef pytest_configure(config):\n"
        "    config.x = sys.argv\n",
    }
    root = make_repo(tmp_path / "conf", files)
    expected = ruff_fix_on_a_copy(root, tmp_path)
    run = haikutui(root, "lint", "--no-model", "--yes", "--json")
    assert run.code == 0, run.err
    assert python_files(root) == expected
    assert "import os" not in (root / "tests/conftest.py").read_text()
    assert run.json["exec_edits"] == []


VERSIONED = {
    ".gitignore": ".venv\nshapes/_version.py\n",
    "shapes/__init__.py": "from shapes._version import VERSION\n\n__all__ = ['VERSION']\n",
    "tests/test_version.py": (
        "from shapes import VERSION\nfrom shapes.geometry import area\n\n\n"
        "def test_version():\n    assert VERSION == '1.2.3' and area(2, 2) == 4\n"
    ),
}


def test_tests_import_a_generated_ignored_version_file(shapes_repo: Path) -> None:
    """A git-ignored `_version.py` (setuptools-scm, hatch-vcs) is in the tree the user's
    tests run on, so a comment-only fix passes them."""
    for rel, text in VERSIONED.items():
        (shapes_repo / rel).write_text(text)
    git(shapes_repo, "add", "-A")
    git(shapes_repo, "commit", "-qm", "a generated version")
    (shapes_repo / "shapes/_version.py").write_text("VERSION = '1.2.3'\n")
    assert git(shapes_repo, "status", "--porcelain") == ""  # ignored: git does not list it
    change = edit(shapes_repo, "shapes/geometry.py", "    return w * h", "    return w * h  # ok")
    verdict = check_proposal(Repo(shapes_repo), change, tests=True, trusted=True)
    assert verdict.ok, verdict.summary
    assert verdict.tests is not None and verdict.tests.passed >= 1


def test_an_old_failure_does_not_stop_yes(shapes_repo: Path, haikutui: Any) -> None:
    (shapes_repo / "tests/test_colors.py").write_text(
        "from shapes import colors\n\n\ndef test_red():\n    assert colors.RED == 'red'\n\n\n"
        "def test_blue():\n    assert colors.RED == 'blue'\n"
    )
    git(shapes_repo, "commit", "-qam", "a test that fails today")
    run = haikutui(shapes_repo, "rename", "RED", "SCARLET", "--no-model", "--yes", "--test")
    assert run.code == 0, run.err
    assert "SCARLET = 'red'" in (shapes_repo / "shapes/colors.py").read_text()
    assert "⚠ 1 test already failing (tests/test_colors.py::test_blue)" in run.err


def test_strict_makes_yes_refuse_an_old_failure(shapes_repo: Path, haikutui: Any) -> None:
    (shapes_repo / "tests/test_colors.py").write_text(
        "from shapes import colors\n\n\ndef test_red():\n    assert colors.RED == 'red'\n\n\n"
        "def test_blue():\n    assert colors.RED == 'blue'\n"
    )
    (shapes_repo / ".haikutui.toml").write_text("[checks]\nstrict = true\n")
    git(shapes_repo, "add", "-A")
    git(shapes_repo, "commit", "-qm", "a test that fails today, strict checks")
    trust_repo(shapes_repo)  # its config changed: trusted again, so its tests run
    run = haikutui(shapes_repo, "rename", "RED", "SCARLET", "--no-model", "--yes", "--test")
    assert run.code == 4, run.err
    assert "RED = 'red'" in (shapes_repo / "shapes/colors.py").read_text()


SORTED = {
    "ruff.toml": 'lint.select = ["E", "F", "I"]\n',
    "pkg/__init__.py": "",
    "pkg/a.py": "def beta():\n    return 2\n\n\ndef gamma():\n    return 3\n",
    "pkg/b.py": "from pkg.a import beta, gamma\n\n\ndef total():\n    return beta() + gamma()\n",
}


def test_a_rename_leaves_the_import_block_sorted(tmp_path: Path, haikutui: Any) -> None:
    """rope writes `from pkg.a import zeta, gamma`; the repo sorts imports (I), so the rename
    re-sorts the block it disturbed, inside the same proposal, and the verdict is ✓."""
    root = make_repo(tmp_path / "sorted", SORTED)
    run = haikutui(root, "rename", "beta", "zeta", "--no-model", "--yes")
    assert run.code == 0, run.err
    assert (root / "pkg/b.py").read_text().startswith("from pkg.a import gamma, zeta\n")
    assert "def zeta():" in (root / "pkg/a.py").read_text()
    assert "check: ✓" in run.err and "⚠" not in run.err


def test_a_rename_keeps_an_unsorting_repo_unsorted(tmp_path: Path, haikutui: Any) -> None:
    """Without `I` in the repo's rules, nothing is re-sorted: the style is the repo's."""
    root = make_repo(tmp_path / "free", {**SORTED, "ruff.toml": 'lint.select = ["E", "F"]\n'})
    run = haikutui(root, "rename", "beta", "zeta", "--no-model", "--yes")
    assert run.code == 0, run.err
    assert (root / "pkg/b.py").read_text().startswith("from pkg.a import zeta, gamma\n")


def test_a_parse_error_shows_the_first_error_and_a_count(tmp_path: Path) -> None:
    """A model that writes `\\n` for its newlines makes ruff report hundreds of parse errors:
    the summary names the first and counts the rest, instead of one line listing them all."""
    body = "".join(f"def f{i}(x):\n    return [x, {i}]\n\n\n" for i in range(150))
    root = make_repo(tmp_path / "parse", {"m.py": body})
    broken = body.replace("\n    return", "\\n    return")
    proposal = Proposal([FileChange("m.py", TextFile(body), broken)])
    verdict = check_proposal(Repo(root), proposal)
    assert not verdict.ok
    [problem] = verdict.problems
    assert problem.startswith("m.py:1: does not parse (")
    assert problem.endswith("more parse errors)")
    assert int(problem.rsplit("(+", 1)[1].split()[0]) >= 100
    assert len(verdict.summary) < 250, verdict.summary
    [blocking] = verdict.as_json()["blocking"]  # the first error of the file, not all of them
    assert blocking["file"] == "m.py" and blocking["line"] == 1
    assert blocking["rule"] == "syntax-error"


def test_the_scratch_tree_is_the_working_tree_and_never_writes_through(tmp_path: Path) -> None:
    from haikutui.core.scratch_tree import ScratchTree  # here: the base had no such module

    root = make_repo(
        tmp_path / "tree",
        {".gitignore": "gen/\n.venv\n", "a.py": "A = 1\n", "pkg/b.py": "B = 2\n"},
    )
    (root / "gen").mkdir()
    (root / "gen" / "_version.py").write_text("V = 1\n")  # ignored: still in
    (root / "untracked.txt").write_text("u\n")  # untracked: in
    for cache in (".venv/lib", "pkg/__pycache__", ".pytest_cache", "node_modules/x"):
        (root / cache).mkdir(parents=True)
        (root / cache / "junk.py").write_text("J = 0\n")  # caches and environments: out
    (root / "env").mkdir()
    (root / "env" / "pyvenv.cfg").write_text("home = /usr\n")  # a venv by another name: out
    with ScratchTree(root, {"a.py": "A = 2\n"}) as tree:
        inside = sorted(str(p.relative_to(tree.path)) for p in tree.path.rglob("*") if p.is_file())
        assert inside == [".gitignore", "a.py", "gen/_version.py", "pkg/b.py", "untracked.txt"]
        assert (tree.path / "a.py").read_text() == "A = 2\n"
        # A test writing into its copy never reaches the user's file.
        (tree.path / "pkg" / "b.py").write_text("B = 'changed by a test'\n")
        with open(tree.path / "gen" / "_version.py", "a") as handle:
            handle.write("W = 2\n")
        assert (root / "pkg" / "b.py").read_text() == "B = 2\n"
        assert (root / "gen" / "_version.py").read_text() == "V = 1\n"
        assert all((tree.path / rel).stat().st_ino != (root / rel).stat().st_ino for rel in inside)
        tree.reset()
        assert (tree.path / "a.py").read_text() == "A = 1\n"
    assert not tree.path.exists()


def test_a_rule_without_a_code_is_not_a_parse_error(tmp_path: Path) -> None:
    """platformdirs under `select = ["ALL"]`: ruff 0.17 reports pytest-fixture-autouse with
    `"code": null`. It is a style finding by its name, not "does not parse"."""
    import json

    from haikutui.tasks.lint import ruff_runner

    item = {
        "code": None,
        "name": "pytest-fixture-autouse",
        "filename": str(tmp_path / "t.py"),
        "message": "Avoid using `autouse=True` in `pytest.fixture` decorators",
        "location": {"row": 16, "column": 17},
        "end_location": {"row": 16, "column": 29},
        "fix": None,
    }
    with ruff_runner.RuffMirror(make_repo(tmp_path / "r", {"t.py": "x = 1\n"})) as mirror:
        item["filename"] = str(mirror.path / "t.py")
        [found] = mirror._findings(json.dumps([item]), ["t.py"])["t.py"]
    assert found.code == "pytest-fixture-autouse"


def test_the_scratch_tree_never_writes_through_a_symlinked_folder(tmp_path: Path) -> None:
    from haikutui.core.errors import UsageError
    from haikutui.core.scratch_tree import ScratchTree

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "m.py").write_text("KEEP = 1\n")
    root = make_repo(tmp_path / "linked", {"a.py": "A = 1\n"})
    (root / "shared").symlink_to(outside)  # absolute, out of the repo
    with ScratchTree(root) as tree:
        # A link out of the repo is left out of the tree (as the path guard refuses it), so
        # nothing a check writes there can reach the folder it points at.
        assert not (tree.path / "shared").is_symlink() and "shared" in tree.left_out
        for act in (
            lambda: tree.write({"shared/m.py": "X = 2\n"}),
            lambda: tree.remove(["shared/m.py"]),
        ):
            try:
                act()
            except UsageError:
                pass
    assert (outside / "m.py").read_text() == "KEEP = 1\n"


MATHLESS = {
    "ruff.toml": 'lint.select = ["E", "F", "I"]\n',
    "pkg/__init__.py": "",
    "pkg/geo.py": (
        '"""Geo."""\n\nimport sys\n\n\ndef half(x):\n'
        "    return math.floor(x / 2) + len(sys.argv) * 0\n"
    ),
}


def test_the_models_lint_edit_is_sorted_as_the_repo_sorts(
    tmp_path: Path, fake_api: Any, haikutui: Any
) -> None:
    """The model fixes F821 by adding `import math` after `import sys`; the repo selects I, so
    the repair sorts the block it disturbed, in the same proposal, and nothing is left."""
    from tests.fake_api import str_replace, tool_reply

    root = make_repo(tmp_path / "mathless", MATHLESS)
    fake_api.script(
        tool_reply(str_replace("pkg/geo.py", "import sys\n", "import sys\nimport math\n"))
    )
    run = haikutui(root, "lint", "--yes", "--json", "pkg/geo.py")
    assert run.code == 0, run.err
    assert len(fake_api.message_requests) == 1  # no second rung for an unsorted block
    assert run.json["remaining"] == []
    assert (root / "pkg/geo.py").read_text().startswith('"""Geo."""\n\nimport math\nimport sys\n')
