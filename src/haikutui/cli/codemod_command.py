"""`haikutui fix PATH… -m "…"` over many files: pick, estimate, run (live or batched),
check, judge, escalate the tail, and one result grouped by file."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from haikutui.cli.output import plural, print_diff, say
from haikutui.core.errors import ChecksFailed, ModelError, NoChange, UsageError

if TYPE_CHECKING:
    from haikutui.core.config import Settings
    from haikutui.core.repo import Repo
    from haikutui.model.ladder import Rung
    from haikutui.tasks.codemod.job import Check, Job
    from haikutui.tasks.codemod.job_estimate import JobEstimate


def is_codemod(args: argparse.Namespace) -> bool:
    """More than one path, a folder, a glob, --grep, --batch or --no-judge: a codemod.
    One file (with or without lines) stays the quick fix it always was."""
    from haikutui.tasks.codemod.targets import is_glob

    if len(args.targets) != 1 or args.grep is not None or args.batch or args.no_judge:
        return True
    spec = args.targets[0]
    return is_glob(spec) or Path(spec).is_dir()


def run_codemod(args: argparse.Namespace) -> int:
    from haikutui.core.config import load_settings
    from haikutui.core.repo import Repo
    from haikutui.model.ladder import resolve
    from haikutui.tasks.codemod.job import Job
    from haikutui.tasks.codemod.targets import pick

    if not args.message.strip():
        raise UsageError("-m: the instruction is empty")
    repo = Repo(Path.cwd())
    settings = load_settings(repo.root)
    targets = pick(repo, args.targets, args.grep)
    rung = resolve(args.model, settings)
    texts = {t.path: repo.read_for_model(t.path).text for t in targets}
    job = Job.of(
        repo,
        settings,
        targets,
        args.message,
        rung,
        texts=texts,
        grep=args.grep,
        judged=not args.no_judge,
    )
    from haikutui.tasks.codemod.job_estimate import estimate_job

    estimate = estimate_job(job.outcomes, texts, settings, start=rung, judged=job.judged)
    if args.dry_run:
        _print_estimate(estimate, len(targets), rung, as_json=args.json)
        return 0
    _check_budget(estimate, rung, settings, args)
    if args.batch:
        from haikutui.cli.codemod_batch import submit_codemod

        return submit_codemod(job, args)
    _print_estimate(estimate, len(targets), rung, as_json=False, out=sys.stderr, only=rung)
    from haikutui.tasks.codemod.live import run_live

    asyncio.run(run_live(job, checker(repo, settings, args), concurrency=args.concurrency))
    return finish(job, args)


def checker(repo: Repo, settings: Settings, args: argparse.Namespace) -> Check:
    from haikutui.cli.verdict_gate import verdict_for

    return lambda proposal: verdict_for(repo, proposal, settings, args)


def _print_estimate(
    estimate: JobEstimate,
    files: int,
    start: Rung,
    *,
    as_json: bool,
    out: object = None,
    only: Rung | None = None,
) -> None:
    """Each rung for the whole job, live and batched side by side, and the judge's part."""
    from haikutui.model.pricing import format_cost

    stream = out or sys.stdout
    if as_json:
        print(json.dumps({"files": files, "start": start.name, **estimate.as_json()}, indent=2))
        return
    rows = [r for r in estimate.rungs if only is None or r.rung.model == only.model]
    if estimate.judge is not None:
        rows.append(estimate.judge)
    print(f"estimate for {plural(files, 'file')}:", file=stream)  # type: ignore[arg-type]
    for r in rows:
        name = "judge" if r is estimate.judge else r.rung.name
        print(
            f"  {name:<9} {r.rung.model:<22} ≈{r.input_tokens:,} in + {r.output_tokens:,} out · "
            f"live {format_cost(r.live)} · batched {format_cost(r.batched)}",
            file=stream,  # type: ignore[arg-type]
        )


def _check_budget(
    estimate: JobEstimate, rung: Rung, settings: Settings, args: argparse.Namespace
) -> None:
    """The first round's total (every file on the start rung, plus the judge) against the
    budget; nothing is sent when it is over."""
    from haikutui.model.budget import over_budget

    total = estimate.total(rung.name, batch=args.batch) if rung.name != "custom" else None
    if total is None:
        item = next((r for r in estimate.rungs if r.rung.model == rung.model), None)
        total = None if item is None else (item.batched if args.batch else item.live)
    problem = over_budget(total, rung.model, settings, max_cost=args.max_cost)
    if problem:
        allow = f"{(total or 0) * 1.5:.4f}".rstrip("0").rstrip(".")
        raise UsageError(f"the job's {problem}; nothing sent. Allow it with --max-cost {allow}")


def finish(job: Job, args: argparse.Namespace, *, header: str = "") -> int:
    """One result grouped by file; `--yes` applies only what passed, as one journal entry."""
    from haikutui.tasks.codemod.apply_job import apply_outcomes

    passing, rest = job.passing, job.needs_a_look
    applied: list[str] = []
    journal = ""
    if args.yes and passing:
        done = apply_outcomes(job.repo, passing, job.instruction)
        applied, journal = done.paths, done.journal_id
        job.applied = applied
    if args.json:
        print(
            json.dumps(
                {
                    **({"batch": header} if header else {}),
                    "files": [o.as_json(job.judged, o.path in applied) for o in job.outcomes],
                    "applied": applied,
                    "journal": journal,
                    "needs_a_look": [o.path for o in rest],
                    "books": job.books.as_json(),
                },
                indent=2,
            )
        )
    else:
        for o in job.outcomes:
            if o.proposal is None:
                continue
            judge = (
                f"judge {o.judgement.answer}: {o.judgement.reason}" if o.judgement else "not judged"
            )
            check = o.verdict.summary if o.verdict else "not checked"
            print(f"# {o.path} · {o.rung} ({o.model}) · {check} · {judge}")
            print_diff(o.proposal.diff())
    _say_books(job)
    for o in rest:
        say(f"needs a look: {o.path} ({o.rung or 'not sent'}): {o.why_not(job.judged)}")
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
    stayed = sum(1 for o in job.outcomes if o.tried == [job.start.name])
    say(
        f"codemod: {plural(len(job.outcomes), 'file')} · {len(job.passing)} pass · "
        f"{stayed} stayed on {job.start.name} · "
        + " · ".join(parts)
        + f" · total {format_cost(books.total)}"
        + (" (batch price)" if books.batch else "")
        + f" · the same usage on the strongest rung {format_cost(books.strongest_cost)}"
    )
