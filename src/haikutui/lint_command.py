"""`haikutui lint`: the repair ladder, headless. There is no one to ask, so `ask` means `auto`."""

from __future__ import annotations

import argparse
import asyncio
import json

from haikutui.apply import apply_proposal
from haikutui.checks import check_proposal
from haikutui.cli_output import plural, print_diff, say
from haikutui.config import load_settings
from haikutui.errors import NoChange
from haikutui.ladder import resolve
from haikutui.lint_repair import repair
from haikutui.pricing import format_cost
from haikutui.repo import Repo


def run_lint(args: argparse.Namespace) -> int:
    repo = Repo(".")
    settings = load_settings(repo.root)
    if args.batch:
        from haikutui.batch_command import submit_lint_batch

        return submit_lint_batch(repo, settings, args)
    start = None if args.no_model else resolve(args.model, settings)
    escalate = "off" if settings.lint_escalate == "off" else "auto"
    result = asyncio.run(repair(repo, settings, args.paths, start=start, escalate=escalate))
    proposal = result.proposal
    if proposal.empty:
        if result.total_before == 0:
            say(f"ruff finds nothing to fix in {plural(len(result.before), 'file')}")
            return 1
        raise NoChange(
            f"{plural(result.remaining(), 'finding')} left and no fix proposed"
            + ("" if start else " (ruff has no safe fix for them; drop --no-model)")
        )
    verdict = check_proposal(
        repo, proposal, test_command=settings.test_command, timeout=settings.test_timeout
    )
    applied = apply_proposal(repo.root, proposal).paths if args.yes else []
    if args.json:
        print(
            json.dumps(
                {
                    "files": {
                        c.path: {
                            "fixed": result.fixed(c.path),
                            "remaining": result.remaining(c.path),
                        }
                        for c in proposal.changes
                    },
                    "remaining": [d.label for ds in result.after.values() for d in ds],
                    "rungs": [vars(a) | {"usage": vars(a.usage)} for a in result.attempts],
                    "check": {"ok": verdict.ok, "summary": verdict.summary},
                    "diff": proposal.diff(),
                    "applied": applied,
                    "cost": result.cost,
                },
                indent=2,
            )
        )
    else:
        print_diff(proposal.diff())
    for change in proposal.changes:
        say(
            f"{change.path}: {result.fixed(change.path)} fixed, {result.remaining(change.path)} remain"
        )
    for diagnostic in (d for ds in result.after.values() for d in ds):
        say(f"  left: {diagnostic.label}")
    rungs = " → ".join(["ruff", *(f"{a.model} ({a.remaining} left)" for a in result.attempts)])
    say(f"rungs: {rungs} · {format_cost(result.cost)}")
    say(f"check: {verdict.summary}")
    outcome = f"applied to {plural(len(applied), 'file')}" if applied else "not applied (use --yes)"
    say(
        f"{result.total_before - result.remaining()} of {plural(result.total_before, 'finding')} "
        f"fixed · {outcome}"
    )
    return 0
