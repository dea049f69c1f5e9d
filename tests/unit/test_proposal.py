"""Proposal: edits split into hunks the user accepts or rejects, shown the way `git diff` shows them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from tests.conftest import git, make_repo

LINES = "".join(f"line {n:02d}\n" for n in range(1, 31))


def edited(text: str, **changes: str) -> str:
    """`LINES` with `line NN` replaced, e.g. edited(LINES, l02="two")."""
    for key, new in changes.items():
        text = text.replace(f"line {key[1:]}\n", f"{new}\n")
    return text


def proposal_for(root: Path, rel: str, new_text: str) -> Proposal:
    overlay = Overlay(Repo(root))
    overlay.write(rel, new_text)
    return Proposal.from_overlay(overlay, model="m", rung="fast")


def git_diff(root: Path, rel: str, new_text: str | bytes) -> str:
    """What `git diff` prints for `rel` once `new_text` is on disk, from `--- a/` on."""
    path = root / rel
    original = path.read_bytes()
    path.write_bytes(new_text.encode() if isinstance(new_text, str) else new_text)
    try:
        out = git(
            root, "-c", "diff.noprefix=false", "diff", "--no-color", "--no-ext-diff", "--", rel
        )
    finally:
        path.write_bytes(original)
    out = out[out.index("--- a/") :]
    return re.sub(r"^(@@ [^@]* @@).*$", r"\1", out, flags=re.M)  # drop git's function context


def test_two_far_apart_edits_are_two_hunks(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"f.txt": LINES})
    proposal = proposal_for(root, "f.txt", edited(LINES, l02="TWO", l28="TWENTY-EIGHT"))
    assert [h.header for _, h in proposal.hunks] == ["@@ -1,5 +1,5 @@", "@@ -25,6 +25,6 @@"]
    assert proposal.stats() == (2, 2)


def test_accept_one_reject_the_other(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"f.txt": LINES})
    proposal = proposal_for(root, "f.txt", edited(LINES, l02="TWO", l28="TWENTY-EIGHT"))
    change = proposal.changes[0]
    first, second = change.hunks
    second.accepted = False
    assert change.result() == edited(LINES, l02="TWO")
    first.accepted, second.accepted = False, True
    assert change.result() == edited(LINES, l28="TWENTY-EIGHT")
    first.accepted = second.accepted = False
    assert change.result() == LINES
    first.accepted = second.accepted = True
    assert change.result() == change.new_text


def test_hunks_with_added_and_removed_lines_reassemble_exactly(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"f.txt": LINES})
    new = LINES.replace("line 03\n", "").replace("line 20\n", "line 20\nextra a\nextra b\n")
    new = new.replace("line 29\n", "LINE 29\n")
    proposal = proposal_for(root, "f.txt", new)
    change = proposal.changes[0]
    assert len(change.hunks) == 3
    change.hunks[1].accepted = False
    expected = LINES.replace("line 03\n", "").replace("line 29\n", "LINE 29\n")
    assert change.result() == expected


def test_diff_matches_git_diff(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"f.txt": LINES})
    new = edited(LINES, l02="TWO", l28="TWENTY-EIGHT").replace("line 15\n", "line 15\nnew 15b\n")
    proposal = proposal_for(root, "f.txt", new)
    assert proposal.diff() == git_diff(root, "f.txt", new)
    assert proposal.diff().startswith(
        "--- a/f.txt\n+++ b/f.txt\n@@ -1,5 +1,5 @@\n line 01\n-line 02\n+TWO\n"
    )


def test_no_newline_at_end_of_file_is_marked_like_git(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"f.txt": "a\nb\nc"})
    proposal = proposal_for(root, "f.txt", "a\nb\nC")
    diff = proposal.diff()
    assert "-c\n\\ No newline at end of file\n+C\n\\ No newline at end of file\n" in diff
    assert diff == git_diff(root, "f.txt", "a\nb\nC")


def test_adding_the_final_newline_shows_in_the_diff(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"f.txt": "a\nb"})
    proposal = proposal_for(root, "f.txt", "a\nb\n")
    assert not proposal.empty
    assert proposal.diff() == git_diff(root, "f.txt", "a\nb\n")
    assert proposal.changes[0].result() == "a\nb\n"


def test_diff_applies_with_git_apply(tmp_path: Path) -> None:
    """The printed diff is a real patch: a script can pipe it to `git apply`."""
    root = make_repo(tmp_path / "r", {"f.txt": LINES})
    new = edited(LINES, l01="ONE", l17="SEVENTEEN", l30="THIRTY")
    proposal = proposal_for(root, "f.txt", new)
    subprocess.run(["git", "apply", "-"], cwd=root, input=proposal.diff(), text=True, check=True)
    assert (root / "f.txt").read_text() == new


def test_only_accepted_diff_applies_to_the_accepted_result(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"f.txt": LINES})
    proposal = proposal_for(root, "f.txt", edited(LINES, l02="TWO", l28="TWENTY-EIGHT"))
    proposal.changes[0].hunks[1].accepted = False
    patch = proposal.diff(only_accepted=True)
    assert "TWENTY-EIGHT" not in patch and "TWO" in patch
    subprocess.run(["git", "apply", "-"], cwd=root, input=patch, text=True, check=True)
    assert (root / "f.txt").read_text() == proposal.changes[0].result()


def test_new_file_diff_uses_dev_null(repo_dir: Path) -> None:
    overlay = Overlay(Repo(repo_dir))
    overlay.create("pkg/extra.py", "A = 1\nB = 2\n")
    proposal = Proposal.from_overlay(overlay)
    assert proposal.diff() == "--- /dev/null\n+++ b/pkg/extra.py\n@@ -0,0 +1,2 @@\n+A = 1\n+B = 2\n"
    subprocess.run(
        ["git", "apply", "-"], cwd=repo_dir, input=proposal.diff(), text=True, check=True
    )
    assert (repo_dir / "pkg" / "extra.py").read_text() == "A = 1\nB = 2\n"


def test_one_line_new_file_header(repo_dir: Path) -> None:
    overlay = Overlay(Repo(repo_dir))
    overlay.create("one.txt", "only")
    diff = Proposal.from_overlay(overlay).diff()
    assert (
        diff == "--- /dev/null\n+++ b/one.txt\n@@ -0,0 +1 @@\n+only\n\\ No newline at end of file\n"
    )


def test_new_empty_file_is_proposed(repo_dir: Path) -> None:
    """`create pkg/__init__.py` with no text is a real edit, not "no change"."""
    overlay = Overlay(Repo(repo_dir))
    overlay.create("pkg/__init__.py", "")
    assert not Proposal.from_overlay(overlay).empty


def test_files_are_sorted_and_unchanged_files_left_out(repo_dir: Path) -> None:
    overlay = Overlay(Repo(repo_dir))
    overlay.write("pkg/util.py", "def double(x):\n    return 2 * x\n")
    overlay.write("core.py", overlay.read("core.py").replace("Sum", "Add up"))
    overlay.read("README.md")  # viewed, not changed
    proposal = Proposal.from_overlay(overlay, model="claude-haiku-4-5", rung="fast")
    assert [c.path for c in proposal.changes] == ["core.py", "pkg/util.py"]
    assert proposal.model == "claude-haiku-4-5" and proposal.rung == "fast"


def test_edit_then_undo_is_no_proposal(repo_dir: Path) -> None:
    overlay = Overlay(Repo(repo_dir))
    original = overlay.read("core.py")
    overlay.write("core.py", original + "x = 1\n")
    overlay.write("core.py", original)
    assert Proposal.from_overlay(overlay).empty


def test_crlf_file_diff_is_shown_with_plain_lines(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"w.txt": b"a\r\nb\r\n"})
    overlay = Overlay(Repo(root))
    overlay.write("w.txt", "a\nB\n")
    proposal = Proposal.from_overlay(overlay)
    assert proposal.diff() == "--- a/w.txt\n+++ b/w.txt\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n"
    assert proposal.changes[0].result() == "a\nB\n"
