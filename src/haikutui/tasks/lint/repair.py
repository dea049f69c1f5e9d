"""The repair ladder: ruff's safe fixes for free, the model for what is left, re-lint, escalate."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError, NoChange
from haikutui.core.overlay import Overlay
from haikutui.core.repo import Repo
from haikutui.model.client import make_client
from haikutui.model.editor_tool import TOOL_NAME, numbered
from haikutui.model.fix_request import FixRequest
from haikutui.model.fix_run import FixResult, Progress, ProgressCallback, run_edits
from haikutui.model.ladder import Rung, next_rung, resolve
from haikutui.tasks.fix_session import FixSession
from haikutui.tasks.lint.hunk_sources import is_unsafe
from haikutui.tasks.lint.hunk_sources import mark_sources as mark_sources
from haikutui.tasks.lint.ruff_pass import LintRepair as LintRepair  # batch.py, tests
from haikutui.tasks.lint.ruff_pass import LintResult as LintResult
from haikutui.tasks.lint.ruff_pass import RungAttempt as RungAttempt
from haikutui.tasks.lint.ruff_runner import Diagnostic

if TYPE_CHECKING:
    from collections.abc import Mapping

    from anthropic import AsyncAnthropic

    from haikutui.tasks.lint.ruff_runner import LintedText

CONTEXT = 3

LINT_SYSTEM = f"""You are haikutui, fixing the lint findings that ruff could not fix by itself.
- Edit only with the {TOOL_NAME} tool. Paths are relative to the repository root.
- Each finding is shown with the lines around it, numbered. Do not `view` what you can see.
- Fix the cause, not the symptom: never add `# noqa` and never change the lint config.
- `old_str` must match the file exactly once, without the line-number prefixes.
- Keep behaviour the same, and touch nothing but what the findings need.
- Send all the tool calls you need in one reply."""

AskCallback = Callable[[Rung, dict[str, list[Diagnostic]]], Awaitable[bool]]
"""`ask` escalation: given the next rung and what is left, say whether to climb."""


def lint_messages(
    overlay: Overlay, findings: dict[str, list[Diagnostic]], prior: str = ""
) -> list[dict[str, Any]]:
    """Each file's findings with a few numbered lines of context: never the whole repo."""
    blocks: list[str] = []
    for rel, diagnostics in sorted(findings.items()):
        if not diagnostics:
            continue
        lines = overlay.read(rel).split("\n")
        parts = [f'<file path="{rel}" lines="{len(lines)}">']
        for d in diagnostics:
            start = max(1, d.row - CONTEXT)
            end = min(len(lines), d.end_row + CONTEXT)
            parts.append(f"{d.code} ({d.name}) at line {d.row}, column {d.column}: {d.message}")
            parts.append(numbered("\n".join(lines[start - 1 : end]), start))
        parts.append("</file>")
        blocks.append("\n".join(parts))
    text = "Fix these ruff findings:\n\n" + "\n\n".join(blocks)
    if prior:
        text += "\n\n" + prior
    return [{"role": "user", "content": [{"type": "text", "text": text}]}]


async def repair(
    repo: Repo,
    settings: Settings,
    paths: list[str] | None,
    *,
    start: Rung | None,
    escalate: str,
    client: AsyncAnthropic | None = None,
    on_progress: ProgressCallback | None = None,
    on_ask: AskCallback | None = None,
    instructions: Sequence[str] = (),
    keep_tree: bool = False,
    unsafe: bool = False,
) -> LintResult:
    """Run the ladder. `start=None` stops after ruff's rung (no key needed, no request made).

    `unsafe`: ruff's unsafe fixes are offered as rejected hunks, and the findings they cover
    are not sent to the model; False sends those findings to the model instead.

    `escalate` is `auto`, `ask` (await `on_ask(next_rung, findings)` for a yes) or `off`.
    `instructions` are the user's follow-ups, added to every model request. Git and ruff
    run in threads, so a TUI stays responsive and Esc can cancel between steps. The model's
    edits are re-sorted as the repo sorts imports (`restyle`). `keep_tree`: the result keeps
    the scratch tree, holding the proposal, for the verdict (the caller closes it).
    """
    job = await asyncio.to_thread(LintRepair, repo, settings, paths)
    attempts: list[RungAttempt] = []
    runs: list[str] = []
    """The model runs whose edits the proposal may hold: its verdict is logged against them."""
    own_client: AsyncAnthropic | None = None
    extra = "".join(f"\n\nAlso: {text.strip()}" for text in instructions if text.strip())
    try:
        with await asyncio.to_thread(job.open_mirror) as mirror:
            before, after = await asyncio.to_thread(
                functools.partial(job.ruff_rung, mirror, unsafe=unsafe)
            )
            rung = start
            prior = ""
            sent = job.for_model(after)
            while rung is not None and sent:
                if client is None:
                    # Made only now: ruff's rung needs no key. Closed in `finally`.
                    client = own_client = make_client(settings)
                job.reset_to_ruff()
                attempt = RungAttempt(rung.name, rung.model, 0)
                try:
                    run = await run_edits(
                        job.overlay,
                        lint_messages(job.overlay, sent, (prior + extra).strip()),
                        rung,
                        settings,
                        system=LINT_SYSTEM,
                        client=client,
                        on_progress=on_progress,
                        task="lint",
                        escalated_from=attempts[-1].model if attempts else None,
                    )
                    attempt.usage = run.progress.usage
                    runs.append(run.progress.run_id)
                except NoChange as exc:
                    # A refusal or a cut-off reply: none of it is kept; a stronger rung may do better.
                    job.reset_to_ruff()
                    attempt.error = exc.message
                await asyncio.to_thread(job.restyle, mirror)  # imports sorted as the repo does
                after = await asyncio.to_thread(job.relint, mirror)
                left = job.for_model(after)
                attempt.remaining = sum(map(len, left.values()))
                attempts.append(attempt)
                if not left or escalate == "off":
                    break
                upper = next_rung(rung, settings)
                if upper is None:
                    break
                if escalate == "ask" and not (on_ask is not None and await on_ask(upper, left)):
                    break
                prior = _escalation_note(job, attempt, left)
                rung = upper
            proposal = await asyncio.to_thread(job.proposal, attempts)
            tree = mirror.detach() if keep_tree else None
            proposal.runs = runs
    finally:
        if own_client is not None:
            await own_client.close()
    return LintResult(
        proposal,
        before,
        job.left(after),
        attempts,
        skipped=job.skipped,
        verdict_before=job.verdict_before,
        tree=tree,
        covered=job.unsafe,
    )


def _escalation_note(
    job: LintRepair, attempt: RungAttempt, left: dict[str, list[Diagnostic]]
) -> str:
    """What the stronger rung is told about the weaker one: its diff, and why it fell short."""
    weaker = job.model_diff()
    why = attempt.error or "ruff still reports: " + "; ".join(
        d.label for ds in left.values() for d in ds[:5]
    )
    return (
        f"An earlier attempt by {attempt.model} proposed this change on top of the text "
        f"shown, which is NOT applied:\n```diff\n{weaker.strip() or '(no change)'}\n```\n"
        f"It was passed on to you because {why}"
    )


class LintSession(FixSession):
    """The ladder as a session the review screen can drive, like a quick fix's.

    `run` repairs `paths` from `start` (None: ruff only); `escalate` moves one rung up and
    re-runs from there; `refine` adds an instruction to the model's requests.
    """

    def __init__(
        self,
        repo: Repo,
        settings: Settings,
        paths: list[str] | None,
        start: Rung | None,
        *,
        escalate: str = "off",
        on_ask: AskCallback | None = None,
        client: AsyncAnthropic | None = None,
    ) -> None:
        label = ", ".join(paths) if paths else "the whole repo"
        rung = start or resolve("fast", settings)
        super().__init__(
            repo, settings, FixRequest(label, "repair the lint findings"), rung, client
        )
        self.paths, self.start, self.mode, self.on_ask = paths, start, escalate, on_ask
        self.lint: LintResult | None = None
        self.counts: dict[str, tuple[int, int]] = {}
        """Per file: findings fixed, findings left; for the review header."""
        self.follow_ups: list[str] = []
        self.unsafe = True
        """Offer ruff's unsafe fixes as hunks; off once the user rejected one and asked again
        (`e`, `r`): the findings it covered then go to the model."""

    @property
    def label(self) -> str:
        return self.request.path

    @property
    def verdict_before(self) -> Mapping[str, LintedText] | None:
        """Ruff's rung linted the old texts with the verdict's rules beside its fix."""
        return self.lint.verdict_before if self.lint else None

    @property
    def lint_remaining(self) -> Mapping[str, list[Diagnostic]] | None:
        return self.lint.after if self.lint else None

    async def run(self, on_progress: ProgressCallback | None = None) -> FixResult:
        self.result = None
        last: list[Progress] = [Progress(self.rung, time.monotonic(), phase="done")]

        def progress(snapshot: Progress) -> None:
            last[0] = snapshot
            if on_progress is not None:
                on_progress(snapshot)

        try:
            lint = await repair(
                self.repo,
                self.settings,
                self.paths,
                start=self.start,
                escalate=self.mode,
                client=self.client,
                on_progress=progress,
                on_ask=self.on_ask,
                instructions=self.follow_ups,
                unsafe=self.unsafe,
            )
            if lint.proposal.empty:
                raise NoChange(
                    f"ruff finds nothing to fix in {self.label}"
                    if not lint.total_before
                    else f"{lint.remaining()} findings left in {self.label} and no fix proposed"
                )
        except HaikutuiError as exc:
            self.last_error = exc
            raise
        self.last_error = None
        self.lint = lint
        made = [a for a in lint.attempts if not a.error]
        if made:  # the review shows the rung that made the proposal
            self.rung = Rung(made[-1].rung, made[-1].model)
        touched = {p for p, ds in lint.before.items() if ds}
        touched |= {c.path for c in lint.proposal.changes}
        self.counts = {p: (lint.fixed(p), lint.remaining(p)) for p in sorted(touched)}
        lint.proposal.note = lint_note(lint)
        lint.proposal.rung = "lint"  # the review header reads "◆ lint · <model or ruff>"
        self.result = FixResult(lint.proposal, last[0], "", "")
        return self.result

    def _rejected_unsafe(self) -> None:
        """Asking again after rejecting an unsafe fix: its findings go to the model now."""
        proposal = self.result.proposal if self.result is not None else None
        if proposal is not None and any(
            is_unsafe(h.source) and not h.accepted for _, h in proposal.hunks
        ):
            self.unsafe = False

    def escalate(self, reason: str = "the user asked for a stronger model") -> Rung | None:
        """One rung up, and no further by itself: the user is watching."""
        self._rejected_unsafe()
        if self.start is None:  # ruff only so far: the model's first rung is next
            self.start = self.rung
            return self.rung
        rung = super().escalate(reason)
        if rung is not None:
            self.start, self.mode = rung, "off"
        return rung

    def refine(self, follow_up: str) -> None:
        self._rejected_unsafe()
        self.follow_ups.append(follow_up)
        if self.start is None:
            self.start = self.rung


def lint_note(lint: LintResult) -> str:
    """One line for the review: what each rung left, and the total fixed."""
    steps = ["ruff"] + [
        f"{a.model} ({a.error.split(':')[0] if a.error else f'{a.remaining} left'})"
        for a in lint.attempts
    ]
    fixed = lint.fixed()
    return f"{fixed} of {lint.total_before} findings fixed · " + " → ".join(steps)
