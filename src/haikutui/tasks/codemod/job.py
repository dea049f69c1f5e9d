"""A codemod job: the instruction, one request per picked file, and the ladder it climbs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from haikutui.core.config import Settings
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.model.fix_request import FixRequest, PriorAttempt
from haikutui.model.ladder import Rung, next_rung
from haikutui.tasks.codemod.outcome import Books, FileOutcome
from haikutui.tasks.codemod.targets import Target
from haikutui.tasks.verdict.checks import Verdict, check_proposal

Check = Callable[[Proposal], Verdict]


def verdict_check(repo: Repo, settings: Settings) -> Check:
    """The verdict as a review runs it: the checks, and the tests only when `[checks]
    test_command` is set (and the repo trusted); what the CLI's `--test` would add waits."""
    return lambda proposal: check_proposal(
        repo,
        proposal,
        test_command=settings.test_command,
        tests=None,
        timeout=settings.test_timeout,
        trusted=settings.repo_trusted,
        pass_env=settings.pass_env,
        strict=settings.checks_strict,
    )


SELECTION_SPAN = 60
"""Matches within this many lines are one selection (sent by scope); wider apart, the file
goes whole and the request quotes each matched line, so no huge selection is repeated."""
QUOTED = 50


def request_for(target: Target, instruction: str, grep: str | None, text: str) -> FixRequest:
    """A grep match is a selection: the request says which lines matched, and the file is
    sent by scope around them as a quick fix's selection is."""
    if not target.matches:
        return FixRequest(target.path, instruction, target.selection)
    lines = text.split("\n")
    quoted = "\n".join(
        f"{n}: {lines[n - 1].rstrip()[:200]}" for n in target.matches[:QUOTED] if n <= len(lines)
    )
    more = f"\n(and {len(target.matches) - QUOTED} more)" if len(target.matches) > QUOTED else ""
    said = (
        f"{instruction.strip()}\n\nThe pattern /{grep}/ matched these lines; apply the "
        f"instruction there:\n{quoted}{more}"
    )
    first, last = target.lines or (1, 1)
    selection = (first, last) if last - first < SELECTION_SPAN else None
    return FixRequest(target.path, said, selection)


@dataclass
class Job:
    """Every file's outcome so far; `judged` unless `--no-judge`."""

    repo: Repo
    settings: Settings
    instruction: str
    outcomes: list[FileOutcome]
    start: Rung
    judged: bool = True
    books: Books = field(default_factory=Books)
    applied: list[str] = field(default_factory=list)
    """What `--yes` wrote (one journal entry)."""
    id: str = field(default_factory=lambda: f"job-{uuid.uuid4().hex[:12]}")
    """Names the job's requests in the log (a batched job: its first batch's ID)."""

    @classmethod
    def of(
        cls,
        repo: Repo,
        settings: Settings,
        targets: list[Target],
        instruction: str,
        start: Rung,
        *,
        texts: dict[str, str],
        grep: str | None = None,
        judged: bool = True,
    ) -> Job:
        outcomes = [
            FileOutcome(t.path, request_for(t, instruction, grep, texts[t.path])) for t in targets
        ]
        return cls(repo, settings, instruction, outcomes, start, judged)

    def tail(self, among: list[FileOutcome]) -> list[FileOutcome]:
        """The files that go up a rung: no proposal, a blocking verdict, or a judge's no/unsure."""
        return [o for o in among if not o.waiting and not o.passes(self.judged)]

    def escalate(self, files: list[FileOutcome], rung: Rung) -> Rung | None:
        """The next rung for `files`, each told what the weaker attempt proposed and why it
        was passed on; None at the top (they keep their last attempt)."""
        up = next_rung(rung, self.settings)
        if up is None:
            return None
        for o in files:
            diff = o.proposal.diff() if o.proposal else ""
            o.request = o.request.escalated(
                PriorAttempt(o.model or rung.model, diff, o.why_not(self.judged))
            )
        return up

    @property
    def passing(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.passes(self.judged)]

    @property
    def needs_a_look(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if not o.waiting and not o.passes(self.judged)]

    @property
    def waiting(self) -> list[FileOutcome]:
        """Files whose next answer (a judge's, or a rung up) is in a batch not collected yet."""
        return [o for o in self.outcomes if o.waiting]

    def stats(self) -> dict[str, int | float]:
        """The job's books beside its bill: how many stayed on the start rung, how often the
        judge agreed with a passing verdict, and the same usage priced on the strongest rung."""
        judged = [o for o in self.outcomes if o.judgement is not None]
        return {
            "files": len(self.outcomes),
            "passing": len(self.passing),
            "stayed_on_start": sum(1 for o in self.outcomes if o.tried == [self.start.name]),
            "judged": len(judged),
            "judge_yes": sum(1 for o in judged if o.judgement is not None and o.judgement.yes),
            "strongest_cost": round(self.books.strongest_cost, 6),
        }
