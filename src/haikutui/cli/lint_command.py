"""`haikutui lint`: the repair ladder, headless. There is no one to ask, so `ask` means `auto`."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haikutui.cli.output import plural, print_diff, say
from haikutui.cli.parser import EXIT_CODES, Parser, add_check_flags, add_provider_option
from haikutui.core.config import Settings
from haikutui.core.errors import NoChange
from haikutui.core.repo import Repo
from haikutui.model.ladder import resolve
from haikutui.model.pricing import format_cost
from haikutui.tasks.lint.hunk_sources import is_unsafe
from haikutui.tasks.lint.ruff_pass import LintResult, ruff_only

if TYPE_CHECKING:
    from haikutui.tasks.verdict.checks import Verdict


def lint_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="haikutui lint",
        description="Repair lint findings: ruff's safe fixes first (free, no request), then the "
        "model for what is left, re-linted and escalated while findings remain.",
        epilog=EXIT_CODES.replace("a proposal was made", "a repair was proposed"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: all)")
    parser.add_argument("--no-model", action="store_true", help="stop after ruff's fixes")
    parser.add_argument("--model", default="fast", help="rung the model part starts on")
    parser.add_argument("--yes", action="store_true", help="apply the repair to the files")
    parser.add_argument("--json", action="store_true", help="print a JSON object, not a diff")
    parser.add_argument(
        "--batch", action="store_true", help="submit the model part as a Message Batch (50%% off)"
    )
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="apply ruff's unsafe fixes too (offered as hunks, rejected unless this is given)",
    )
    add_provider_option(parser)
    add_check_flags(parser)
    return parser


def repo_paths(repo: Repo, paths: list[str]) -> list[str] | None:
    """PATHs as the user typed them, relative to the cwd, as repo paths; the root means all."""
    out: list[str] = []
    for raw in paths:
        full = Path(os.path.normpath(Path.cwd() / raw))
        if full.resolve() == repo.root:
            return None
        out.append(repo.resolve(str(full)))
    return out or None


def lint_json(result: LintResult, verdict: Verdict | None, applied: list[str]) -> dict[str, Any]:
    proposal = result.proposal
    touched = {p for p, ds in result.before.items() if ds} | {c.path for c in proposal.changes}
    return {
        "files": {
            path: {"fixed": result.fixed(path), "remaining": result.remaining(path)}
            for path in sorted(touched)
        },
        "found": result.total_before,
        "remaining": [d.label for ds in result.after.values() for d in ds],
        "rungs": [vars(a) | {"usage": vars(a.usage)} for a in result.attempts],
        "check": None if verdict is None else {"ok": verdict.ok, "summary": verdict.summary},
        "checks": None if verdict is None else verdict.as_json(),
        "exec_edits": [] if verdict is None else verdict.exec_edits,
        "diff": proposal.diff(only_accepted=True),
        "unsafe_offered": [h.source for _, h in proposal.hunks if is_unsafe(h.source)],
        "unsafe_applied": [
            h.source for _, h in proposal.hunks if is_unsafe(h.source) and h.accepted
        ],
        "applied": applied,
        "skipped": result.skipped,
        "cost": result.cost,
    }


def run_lint(args: argparse.Namespace) -> int:
    repo = Repo(".")
    from haikutui.cli.repo_trust import settings_for

    settings = settings_for(repo, args)
    paths = repo_paths(repo, args.paths)
    if args.batch:
        from haikutui.cli.batch_command import submit_lint_batch

        return submit_lint_batch(repo, settings, paths, args)
    start = None if args.no_model else resolve(args.model, settings)
    escalate = "off" if settings.lint_escalate == "off" else "auto"
    if start is None:  # no event loop, no model client: Python's start-up is most of it
        result = ruff_only(repo, settings, paths, keep_tree=True)
    else:
        import asyncio

        from haikutui.tasks.lint.repair import repair

        # With no one to say `y`, the findings an unsafe fix covers go to the model unless
        # `--unsafe-fixes` takes ruff's fixes for them.
        result = asyncio.run(
            repair(
                repo,
                settings,
                paths,
                start=start,
                escalate=escalate,
                keep_tree=True,
                unsafe=args.unsafe_fixes,
            )
        )
    try:
        return _finish(repo, settings, args, result, start is not None)
    finally:
        result.close()  # the scratch tree the repair and its verdict ran in


def _finish(
    repo: Repo,
    settings: Settings,
    args: argparse.Namespace,
    result: LintResult,
    with_model: bool,
) -> int:
    proposal = result.proposal
    if args.unsafe_fixes:
        result.take_unsafe()
    offered = [h for _, h in proposal.hunks if is_unsafe(h.source) and not h.accepted]
    for hunk in offered:
        say(f"not applied: {hunk.source} (use --unsafe-fixes)")
    for rel in result.skipped:
        say(f"skipped: {rel} (binary or over the size limit)")
    if proposal.empty or len(offered) == len(proposal.hunks):
        if args.json:
            print(json.dumps(lint_json(result, None, []), indent=2))
        if result.total_before == 0:
            say(f"ruff finds nothing to fix in {plural(len(result.before), 'file')}")
            return 1
        for diagnostic in (d for ds in result.after.values() for d in ds):
            say(f"  left: {diagnostic.label}")
        raise NoChange(
            f"{plural(result.remaining(), 'finding')} left and no fix proposed"
            + ("" if with_model else " (ruff has no safe fix for them; drop --no-model)")
        )
    # Only a proposal needs the verdict and apply: a clean repo exits without loading them.
    from haikutui.cli.verdict_gate import may_apply, report, verdict_for
    from haikutui.core.apply import apply_proposal

    verdict = verdict_for(
        repo,
        proposal,
        settings,
        args,
        before=result.verdict_before,
        remaining=result.after,
        tree=result.tree,
    )
    applied = apply_proposal(repo.root, proposal).paths if may_apply(verdict, args) else []
    if args.json:
        print(json.dumps(lint_json(result, verdict, applied), indent=2))
    else:
        print_diff(proposal.diff(only_accepted=True))
    for change in proposal.changes:
        say(
            f"{change.path}: {result.fixed(change.path)} fixed, "
            f"{result.remaining(change.path)} remain"
        )
    for diagnostic in (d for ds in result.after.values() for d in ds):
        say(f"  left: {diagnostic.label}")
    rungs = " → ".join(
        ["ruff", *(f"{a.model} ({a.error or f'{a.remaining} left'})" for a in result.attempts)]
    )
    say(f"rungs: {rungs} · {format_cost(result.cost)}")
    outcome = f"applied to {plural(len(applied), 'file')}" if applied else "not applied (use --yes)"
    say(f"{result.fixed()} of {plural(result.total_before, 'finding')} fixed · {outcome}")
    report(verdict, args)
    return 0
