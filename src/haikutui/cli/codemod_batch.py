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
    from haikutui.tasks.codemod.batch import Gathered
    from haikutui.tasks.codemod.job import Job


def submit_codemod(job: Job, args: argparse.Namespace) -> int:
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
    )
    return 0


def collect_codemod(repo: Repo, settings: Settings, args: argparse.Namespace) -> int:
    """The results as one review by file; verdict, judge, and (`--escalate`) the tail live."""
    from haikutui.cli.codemod_result import finish
    from haikutui.tasks.lint.batch import remember_applied

    gathered = asyncio.run(_gather(repo, settings, args))
    for path in gathered.already:
        say(f"already applied: {path} (an earlier collect of this batch)")
    for path in gathered.stale:
        say(f"stale: {path} changed since submission; left as it is")
    job = gathered.job
    if not job.outcomes:
        say(f"{args.id}: every file was applied by an earlier collect; nothing to do")
        return 0
    try:
        return finish(job, args, header=args.id, next_batch=gathered.next_batch)
    finally:
        if job.applied:  # a second collect knows these writes as ours
            remember_applied(repo, args.id, job.applied)


async def _gather(repo: Repo, settings: Settings, args: argparse.Namespace) -> Gathered:
    from haikutui.cli.codemod_result import checker
    from haikutui.tasks.codemod.batch import gather_results
    from haikutui.tasks.codemod.live import check_and_judge, run_live
    from haikutui.tasks.lint.batch import using

    async with using(settings, None) as client:
        gathered = await gather_results(repo, settings, args.id, client)
        job = gathered.job
        check = checker(repo, settings, args)
        fresh = [o for o in job.outcomes if o.path not in gathered.stale]
        await check_and_judge(job, fresh, check, client)
    if args.escalate:
        tail = job.tail(fresh)
        up = job.escalate(tail, job.start) if tail else None
        if up is not None and args.batch:
            from haikutui.tasks.codemod.batch import submit_job
            from haikutui.tasks.codemod.job import Job

            sub = Job(repo, settings, job.instruction, tail, up, job.judged)
            gathered.next_batch = (await submit_job(sub)).id
            say(
                f"codemod: {plural(len(tail), 'file')} sent up to {up.name} ({up.model}) as "
                f"batch {gathered.next_batch} · `haikutui batch collect {gathered.next_batch}`"
            )
        elif up is not None:
            say(f"codemod: {len(tail)} files go up to {up.name} ({up.model}), live")
            await run_live(job, check, pending=tail, rung=up)
    return gathered
