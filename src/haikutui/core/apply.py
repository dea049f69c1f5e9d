"""Write accepted hunks to disk atomically, and refuse when the file moved on since the proposal.

All or nothing: every target is checked (path, parents, type, duplicates, freshness) before
the first byte is written, and a write that still fails rolls back the ones before it.
"""

from __future__ import annotations

import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from haikutui.core.errors import PathRefused, StaleError, UsageError
from haikutui.core.journal import Journal
from haikutui.core.path_guard import PathGuard
from haikutui.core.proposal import FileChange, MovedFileChange, Proposal
from haikutui.core.repo import is_secret
from haikutui.core.terminal_text import has_control, quote_path
from haikutui.core.textfile import TextFile, digest


@dataclass(frozen=True)
class Applied:
    """What one apply wrote, so the caller can report it (and, later, undo it)."""

    paths: list[str]
    journal_id: str = ""
    """The undo journal's entry: `haikutui undo ID`."""


def check_fresh(root: Path, change: FileChange, guard: PathGuard | None = None) -> None:
    """Raise StaleError when the file on disk is not the one the proposal was based on."""
    guard = guard or PathGuard(root)
    full = root / change.path
    if change.base is None:
        if full.exists() or full.is_symlink():
            raise StaleError(
                f"{change.path}: a file appeared there since the proposal; not written"
            )
        return
    current = guard.read_or_none(change.path)
    if current is None:
        raise StaleError(f"{change.path}: deleted since the proposal; not written")
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
    git_dir = _git_dir(root)
    guard = PathGuard(root, git_dir)
    try:
        check_targets(root, todo, guard)
    except OSError as exc:  # a name too long for the disk, say
        raise UsageError(f"{exc.filename or 'a path'}: {exc.strerror}; nothing written") from None
    moves: list[tuple[str, str]] = []
    writes: list[tuple[str, bytes | None, bytes | None]] = []
    for change in todo:
        base = change.base or TextFile("")
        if not isinstance(change, MovedFileChange):
            check_fresh(root, change, guard)
            writes.append(
                (change.path, guard.read_or_none(change.path), base.encode(change.result()))
            )
            continue
        check_fresh(root, FileChange(change.old_path, change.base, base.text), guard)
        result = base.encode(change.result())
        if change.move_accepted:
            if (root / change.path).exists():
                raise StaleError(f"{change.path}: a file appeared there since the proposal")
            moves.append((change.old_path, change.path))
            writes.append((change.old_path, guard.read_or_none(change.old_path), None))
            writes.append((change.path, None, result))
        elif change.result() != base.text:
            writes.append((change.old_path, guard.read_or_none(change.old_path), result))
    journal = Journal(git_dir)
    entry = journal.begin(label or f"{proposal.model or 'haikutui'} ({proposal.rung})", writes)
    done = _Done(root, guard)
    try:
        for old, new in moves:
            done.dirs_for(new)
            (root / new).parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["git", "mv", "--", old, new], cwd=root, check=True, capture_output=True)
            done.moves.append((old, new))
        for rel, before, after in writes:
            if after is not None:
                done.dirs_for(rel)
                guard.write(rel, after)
                done.writes.append((rel, before))
    except (OSError, subprocess.CalledProcessError) as exc:
        done.roll_back()
        shutil.rmtree(journal.dir / entry.id, ignore_errors=True)  # nothing changed to undo
        why = exc.strerror if isinstance(exc, OSError) else "git mv failed"
        raise UsageError(
            f"apply failed ({why}); every file was put back, nothing changed"
        ) from None
    journal.commit(entry)
    return Applied(
        [c.target_path if isinstance(c, MovedFileChange) else c.path for c in todo], entry.id
    )


def check_targets(root: Path, todo: list[FileChange], guard: PathGuard | None = None) -> None:
    """Refuse, before anything is written, a target that apply could not write whole.

    A path outside the repo or in .git/, a path twice, a file under a file (on disk or in
    the proposal), a file where a folder is, a new secret-named file; and whatever the
    path guard refuses (a link out of the repo, a FIFO, a submodule's file).
    """
    guard = guard or PathGuard(root)
    targets: list[str] = []
    for change in todo:
        if isinstance(change, MovedFileChange):
            targets.append(change.old_path)
        if not isinstance(change, MovedFileChange) or change.move_accepted:
            targets.append(change.path)
    seen: set[str] = set()
    for rel in targets:
        if rel in seen:
            raise UsageError(f"{rel}: appears twice in the proposal; nothing written")
        seen.add(rel)
    real_root = root.resolve()
    for change in todo:
        rel = change.target_path if isinstance(change, MovedFileChange) else change.path
        parts = PurePosixPath(rel).parts
        if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
            raise UsageError(f"{rel}: not a path inside the repository; nothing written")
        if any(part.lower() == ".git" for part in parts):
            raise UsageError(f"{rel}: files under .git/ are refused; nothing written")
        full = root / rel
        if full.is_dir():
            raise UsageError(f"{rel} is a folder, not a file; nothing written")
        for depth in range(1, len(parts)):
            parent = "/".join(parts[:depth])
            if parent in seen or (root / parent).exists() and not (root / parent).is_dir():
                raise UsageError(f"{rel}: {parent} is a file, not a folder; nothing written")
        real = full.resolve()
        if real != real_root and real_root not in real.parents:
            raise UsageError(f"{rel}: leads outside the repository; nothing written")
        if change.base is None and is_secret(rel):
            raise UsageError(f"{rel}: looks like a secret; haikutui never creates one")
        if change.base is None and has_control(rel):
            raise UsageError(f"{quote_path(rel)}: a name with control characters; nothing written")
        for path in {rel, change.path, getattr(change, "old_path", rel)}:
            try:
                guard.check(path, must_exist=False, limit=None)
            except PathRefused as exc:
                raise UsageError(f"{exc.message}; nothing written") from None


class _Done:
    """What an apply changed so far, so a failure part-way can put every file back."""

    def __init__(self, root: Path, guard: PathGuard) -> None:
        self.root = root
        self.guard = guard
        self.moves: list[tuple[str, str]] = []
        self.writes: list[tuple[str, bytes | None]] = []
        self.dirs: list[Path] = []

    def dirs_for(self, rel: str) -> None:
        """Note the folders a write will create (outermost first), to remove them on failure."""
        missing: list[Path] = []
        folder = (self.root / rel).parent
        while folder != self.root and not folder.exists():
            missing.append(folder)
            folder = folder.parent
        self.dirs.extend(reversed(missing))

    def roll_back(self) -> None:
        for rel, before in reversed(self.writes):
            if before is None:
                self.guard.remove(rel)
            else:
                self.guard.write(rel, before)
        for old, new in reversed(self.moves):
            subprocess.run(["git", "mv", "--", new, old], cwd=self.root, capture_output=True)
        for folder in reversed(self.dirs):
            try:
                folder.rmdir()
            except OSError:
                pass  # not empty after all: leave it
