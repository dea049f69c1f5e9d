"""Write accepted hunks to disk atomically, and refuse when the file moved on since the proposal."""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from haikutui.errors import StaleError, UsageError
from haikutui.proposal import FileChange, Proposal
from haikutui.textfile import TextFile, digest


@dataclass(frozen=True)
class Applied:
    """What one apply wrote, so the caller can report it (and, later, undo it)."""

    paths: list[str]


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


def write_atomic(path: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, rename: a reader sees the old file or the new, never half.

    An existing file keeps its mode; a new one gets 0o666 less the umask, like any file the
    user makes (mkstemp would give 0600).
    """
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.haikutui"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def apply_proposal(root: Path, proposal: Proposal) -> Applied:
    """Apply every accepted hunk; check all files first so that a stale one stops the whole apply."""
    todo = [c for c in proposal.changes if any(h.accepted for h in c.hunks)]
    if not todo:
        raise UsageError("no hunk is accepted; nothing to apply")
    encoded = []
    for change in todo:
        check_fresh(root, change)
        encoded.append((change.path, (change.base or TextFile("")).encode(change.result())))
    for rel, data in encoded:
        # Through an in-repo symlink, write its target: git tracks the link, not a copy.
        # Repo.resolve already refused links that lead outside.
        write_atomic((root / rel).resolve(), data)
    return Applied([c.path for c in todo])
