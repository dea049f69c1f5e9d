"""The repair ladder: ruff's safe fixes for free, the model for what is left, re-lint, escalate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from haikutui.config import Settings
from haikutui.editor_tool import TOOL_NAME, numbered
from haikutui.errors import UsageError
from haikutui.fix_run import ProgressCallback, run_edits
from haikutui.ladder import Rung, next_rung
from haikutui.overlay import Overlay, OverlayFile
from haikutui.pricing import Usage, cost
from haikutui.proposal import FileChange, Proposal
from haikutui.repo import Repo, is_secret
from haikutui.ruff_runner import Diagnostic, RuffMirror, config_files

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

CONTEXT = 3

LINT_SYSTEM = f"""You are haikutui, fixing the lint findings that ruff could not fix by itself.
- Edit only with the {TOOL_NAME} tool. Paths are relative to the repository root.
- Each finding is shown with the lines around it, numbered. Do not `view` what you can see.
- Fix the cause, not the symptom: never add `# noqa` and never change the lint config.
- `old_str` must match the file exactly once, without the line-number prefixes.
- Keep behaviour the same, and touch nothing but what the findings need.
- Send all the tool calls you need in one reply."""

AskCallback = Callable[[Rung, list[Diagnostic]], "Any"]


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
        self.paths = self._python_files(paths)
        self.overlay = Overlay(repo)
        self.ruff_texts: dict[str, str] = {}

    def _python_files(self, paths: list[str] | None) -> list[str]:
        tracked = [e.path for e in self.repo.files() if e.tracked and e.path.endswith(".py")]
        if not paths:
            return [p for p in tracked if not is_secret(p) and (self.repo.root / p).is_file()]
        chosen: list[str] = []
        for raw in paths:
            rel = self.repo.resolve(raw) if raw not in (".", "") else ""
            inside = [
                p for p in tracked if p == rel or not rel or p.startswith(rel.rstrip("/") + "/")
            ]
            if not inside:
                raise UsageError(f"{raw}: no tracked Python file there")
            chosen.extend(p for p in inside if p not in chosen)
        return chosen

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
        return RuffMirror(self.repo.root, texts, config_files(self.repo))

    def relint(self, mirror: RuffMirror) -> dict[str, list[Diagnostic]]:
        mirror.write({rel: self.overlay.read(rel) for rel in self.paths})
        return mirror.check(self.paths)

    def reset_to_ruff(self) -> None:
        """Escalation starts again from ruff's output, not from the weaker model's edits."""
        for rel, text in self.ruff_texts.items():
            self.overlay.files[rel].text = text

    def proposal(self, attempts: list[RungAttempt]) -> Proposal:
        """The overlay's changes, each hunk marked with the rung that made it."""
        proposal = Proposal.from_overlay(self.overlay)
        by_model = [a.model for a in attempts if not a.error]
        for change in proposal.changes:
            ruff_change = FileChange(change.path, change.base, self.ruff_texts.get(change.path, ""))
            ruff_lines = {line for h in ruff_change.hunks for line in h.lines if line[0] in "+-"}
            for hunk in change.hunks:
                edits = [line for line in hunk.lines if line[0] in "+-"]
                if all(line in ruff_lines for line in edits):
                    hunk.source = "ruff"
                else:
                    hunk.source = by_model[-1] if by_model else "model"
        proposal.model = by_model[-1] if by_model else "ruff"
        proposal.rung = attempts[-1].rung if attempts else "ruff"
        return proposal


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
    on_ask: Callable[[Rung, dict[str, list[Diagnostic]]], Any] | None = None,
) -> LintResult:
    """Run the ladder. `start=None` stops after ruff's rung (no key needed, no request made).

    `escalate` is `auto`, `ask` (await `on_ask(next_rung, findings)` for a yes) or `off`.
    """
    job = LintRepair(repo, settings, paths)
    attempts: list[RungAttempt] = []
    with job.open_mirror() as mirror:
        before, after = job.ruff_rung(mirror)
        rung = start
        prior = ""
        sent = {rel: list(ds) for rel, ds in after.items() if ds}
        while rung is not None and sent:
            job.reset_to_ruff()
            run = await run_edits(
                job.overlay,
                lint_messages(job.overlay, sent, prior),
                rung,
                settings,
                system=LINT_SYSTEM,
                client=client,
                on_progress=on_progress,
            )
            after = job.relint(mirror)
            left = {rel: ds for rel, ds in after.items() if ds}
            attempts.append(
                RungAttempt(rung.name, rung.model, sum(map(len, left.values())), run.progress.usage)
            )
            if not left or escalate == "off":
                break
            upper = next_rung(rung, settings)
            if upper is None:
                break
            if escalate == "ask" and not (on_ask is not None and await on_ask(upper, left)):
                break
            weaker = Proposal.from_overlay(job.overlay).diff()
            prior = (
                f"An earlier attempt by {rung.model} proposed this change, which is NOT applied:\n"
                f"```diff\n{weaker.strip() or '(no change)'}\n```\n"
                "It was passed on to you because ruff still reports: "
                + "; ".join(d.label for ds in left.values() for d in ds[:5])
            )
            rung = upper
        proposal = job.proposal(attempts)
    return LintResult(proposal, before, after, attempts)
