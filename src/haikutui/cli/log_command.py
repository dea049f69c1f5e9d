"""`haikutui log`: the request log of a repository, one line or JSON record per request."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from haikutui.cli.output import out, say
from haikutui.core.repo import Repo
from haikutui.model import request_log
from haikutui.model.job_stats import job_stats
from haikutui.model.pricing import format_cost


def run_log(argv: list[str]) -> int:
    """`haikutui log [--json] [PATH]`: the request log of the repository at PATH (default: here)."""
    parser = argparse.ArgumentParser(
        prog="haikutui log",
        description="Print the request log of this repository: one line (or JSON record) per "
        "API request, with tokens, cost and latency.",
    )
    parser.add_argument("path", nargs="?", default=".", help="a folder inside a git repository")
    parser.add_argument("--json", action="store_true", help="print a JSON list of records")
    parser.add_argument(
        "--jobs",
        action="store_true",
        help="per codemod job instead: files, requests per rung, the share that stayed on the "
        "start rung, the judge's agreement, cost against the same job live on the strongest rung",
    )
    args = parser.parse_args(argv)
    try:
        repo = Repo(Path(os.path.abspath(args.path)))
        if args.jobs:
            return _print_jobs(repo, as_json=args.json)
        return _print_log(repo, as_json=args.json)
    except BrokenPipeError:  # `haikutui log | head`
        sys.stderr.close()
        return 0


def _print_log(repo: Repo, *, as_json: bool) -> int:
    records = request_log.read(repo.root)
    if as_json:
        print(json.dumps([asdict(r) for r in records], indent=2))
        return 0
    if not records:
        say(f"no requests logged yet for {repo.root}")
        return 0
    for record in records:
        out(request_log.describe(record))
    for job in job_stats(records, request_log.read_jobs(repo.root)):
        out(job.line())  # `out` shows a job ID (data from disk) as text
    spent = sum(r.cost or 0.0 for r in records)
    batched = [r for r in records if r.batch]
    batches = ""
    if batched:
        saved = sum(request_log.batch_saving(r) for r in batched)
        batches = (
            f" · batch: {len(batched)} results, {format_cost(sum(r.cost or 0.0 for r in batched))}"
            f" (saved {format_cost(saved)})"
        )
    say(
        f"{len(records)} requests · {format_cost(spent)}{batches} · "
        f"log: {request_log.log_path(repo.root)}"
    )
    return 0


def _print_jobs(repo: Repo, *, as_json: bool) -> int:
    jobs = job_stats(request_log.read(repo.root), request_log.read_jobs(repo.root))
    if as_json:
        print(json.dumps([j.as_json() for j in jobs], indent=2))
        return 0
    if not jobs:
        say(f"no codemod jobs logged yet for {repo.root}")
    for job in jobs:
        out(job.line())
    return 0
