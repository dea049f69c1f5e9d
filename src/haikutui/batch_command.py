"""`haikutui lint --batch` and `haikutui batch list|status|collect`: batches from the shell."""

from __future__ import annotations

import argparse
import asyncio
import json
from datetime import datetime

from haikutui.apply import apply_proposal
from haikutui.checks import check_proposal
from haikutui.cli_output import plural, print_diff, say
from haikutui.config import Settings, load_settings
from haikutui.errors import NoChange, UsageError
from haikutui.ladder import resolve
from haikutui.lint_batch import collect, records, status, submit
from haikutui.repo import Repo


def submit_lint_batch(repo: Repo, settings: Settings, args: argparse.Namespace) -> int:
    if args.no_model:
        raise UsageError(
            "--batch sends the model's part as a batch; it makes no sense with --no-model"
        )
    record = asyncio.run(submit(repo, settings, args.paths, resolve(args.model, settings)))
    if args.json:
        print(json.dumps({"batch": record.id, "requests": record.requests, "model": record.model}))
    say(
        f"submitted {record.id}: {plural(record.requests, 'request')} to {record.model} at "
        f"batch price (50% off) · `haikutui batch status {record.id}` · "
        f"`haikutui batch collect {record.id}`"
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="haikutui batch", description="Manage lint batches.")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("list", help="batches submitted from this repo")
    status_parser = sub.add_parser("status", help="progress of one batch")
    status_parser.add_argument("id")
    collect_parser = sub.add_parser("collect", help="turn a finished batch into diffs")
    collect_parser.add_argument("id")
    collect_parser.add_argument("--yes", action="store_true", help="apply what is not stale")
    collect_parser.add_argument("--json", action="store_true")
    return parser


def run_batch(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    repo = Repo(".")
    settings = load_settings(repo.root)
    if args.action == "list":
        found = records(repo)
        if not found:
            say("no batches submitted from this repo")
        for record in found:
            when = datetime.fromtimestamp(record.created).strftime("%Y-%m-%d %H:%M")
            print(f"{record.id}  {when}  {record.model}  {plural(record.requests, 'request')}")
        return 0
    if args.action == "status":
        batch = asyncio.run(status(repo, settings, args.id))
        counts = batch.request_counts
        done = counts.succeeded + counts.errored + counts.canceled + counts.expired
        total = done + counts.processing
        print(
            f"{batch.id}: {batch.processing_status}, {done}/{total} done "
            f"({counts.succeeded} succeeded, {counts.errored} errored, "
            f"{counts.expired} expired, {counts.canceled} canceled)"
        )
        return 0
    result = asyncio.run(collect(repo, settings, args.id))
    for path in result.stale:
        say(f"stale: {path} changed since submission; left as it is")
    for failure in result.failed:
        say(f"failed: {failure}")
    proposal = result.proposal
    if proposal.empty:
        raise NoChange(f"{args.id}: no usable change in the results")
    verdict = check_proposal(repo, proposal, test_command=settings.test_command)
    applied = apply_proposal(repo.root, proposal).paths if args.yes else []
    if args.json:
        print(
            json.dumps(
                {
                    "diff": proposal.diff(),
                    "stale": result.stale,
                    "failed": result.failed,
                    "check": {"ok": verdict.ok, "summary": verdict.summary},
                    "applied": applied,
                }
            )
        )
    else:
        print_diff(proposal.diff())
    say(f"check: {verdict.summary}")
    outcome = f"applied to {plural(len(applied), 'file')}" if applied else "not applied (use --yes)"
    say(f"{plural(len(proposal.changes), 'file')} changed · {outcome}")
    return 0
