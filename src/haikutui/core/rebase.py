"""Re-base a stale proposal onto the files as they now are, by three-way merge; conflicts are kept.

A proposal goes stale when the user edits one of its files while it waits in review. Rather
than throw the model's work away, each stale file is merged: the user's edit (base → disk) and
the model's edit (base → proposal) both land when they touch different lines. Where they
overlap, the merged text carries `git merge-file` conflict markers, and `check_no_conflicts`
refuses to write it until the user rejects that hunk or asks the model again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from haikutui.core.errors import HaikutuiError, StaleError
from haikutui.core.merge3 import merge3
from haikutui.core.path_guard import PathGuard
from haikutui.core.proposal import FileChange, MovedFileChange, Proposal
from haikutui.core.textfile import TextFile, digest

MARKERS = ("<<<<<<< ", "||||||| ", "=======", ">>>>>>> ")
LABELS = ("now on disk", "when proposed", "proposal")


def _source(change: FileChange) -> str:
    """The path the proposal was read from (a move reads its old path)."""
    if isinstance(change, MovedFileChange):
        return change.old_path
    return change.path


def stale_paths(root: Path, proposal: Proposal) -> list[str]:
    """The files of the proposal whose bytes on disk are no longer the ones it was based on."""
    stale = []
    guard = PathGuard(root)
    for change in proposal.changes:
        try:
            data = guard.read_or_none(_source(change))
        except HaikutuiError:  # a link out, a FIFO, too big now: not the file it was
            data = None
        current = digest(data) if data is not None else None
        expected = change.base.sha if change.base is not None else None
        if current != expected:
            stale.append(_source(change))
    return stale


@dataclass
class Rebased:
    """The re-based proposal, and what happened to each stale file on the way."""

    proposal: Proposal
    merged: list[str] = field(default_factory=list)
    """Stale files merged onto their new content (cleanly or with conflicts)."""
    conflicts: dict[str, int] = field(default_factory=dict)
    """Path → number of conflicting regions left marked in its text."""
    unmergeable: dict[str, str] = field(default_factory=dict)
    """Path → why it could not be re-based (deleted, binary now, a move); left stale."""
    settled: list[str] = field(default_factory=list)
    """Files whose change is already on disk: nothing is left to apply there."""

    @property
    def conflict_count(self) -> int:
        return sum(self.conflicts.values())


def _verdict_key(lines: list[str]) -> tuple[str, ...]:
    return tuple(line for line in lines if line[:1] in "+-")


def _carry_verdicts(old: FileChange, new: FileChange) -> None:
    """A hunk the user rejected before the re-base stays rejected if it reappears unchanged."""
    rejected = {_verdict_key(h.lines) for h in old.hunks if not h.accepted}
    for hunk in new.hunks:
        if _verdict_key(hunk.lines) in rejected:
            hunk.accepted = False


def rebase_proposal(root: Path, proposal: Proposal) -> Rebased:
    """Merge each stale file's proposed change onto its current text; fresh files are kept as is.

    Nothing is written: the result is a new proposal for review.
    """
    stale = set(stale_paths(root, proposal))
    result = Rebased(Proposal([], model=proposal.model, rung=proposal.rung, note=proposal.note))
    for change in proposal.changes:
        path = _source(change)
        if path not in stale:
            result.proposal.changes.append(change)
            continue
        if isinstance(change, MovedFileChange):
            result.unmergeable[path] = "a move cannot be re-based; re-run the request"
            result.proposal.changes.append(change)
            continue
        try:
            data = PathGuard(root).read_or_none(path)
            if data is None:
                result.unmergeable[path] = "deleted since the proposal"
                result.proposal.changes.append(change)
                continue
            current = TextFile.decode(data, path)
        except HaikutuiError as exc:  # binary or huge now: say so, keep it stale
            result.unmergeable[path] = exc.message.removeprefix(f"{path}: ")
            result.proposal.changes.append(change)
            continue
        merged = merge3(current.text, change.old_text, change.new_text, labels=LABELS)
        rebased = FileChange(change.path, current, merged.text)
        result.merged.append(path)
        if merged.conflicts:
            result.conflicts[path] = merged.conflicts
        if not rebased.hunks:
            result.settled.append(path)
            continue
        _carry_verdicts(change, rebased)
        result.proposal.changes.append(rebased)
    return result


def conflict_lines(change: FileChange) -> int:
    """Conflict-marker lines the accepted hunks would write that the file does not have now."""
    had = sum(1 for line in change.old_lines if line.startswith(MARKERS))
    would = sum(1 for line in change.result().splitlines() if line.startswith(MARKERS))
    return max(0, would - had)


def check_no_conflicts(proposal: Proposal) -> None:
    """Refuse to apply while an accepted hunk still holds merge-conflict markers."""
    marked = [c.path for c in proposal.changes if conflict_lines(c)]
    if marked:
        raise StaleError(
            f"{', '.join(marked)}: conflict markers remain; reject that hunk or re-run (R); "
            "not written"
        )
