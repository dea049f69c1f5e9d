"""The verdict covers the whole change: whole files before and after, and the correctness
rules on top of the repo's selection (here E and I only)."""

from __future__ import annotations

from pathlib import Path

from haikutui.core.proposal import FileChange, Proposal
from haikutui.core.repo import Repo
from haikutui.core.textfile import TextFile
from haikutui.tasks.lint.ruff_runner import VERDICT_RULES, LintedText, RuffMirror
from haikutui.tasks.verdict.checks import check_proposal
from tests.checks.conftest import edit
from tests.conftest import make_repo


def test_an_undefined_name_on_an_untouched_line(geo_repo: Path) -> None:
    # `square` still calls `area` on a line the change never touched: F821 there.
    change = edit(geo_repo, "geo/shapes.py", "def area(w, h):", "def surface(w, h):")
    verdict = check_proposal(Repo(geo_repo), change)
    assert not verdict.ok
    assert any("geo/shapes.py:9:12: F821 Undefined name `area`" in f for f in verdict.findings)
    assert verdict.summary.startswith("✗ 1 new correctness finding (geo/shapes.py:9:12: F821")


def test_an_f811_clash_through_an_importing_module(geo_repo: Path) -> None:
    # `area` renamed to `surface`, and the importer updated: but labels.py defines `surface`.
    change = edit(geo_repo, "geo/shapes.py", "def area(w, h):", "def surface(w, h):")
    change = edit(geo_repo, "geo/shapes.py", "return area(side", "return surface(side", change)
    for path in ("geo/report.py", "geo/stats.py"):
        text = (geo_repo / path).read_text().replace("area", "surface")
        change = edit(geo_repo, path, (geo_repo / path).read_text(), text, change)
    change = edit(
        geo_repo, "geo/labels.py", "from geo.shapes import area", "from geo.shapes import surface",
        change,
    )  # fmt: skip
    verdict = check_proposal(Repo(geo_repo), change)
    assert not verdict.ok
    assert any("geo/labels.py:4:5: F811" in f for f in verdict.findings), verdict.findings


def test_an_unsorted_import_block_starting_on_an_untouched_line(geo_repo: Path) -> None:
    # The block starts at `import os` (row 3, untouched); `import abc` lands after `sys`.
    change = edit(geo_repo, "geo/report.py", "import sys\n", "import sys\nimport abc\n")
    verdict = check_proposal(Repo(geo_repo), change)
    assert not verdict.ok
    assert any("geo/report.py:3:1: I001" in f for f in verdict.findings), verdict.findings


def test_a_removed_name_an_untouched_importer_still_imports(geo_repo: Path) -> None:
    # Ruff sees one file at a time: report.py and labels.py are clean on their own.
    change = edit(geo_repo, "geo/shapes.py", "def area(w, h):", "def surface(w, h):")
    change = edit(geo_repo, "geo/shapes.py", "return area(side", "return surface(side", change)
    verdict = check_proposal(Repo(geo_repo), change)
    assert not verdict.ok
    assert verdict.findings == [
        "geo/labels.py:1: imports area, which geo/shapes.py no longer defines",
        "geo/report.py:6: imports area, which geo/shapes.py no longer defines",
        "geo/stats.py:5: uses shapes.area, which geo/shapes.py no longer defines",
    ]
    assert "imported names checked in 1 file + 3 importers" in verdict.ran


def test_a_finding_that_moves_is_not_new_but_a_second_one_is(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "old",
        {"ruff.toml": 'lint.select = ["E711"]\n', "m.py": "def f(x):\n    return x == None\n"},
    )
    # Matched by rule and message, not by line: the old E711 moves down two rows.
    moved = edit(root, "m.py", "def f", "LIMIT = 3\n\n\ndef f")
    assert check_proposal(Repo(root), moved).ok
    # A second E711 with the same message is one more than the file had: new (a style rule's
    # finding: advisory, so the verdict stays ✓ and says ⚠).
    twice = edit(root, "m.py", "return x == None", "return x == None or None == x")
    verdict = check_proposal(Repo(root), twice)
    assert verdict.ok and not verdict.blocking
    assert verdict.findings == ["m.py:2:25: E711 Comparison to `None` should be `cond is None`"]
    assert "⚠ 1 new style finding (m.py:2:25: E711" in verdict.summary


def test_the_verdict_says_what_ran_and_no_more(geo_repo: Path) -> None:
    change = edit(geo_repo, "geo/shapes.py", "return w * h", "return h * w")
    verdict = check_proposal(Repo(geo_repo), change)
    assert verdict.ok
    assert verdict.summary == "✓ parses · no new findings in 1 file + 3 importers · tests not run"
    assert verdict.as_json()["ran"] == [
        verdict.ran[0],
        "parse 1 file",
        "ruff --no-fix (repo config + E9, F632, F7, F821, F811, F401) on 1 file, "
        "whole files before and after",
        "imported names checked in 1 file + 3 importers",
    ]
    assert verdict.ran[0].startswith("all in one scratch tree of the working tree (6 files, ")


def test_the_verdict_is_on_the_accepted_hunks_only(geo_repo: Path) -> None:
    # A rename done right in two files; rejecting the importer's hunk leaves it broken.
    change = None
    for path in ("geo/shapes.py", "geo/labels.py", "geo/report.py", "geo/stats.py"):
        text = (geo_repo / path).read_text()
        change = edit(geo_repo, path, text, text.replace("area", "measure"), change)
    assert check_proposal(Repo(geo_repo), change).ok
    stats = next(c for c in change.changes if c.path == "geo/stats.py")
    stats.hunks[0].accepted = False
    verdict = check_proposal(Repo(geo_repo), change)
    assert not verdict.ok
    assert verdict.findings == [
        "geo/stats.py:5: uses shapes.area, which geo/shapes.py no longer defines"
    ]


def test_a_renamed_function_kept_under_its_old_name_breaks_no_importer(geo_repo: Path) -> None:
    change = edit(geo_repo, "geo/shapes.py", "def area(w, h):", "def surface(w, h):")
    change = edit(
        geo_repo, "geo/shapes.py", "\n\ndef square", "\n\narea = surface\n\n\ndef square", change
    )
    verdict = check_proposal(Repo(geo_repo), change)
    assert verdict.ok, verdict.findings


def test_a_rename_reads_old_findings_under_the_new_name_and_still_sees_new_ones(
    tmp_path: Path,
) -> None:
    root = make_repo(
        tmp_path / "ren",
        {"lib.py": "def parse(x):\n    return x\n", "use.py": "from lib import parse\n"},
    )
    renamed = edit(root, "use.py", "import parse", "import parse_value")
    # The unused import (F401) was there before the rename: the same finding, not a new one.
    assert check_proposal(Repo(root), renamed, renamed=("parse", "parse_value")).ok
    # Without the pair the message names another symbol, so it would count as new.
    assert not check_proposal(Repo(root), renamed).ok
    # And a genuinely new finding is still new under the pair.
    broke = edit(root, "use.py", "from lib import parse\n", "from lib import parse_value\nx = y\n")
    verdict = check_proposal(Repo(root), broke, renamed=("parse", "parse_value"))
    assert not verdict.ok
    assert any("F821 Undefined name `y`" in f for f in verdict.findings)


def test_findings_run_on_another_text_are_not_reused(tmp_path: Path) -> None:
    """The lint rung hands the verdict the old texts' findings; a file re-based onto a newer
    version since has another old text, and its old findings must come from that text."""
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    stale = "y = undefined_name\n"  # what the file said when it was linted, say
    with RuffMirror(repo, {"a.py": stale}) as mirror:
        linted = LintedText(stale, mirror.check(["a.py"], VERDICT_RULES)["a.py"])
    assert [d.code for d in linted.findings] == ["F821"]
    proposal = Proposal([FileChange("a.py", TextFile("x = 1\n"), "x = undefined_name\n")])
    verdict = check_proposal(Repo(repo), proposal, before={"a.py": linted})
    assert not verdict.ok
    assert "F821 Undefined name `undefined_name`" in verdict.summary
