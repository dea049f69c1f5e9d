"""`haikutui rename OLD NEW`: rope for Python, the fast rung for the rest, headless."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

from haikutui.cli.output import plural, print_diff, say
from haikutui.cli.parser import Parser, add_check_flags, add_provider_option
from haikutui.cli.verdict_gate import may_apply, report, verdict_for
from haikutui.core.errors import ModelError, UsageError
from haikutui.core.repo import Repo
from haikutui.model.client import has_key
from haikutui.model.ladder import resolve
from haikutui.model.pricing import format_cost
from haikutui.tasks.rename.session import RenameSession
from haikutui.tasks.rename.target import AT


def run_rename(args: argparse.Namespace) -> int:
    repo = Repo(Path.cwd())
    from haikutui.cli.repo_trust import settings_for

    settings = settings_for(repo, args)
    at = None
    if args.at:
        match = AT.match(args.at)
        if match is None:
            raise UsageError(f"{args.at}: expected PATH[:LINE]")
        rel = repo.resolve(str(Path.cwd() / match["path"]))
        at = f"{rel}:{match['line']}" if match["line"] else rel
    rung = None if args.no_model else resolve(args.model, settings)
    session = RenameSession(repo, settings, args.old, args.new, at=at, rung=rung)
    plan = session.prepare(include=None)
    if args.include_unsure and plan.rope.unsure:
        session.included = {u.key for u in plan.rope.unsure}
    try:
        result = asyncio.run(session.run())
    except ModelError as exc:
        if has_key(settings):
            raise
        raise ModelError(f"{exc.message}; or pass --no-model for rope's part only") from None
    proposal = result.proposal
    verdict = verdict_for(repo, proposal, settings, args, renamed=(args.old, args.new))
    held_problems = session.held_problems  # unsure hunks rejected, skipped files using it
    verdict.problems.extend(held_problems)
    renamed = {u.key for hunk, held in session.unsure_hunks if hunk.accepted for u in held}
    applied = session.apply().paths if may_apply(verdict, args) else []
    target = plan.target
    if args.json:
        print(
            json.dumps(
                {
                    "symbol": {
                        "old": args.old,
                        "new": args.new,
                        "kind": target.kind,
                        "at": target.where,
                    },
                    "files": [c.path for c in proposal.changes],
                    "moves": plan.rope.moves,
                    "hunks": [
                        {"path": c.path, "header": h.header, "source": h.source}
                        for c, h in proposal.hunks
                    ],
                    "unsure": [
                        {
                            "at": u.where,
                            "text": u.text,
                            "included": u.key in renamed,
                            "model_says": (session.answers or {}).get(u.key),
                        }
                        for u in plan.rope.unsure
                    ],
                    "unsure_left": len(session.unsure_left),
                    "resolved": len(plan.rope.resolved),
                    "skipped": plan.rope.skipped,
                    "sent_to_model": [o.where for o in plan.candidates] if session.attempts else [],
                    "leftovers": [
                        {"at": lo.occurrence.where, "reason": lo.reason} for lo in session.leftovers
                    ],
                    "rungs": [vars(a) | {"usage": vars(a.usage)} for a in session.attempts],
                    "lookups_renamed": plan.rope.lookups_renamed,
                    "advisories": [
                        {
                            "file": path,
                            "line": line,
                            "rule": "rename-string",
                            "message": f"a string still says `{args.old}` (data, left as it is)",
                        }
                        for path, line in session.data_strings
                    ],
                    "check": {"ok": verdict.ok, "summary": verdict.summary},
                    "checks": verdict.as_json(),
                    "exec_edits": verdict.exec_edits,
                    "diff": proposal.diff(),
                    "applied": applied,
                    "cost": session.cost,
                },
                indent=2,
            )
        )
    else:
        print_diff(proposal.diff())
    say(f"{target.kind} `{args.old}` at {target.where} → `{args.new}`")
    for old, new in sorted(plan.rope.moves.items()):
        say(f"  move: {old} → {new} (git mv)")
    if plan.rope.skip_note:
        say(plan.rope.skip_note)
    if plan.rope.resolved:
        say(f"  {len(plan.rope.resolved)} unsure resolved as sure: {plan.rope.resolved_why}")
    for unsure in plan.rope.unsure:
        mark = "included" if unsure.key in renamed else "excluded (hunk rejected)"
        say(f"  rope unsure, {mark}: {unsure.where}: {unsure.text}")
    for leftover in session.leftovers:
        say(f"  left: {leftover.label}")
    if plan.rope.lookups_renamed:
        say(f"  renamed with it, looked up by string: {', '.join(plan.rope.lookups_renamed)}")
    for advisory in session.advisories:
        say(f"⚠ {advisory}")
    engines = sorted({h.source for _, h in proposal.hunks})
    rungs = " → ".join(
        ["rope", *(f"{a.model} ({a.unexplained} unexplained)" for a in session.attempts)]
    )
    say(f"engines: {', '.join(engines)} · rungs: {rungs} · {format_cost(session.cost)}")
    if session.kept_note:
        say(f"  {session.kept_note}")
    added, removed = proposal.stats()
    outcome = f"applied to {plural(len(applied), 'file')}" if applied else "not applied (use --yes)"
    say(
        f"{plural(len(proposal.changes), 'file')} · {plural(len(proposal.hunks), 'hunk')} "
        f"(+{added} -{removed}) · {outcome}"
    )
    report(verdict, args)
    return 0


RENAME_EXIT_CODES = """exit codes:
  0  a rename was proposed (and applied, with --yes)
  1  nothing to rename, or the model proposed nothing usable
  2  bad input: an invalid or clashing new name, symbol not found, not a git repo, stale file
  3  API or provider error: no key, network, rate limit, overload, server error
  4  the rename failed its checks (unsure references left, a skipped file, an import, a
     reference or a name looked up by string still using the old name, a new finding, a failing
     test): with --yes, nothing was written (--force applies it)"""


def rename_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="haikutui rename",
        description="Rename a Python symbol across the repository: rope renames every reference "
        "it can resolve (free, no request), then the fast rung renames what rope cannot see "
        "(docs, comments, strings, config), from the matching lines only.",
        epilog=RENAME_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("old", metavar="OLD", help="the symbol's current name")
    parser.add_argument("new", metavar="NEW", help="the new name")
    parser.add_argument(
        "--at",
        metavar="PATH[:LINE]",
        help="where the symbol is (needed for locals, parameters, "
        "and names defined more than once); PATH alone names a module",
    )
    parser.add_argument("--yes", action="store_true", help="apply the rename to the files")
    parser.add_argument("--json", action="store_true", help="print a JSON object, not a diff")
    parser.add_argument(
        "--no-model", action="store_true", help="rope only: no key needed, no request made"
    )
    parser.add_argument("--model", default="fast", help="rung the model part starts on")
    parser.add_argument(
        "--include-unsure",
        action="store_true",
        help="also rename the occurrences rope is unsure about (otherwise shown as rejected hunks)",
    )
    add_provider_option(parser)
    add_check_flags(parser, tests_by_default=True)
    return parser
