"""Write accepted hunks to disk atomically, and refuse when the file moved on since the proposal."""

from __future__ import annotations

import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from haikutui.core.atomic import write_atomic
from haikutui.core.errors import StaleError, UsageError
from haikutui.core.journal import Journal
from haikutui.core.proposal import FileChange, MovedFileChange, Proposal
from haikutui.core.textfile import TextFile, digest


@dataclass(frozen=True)
class Applied:
    """What one apply wrote, so the caller can report it (and, later, undo it)."""

    paths: list[str]
    journal_id: str = ""
    """The undo journal's entry: `haikutui undo ID`."""


def check_fresh(root: Path, change: FileChange) -> None:
    """Raise StaleError when the file on disk is not the one the proposal was based on."""
    full = root / change.path
    if change.base is None:
        if full.exists():
            raise StaleError(
                f"{change.path}: a file appeared there since the proposal; not written"
            )
        return
    try:
        current = full.read_bytes()
    except FileNotFoundError:
        raise StaleError(f"{change.path}: deleted since the proposal; not written") from None
    if digest(current) != change.base.sha:
        raise StaleError(f"{change.path}: changed on disk since the proposal; not written")
    if not full.stat().st_mode & stat.S_IWUSR:
        raise StaleError(f"{change.path}: the file is read-only; not written")


def _git_dir(root: Path) -> Path:
    found = subprocess.run(
        ["git", "rev-parse", "--absolute-git-dir"], cwd=root, capture_output=True, text=True
    )
    return Path(found.stdout.strip() or root / ".git")


def apply_proposal(root: Path, proposal: Proposal, *, label: str = "") -> Applied:
    """Apply every accepted hunk, journalled so that it can be undone.

    Every file is checked before any is touched, so a stale one stops the whole apply. An
    accepted move is a `git mv`, and the edits are then written at the file's new place.
    The journal entry (with the old bytes) is on disk before the first write.
    """

    todo = [c for c in proposal.changes if any(h.accepted for h in c.hunks)]
    if not todo:
        raise UsageError("no hunk is accepted; nothing to apply")
    moves: list[tuple[str, str]] = []
    writes: list[tuple[str, bytes | None, bytes | None]] = []
    for change in todo:
        base = change.base or TextFile("")
        if not isinstance(change, MovedFileChange):
            check_fresh(root, change)
            writes.append((change.path, _current(root, change.path), base.encode(change.result())))
            continue
        check_fresh(root, FileChange(change.old_path, change.base, base.text))
        result = base.encode(change.result())
        if change.move_accepted:
            if (root / change.path).exists():
                raise StaleError(f"{change.path}: a file appeared there since the proposal")
            moves.append((change.old_path, change.path))
            writes.append((change.old_path, _current(root, change.old_path), None))
            writes.append((change.path, None, result))
        elif change.result() != base.text:
            writes.append((change.old_path, _current(root, change.old_path), result))
    journal = Journal(_git_dir(root))
    entry = journal.begin(label or f"{proposal.model or 'haikutui'} ({proposal.rung})", writes)
    for old, new in moves:
        (root / new).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "mv", "--", old, new], cwd=root, check=True, capture_output=True)
    for rel, _before, after in writes:
        if after is not None:
            # Through an in-repo symlink, write its target: git tracks the link, not a copy.
            # Repo.resolve already refused links that lead outside.
            write_atomic((root / rel).resolve(), after)
    journal.commit(entry)
    return Applied(
        [c.target_path if isinstance(c, MovedFileChange) else c.path for c in todo], entry.id
    )


def _current(root: Path, rel: str) -> bytes | None:
    full = root / rel
    return full.read_bytes() if full.is_file() else None
