"""`haikutui lint --batch` and `haikutui batch list|status|collect`: batches from the shell."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime
from typing import Any

from haikutui.cli.output import out, plural, print_diff, say
from haikutui.cli.parser import EXIT_CODES, Parser, add_check_flags, add_provider_option
from haikutui.cli.verdict_gate import may_apply, report, verdict_for
from haikutui.core.apply import apply_proposal
from haikutui.core.config import Settings
from haikutui.core.errors import NoChange, UsageError
from haikutui.core.repo import Repo
from haikutui.model.ladder import resolve
from haikutui.tasks.lint.batch import collect, status, submit
from haikutui.tasks.lint.batch_record import forget, records, remember_applied


def submit_lint_batch(
    repo: Repo, settings: Settings, paths: list[str] | None, args: argparse.Namespace
) -> int:
    if args.no_model:
        raise UsageError(
            "--batch sends the model's part as a batch; it makes no sense with --no-model"
        )
    from haikutui.model.capabilities import require_platform

    require_platform(settings, "batches")  # before ruff runs: a provider without batches
    record = asyncio.run(submit(repo, settings, paths, resolve(args.model, settings)))
    if args.json:
        print(
            json.dumps(
                {
                    "batch": record.id,
                    "batches": record.batch_ids,
                    "requests": record.requests,
                    "model": record.model,
                }
            )
        )
    split = f" in {len(record.batch_ids)} batches (the API's limits)" if record.parts[1:] else ""
    say(
        f"submitted {record.id}: {plural(record.requests, 'request')}{split} to {record.model} at "
        f"batch price (50% off) · `haikutui batch status {record.id}` · "
        f"`haikutui batch collect {record.id}`"
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="haikutui batch",
        description="Lint repairs sent as Message Batches (`haikutui lint --batch`).",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_provider_option(parser)
    sub = parser.add_subparsers(dest="action", required=True, parser_class=Parser)
    list_parser = sub.add_parser("list", help="batches submitted from this repo")
    list_parser.add_argument("--json", action="store_true")
    status_parser = sub.add_parser("status", help="progress of one batch")
    status_parser.add_argument("id")
    status_parser.add_argument("--json", action="store_true")
    forget_parser = sub.add_parser("forget", help="drop a batch from this repo's list")
    forget_parser.add_argument("id")
    collect_parser = sub.add_parser("collect", help="turn a finished batch into diffs")
    collect_parser.add_argument("id")
    collect_parser.add_argument("--yes", action="store_true", help="apply what is not stale")
    collect_parser.add_argument("--json", action="store_true")
    collect_parser.add_argument(
        "--escalate",
        action="store_true",
        help="a codemod: send the files that failed the verdict or the judge a rung up (in the "
        "job's next batch when the judge is batched, else live)",
    )
    collect_parser.add_argument(
        "--batch",
        action="store_true",
        help="a codemod judged live or not at all: send the --escalate tail as the job's next "
        "batch (half price), not live",
    )
    collect_parser.add_argument(
        "--judge-live",
        action="store_true",
        help="a codemod: judge the proposals now, live at full price, instead of in the job's "
        "next batch (half price, one more collect)",
    )
    add_check_flags(collect_parser)
    return parser


def progress_line(batch: Any) -> tuple[int, int, str]:
    """Done, total, and a one-line summary, from the batch's request counts."""
    counts = batch.request_counts
    done = counts.succeeded + counts.errored + counts.canceled + counts.expired
    total = done + counts.processing
    line = (
        f"{batch.processing_status}, {done}/{total} done ({counts.succeeded} succeeded, "
        f"{counts.errored} errored, {counts.expired} expired, {counts.canceled} canceled)"
    )
    return done, total, line


def run_batch(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    repo = Repo(".")
    from haikutui.cli.repo_trust import settings_for

    settings = settings_for(repo, args)
    if args.action == "list":
        found = records(repo)
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "id": r.id,
                            "created": r.created,
                            "model": r.model,
                            "requests": r.requests,
                            "kind": r.kind,
                            "batches": r.batch_ids,
                            "collected": r.collected,
                            **({"waiting": r.waiting} if r.kind == "codemod" else {}),
                            "files": [f.path for f in r.files],
                        }
                        for r in found
                    ]
                )
            )
            return 0
        if not found:
            say("no batches submitted from this repo")
        for record in found:
            when = datetime.fromtimestamp(record.created).strftime("%Y-%m-%d %H:%M")
            parts = f" in {len(record.batch_ids)} batches" if record.parts[1:] else ""
            collected = "  collected" if record.collected else ""
            size = plural(record.requests, "request")
            if record.kind == "codemod":  # a job of rounds: its files, and how many still wait
                size = plural(len(record.files), "file")
                collected = f"  {record.waiting} waiting" if record.waiting else "  done"
            out(f"{record.id}  {when}  {record.kind}  {record.model}  {size}{parts}{collected}")
        return 0
    if args.action == "forget":
        gone = forget(repo, args.id)
        say(f"forgot {gone.id}: no longer listed (nothing was sent)")
        return 0
    if args.action == "status":
        batch = asyncio.run(status(repo, settings, args.id))
        done, total, line = progress_line(batch)
        if args.json:
            counts = batch.request_counts
            print(
                json.dumps(
                    {
                        "id": batch.id,
                        "batches": batch.parts,
                        "status": batch.processing_status,
                        "done": done,
                        "total": total,
                        "counts": {
                            k: getattr(counts, k)
                            for k in ("processing", "succeeded", "errored", "canceled", "expired")
                        },
                    }
                )
            )
        else:
            out(f"{batch.id}: {line}")
        return 0
    return _collect(repo, settings, args)


def _collect(repo: Repo, settings: Settings, args: argparse.Namespace) -> int:
    from haikutui.tasks.lint.batch_record import load

    if load(repo, args.id).kind == "codemod":
        from haikutui.cli.codemod_batch import collect_codemod

        return collect_codemod(repo, settings, args)
    result = asyncio.run(collect(repo, settings, args.id))
    for path in result.already:
        say(f"already applied: {path} (an earlier collect of this batch)")
    for path in result.stale:
        say(f"stale: {path} changed since submission; left as it is")
    for failure in result.failed:
        say(f"failed: {failure}")
    proposal = result.proposal
    verdict = None
    applied: list[str] = []
    if not proposal.empty:
        verdict = verdict_for(repo, proposal, settings, args)
        applied = apply_proposal(repo.root, proposal).paths if may_apply(verdict, args) else []
        if applied:
            remember_applied(repo, args.id, applied)
    if args.json:
        print(
            json.dumps(
                {
                    "batch": args.id,
                    "diff": proposal.diff(),
                    "files": {
                        c.path: {
                            "fixed": result.fixed.get(c.path, 0),
                            "remaining": len(result.remaining.get(c.path, [])),
                        }
                        for c in proposal.changes
                    },
                    "stale": result.stale,
                    "already_applied": result.already,
                    "failed": result.failed,
                    "check": None
                    if verdict is None
                    else {"ok": verdict.ok, "summary": verdict.summary},
                    "checks": None if verdict is None else verdict.as_json(),
                    "applied": applied,
                },
                indent=2,
            )
        )
    elif not proposal.empty:
        print_diff(proposal.diff())
    if proposal.empty or verdict is None:
        raise NoChange(f"{args.id}: no usable change in the results")
    for change in proposal.changes:
        left = result.remaining.get(change.path, [])
        say(f"{change.path}: {result.fixed.get(change.path, 0)} fixed, {len(left)} remain")
    outcome = f"applied to {plural(len(applied), 'file')}" if applied else "not applied (use --yes)"
    say(f"{plural(len(proposal.changes), 'file')} changed · {outcome}")
    report(verdict, args)
    return 0
