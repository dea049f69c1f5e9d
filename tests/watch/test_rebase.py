"""Re-basing a stale proposal: a user's edit elsewhere merges; an overlapping one is marked."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.core.apply import apply_proposal
from haikutui.core.errors import StaleError
from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.rebase import check_no_conflicts, rebase_proposal, stale_paths
from haikutui.core.repo import Repo
from tests.conftest import make_repo

LINES = "".join(f"line {n}\n" for n in range(1, 21))


def propose(root: Path, rel: str, text: str) -> Proposal:
    overlay = Overlay(Repo(root))
    overlay.load(rel)
    overlay.write(rel, text)
    return Proposal.from_overlay(overlay, model="m", rung="fast")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "r", {"a.txt": LINES, "b.txt": "b\n"})


def test_fresh_proposal_is_not_stale_and_is_kept_as_is(root: Path) -> None:
    proposal = propose(root, "a.txt", LINES.replace("line 2\n", "LINE 2\n"))
    assert stale_paths(root, proposal) == []
    rebased = rebase_proposal(root, proposal)
    assert rebased.proposal.changes == proposal.changes and not rebased.merged


def test_non_overlapping_user_edit_merges_and_apply_keeps_both(root: Path) -> None:
    proposal = propose(root, "a.txt", LINES.replace("line 2\n", "LINE 2\n"))
    (root / "a.txt").write_text(LINES.replace("line 18\n", "user 18\n"))
    assert stale_paths(root, proposal) == ["a.txt"]
    with pytest.raises(StaleError):
        apply_proposal(root, proposal)
    rebased = rebase_proposal(root, proposal)
    assert rebased.merged == ["a.txt"] and rebased.conflicts == {}
    assert stale_paths(root, rebased.proposal) == []
    check_no_conflicts(rebased.proposal)
    apply_proposal(root, rebased.proposal)
    assert (root / "a.txt").read_text() == LINES.replace("line 2\n", "LINE 2\n").replace(
        "line 18\n", "user 18\n"
    )


def test_overlapping_edit_is_marked_and_apply_refuses_until_rejected(root: Path) -> None:
    proposal = propose(root, "a.txt", LINES.replace("line 5\n", "model 5\n"))
    (root / "a.txt").write_text(LINES.replace("line 5\n", "user 5\n"))
    rebased = rebase_proposal(root, proposal)
    assert rebased.conflicts == {"a.txt": 1}
    text = rebased.proposal.changes[0].new_text
    assert "<<<<<<< now on disk\nuser 5\n" in text and ">>>>>>> proposal\n" in text
    with pytest.raises(StaleError, match="conflict markers remain"):
        check_no_conflicts(rebased.proposal)
    for _, hunk in rebased.proposal.hunks:
        hunk.accepted = False
    check_no_conflicts(rebased.proposal)  # rejected: nothing marked would be written


def test_deleted_file_cannot_be_rebased_and_stays_stale(root: Path) -> None:
    proposal = propose(root, "b.txt", "B\n")
    (root / "b.txt").unlink()
    rebased = rebase_proposal(root, proposal)
    assert rebased.unmergeable == {"b.txt": "deleted since the proposal"}
    assert stale_paths(root, rebased.proposal) == ["b.txt"]


def test_change_already_on_disk_is_settled(root: Path) -> None:
    proposal = propose(root, "b.txt", "B\n")
    (root / "b.txt").write_text("B\n")
    rebased = rebase_proposal(root, proposal)
    assert rebased.settled == ["b.txt"] and rebased.proposal.empty


def test_rejected_hunk_stays_rejected_after_rebase(root: Path) -> None:
    new = LINES.replace("line 2\n", "LINE 2\n").replace("line 12\n", "LINE 12\n")
    proposal = propose(root, "a.txt", new)
    assert len(proposal.hunks) == 2
    proposal.hunks[1][1].accepted = False
    (root / "a.txt").write_text(LINES.replace("line 20\n", "user 20\n"))
    rebased = rebase_proposal(root, proposal)
    assert [h.accepted for _, h in rebased.proposal.hunks] == [True, False]
