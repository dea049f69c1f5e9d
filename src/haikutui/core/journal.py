"""A durable undo journal under `.git/haikutui/journal/`: every apply, what it wrote and replaced.

The entry and the old bytes are on disk (fsynced) before any file is written, so a crash
mid-apply leaves a `pending` entry that the next load settles by looking at each file.
It never touches the git index.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from haikutui.core.atomic import write_atomic
from haikutui.core.errors import PathRefused, StaleError, UsageError
from haikutui.core.merge3 import merge3
from haikutui.core.path_guard import PathGuard, read_regular
from haikutui.core.proposal import FileChange, Proposal
from haikutui.core.textfile import TextFile, digest


@dataclass
class JournalFile:
    """One file of an apply: hashes before (None: the apply created it) and after (None: it
    moved the file away)."""

    path: str
    before_sha: str | None
    after_sha: str | None
    written: bool = True
    undone: bool = False
    packed: dict[str, list[int]] = field(default_factory=dict)
    """Where `before`/`after` bytes sit in the entry's `blobs.pack`, as [start, end]."""


@dataclass
class JournalEntry:
    id: str
    time: float
    label: str
    state: str = "pending"
    """`pending` while writing, then `applied`; `undone` once every file is restored."""
    files: list[JournalFile] = field(default_factory=list)

    @property
    def open_files(self) -> list[JournalFile]:
        return [f for f in self.files if f.written and not f.undone]


_ENTRY_LIMIT = 10_000_000
"""An entry.json is a few hundred bytes per file; anything this big is not ours."""


def _current(guard: PathGuard, rel: str) -> bytes | None:
    """The file as it is now (None: not there), through the guard; a file over the size
    limit was not written by us, so it counts as changed."""
    try:
        return guard.read_or_none(rel)
    except PathRefused:
        raise
    except UsageError:  # grown past the limit since
        return b"\0over the limit"


def _parse_entry(data: object, entry_id: str) -> JournalEntry:
    """An entry from its JSON, refused whole (one line) when any field has the wrong shape."""
    bad = UsageError(f"journal entry {entry_id} is malformed; nothing written")
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise bad
    try:
        files = [JournalFile(**f) for f in data["files"]]
        entry = JournalEntry(**{k: v for k, v in data.items() if k != "files"}, files=files)
    except TypeError:
        raise bad from None
    texts = [entry.id, entry.label, entry.state]
    if not all(isinstance(t, str) for t in texts) or not isinstance(entry.time, (int, float)):
        raise bad
    for record in files:
        if not isinstance(record.path, str) or not isinstance(record.packed, dict):
            raise bad
        for sha in (record.before_sha, record.after_sha):
            if sha is not None and not isinstance(sha, str):
                raise bad
        for span in record.packed.values():
            if not (
                isinstance(span, list)
                and len(span) == 2
                and all(isinstance(n, int) and n >= 0 for n in span)
                and span[0] <= span[1]
            ):
                raise bad
    return entry


def _sha(data: bytes | None) -> str | None:
    return digest(data) if data is not None else None


class Journal:
    """Entries are data read back from disk: every path in one is checked by the path guard
    before anything is read or written for it, and a malformed entry is refused whole."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        self.dir = git_dir / "haikutui" / "journal"

    def _guard(self, root: Path) -> PathGuard:
        return PathGuard(root, self.git_dir)

    def _folder(self, entry_id: str) -> Path:
        return self.dir / Path(entry_id).name

    def _blob(self, entry_id: str, index: int, kind: str) -> Path:
        return self._folder(entry_id) / f"{index}.{kind}"

    def _save(self, entry: JournalEntry) -> None:
        write_atomic(self._folder(entry.id) / "entry.json", json.dumps(asdict(entry)).encode())

    def begin(
        self, label: str, writes: list[tuple[str, bytes | None, bytes | None]]
    ) -> JournalEntry:
        """Record the old and new bytes of each file before anything is written."""
        stamp = time.time()
        entry_id = (
            time.strftime("%Y%m%d-%H%M%S", time.localtime(stamp))
            + f"-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
        )
        entry = JournalEntry(entry_id, stamp, label)
        pack: list[bytes] = []  # one file, one fsync: a blob per file cost 3 ms each
        size = 0
        for rel, before, after in writes:
            record = JournalFile(rel, _sha(before), _sha(after), written=False)
            for kind, data in (("before", before), ("after", after)):
                if data is not None:
                    record.packed[kind] = [size, size + len(data)]
                    pack.append(data)
                    size += len(data)
            entry.files.append(record)
        write_atomic(self._folder(entry_id) / "blobs.pack", b"".join(pack))
        self._save(entry)
        return entry

    def mark_written(self, entry: JournalEntry, rel: str) -> None:
        for record in entry.files:
            if record.path == rel:
                record.written = True

    def commit(self, entry: JournalEntry) -> None:
        for record in entry.files:
            record.written = True
        entry.state = "applied"
        self._save(entry)

    def load(self, entry_id: str, root: Path | None = None) -> JournalEntry:
        path = self._folder(entry_id) / "entry.json"
        try:
            data = json.loads(read_regular(path, _ENTRY_LIMIT))
        except (FileNotFoundError, ValueError):
            raise UsageError(f"{entry_id}: no such apply in the journal") from None
        entry = _parse_entry(data, entry_id)
        if root is not None:
            guard = self._guard(root)
            for record in entry.files:
                try:
                    guard.check(record.path, must_exist=False, limit=None)
                except PathRefused as exc:
                    raise UsageError(
                        f"journal entry {entry_id} is not to be trusted: {exc.message}; "
                        "nothing written"
                    ) from None
        if entry.state == "pending" and root is not None:
            self._settle(entry, root)
        return entry

    def _settle(self, entry: JournalEntry, root: Path) -> None:
        """A crash mid-apply: each file is wholly old or wholly new; record which."""
        guard = self._guard(root)
        for record in entry.files:
            full = root / record.path
            record.written = _sha(_current(guard, record.path)) == record.after_sha
            for leftover in full.parent.glob(f".{full.name}.*.haikutui"):
                leftover.unlink(missing_ok=True)  # a temp file the crash left half-written
        entry.state = "applied" if any(f.written for f in entry.files) else "undone"
        self._save(entry)

    def entries(self, root: Path) -> list[JournalEntry]:
        """Newest first; pending entries from a crash are settled on the way."""
        if not self.dir.is_dir():
            return []
        found = []
        for folder in self.dir.iterdir():
            if (folder / "entry.json").is_file():
                found.append(self.load(folder.name, root))
        return sorted(found, key=lambda e: e.time, reverse=True)

    def _bytes(self, entry: JournalEntry, record: JournalFile, kind: str) -> bytes | None:
        path = self._blob(entry.id, entry.files.index(record), kind)
        if path.is_file():  # written by a later hunk undo, or by an older haikutui
            return path.read_bytes()
        span = record.packed.get(kind)
        if span is None:
            return None
        with open(self._folder(entry.id) / "blobs.pack", "rb") as pack:
            pack.seek(span[0])
            return pack.read(span[1] - span[0])

    def _check(self, root: Path, entry: JournalEntry, record: JournalFile) -> bytes:
        current = _current(self._guard(root), record.path)
        if _sha(current) != record.after_sha:
            raise StaleError(
                f"{record.path}: edited since that apply; not undone "
                f"(try `haikutui undo {entry.id} --merge` for a three-way revert)"
            )
        return current or b""

    def undo(self, root: Path, entry_id: str) -> list[str]:
        """Restore every file of one apply to the exact bytes it replaced, or refuse all."""
        entry = self.load(entry_id, root)
        todo = entry.open_files
        if not todo:
            raise UsageError(f"{entry_id}: already undone")
        for record in todo:
            self._check(root, entry, record)
        guard = self._guard(root)
        for record in todo:
            before = self._bytes(entry, record, "before")
            if before is None:
                guard.remove(record.path)
            else:
                guard.write(record.path, before)
            record.undone = True
        entry.state = "undone"
        self._save(entry)
        return [r.path for r in todo]

    def reverse_change(self, root: Path, entry: JournalEntry, rel: str) -> FileChange:
        """The apply of one file, backwards: its hunks are what a hunk-level undo offers."""
        record = next((r for r in entry.open_files if r.path == rel), None)
        if record is None:
            raise UsageError(f"{rel}: not part of apply {entry.id}, or already undone")
        if record.after_sha is None:
            raise UsageError(f"{rel} was moved away by that apply: undo the whole apply instead")
        current = self._check(root, entry, record)
        before = self._bytes(entry, record, "before")
        base = TextFile.decode(current, rel)
        return FileChange(rel, base, TextFile.decode(before or b"", rel).text)

    def undo_hunk(self, root: Path, entry_id: str, rel: str, index: int) -> None:
        """Undo one hunk of one file; the entry then records the file as it now is."""
        entry = self.load(entry_id, root)
        record = next((r for r in entry.open_files if r.path == rel), None)
        change = self.reverse_change(root, entry, rel)
        if record is None or not 0 <= index < len(change.hunks):
            raise UsageError(f"{rel}: no hunk {index + 1} to undo in {entry_id}")
        if self._bytes(entry, record, "before") is None:
            raise UsageError(f"{rel} was created by that apply: undo the whole apply instead")
        for number, hunk in enumerate(change.hunks):
            hunk.accepted = number == index
        assert change.base is not None
        data = change.base.encode(change.result())
        self._guard(root).write(rel, data)
        record.after_sha = digest(data)
        write_atomic(self._blob(entry.id, entry.files.index(record), "after"), data)
        if record.after_sha == record.before_sha:
            record.undone = True
        if not entry.open_files:
            entry.state = "undone"
        self._save(entry)

    def merge_revert(self, root: Path, entry_id: str) -> tuple[Proposal, int]:
        """A three-way revert for files edited since: a proposal to review, and its conflicts."""
        entry = self.load(entry_id, root)
        changes, conflicts = [], 0
        guard = self._guard(root)
        for record in entry.open_files:
            current = _current(guard, record.path) or b""
            before = self._bytes(entry, record, "before") or b""
            after = self._bytes(entry, record, "after") or b""
            base = TextFile.decode(current, record.path)
            merged = merge3(
                base.text,
                TextFile.decode(after, record.path).text,
                TextFile.decode(before, record.path).text,
                labels=("now on disk", "as applied", "before the apply"),
            )
            conflicts += merged.conflicts
            changes.append(FileChange(record.path, base, merged.text))
        proposal = Proposal([c for c in changes if c.hunks], model="three-way revert", rung="undo")
        return proposal, conflicts
