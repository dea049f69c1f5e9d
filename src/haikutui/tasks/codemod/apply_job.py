"""Apply the files that passed as one change: all or nothing, one journal entry, one undo."""

from __future__ import annotations

from haikutui.core.apply import Applied, apply_proposal
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.tasks.codemod.outcome import FileOutcome


def merged(outcomes: list[FileOutcome], instruction: str) -> Proposal:
    """Every file's changes in one proposal (each file its own, one file per request)."""
    changes = [c for o in outcomes if o.proposal is not None for c in o.proposal.changes]
    rungs = sorted({o.rung for o in outcomes if o.rung})
    return Proposal(changes, model="codemod", rung="+".join(rungs), note=instruction[:80])


def apply_outcomes(repo: Repo, outcomes: list[FileOutcome], instruction: str) -> Applied:
    """Every file fresh, or none written (`apply_proposal` checks all before the first write)."""
    label = f"codemod: {instruction.strip().splitlines()[0][:60]} ({len(outcomes)} files)"
    return apply_proposal(repo.root, merged(outcomes, instruction), label=label)
