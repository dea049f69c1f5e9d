"""A codemod job: the instruction, one request per picked file, and the ladder it climbs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from haikutui.core.config import Settings
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.model.fix_request import FixRequest, PriorAttempt
from haikutui.model.ladder import Rung, next_rung
from haikutui.tasks.checks import Verdict
from haikutui.tasks.codemod.outcome import Books, FileOutcome
from haikutui.tasks.codemod.targets import Target

Check = Callable[[Proposal], Verdict]


def request_for(target: Target, instruction: str, grep: str | None) -> FixRequest:
    """A grep match is a selection: the request says which lines matched, and the file is
    sent by scope around them as a quick fix's selection is."""
    if not target.matches:
        return FixRequest(target.path, instruction)
    lines = ", ".join(str(n) for n in target.matches[:50])
    more = f" and {len(target.matches) - 50} more" if len(target.matches) > 50 else ""
    said = (
        f"{instruction.strip()}\n(The pattern /{grep}/ matched line"
        f"{'s' * (len(target.matches) > 1)} {lines}{more}: apply the instruction there.)"
    )
    return FixRequest(target.path, said, target.lines)


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

    @classmethod
    def of(
        cls,
        repo: Repo,
        settings: Settings,
        targets: list[Target],
        instruction: str,
        start: Rung,
        *,
        grep: str | None = None,
        judged: bool = True,
    ) -> Job:
        outcomes = [FileOutcome(t.path, request_for(t, instruction, grep)) for t in targets]
        return cls(repo, settings, instruction, outcomes, start, judged)

    def tail(self, among: list[FileOutcome]) -> list[FileOutcome]:
        """The files that go up a rung: no proposal, a blocking verdict, or a judge's no/unsure."""
        return [o for o in among if not o.passes(self.judged)]

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
        return [o for o in self.outcomes if not o.passes(self.judged)]
