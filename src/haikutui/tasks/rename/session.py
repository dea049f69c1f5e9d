"""A rename as the user lives it: rope for Python, the model for the rest, one proposal to review.

`RenameSession` is a `FixSession`, so the review screen escalates, refines and applies a rename
exactly as it does a fix. Shared by the CLI and the TUI; it imports nothing from Textual.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from haikutui.core.apply import Applied, apply_proposal
from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError, NoChange
from haikutui.core.overlay import Overlay
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.model.fix_request import FixRequest
from haikutui.model.fix_run import FixResult, Progress, ProgressCallback, run_edits
from haikutui.model.ladder import Rung, next_rung, resolve
from haikutui.model.pricing import Usage, cost
from haikutui.tasks.fix_session import FixSession
from haikutui.tasks.lint.restyle import restyle_overlay
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
from haikutui.tasks.rename.plan import (
    Attempt,
    Best,
    RenamePlan,
    UnsureHunks,
    build_proposal,
    model_diff,
)
from haikutui.tasks.rename.problems import (
    advisories,
    data_strings,
    held_problems,
    unsure_left,
)
from haikutui.tasks.rename.rope_engine import Unsure, rope_rename
from haikutui.tasks.rename.target import find_target, validate_name
from haikutui.tasks.rename.unsure import classify

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

ROPE = Rung("rope", "rope")
"""The rung shown while no model takes part: rope alone, no key, no request."""


AskCallback = Callable[[Rung, list[str]], Awaitable[bool]]


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
        on_ask: AskCallback | None = None,
    ) -> None:
        super().__init__(
            repo, settings, FixRequest(at or "", f"rename {old} to {new}"), rung or ROPE, client
        )
        self.old, self.new, self.at = old, new, at
        self.renamed = (old, new)
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
        self.answers: dict[tuple[str, int], bool] | None = None
        """The model's yes/no for each unsure occurrence, once asked (never twice)."""
        self.unsure_hunks: UnsureHunks = []
        self.classify_usage = Usage()
        self.on_ask = on_ask
        """Asked before each climb up the ladder (the TUI's modal); None climbs unasked."""
        self.kept_note = ""
        self.best: Best | None = None
        self.carried: Best | None = None

    # -- rope's part: blocking, run it in a thread from the TUI ------------------------------

    def prepare(self, include: set[tuple[str, int]] | None = None) -> RenamePlan:
        """Validate, find the symbol, let rope rename it in memory, and collect what is left."""
        validate_name(self.new, self.old)
        if include is not None:
            self.included = set(include)
        target = find_target(self.repo, self.old, self.at)
        rope = rope_rename(self.repo, target, self.new)
        overlay = Overlay(self.repo)
        for rel, text in rope.contents.items():
            overlay.write(rel, text)
        for old, new in rope.moves.items():
            overlay.move(old, new)
        restyle_overlay(overlay)  # import blocks sorted as the repo sorts them (rope never does)
        rope_texts = {rel: f.text for rel, f in overlay.files.items()}
        new_path = {old: new for new, old in overlay.moved.items()}
        grepped = grep_files(self.repo, self.old)
        paths = [new_path.get(rel, rel) for rel in grepped]
        paths += [rel for rel in rope_texts if rel not in paths]
        found, held_back = scan(overlay, sorted(paths), self.old)
        candidates: list[Occurrence] = []
        for occurrence in found:
            if len(candidates) >= MAX_MATCHES:
                held_back.append(Leftover(occurrence, f"not sent: over {MAX_MATCHES} matches"))
            else:
                candidates.append(occurrence)
        self.plan = RenamePlan(target, self.new, rope, overlay, rope_texts, candidates, held_back)
        self.plan.skipped_uses = sorted(set(grepped) & set(rope.skipped))
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
        if rung is not None and plan.rope.unsure and self.answers is None:
            await self._classify(rung, on_progress)
        best, self.carried = self.carried, None  # the better edits an escalation started from
        self.kept_note = ""
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
                score = len(unexplained) + len(problems)
                self.attempts.append(Attempt(rung.name, rung.model, score, progress.usage))
                if best is None or score <= best.score:
                    best = Best(score, rung, self._snapshot(), kept, progress, texts, stop_reason)
                upper = next_rung(rung, self.settings)
                if not (unexplained or problems) or not self.auto_escalate or upper is None:
                    break
                reasons = [lo.occurrence.where for lo in unexplained[:8]] + problems[:3]
                if self.on_ask is not None and not await self.on_ask(upper, reasons):
                    break
                prior = (
                    f"An earlier attempt by {rung.model} proposed this change, which is NOT "
                    f"applied:\n```diff\n{model_diff(plan).strip() or '(no change)'}\n```\n"
                    "It was passed on to you because these are left unexplained: "
                    + "; ".join(reasons)
                )
                rung = upper
            if best is not None and best.rung is not rung:
                # A stronger rung did worse: its edits never silently replace the better ones.
                self._restore(best.texts)
                self.kept_note = (
                    f"kept {best.rung.model}'s edits ({best.score} unexplained); "
                    f"{rung.model} left {self.attempts[-1].unexplained}"
                )
                rung, kept, progress, texts = best.rung, best.kept, best.progress, best.texts_out
                stop_reason = best.stop_reason
                self.rung = rung
            self.model_rung, self.best = rung, best
        self.last_error = None
        by_model = [r for r, f in overlay.files.items() if f.text != plan.rope_texts.get(r)]
        if by_model:
            restyle_overlay(overlay, only=by_model)  # the model's edits, sorted the same way
        self.leftovers, self.problems = self._check(
            kept, self.rung.model if self.model_rung else ""
        )
        proposal = self._proposal()
        proposal.note = self._note()
        if self.best is not None:
            proposal.runs = [self.best.progress.run_id]
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

    def _snapshot(self) -> dict[str, str]:
        assert self.plan is not None
        return {rel: f.text for rel, f in self.plan.overlay.files.items()}

    def _restore(self, texts: dict[str, str]) -> None:
        assert self.plan is not None
        self._reset()
        overlay = self.plan.overlay
        for rel, text in texts.items():
            if rel in overlay.files:
                overlay.files[rel].text = text
            else:
                overlay.write(rel, text)

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
        """The overlay's changes, each hunk marked `rope`, `rope unsure`, the model's ID, or both."""
        assert self.plan is not None
        model = self.rung.model if self.model_rung is not None else ""
        accepted = {u.key for u in self.plan.rope.unsure if u.key in self.included}
        accepted |= {key for key, yes in (self.answers or {}).items() if yes}
        proposal, self.unsure_hunks = build_proposal(self.plan, model, self.rung.name, accepted)
        return proposal

    @property
    def unsure_left(self) -> list[Unsure]:
        return unsure_left(self.unsure_hunks, self.answers or {})

    @property
    def held_problems(self) -> list[str]:
        """Why this rename must not be applied as it is (problems.py)."""
        return held_problems(
            self.plan, self.unsure_hunks, self.answers or {}, self.leftovers, self.old
        )

    @property
    def advisories(self) -> list[str]:
        """Strings that still say the old name, as data: shown with ⚠, never blocking."""
        return advisories(self.plan, self.leftovers, self.old)

    @property
    def data_strings(self) -> list[tuple[str, int]]:
        """(path, line) of each of those strings."""
        return data_strings(self.plan, self.leftovers, self.old) if self.plan else []

    async def _classify(self, rung: Rung, on_progress: ProgressCallback | None) -> None:
        """One request: the model says yes or no for each unsure occurrence, as a list."""
        assert self.plan is not None
        self.answers, self.classify_usage = await classify(
            self.repo, self.settings, rung, self.plan.target, self.new, self.plan.rope.unsure,
            client=self.client, on_progress=on_progress,
        )  # fmt: skip

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
        if plan.rope.lookups_renamed:
            count = len(plan.rope.lookups_renamed)
            parts.append(
                f"{count} name{'s' * (count != 1)} looked up by string renamed with it "
                "(getattr, __slots__)"
            )
        if plan.rope.resolved:
            parts.append(
                f"{len(plan.rope.resolved)} unsure resolved as sure ({plan.rope.resolved_why})"
            )
        if self.answers:
            yes = sum(self.answers.values())
            parts.append(f"{self.rung.model} said {yes} of {len(self.answers)} unsure are it")
        if plan.rope.skip_note:
            parts.append(plan.rope.skip_note)
        if self.kept_note:
            parts.append(self.kept_note)
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
        diff = model_diff(self.plan) if self.plan else ""
        self.carried = self.best  # kept unless the stronger rung does better
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
        spent = sum(cost(a.model, a.usage) or 0.0 for a in self.attempts)
        if self.answers is not None and self.model_rung is not None:
            spent += cost(self.model_rung.model, self.classify_usage) or 0.0
        return spent
