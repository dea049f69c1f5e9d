"""The repair ladder: ruff's safe fixes for free, the model for what is left, re-lint, escalate."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haikutui.core.config import Settings
from haikutui.core.errors import HaikutuiError, NoChange, UsageError
from haikutui.core.overlay import Overlay, OverlayFile
from haikutui.core.proposal import FileChange, Proposal
from haikutui.core.repo import FileEntry, Repo, is_secret
from haikutui.core.textfile import TextFile
from haikutui.model.client import make_client
from haikutui.model.editor_tool import TOOL_NAME, numbered
from haikutui.model.fix_request import FixRequest
from haikutui.model.fix_run import FixResult, Progress, ProgressCallback, run_edits
from haikutui.model.ladder import Rung, next_rung, resolve
from haikutui.model.pricing import Usage, cost
from haikutui.tasks.fix_session import FixSession
from haikutui.tasks.lint.ruff_runner import CONFIG_NAMES, Diagnostic, RuffMirror

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

CONTEXT = 3
PYTHON_SUFFIXES: tuple[str, ...] = (".py", ".pyi")

LINT_SYSTEM = f"""You are haikutui, fixing the lint findings that ruff could not fix by itself.
- Edit only with the {TOOL_NAME} tool. Paths are relative to the repository root.
- Each finding is shown with the lines around it, numbered. Do not `view` what you can see.
- Fix the cause, not the symptom: never add `# noqa` and never change the lint config.
- `old_str` must match the file exactly once, without the line-number prefixes.
- Keep behaviour the same, and touch nothing but what the findings need.
- Send all the tool calls you need in one reply."""

AskCallback = Callable[[Rung, dict[str, list[Diagnostic]]], Awaitable[bool]]
"""`ask` escalation: given the next rung and what is left, say whether to climb."""


@dataclass
class RungAttempt:
    """One rung's try: which model, and what was left after it."""

    rung: str
    model: str
    remaining: int
    usage: Usage = field(default_factory=Usage)
    error: str = ""


@dataclass
class LintResult:
    """A lint repair: the proposal, the findings before and after, and the rungs it took."""

    proposal: Proposal
    before: dict[str, list[Diagnostic]]
    after: dict[str, list[Diagnostic]]
    attempts: list[RungAttempt] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def fixed(self, path: str) -> int:
        return max(0, len(self.before.get(path, [])) - len(self.after.get(path, [])))

    def remaining(self, path: str | None = None) -> int:
        if path is not None:
            return len(self.after.get(path, []))
        return sum(len(v) for v in self.after.values())

    @property
    def total_before(self) -> int:
        return sum(len(v) for v in self.before.values())

    @property
    def cost(self) -> float:
        return sum(cost(a.model, a.usage) or 0.0 for a in self.attempts)


class LintRepair:
    """Holds the ruff mirror for one repair, so re-linting the overlay costs one ruff call."""

    def __init__(self, repo: Repo, settings: Settings, paths: list[str] | None = None) -> None:
        self.repo = repo
        self.settings = settings
        self.overlay = Overlay(repo)
        self.ruff_texts: dict[str, str] = {}
        self.skipped: list[str] = []
        """Python files that cannot be repaired as text (binary, over the size limit)."""
        entries = repo.files()
        self.configs = [e.path for e in entries if e.tracked and Path(e.path).name in CONFIG_NAMES]
        self.paths = self._load(self._python_files(entries, paths))
        self.skeleton = [p for p in self._python_files(entries, None) if p.count("/") <= 1]

    def _python_files(self, entries: list[FileEntry], paths: list[str] | None) -> list[str]:
        """Tracked Python files under `paths` (repo-relative; None, "" or "." mean the repo)."""
        tracked = [
            e.path
            for e in entries
            if e.tracked
            and e.path.endswith(PYTHON_SUFFIXES)
            and not is_secret(e.path)
            and (self.repo.root / e.path).is_file()
        ]
        if not paths or any(raw in (".", "") for raw in paths):
            return tracked
        chosen: list[str] = []
        for raw in paths:
            rel = self.repo.resolve(raw).rstrip("/")
            inside = [p for p in tracked if p == rel or p.startswith(rel + "/")]
            if not inside:
                raise UsageError(f"{raw}: no tracked Python file there")
            chosen.extend(p for p in inside if p not in chosen)
        return chosen

    def _load(self, paths: list[str]) -> list[str]:
        """Read each file once into the overlay; git already said they are tracked.

        (`Overlay.load` asks git again for every file, which costs a process per file.)
        """
        loaded: list[str] = []
        for rel in paths:
            try:
                base = TextFile.decode((self.repo.root / rel).read_bytes(), rel)
            except UsageError:
                self.skipped.append(rel)
                continue
            self.overlay.files[rel] = OverlayFile(base, base.text)
            loaded.append(rel)
        return loaded

    def ruff_rung(
        self, mirror: RuffMirror
    ) -> tuple[dict[str, list[Diagnostic]], dict[str, list[Diagnostic]]]:
        """Ruff's safe fixes on the mirror; the overlay takes them. No key, no request."""
        before = mirror.check(self.paths)
        mirror.fix(self.paths)
        for rel in self.paths:
            fixed = mirror.read(rel)
            base = self.overlay.load(rel).base
            self.overlay.files[rel] = OverlayFile(base, fixed)
            self.ruff_texts[rel] = fixed
        return before, mirror.check(self.paths)

    def open_mirror(self) -> RuffMirror:
        texts = {rel: self.overlay.read(rel) for rel in self.paths}
        return RuffMirror(self.repo.root, texts, self.configs, self.skeleton)

    def relint(self, mirror: RuffMirror) -> dict[str, list[Diagnostic]]:
        mirror.write({rel: self.overlay.read(rel) for rel in self.paths})
        return mirror.check(self.paths)

    def model_diff(self) -> str:
        """What the model changed on top of ruff's fixes: the part a stronger model should see."""
        return "".join(
            FileChange(rel, TextFile(self.ruff_texts[rel]), self.overlay.files[rel].text).diff()
            for rel in self.paths
            if self.overlay.files[rel].text != self.ruff_texts[rel]
        )

    def reset_to_ruff(self) -> None:
        """Escalation starts again from ruff's output, not from the weaker model's edits."""
        for rel, text in self.ruff_texts.items():
            self.overlay.files[rel].text = text

    def proposal(self, attempts: list[RungAttempt]) -> Proposal:
        """The overlay's changes, each hunk marked with the rung that made it."""
        proposal = Proposal.from_overlay(self.overlay)
        by_model = [a.model for a in attempts if not a.error]
        mark_sources(proposal, self.ruff_texts, by_model[-1] if by_model else "model")
        proposal.model = by_model[-1] if by_model else "ruff"
        proposal.rung = attempts[-1].rung if attempts else "ruff"
        return proposal


def mark_sources(proposal: Proposal, ruff_texts: dict[str, str], model: str) -> None:
    """`hunk.source`: "ruff" when ruff's fixes alone explain every edit in it, else `model`."""
    for change in proposal.changes:
        ruff_text = ruff_texts.get(change.path, change.old_text)
        ruff_change = FileChange(change.path, change.base, ruff_text)
        ruff_lines = {line for h in ruff_change.hunks for line in h.lines if line[0] in "+-"}
        for hunk in change.hunks:
            edits = [line for line in hunk.lines if line[0] in "+-"]
            hunk.source = "ruff" if all(line in ruff_lines for line in edits) else model


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
) -> LintResult:
    """Run the ladder. `start=None` stops after ruff's rung (no key needed, no request made).

    `escalate` is `auto`, `ask` (await `on_ask(next_rung, findings)` for a yes) or `off`.
    `instructions` are the user's follow-ups, added to every model request. Git and ruff
    run in threads, so a TUI stays responsive and Esc can cancel between steps.
    """
    job = await asyncio.to_thread(LintRepair, repo, settings, paths)
    attempts: list[RungAttempt] = []
    own_client: AsyncAnthropic | None = None
    extra = "".join(f"\n\nAlso: {text.strip()}" for text in instructions if text.strip())
    try:
        with await asyncio.to_thread(job.open_mirror) as mirror:
            before, after = await asyncio.to_thread(job.ruff_rung, mirror)
            rung = start
            prior = ""
            sent = {rel: list(ds) for rel, ds in after.items() if ds}
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
                except NoChange as exc:
                    # A refusal or a cut-off reply: none of it is kept; a stronger rung may do better.
                    job.reset_to_ruff()
                    attempt.error = exc.message
                after = await asyncio.to_thread(job.relint, mirror)
                left = {rel: ds for rel, ds in after.items() if ds}
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
    finally:
        if own_client is not None:
            await own_client.close()
    return LintResult(proposal, before, after, attempts, skipped=job.skipped)


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

    @property
    def label(self) -> str:
        return self.request.path

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

    def escalate(self, reason: str = "the user asked for a stronger model") -> Rung | None:
        """One rung up, and no further by itself: the user is watching."""
        if self.start is None:  # ruff only so far: the model's first rung is next
            self.start = self.rung
            return self.rung
        rung = super().escalate(reason)
        if rung is not None:
            self.start, self.mode = rung, "off"
        return rung

    def refine(self, follow_up: str) -> None:
        self.follow_ups.append(follow_up)
        if self.start is None:
            self.start = self.rung


def lint_note(lint: LintResult) -> str:
    """One line for the review: what each rung left, and the total fixed."""
    steps = ["ruff"] + [
        f"{a.model} ({a.error.split(':')[0] if a.error else f'{a.remaining} left'})"
        for a in lint.attempts
    ]
    fixed = lint.total_before - lint.remaining()
    return f"{fixed} of {lint.total_before} findings fixed · " + " → ".join(steps)
