"""`haikutui fix PATH… -m "…"` over many files: pick, estimate, run (live or batched),
check, judge, escalate the tail, and one result grouped by file."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from haikutui.cli.codemod_result import checker, finish
from haikutui.cli.output import plural
from haikutui.core.errors import UsageError
from haikutui.core.terminal_text import shown

if TYPE_CHECKING:
    from haikutui.core.config import Settings
    from haikutui.model.ladder import Rung
    from haikutui.tasks.codemod.job_estimate import JobEstimate


def is_codemod(args: argparse.Namespace) -> bool:
    """More than one path, a folder, a glob, --grep, --batch or --no-judge: a codemod.
    One file (with or without lines) stays the quick fix it always was."""
    from haikutui.tasks.codemod.targets import is_glob

    if len(args.targets) != 1 or args.grep is not None or args.batch or args.no_judge:
        return True
    spec = args.targets[0]
    # a file whose name holds `[` or `*` is that file, not a pattern
    return (is_glob(spec) and not Path(spec).exists()) or Path(spec).is_dir()


def run_codemod(args: argparse.Namespace) -> int:
    from haikutui.cli.repo_trust import settings_for
    from haikutui.core.repo import Repo
    from haikutui.model.ladder import resolve
    from haikutui.tasks.codemod.job import Job
    from haikutui.tasks.codemod.targets import pick

    if not args.message.strip():
        raise UsageError("-m: the instruction is empty")
    repo = Repo(Path.cwd())
    settings = settings_for(repo, args)  # a repo's powerful settings wait for trust
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
    from haikutui.model.request_log import log_job
    from haikutui.tasks.codemod.job_estimate import job_line

    if args.batch:
        from haikutui.cli.codemod_batch import submit_codemod

        record = submit_codemod(job, args)
        log_job(repo.root, job_line(record.id, estimate, len(targets), rung, batch=True))
        return 0
    _print_estimate(estimate, len(targets), rung, as_json=False, out=sys.stderr, only=rung)
    from haikutui.tasks.codemod.live import run_live

    log_job(repo.root, job_line(job.id, estimate, len(targets), rung, batch=False))

    asyncio.run(run_live(job, checker(repo, settings, args), concurrency=args.concurrency))
    return finish(job, args)


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
        line = (
            f"  {name:<9} {r.rung.model:<22} ≈{r.input_tokens:,} in + {r.output_tokens:,} out · "
            f"live {format_cost(r.live)} · batched {format_cost(r.batched)}"
        )
        print(shown(line), file=stream)  # type: ignore[arg-type]  # a model ID is config text


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
