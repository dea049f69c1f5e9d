"""A proposal: the overlay's changes split into hunks that the user accepts or rejects one by one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from haikutui.core.line_diff import grouped, opcodes
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
    edited: bool = False
    """The user rewrote it by hand in review (`E`): shown as "edited by you", told to the model."""

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
        self._opcodes = opcodes(old, new)
        self._owner = [-1] * len(self._opcodes)
        index = {op: i for i, op in enumerate(self._opcodes)}
        if self.base is None and not new:
            # A new empty file (say pkg/__init__.py) is a real change with no line in it.
            self.hunks.append(Hunk("@@ -0,0 +0,0 @@ new empty file", []))
        for group in grouped(self._opcodes, CONTEXT_LINES):
            self.hunks.append(_hunk(group, old, new))
            for op in group:
                if op[0] != "equal":
                    # Grouping trims only `equal` opcodes, so edits match exactly.
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
    hand_edits: list[HandEdit] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)
    """The model runs that made it (request-log ids): its verdict is logged against them."""
    """What the user rewrote in review, oldest first, for the next request to be told."""

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

    def edit_hunk(self, index: int, text: str) -> HandEdit:
        """Replace the new side of hunk `index` (see `hunk_text`) with `text`, as the user typed it."""
        edit = hand_edit(self, index, text)
        if edit.before != edit.after:
            self.hand_edits.append(edit)
        return edit

    def hand_edit_note(self) -> str:
        """For a refine or an escalation: what the user changed by hand, so the model keeps it."""
        if not self.hand_edits:
            return ""
        parts = ["\nThe user then edited the proposal by hand (the diff above includes it):"]
        for edit in self.hand_edits:
            parts.append(
                f"In {edit.path}, the user replaced\n```\n{edit.before}```\nwith\n"
                f"```\n{edit.after}```"
            )
        parts.append("Keep the user's edits unless the instruction says otherwise.")
        return "\n".join(parts)


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


# -- hand edits: the user rewrites a hunk's new text in their editor (`E` in review) -----------

_NEW_RANGE = re.compile(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class HandEdit:
    """One hunk the user rewrote: the file, the text the model proposed, and the user's text."""

    path: str
    before: str
    after: str


def hunk_span(change: FileChange, hunk: Hunk) -> tuple[int, int]:
    """The hunk's lines in the change's new text, as a 0-based [start, end) range."""
    found = _NEW_RANGE.match(hunk.header)
    if found is None or isinstance(hunk, MoveHunk):
        raise ValueError(f"{change.path}: this hunk has no text to edit")
    start, length = int(found[1]), int(found[2] if found[2] is not None else 1)
    begin = start - 1 if length else start
    return begin, begin + length


def hunk_text(change: FileChange, hunk: Hunk) -> str:
    """The hunk's new side (context and added lines), exactly as the file would hold it."""
    begin, end = hunk_span(change, hunk)
    return "".join(change.new_text.splitlines(keepends=True)[begin:end])


def hand_edit(proposal: Proposal, index: int, text: str) -> HandEdit:
    """Put `text` in place of hunk `index`'s new side; the file's hunks are worked out again.

    The hunks that cover the edited lines are marked `edited` and accepted; the others keep
    their accept/reject state. Only the proposal changes: nothing touches the disk.
    """
    change, hunk = proposal.hunks[index]
    begin, end = hunk_span(change, hunk)
    before = hunk_text(change, hunk)
    new = change.new_text.splitlines(keepends=True)
    if before and not before.endswith("\n") and text.endswith("\n") and end == len(new):
        text = text[:-1]  # editors add a final newline the file did not have
    if text == before:
        return HandEdit(change.path, before, text)
    new_text = "".join(new[:begin]) + text + "".join(new[end:])
    kept = {tuple(h.lines): h.accepted for h in change.hunks if h is not hunk}
    if isinstance(change, MovedFileChange):
        fresh: FileChange = MovedFileChange(
            change.path, change.base, new_text, old_path=change.old_path
        )
        fresh.hunks[0].accepted = change.hunks[0].accepted
    else:
        fresh = FileChange(change.path, change.base, new_text)
    edited_end = begin + len(text.splitlines(keepends=True))
    for other in fresh.hunks:
        if isinstance(other, MoveHunk):
            continue
        lo, hi = hunk_span(fresh, other)
        if lo < max(edited_end, begin + 1) and hi > begin:
            other.edited, other.accepted = True, True
        else:
            other.accepted = kept.get(tuple(other.lines), True)
        other.source = hunk.source
    position = proposal.changes.index(change)
    if fresh.hunks:
        proposal.changes[position] = fresh
    else:  # the user put the file back as it was: nothing of it is proposed any more
        del proposal.changes[position]
    return HandEdit(change.path, before, text)


def first_applied_line(proposal: Proposal | None, path: str) -> int | None:
    """The 1-based line of the first accepted hunk of `path` in the file as applied (the
    rejected hunks before it shift it back), so the view can stay at the change."""
    if proposal is None:
        return None
    shift = 0
    for change, hunk in proposal.hunks:
        if getattr(change, "target_path", change.path) != path or isinstance(hunk, MoveHunk):
            continue
        found = _NEW_RANGE.match(hunk.header)
        if found is None:
            continue
        if hunk.accepted:
            context = next((i for i, line in enumerate(hunk.lines) if line[:1] in "+-"), 0)
            return max(1, int(found[1]) + context - shift)
        shift += hunk.added - hunk.removed
    return None
