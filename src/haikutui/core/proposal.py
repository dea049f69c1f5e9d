"""A proposal: the overlay's changes split into hunks that the user accepts or rejects one by one."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from haikutui.core.overlay import Overlay
from haikutui.core.textfile import TextFile

CONTEXT_LINES = 3


@dataclass
class Hunk:
    """One reviewable change: a group of edits with context, as `git add -p` shows them."""

    header: str
    lines: list[str]
    accepted: bool = True
    source: str = ""
    """Which engine made it (`ruff`, `rope`, a model ID), for tasks where several contribute."""

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.startswith("+"))

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.startswith("-"))


@dataclass
class FileChange:
    """A file's base (None for a new file), its proposed text, and the hunks between them."""

    path: str
    base: TextFile | None
    new_text: str
    hunks: list[Hunk] = field(default_factory=list)
    _owner: list[int] = field(default_factory=list, repr=False)
    _opcodes: list[tuple[str, int, int, int, int]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        old, new = self.old_lines, self.new_text.splitlines(keepends=True)
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        # get_grouped_opcodes trims the cached opcode list in place: keep our own copy.
        self._opcodes = list(matcher.get_opcodes())
        self._owner = [-1] * len(self._opcodes)
        index = {op: i for i, op in enumerate(self._opcodes)}
        if self.base is None and not new:
            # A new empty file (say pkg/__init__.py) is a real change with no line in it.
            self.hunks.append(Hunk("@@ -0,0 +0,0 @@ new empty file", []))
        for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
            self.hunks.append(_hunk(group, old, new))
            for op in group:
                if op[0] != "equal":
                    # difflib trims only `equal` opcodes when grouping, so edits match exactly.
                    self._owner[index[op]] = len(self.hunks) - 1

    @property
    def old_text(self) -> str:
        return self.base.text if self.base is not None else ""

    @property
    def old_lines(self) -> list[str]:
        return self.old_text.splitlines(keepends=True)

    def result(self) -> str:
        """The text with only the accepted hunks applied."""
        old, new = self.old_lines, self.new_text.splitlines(keepends=True)
        out: list[str] = []
        for (tag, i1, i2, j1, j2), owner in zip(self._opcodes, self._owner, strict=True):
            if tag != "equal" and owner >= 0 and self.hunks[owner].accepted:
                out.extend(new[j1:j2])
            else:
                out.extend(old[i1:i2])
        return "".join(out)

    def diff(self, *, only_accepted: bool = False) -> str:
        """A unified diff of this file, as `git diff` would print it."""
        old_name = "/dev/null" if self.base is None else f"a/{self.path}"
        lines = [f"--- {old_name}\n", f"+++ b/{self.path}\n"]
        for hunk in self.hunks:
            if (only_accepted and not hunk.accepted) or not hunk.lines:
                continue
            lines.append(hunk.header + "\n")
            lines.extend(_diff_line(line) for line in hunk.lines)
        return "".join(lines)


def _diff_line(line: str) -> str:
    if line.endswith("\n"):
        return line
    return line + "\n\\ No newline at end of file\n"


def _hunk(group: list[tuple[str, int, int, int, int]], old: list[str], new: list[str]) -> Hunk:
    first, last = group[0], group[-1]
    i1, i2, j1, j2 = first[1], last[2], first[3], last[4]
    header = f"@@ -{_range(i1, i2 - i1)} +{_range(j1, j2 - j1)} @@"
    lines: list[str] = []
    for tag, a1, a2, b1, b2 in group:
        if tag == "equal":
            lines.extend(" " + line for line in old[a1:a2])
            continue
        lines.extend("-" + line for line in old[a1:a2])
        lines.extend("+" + line for line in new[b1:b2])
    return Hunk(header, lines)


def _range(start: int, length: int) -> str:
    """Unified-diff range notation: 1-based start, and `start,0` for an empty side."""
    if length == 1:
        return f"{start + 1}"
    return f"{start + 1 if length else start},{length}"


@dataclass
class Proposal:
    """Everything one model run proposes, plus who proposed it, for review and escalation."""

    changes: list[FileChange]
    model: str = ""
    rung: str = ""
    note: str = ""

    @classmethod
    def from_overlay(cls, overlay: Overlay, *, model: str = "", rung: str = "") -> Proposal:
        changes = [FileChange(rel, f.base, f.text) for rel, f in sorted(overlay.changed().items())]
        return cls([c for c in changes if c.hunks], model=model, rung=rung)

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def hunks(self) -> list[tuple[FileChange, Hunk]]:
        return [(change, hunk) for change in self.changes for hunk in change.hunks]

    def diff(self, *, only_accepted: bool = False) -> str:
        return "".join(c.diff(only_accepted=only_accepted) for c in self.changes)

    def stats(self) -> tuple[int, int]:
        added = sum(h.added for _, h in self.hunks)
        removed = sum(h.removed for _, h in self.hunks)
        return added, removed


class MoveHunk(Hunk):
    """A file's move (a module rename), reviewed like any hunk: rejecting it keeps the old path."""

    @property
    def added(self) -> int:
        return 0

    @property
    def removed(self) -> int:
        return 0


@dataclass
class MovedFileChange(FileChange):
    """A file that moves from `old_path` to `path`; its first hunk is the move itself.

    `base` is the file as read at `old_path`; the other hunks are its edits, as usual.
    """

    old_path: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._owner = [owner + 1 if owner >= 0 else owner for owner in self._owner]
        move = MoveHunk("@@ -1 +1 @@ move (git mv)", [f"-{self.old_path}\n", f"+{self.path}\n"])
        self.hunks.insert(0, move)

    @property
    def move_accepted(self) -> bool:
        return self.hunks[0].accepted

    @property
    def target_path(self) -> str:
        """Where the accepted result lands: the new path, or the old one when the move is rejected."""
        return self.path if self.move_accepted else self.old_path

    def diff(self, *, only_accepted: bool = False) -> str:
        """`git diff -M` style: a rename header, then the edits (if any)."""
        moving = self.move_accepted or not only_accepted
        new_name = self.path if moving else self.old_path
        lines = [f"diff --git a/{self.old_path} b/{new_name}\n"]
        if moving:
            lines += [f"rename from {self.old_path}\n", f"rename to {self.path}\n"]
        edits = [h for h in self.hunks[1:] if h.accepted or not only_accepted]
        if edits:
            lines += [f"--- a/{self.old_path}\n", f"+++ b/{new_name}\n"]
        for hunk in edits:
            lines.append(hunk.header + "\n")
            lines.extend(_diff_line(line) for line in hunk.lines)
        return "".join(lines) if moving or edits else ""
