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
    from haikutui.tasks.codemod.job import Job
    from haikutui.tasks.lint.batch_record import BatchRecord


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
    from haikutui.cli.codemod_result import checker, finish
    from haikutui.tasks.codemod.collect import collect_job
    from haikutui.tasks.lint.batch_record import remember_applied

    gathered = asyncio.run(
        collect_job(
            repo,
            settings,
            args.id,
            checker(repo, settings, args),
            judge_live=getattr(args, "judge_live", False),
            escalate=args.escalate,
            batch_tail=args.batch,
            say=say,
        )
    )
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
