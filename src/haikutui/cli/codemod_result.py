"""A codemod's one result, live or collected: diffs by file with rung, verdict and judge;
`--yes` applies what passed as one journal entry; the books on stderr."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from haikutui.cli.output import out, plural, print_diff, say
from haikutui.core.errors import ChecksFailed, ModelError, NoChange

if TYPE_CHECKING:
    from haikutui.core.config import Settings
    from haikutui.core.repo import Repo
    from haikutui.tasks.codemod.job import Check, Job


def checker(repo: Repo, settings: Settings, args: argparse.Namespace) -> Check:
    from haikutui.cli.verdict_gate import verdict_for

    return lambda proposal: verdict_for(repo, proposal, settings, args)


def finish(job: Job, args: argparse.Namespace, *, header: str = "", next_batch: str = "") -> int:
    """One result grouped by file; `--yes` applies only what passed, as one journal entry."""
    from haikutui.tasks.codemod.apply_job import apply_outcomes

    passing, rest = job.passing, job.needs_a_look
    if not getattr(args, "allow_exec_edits", False):  # files that configure what runs wait
        runs = [o for o in passing if o.verdict is not None and o.verdict.exec_edits]
        passing = [o for o in passing if o not in runs]
        rest = [*rest, *runs]
        for o in runs:
            say(f"{o.path}: edits what runs; not applied (--allow-exec-edits applies it)")
    applied: list[str] = []
    journal = ""
    waiting = job.waiting
    if args.yes and passing and not waiting:  # the whole job at once: one journal entry
        done = apply_outcomes(job.repo, passing, job.instruction)
        applied, journal = done.paths, done.journal_id
        job.applied = applied
    if args.json:
        print(
            json.dumps(
                {
                    **({"batch": header} if header else {}),
                    **({"next_batch": next_batch} if next_batch else {}),
                    "files": [o.as_json(job.judged, o.path in applied) for o in job.outcomes],
                    "applied": applied,
                    "journal": journal,
                    "needs_a_look": [o.path for o in rest],
                    "waiting": [o.path for o in waiting],
                    "books": {**job.books.as_json(), **job.stats()},
                },
                indent=2,
            )
        )
    else:
        for o in job.outcomes:
            if o.proposal is None:
                continue
            judge = (
                f"judge {o.judgement.answer}: {o.judgement.reason}"
                if o.judgement
                else "judge: waits in the next batch"
                if o.waiting
                else "not judged"
            )
            check = o.verdict.summary if o.verdict else "not checked"
            out(f"# {o.path} · {o.rung} ({o.model}) · {check} · {judge}")
            print_diff(o.proposal.diff())
    _say_books(job)
    for o in rest:
        say(f"needs a look: {o.path} ({o.rung or 'not sent'}): {o.why_not(job.judged)}")
    if waiting:
        rungs = sorted({o.waiting for o in waiting})
        say(
            f"waiting: {plural(len(waiting), 'file')} ({', '.join(rungs)}) in batch "
            f"{next_batch or 'sent earlier'} · nothing is applied until no file waits (one "
            f"journal entry, one undo) · `haikutui batch collect {header}` again when it has ended"
        )
        raise NoChange(f"{header}: {plural(len(waiting), 'file')} still waiting; collect later")
    if not any(o.proposal for o in job.outcomes):
        if all(o.exit_code == ModelError.exit_code for o in job.outcomes):
            raise ModelError(job.outcomes[0].error)  # no key, offline: every file the same
        raise NoChange(f"no file got a proposal ({plural(len(job.outcomes), 'file')})")
    if applied:
        say(f"applied to {plural(len(applied), 'file')} · undo all with `haikutui undo {journal}`")
    elif not args.yes:
        say(f"{plural(len(passing), 'file')} pass · not applied (use --yes)")
    if args.yes and rest:
        raise ChecksFailed(
            f"{plural(len(rest), 'file')} not applied: failed checks or not judged yes"
        )
    return 0


def _say_books(job: Job) -> None:
    from haikutui.model.pricing import format_cost

    books = job.books
    parts = [
        f"{name} {plural(s.requests, 'request')} {format_cost(s.cost)}"
        for name, s in books.shares.items()
    ]
    stats = job.stats()
    stayed = stats["stayed_on_start"]
    agreed = f" · judge yes to {stats['judge_yes']} of {stats['judged']}" if job.judged else ""
    say(
        f"codemod: {plural(len(job.outcomes), 'file')} · {len(job.passing)} pass · "
        f"{stayed} stayed on {job.start.name} · "
        + " · ".join(parts)
        + agreed
        + f" · total {format_cost(books.total)}"
        + (" (batched results at half price)" if books.batch else "")
        + f" · the same usage on the strongest rung {format_cost(books.strongest_cost)}"
    )
