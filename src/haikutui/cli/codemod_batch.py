"""`haikutui fix … --batch` and `haikutui batch collect ID` for a codemod job."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import TYPE_CHECKING

from haikutui.cli.output import plural, say

if TYPE_CHECKING:
    from haikutui.core.config import Settings
    from haikutui.core.repo import Repo
    from haikutui.model.ladder import Rung
    from haikutui.tasks.codemod.batch import Gathered
    from haikutui.tasks.codemod.job import Job
    from haikutui.tasks.codemod.outcome import FileOutcome
    from haikutui.tasks.lint.batch import BatchRecord


def submit_codemod(job: Job, args: argparse.Namespace) -> BatchRecord:
    from haikutui.model.capabilities import require_platform
    from haikutui.tasks.codemod.batch import submit_job

    require_platform(job.settings, "batches")  # a provider without batches: nothing sent
    record = asyncio.run(submit_job(job))
    if args.json:
        print(
            json.dumps(
                {
                    "batch": record.id,
                    "batches": record.batch_ids,
                    "requests": record.requests,
                    "model": record.model,
                    "files": [f.path for f in record.files],
                }
            )
        )
    split = f" in {len(record.batch_ids)} batches (the API's limits)" if record.parts[1:] else ""
    say(
        f"submitted {record.id}: codemod of {plural(len(record.files), 'file')}{split} to "
        f"{record.model} at batch price (50% off) · `haikutui batch status {record.id}` · "
        f"`haikutui batch collect {record.id}`"
        + (" (then again for the judge's answers, sent at half price)" if job.judged else "")
    )
    return record


def collect_codemod(repo: Repo, settings: Settings, args: argparse.Namespace) -> int:
    """The answers the job waited for; the next round (the judge, and with `--escalate` the
    tail a rung up) as one more batch of the job; the files that passed applied once nothing
    waits, as one journal entry."""
    from haikutui.cli.codemod_result import finish
    from haikutui.tasks.lint.batch import remember_applied

    gathered = asyncio.run(_gather(repo, settings, args))
    for path in gathered.already:
        say(f"already applied: {path} (an earlier collect of this batch)")
    for path in gathered.stale:
        say(f"stale: {path} changed since submission; left as it is")
    job = gathered.job
    if not job.outcomes:
        if args.json:
            print(json.dumps({"batch": args.id, "files": [], "applied": [], "waiting": []}))
        say(f"{args.id}: every file was applied by an earlier collect; nothing to do")
        return 0
    try:
        return finish(job, args, header=args.id, next_batch=gathered.next_batch)
    finally:
        if job.applied:  # a second collect knows these writes as ours
            remember_applied(repo, args.id, job.applied)


async def _gather(repo: Repo, settings: Settings, args: argparse.Namespace) -> Gathered:
    from haikutui.cli.codemod_result import checker
    from haikutui.model.ladder import Rung
    from haikutui.tasks.codemod.batch import books_of, gather_results, send_round, settle
    from haikutui.tasks.codemod.live import check_and_judge, judgeable, run_live
    from haikutui.tasks.lint.batch import using

    judge_live = getattr(args, "judge_live", False)
    async with using(settings, None) as client:
        gathered = await gather_results(repo, settings, args.id, client)
        job = gathered.job
        check = checker(repo, settings, args)
        fresh = [o for o in job.outcomes if o.path not in gathered.stale]
        # The verdict on every proposal that may be judged or applied (a judge's no goes up
        # or waits for a look whatever the verdict says); the judge live only if asked.
        to_check = [o for o in fresh if o.judgement is None or o.judgement.yes]
        await check_and_judge(job, to_check, check, client, judge=judge_live)
        to_judge = [
            o
            for o in fresh
            if job.judged and not judge_live and judgeable(o) and o.judgement is None
        ]
        tail = [o for o in job.tail(fresh) if o not in to_judge] if args.escalate else []
        up: list[tuple[FileOutcome, Rung]] = []
        for o in tail:
            rung = job.escalate([o], Rung(o.rung, o.model))
            if rung is not None:
                up.append((o, rung))
        batched = (job.judged and not judge_live) or args.batch
        if batched and (to_judge or up):
            gathered.next_batch = await send_round(gathered, client, judge=to_judge, up=up)
            say(_round_line(gathered, len(to_judge), up))
        elif up:
            for rung in {r.name: r for _, r in up}.values():
                files = [o for o, r in up if r == rung]
                say(
                    f"codemod: {plural(len(files), 'file')} go up to {rung.name} ({rung.model}), live"
                )
                await run_live(job, check, pending=files, rung=rung)
        settle(gathered)
    job.books = books_of(gathered)
    return gathered


def _round_line(gathered: Gathered, judged: int, up: list[tuple[FileOutcome, Rung]]) -> str:
    """What the round just sent waits for, and how to collect it."""
    from haikutui.tasks.codemod.judge import judge_rung

    model = judge_rung(gathered.job.settings).model
    parts = [f"{plural(judged, 'judge request')} ({model}, at batch price)"] if judged else []
    rungs: dict[str, int] = {}
    for _, rung in up:
        rungs[f"{rung.name} ({rung.model})"] = rungs.get(f"{rung.name} ({rung.model})", 0) + 1
    parts += [f"{plural(n, 'file')} up to {name}" for name, n in rungs.items()]
    job = gathered.record.id
    return (
        f"codemod: sent {' and '.join(parts)} as batch {gathered.next_batch} of job {job} · "
        f"`haikutui batch collect {job}` when it has ended"
    )
