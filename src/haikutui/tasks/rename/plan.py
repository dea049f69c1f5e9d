"""A rename's plan (rope's part on an overlay, what is left) and the proposal built from it."""

from __future__ import annotations

from dataclasses import dataclass, field

from haikutui.core.overlay import Overlay
from haikutui.core.proposal import FileChange, Hunk, MovedFileChange, Proposal
from haikutui.core.textfile import TextFile
from haikutui.model.fix_run import Progress
from haikutui.model.ladder import Rung
from haikutui.model.pricing import Usage
from haikutui.tasks.rename.leftovers import Leftover, Occurrence
from haikutui.tasks.rename.rope_engine import RopeResult, Unsure
from haikutui.tasks.rename.target import Target
from haikutui.tasks.rename.unsure import UNSURE_SOURCE, isolate


@dataclass
class Attempt:
    """One model rung's try at the non-Python occurrences, and what it left unexplained."""

    rung: str
    model: str
    unexplained: int
    usage: Usage = field(default_factory=Usage)


@dataclass
class RenamePlan:
    """rope's part, on an overlay, and the occurrences it could not see."""

    target: Target
    new: str
    rope: RopeResult
    overlay: Overlay
    rope_texts: dict[str, str]
    candidates: list[Occurrence]
    held_back: list[Leftover]
    """Occurrences never sent to the model: secrets, unreadable files, excluded unsure ones."""
    skipped_uses: list[str] = field(default_factory=list)
    """Files rope skipped (unparseable, too big) that hold the old name: they are not renamed."""

    @property
    def rope_files(self) -> list[str]:
        return sorted(
            rel
            for rel, text in self.rope_texts.items()
            if rel in self.overlay.moved or text != _base(self.overlay, rel)
        )


def _base(overlay: Overlay, rel: str) -> str:
    base = overlay.files[rel].base
    return base.text if base is not None else ""


@dataclass
class Best:
    """The rung whose edits left the fewest occurrences unexplained, so far."""

    score: int
    rung: Rung
    texts: dict[str, str]
    kept: dict[tuple[str, int], str]
    progress: Progress
    texts_out: list[str]
    stop_reason: str


UnsureHunks = list[tuple[Hunk, list[Unsure]]]


def build_proposal(
    plan: RenamePlan, model: str, rung: str, accepted: set[tuple[str, int]]
) -> tuple[Proposal, UnsureHunks]:
    """The overlay's changes, each hunk marked `rope`, `rope unsure`, the model's ID, or both.

    Each unsure occurrence gets a hunk of its own, accepted only when its key is in `accepted`.
    """
    overlay, rope_texts = plan.overlay, plan.rope_texts
    changes: list[FileChange] = []
    unsure_hunks: UnsureHunks = []
    for rel, file in sorted(overlay.files.items()):
        old_path = overlay.moved.get(rel)
        if old_path is not None:
            change: FileChange = MovedFileChange(rel, file.base, file.text, old_path=old_path)
            change.hunks[0].source = "rope"
        elif file.changed:
            change = FileChange(rel, file.base, file.text)
        else:
            continue
        here = [u for u in plan.rope.unsure if u.path == overlay.moved.get(rel, rel)]
        for hunk, lines in isolate(change, {u.line - 1 for u in here}):
            held = [u for u in here if u.line - 1 in lines]
            hunk.source = UNSURE_SOURCE
            hunk.accepted = all(u.key in accepted for u in held)
            unsure_hunks.append((hunk, held))
        rope_change = FileChange(rel, file.base, rope_texts.get(rel, _base(overlay, rel)))
        rope_lines = {line for h in rope_change.hunks for line in h.lines if line[0] in "+-"}
        for hunk in change.hunks:
            if hunk.source:
                continue
            edits = [line for line in hunk.lines if line[0] in "+-"]
            by_rope = [line in rope_lines for line in edits]
            if all(by_rope):
                hunk.source = "rope"
            elif any(by_rope):
                hunk.source = f"rope + {model}"
            else:
                hunk.source = model or "model"
        if change.hunks:
            changes.append(change)
    model_made = any(h.source not in ("rope", UNSURE_SOURCE) for c in changes for h in c.hunks)
    proposal = Proposal(
        changes,
        model=f"rope + {model}" if model_made else "rope",
        rung=rung if model_made else "rope",
    )
    return proposal, unsure_hunks


def model_diff(plan: RenamePlan) -> str:
    """What the model changed on top of rope's output, for the next rung to see."""
    overlay, out = plan.overlay, []
    for rel, file in sorted(overlay.files.items()):
        before = plan.rope_texts.get(rel, _base(overlay, rel))
        if file.text != before:
            out.append(FileChange(rel, TextFile(before), file.text).diff())
    return "".join(out)
