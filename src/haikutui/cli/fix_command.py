"""`haikutui fix`: one quick inline fix, headless, on the same session as the TUI."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from haikutui.cli.parser import EXIT_CODES, Parser, add_provider_option
from haikutui.core.errors import UsageError

if TYPE_CHECKING:
    from haikutui.core.config import Settings
    from haikutui.core.proposal import Proposal
    from haikutui.model.fix_request import FixRequest
    from haikutui.model.ladder import Rung

TARGET = re.compile(r"^(?P<path>.+?)(?::(?P<start>\d+)(?:-(?P<end>\d+))?)?$")


def fix_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="haikutui fix",
        description="Ask the model for a quick inline fix; print the proposal as a unified diff. "
        "Several paths, a folder, a glob ('src/**/*.py') or --grep make it a codemod: one "
        "instruction across the files, checked, judged by Haiku, the tail escalated.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "targets",
        metavar="PATH[:LINE[-LINE]]",
        nargs="+",
        help="the file, and lines; or several files, folders and quoted globs (a codemod)",
    )
    parser.add_argument("-m", "--message", required=True, help="the instruction")
    parser.add_argument(
        "--model",
        default="fast",
        help="fast|strong|strongest, haiku|sonnet|opus, or a model ID (default: fast)",
    )
    parser.add_argument("--yes", action="store_true", help="apply the proposal to the files")
    parser.add_argument("--json", action="store_true", help="print a JSON object, not a diff")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the estimate per rung (tokens, cost) and send nothing",
    )
    parser.add_argument(
        "--max-cost",
        type=float,
        metavar="DOLLARS",
        help="allow this request up to this estimated cost, over the [budget] in config",
    )
    add_provider_option(parser)
    from haikutui.cli.parser import add_check_flags, add_codemod_flags

    add_codemod_flags(parser)
    add_check_flags(parser)
    return parser


def parse_target(target: str) -> tuple[str, tuple[int, int] | None]:
    match = TARGET.match(target)
    if match is None:
        raise UsageError(f"{target}: expected PATH[:LINE[-LINE]]")
    path, start, end = match["path"], match["start"], match["end"]
    if start is None:
        return path, None
    first, last = int(start), int(end or start)
    if first < 1 or last < first:
        raise UsageError(f"{target}: line range must be 1-based and ascending")
    return path, (first, last)


def run_fix(args: argparse.Namespace) -> int:
    from haikutui.cli.codemod_command import is_codemod

    if is_codemod(args):
        from haikutui.cli.codemod_command import run_codemod

        return run_codemod(args)
    args.target = args.targets[0]
    from haikutui.core.repo import Repo
    from haikutui.model.fix_request import FixRequest
    from haikutui.model.ladder import resolve
    from haikutui.tasks.fix_session import FixSession

    path, lines = parse_target(args.target)
    repo = Repo(Path.cwd())
    from haikutui.cli.repo_trust import settings_for

    settings = settings_for(repo, args)
    rel = repo.resolve(str(Path.cwd() / path))
    file = repo.read_for_model(rel)
    if lines is not None:
        total = len(file.text.splitlines())
        if lines[1] > total:
            raise UsageError(f"{rel} has {total} lines; line {lines[1]} is past the end")
    request = FixRequest(rel, args.message, lines)
    rung = resolve(args.model, settings)
    if args.dry_run:
        return _dry_run(request, file.text, rung, settings, repo.root, as_json=args.json)
    _check_budget(request, file.text, rung, settings, args.max_cost)
    session = FixSession(repo, settings, request, rung)
    session.max_cost = args.max_cost
    result = asyncio.run(session.run())
    proposal, progress = result.proposal, result.progress
    from haikutui.cli.verdict_gate import may_apply, report, verdict_for

    verdict = verdict_for(repo, proposal, settings, args)
    applied = session.apply().paths if may_apply(verdict, args) else []
    from haikutui.cli.output import plural, print_diff, say
    from haikutui.model.fix_run import UNFINISHED
    from haikutui.model.pricing import format_cost

    added, removed = proposal.stats()
    if args.json:
        print(
            json.dumps(
                {
                    "model": proposal.model,
                    "rung": proposal.rung,
                    "files": [c.path for c in proposal.changes],
                    "diff": proposal.diff(),
                    "applied": applied,
                    "requests": progress.requests,
                    "usage": vars(progress.usage),
                    "cost": progress.cost,
                    "note": proposal.note,
                    "unfinished": result.unfinished,
                    "checks": verdict.as_json(),
                    "exec_edits": verdict.exec_edits,
                },
                indent=2,
            )
        )
    else:
        print_diff(proposal.diff())
    summary = (
        f"{proposal.model} · {plural(progress.requests, 'request')} · "
        f"{plural(len(proposal.hunks), 'hunk')} (+{added} -{removed}) · "
        f"{progress.usage.total:,} tokens · {format_cost(progress.cost)}"
    )
    outcome = f"applied to {', '.join(applied)}" if applied else "not applied (use --yes)"
    if progress.redacted:
        say(f"redacted before sending: {', '.join(progress.redacted)}")
    if result.unfinished:
        say(f"warning: {UNFINISHED}; only the edits it made are in the proposal")
    outside = outside_selection(proposal, rel, lines)
    if outside:
        say(f"warning: edits outside the selection ({outside})")
    say(f"{summary} · {outcome}")
    report(verdict, args)
    return 0


def outside_selection(proposal: Proposal, rel: str, lines: tuple[int, int] | None) -> str:
    """The changed lines of the selected file that lie outside the selection ("line 10")."""
    import difflib

    change = next((c for c in proposal.changes if c.path == rel), None)
    if lines is None or change is None:
        return ""
    old, new = change.old_lines, change.new_text.splitlines(keepends=True)
    found: list[int] = []
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        touched = (
            range(i1 + 1, i2 + 1) if i2 > i1 else range(i1, i1 + 1)
        )  # an insert: the line above
        found += [n for n in touched if tag != "equal" and not lines[0] <= n <= lines[1]]
    if not found:
        return ""
    runs: list[list[int]] = []
    for n in sorted(set(found)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    spans = [f"{r[0]}" if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs]
    return ("line " if len(found) == 1 else "lines ") + ", ".join(spans)


def _dry_run(
    request: FixRequest, text: str, rung: Rung, settings: Settings, root: Path, *, as_json: bool
) -> int:
    """The figures the TUI's prompt bar shows for the same request; nothing is sent."""
    from haikutui.model.estimate import estimate_fix
    from haikutui.model.pricing import format_cost

    items = list(estimate_fix(request, text, settings, root=root).rungs)
    if all(item.rung.model != rung.model for item in items):
        items += estimate_fix(request, text, settings, extra_rungs=(rung,), root=root).rungs[-1:]
    rows = [
        {
            "rung": item.rung.name,
            "model": item.rung.model,
            "input_tokens": item.input_tokens,
            "cache": "read" if item.warm else "write" if item.cacheable else "none",
            "output_tokens": item.output_tokens,
            "cost": item.cost,
        }
        for item in items
    ]
    if as_json:
        print(json.dumps({"target": request.target, "rungs": rows}, indent=2))
        return 0
    from haikutui.cli.output import out

    for row in rows:
        out(
            f"{row['rung']:<9} {row['model']:<28} ≈{row['input_tokens']:,} input tokens "
            f"(cache {row['cache']}) + {row['output_tokens']:,} output · "
            f"{format_cost(row['cost'])}"  # type: ignore[arg-type]
        )
    return 0


def _check_budget(
    request: FixRequest, text: str, rung: Rung, settings: Settings, max_cost: float | None
) -> None:
    """Refuse, before anything is sent, a request whose estimate is over budget (exit 2)."""
    from haikutui.model.budget import over_budget
    from haikutui.model.capabilities import known_caps, lifecycle_warning
    from haikutui.model.estimate import estimate_fix

    warning = lifecycle_warning(known_caps(rung.model), rung.name)
    if warning:
        from haikutui.cli.output import say

        say(f"haikutui: warning: {warning}")
    if max_cost is None and settings.budget_per_request is None:
        if settings.budget_per_session is None:
            return
    estimate = estimate_fix(request, text, settings, extra_rungs=(rung,)).rungs[-1]
    problem = over_budget(estimate.cost, rung.model, settings, max_cost=max_cost)
    if problem:
        allow = f"{(estimate.cost or 0) * 1.5:.4f}".rstrip("0").rstrip(".")
        raise UsageError(f"{problem}; nothing sent. Allow it with --max-cost {allow}")
