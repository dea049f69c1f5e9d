"""A rename as the user lives it: rope for Python, the model for the rest, one proposal to review.

`RenameSession` is a `FixSession`, so the review screen escalates, refines and applies a rename
exactly as it does a fix. Shared by the CLI and the TUI; it imports nothing from Textual.
"""

from __future__ import annotations

import ast
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from haikutui.core.apply import Applied, apply_proposal
from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError, NoChange
from haikutui.core.overlay import Overlay
from haikutui.core.proposal import FileChange, MovedFileChange, Proposal
from haikutui.core.repo import Repo
from haikutui.model.fix_request import FixRequest
from haikutui.model.fix_run import FixResult, Progress, ProgressCallback, run_edits
from haikutui.model.ladder import Rung, next_rung, resolve
from haikutui.model.pricing import Usage, cost
from haikutui.tasks.fix_session import FixSession
from haikutui.tasks.rename.leftovers import (
    MAX_MATCHES,
    RENAME_SYSTEM,
    Leftover,
    Occurrence,
    grep_files,
    parse_kept,
    rename_messages,
    scan,
)
from haikutui.tasks.rename.rope_engine import RopeResult, Unsure, rope_rename
from haikutui.tasks.rename.target import Target, find_target, validate_name

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

ROPE = Rung("rope", "rope")
"""The rung shown while no model takes part: rope alone, no key, no request."""


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


class RenameSession(FixSession):
    """Holds the plan and the latest proposal; `run` makes (or remakes) the model's part."""

    def __init__(
        self,
        repo: Repo,
        settings: Settings,
        old: str,
        new: str,
        *,
        at: str | None = None,
        rung: Rung | None = None,
        client: AsyncAnthropic | None = None,
        escalate: bool = True,
    ) -> None:
        super().__init__(
            repo, settings, FixRequest(at or "", f"rename {old} to {new}"), rung or ROPE, client
        )
        self.old, self.new, self.at = old, new, at
        self.model_rung = rung
        self.auto_escalate = escalate and settings.lint_escalate != "off"
        self.plan: RenamePlan | None = None
        self.included: set[tuple[str, int]] = set()
        """Unsure occurrences (path, offset) the user chose to rename."""
        self.follow_ups: tuple[str, ...] = ()
        self.prior = ""
        self.leftovers: list[Leftover] = []
        self.attempts: list[Attempt] = []
        self.problems: list[str] = []

    # -- rope's part: blocking, run it in a thread from the TUI ------------------------------

    def prepare(self, include: set[tuple[str, int]] | None = None) -> RenamePlan:
        """Validate, find the symbol, let rope rename it in memory, and collect what is left."""
        validate_name(self.new, self.old)
        if include is not None:
            self.included = set(include)
        target = find_target(self.repo, self.old, self.at)
        rope = rope_rename(
            self.repo, target, self.new, include=lambda u: (u.path, u.offset) in self.included
        )
        overlay = Overlay(self.repo)
        for rel, text in rope.contents.items():
            overlay.write(rel, text)
        for old, new in rope.moves.items():
            overlay.move(old, new)
        rope_texts = {rel: f.text for rel, f in overlay.files.items()}
        new_path = {old: new for new, old in overlay.moved.items()}
        paths = [new_path.get(rel, rel) for rel in grep_files(self.repo, self.old)]
        paths += [rel for rel in rope_texts if rel not in paths]
        found, held_back = scan(overlay, sorted(paths), self.old)
        excluded = {
            (new_path.get(u.path, u.path), u.line): u
            for u in rope.unsure
            if (u.path, u.offset) not in self.included
        }
        candidates: list[Occurrence] = []
        for occurrence in found:
            if (occurrence.path, occurrence.line) in excluded:
                held_back.append(Leftover(occurrence, "excluded: rope was unsure it is the symbol"))
            elif len(candidates) >= MAX_MATCHES:
                held_back.append(Leftover(occurrence, f"not sent: over {MAX_MATCHES} matches"))
            else:
                candidates.append(occurrence)
        self.plan = RenamePlan(target, self.new, rope, overlay, rope_texts, candidates, held_back)
        if not self.plan.rope_files and not candidates:
            raise NoChange(
                f"nothing to rename: rope changes nothing and `{self.old}` is nowhere else"
            )
        return self.plan

    @property
    def unsure(self) -> list[Unsure]:
        return self.plan.rope.unsure if self.plan else []

    # -- the model's part --------------------------------------------------------------------

    async def run(self, on_progress: ProgressCallback | None = None) -> FixResult:
        """rope's proposal, plus the model's edits when a rung is set and something is left.

        A rung whose result leaves unexplained occurrences, or breaks a Python file, passes the
        job up the ladder (unless escalation is off), as the lint repair does.
        """
        plan = self.plan or self.prepare()
        overlay = plan.overlay
        self._reset()
        self.attempts = []
        rung = self.model_rung
        progress = Progress(self.rung, time.monotonic(), phase="done")
        texts: list[str] = []
        stop_reason = ""
        kept: dict[tuple[str, int], str] = {}
        if rung is not None and plan.candidates:
            prior = self.prior
            while True:
                self._reset()
                self.rung = rung
                try:
                    run = await run_edits(
                        overlay,
                        rename_messages(
                            overlay,
                            plan.target,
                            plan.new,
                            plan.candidates,
                            rope_files=plan.rope_files,
                            moves=plan.rope.moves,
                            prior=prior,
                            follow_ups=self.follow_ups,
                        ),
                        rung,
                        self.settings,
                        system=RENAME_SYSTEM,
                        client=self.client,
                        on_progress=on_progress,
                        task="rename",
                    )
                except HaikutuiError as exc:
                    self.last_error = exc
                    raise
                progress, texts, stop_reason = run.progress, run.texts, run.stop_reason
                kept = parse_kept(texts)
                leftovers, problems = self._check(kept, rung.model)
                unexplained = [lo for lo in leftovers if not lo.explained]
                self.attempts.append(
                    Attempt(rung.name, rung.model, len(unexplained) + len(problems), progress.usage)
                )
                upper = next_rung(rung, self.settings)
                if not (unexplained or problems) or not self.auto_escalate or upper is None:
                    break
                reasons = [lo.occurrence.where for lo in unexplained[:8]] + problems[:3]
                prior = (
                    f"An earlier attempt by {rung.model} proposed this change, which is NOT "
                    f"applied:\n```diff\n{self._model_diff().strip() or '(no change)'}\n```\n"
                    "It was passed on to you because these are left unexplained: "
                    + "; ".join(reasons)
                )
                rung = upper
            self.model_rung = rung
        self.last_error = None
        self.leftovers, self.problems = self._check(
            kept, self.rung.model if self.model_rung else ""
        )
        proposal = self._proposal()
        proposal.note = self._note()
        if proposal.empty:
            raise NoChange(f"nothing to rename: `{self.old}` has no occurrence left to change")
        self.result = FixResult(proposal, progress, "\n".join(texts), stop_reason)
        return self.result

    def _reset(self) -> None:
        """Back to rope's output: escalation and refinement start from there, not from a weaker model."""
        assert self.plan is not None
        overlay = self.plan.overlay
        for rel, text in self.plan.rope_texts.items():
            overlay.files[rel].text = text
        for rel in [r for r in overlay.files if r not in self.plan.rope_texts]:
            del overlay.files[rel]  # files only the model touched

    def _check(
        self, kept: dict[tuple[str, int], str], model: str
    ) -> tuple[list[Leftover], list[str]]:
        """Every leftover with its reason, and every changed Python file that no longer parses."""
        assert self.plan is not None
        plan = self.plan
        paths = sorted({o.path for o in plan.candidates} | set(plan.rope_texts))
        found, _ = scan(plan.overlay, paths, self.old)
        held = {lo.occurrence.where: lo for lo in plan.held_back}
        leftovers = [lo for lo in plan.held_back if lo.occurrence.line == 0]
        for occurrence in found:
            if occurrence.where in held:
                leftovers.append(held[occurrence.where])
            elif (occurrence.path, occurrence.line) in kept:
                leftovers.append(
                    Leftover(
                        occurrence, f"kept by {model}: {kept[(occurrence.path, occurrence.line)]}"
                    )
                )
            elif not model:
                leftovers.append(Leftover(occurrence, "not sent: rope only (no model run)"))
            else:
                leftovers.append(Leftover(occurrence))
        problems = []
        for rel, file in plan.overlay.changed().items():
            if rel.endswith(".py"):
                try:
                    ast.parse(file.text, filename=rel)
                except SyntaxError as exc:
                    problems.append(f"{rel}:{exc.lineno}: does not parse ({exc.msg})")
        return leftovers, problems

    def _proposal(self) -> Proposal:
        """The overlay's changes, each hunk marked `rope`, the model's ID, or both."""
        assert self.plan is not None
        overlay, rope_texts = self.plan.overlay, self.plan.rope_texts
        model = self.rung.model if self.model_rung is not None else ""
        changes: list[FileChange] = []
        for rel, file in sorted(overlay.files.items()):
            old_path = overlay.moved.get(rel)
            if old_path is not None:
                change: FileChange = MovedFileChange(rel, file.base, file.text, old_path=old_path)
                change.hunks[0].source = "rope"
            elif file.changed:
                change = FileChange(rel, file.base, file.text)
            else:
                continue
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
        model_made = any(h.source != "rope" for c in changes for h in c.hunks)
        return Proposal(
            changes,
            model=f"rope + {model}" if model_made else "rope",
            rung=self.rung.name if model_made else "rope",
        )

    def _model_diff(self) -> str:
        """What the model changed on top of rope's output, for the next rung to see."""
        assert self.plan is not None
        overlay, out = self.plan.overlay, []
        for rel, file in sorted(overlay.files.items()):
            before = self.plan.rope_texts.get(rel, _base(overlay, rel))
            if file.text != before:
                from haikutui.core.textfile import TextFile

                out.append(FileChange(rel, TextFile(before), file.text).diff())
        return "".join(out)

    def _note(self) -> str:
        plan = self.plan
        assert plan is not None
        rope_files = len(plan.rope_files)
        parts = [
            f"rope renamed `{self.old}` → `{self.new}` in {rope_files} file{'s' * (rope_files != 1)}"
        ]
        if plan.rope.moves:
            parts.append(f"moved {len(plan.rope.moves)} file{'s' * (len(plan.rope.moves) != 1)}")
        if self.attempts:
            parts.append(f"{len(plan.candidates)} other occurrence(s) sent to {self.rung.model}")
        left = len(self.leftovers)
        unexplained = sum(not lo.explained for lo in self.leftovers)
        if left:
            parts.append(
                f"{left} left ({unexplained} unexplained)"
                if unexplained
                else f"{left} left, each explained"
            )
        if self.problems:
            parts.append(f"✗ {self.problems[0]}")
        return " · ".join(parts)

    # -- the review screen's keys ------------------------------------------------------------

    def escalate(self, reason: str = "the user asked for a stronger model") -> Rung | None:
        """rope only → the fast rung takes the rest; otherwise one rung up, shown the weaker diff."""
        if self.model_rung is None:
            self.model_rung = resolve("fast", self.settings)
            self.rung = self.model_rung
            return self.rung
        rung = next_rung(self.model_rung, self.settings)
        if rung is None:
            return None
        diff = self._model_diff() if self.plan else ""
        self.prior = (
            f"An earlier attempt by {self.model_rung.model} proposed this change, which is NOT "
            f"applied:\n```diff\n{diff.strip() or '(no change)'}\n```\nIt was passed on to you "
            f"because: {reason}"
        )
        self.model_rung = self.rung = rung
        return rung

    def refine(self, follow_up: str) -> None:
        self.follow_ups = (*self.follow_ups, follow_up)
        if self.model_rung is None:
            self.model_rung = self.rung = resolve("fast", self.settings)

    def apply(self) -> Applied:
        if self.proposal is None:
            raise HaikutuiError("there is no proposal to apply")
        return apply_proposal(self.repo.root, self.proposal)

    @property
    def cost(self) -> float:
        return sum(cost(a.model, a.usage) or 0.0 for a in self.attempts)
