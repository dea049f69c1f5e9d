"""`haikutui test`: run the tests, fix the first failure (or each), prove it on a mirror first."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haikutui.cli.parser import EXIT_CODES, Parser, add_exec_edits_flag
from haikutui.core.errors import NoChange, UsageError

if TYPE_CHECKING:
    from haikutui.core.config import Settings
    from haikutui.core.repo import Repo
    from haikutui.model.ladder import Rung
    from haikutui.tasks.test_context import TestContext
    from haikutui.tasks.verdict.test_runner import TestCommand, TestResult

STILL_FAILS = 4
"""The proposal was made but its test still fails on the mirror, or it changes the test and
--yes was not given --allow-test-edits: nothing is written."""


def test_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="haikutui test",
        description="Run the project's pytest, ask the model to fix the first failure, and run "
        "that test and its neighbours against the proposal on a temp mirror before showing or "
        "applying it. Unknown arguments go to pytest (paths, -k, -x, ...); a node id "
        "(tests/test_x.py::test_y) picks that failure.",
        epilog="\n".join(line for line in EXIT_CODES.splitlines() if not line.startswith("  4"))
        + "\n  4  the proposal's test still fails (or broke a neighbour), or --yes refused a "
        "proposal that changes the test: nothing written",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--yes", action="store_true", help="apply a proposal whose test passes")
    parser.add_argument(
        "--allow-test-edits",
        action="store_true",
        help="let --yes apply a proposal that changes the test, a doctest, a snapshot or a fixture",
    )
    parser.add_argument(
        "--escalate",
        action="store_true",
        help="when the proof fails, ask the next rung (strong, then strongest), within the budget",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON object, not diffs")
    parser.add_argument("--all", action="store_true", help="fix each failure, not just the first")
    parser.add_argument(
        "--model", default="fast", help="fast|strong|strongest, an alias or a model ID"
    )
    parser.add_argument(
        "--max-cost", type=float, metavar="DOLLARS", help="allow each request up to this cost"
    )
    parser.add_argument(
        "--trust",
        action="store_true",
        help="trust this repository for this run: its tests run its own code",
    )
    add_exec_edits_flag(parser)
    return parser


def run_test(argv: list[str]) -> int:
    args, pytest_args = test_parser().parse_known_args(argv)
    pytest_args = [a for a in pytest_args if a != "--"]
    from haikutui.cli.output import say
    from haikutui.cli.repo_trust import settings_for
    from haikutui.core.repo import Repo
    from haikutui.model.ladder import resolve
    from haikutui.tasks.test_failures import pick_failure
    from haikutui.tasks.test_live import LiveCounts, LiveRun
    from haikutui.tasks.test_suite import proof_options, run_suite, trace_calls
    from haikutui.tasks.verdict.test_runner import pytest_command

    repo = Repo(Path.cwd())
    settings = settings_for(repo, args)
    rung = resolve(args.model, settings)
    command, warning = pytest_command(
        repo.root, settings.test_command, trusted=settings.repo_trusted, pass_env=settings.pass_env
    )
    if warning:
        say(f"warning: {warning}")
    if pytest_args and not command.selects:
        say(f"warning: `{command.label}` has no {{tests}}: the pytest arguments are ignored")
    named = [a for a in pytest_args if "::" in a and not a.startswith("-")]
    if len(named) > 1:
        raise UsageError("name one test to repair (NODEID), not several")

    def counts(live: LiveCounts) -> None:
        if sys.stderr.isatty():
            total = "?" if live.total is None else str(live.total)
            print(f"\rtests {live.done}/{total} · {live.failed} failed", end="", file=sys.stderr)

    def suite() -> TestResult:
        found = run_suite(
            repo, command, pytest_args, timeout=settings.test_timeout, live=LiveRun(counts)
        )
        if sys.stderr.isatty():
            print(file=sys.stderr)
        return found

    result = first = suite()
    if not result.junit:
        raise UsageError(
            f"`{command.label}` left no JUnit report ({result.summary}): is it pytest?"
        )
    if not result.failures:
        say(f"no failing test ({result.summary}); nothing to fix, nothing sent")
        if args.json:
            print(json.dumps({"tests": result.summary, "repairs": []}, indent=2))
        return 0
    if named and not any(f.nodeid == named[0] for f in result.failures):
        raise UsageError(f"{named[0]} did not fail ({result.summary}); nothing to repair")
    from haikutui.tasks.test_context import failure_context  # the model side: only now

    say(f"{result.summary}; repairing {'each failure' if args.all else 'one failure'}")
    reports: list[dict[str, Any]] = []
    attempted: set[str] = set()
    code = 0
    while True:
        pending = [f for f in result.failures if f.nodeid not in attempted]
        failure, why = pick_failure(pending, named[0] if named else "")
        if failure is None:
            break
        attempted.add(failure.nodeid)
        say(f"picked {failure.nodeid}: {why}")
        traced = None
        if command.selects:  # which of the repo's functions the test ran (one more run)
            traced = trace_calls(
                repo,
                command,
                failure.nodeid,
                proof_options(pytest_args),
                timeout=settings.test_timeout,
            )
        context = failure_context(repo, failure, traced)
        failing = frozenset(f.nodeid for f in result.failures)
        try:
            report = _repair_one(
                repo, settings, context, rung, command, failing, args, proof_options(pytest_args)
            )
        except NoChange as exc:
            say(f"{context.failure.nodeid}: {exc.message}")
            report = {"test": context.failure.nodeid, "error": exc.message, "exit": exc.exit_code}
        report["picked"] = why
        reports.append(report)
        code = max(code, int(report["exit"]))
        if not args.all:
            break
        if report.get("applied"):  # the tree changed: what still fails is asked again
            result = suite()
    if args.json:
        print(json.dumps({"tests": first.summary, "repairs": reports}, indent=2))
    return code


def _repair_one(
    repo: Repo,
    settings: Settings,
    context: TestContext,
    rung: Rung,
    command: TestCommand,
    failing: frozenset[str],
    args: argparse.Namespace,
    options: list[str],
) -> dict[str, Any]:
    """One failure: estimate, one request (or more if a tool call failed), the proof, the apply;
    with --escalate, the next rung after each failed proof while the budget allows."""
    import asyncio

    from haikutui.cli.output import plural, print_diff, say
    from haikutui.model.budget import over_budget
    from haikutui.model.pricing import format_cost
    from haikutui.tasks.test_repair import TestRepairSession

    session = TestRepairSession(
        repo,
        settings,
        context,
        rung,
        command,
        failing_before=failing - {context.failure.nodeid},
        options=options,
    )
    session.max_cost = args.max_cost
    say(f"{context.failure.nodeid}: {context.failure.message or context.failure.kind}")
    attempts: list[dict[str, Any]] = []
    while True:
        problem = over_budget(
            session.estimated_cost(), session.rung.model, settings, max_cost=args.max_cost
        )
        if problem:
            if not attempts:
                raise UsageError(f"{problem}; nothing sent")
            say(f"not escalating: {problem}")
            break
        tokens = session.request_tokens()
        result = asyncio.run(session.run())
        check = session.check
        assert check is not None
        attempts.append(
            {
                "model": result.proposal.model,
                "verdict": check.summary,
                "ok": check.ok,
                "request_tokens": tokens,
                "usage": vars(result.progress.usage),
                "cost": result.progress.cost,
                "output": "" if check.ok else check.output,
            }
        )
        if check.ok or not args.escalate:
            break
        say(f"{check.summary} on {result.proposal.model}")
        if check.output:
            say("the test's new output:\n" + check.output)
        if session.escalate("its proof on a copy of the repo failed") is None:
            say("not escalating: already on the strongest rung")
            break
        say(f"escalating to {session.rung.name} ({session.rung.model})")
    proposal, progress = result.proposal, result.progress
    assert check is not None
    from haikutui.cli.verdict_gate import exec_edits_allowed
    from haikutui.tasks.verdict.checks import exec_edits_of

    edits = session.test_edits
    warning = check.warning
    runs = exec_edits_of(proposal)
    applied: list[str] = []
    refused = ""
    if check.ok and args.yes:
        if edits and not args.allow_test_edits:
            refused = "refused: it changes the test, not the code (allow with --allow-test-edits)"
        elif runs and not exec_edits_allowed(runs, args):
            refused = "refused: it edits what runs (--allow-exec-edits applies it)"
        else:
            applied = session.apply().paths
    if not args.json:
        print_diff(proposal.diff())
    if warning:
        say(warning)
    say(f"{check.summary} · fixes {session.kind}")
    if runs:
        say(f"edits what runs: {', '.join(runs)}")
    outcome = (
        f"applied to {', '.join(applied)}"
        if applied
        else refused
        if refused
        else "not applied: its test does not pass"
        if not check.ok
        else "not applied (use --yes)"
    )
    say(
        f"{proposal.model} · {plural(progress.requests, 'request')} · "
        f"{progress.usage.total:,} tokens · {format_cost(progress.cost)} · {outcome}"
    )
    return {
        "test": context.failure.nodeid,
        "fixes": session.kind,
        "verdict": check.summary,
        "ok": check.ok,
        "warning": warning,
        "test_edits": [{"path": e.path, "lines": list(e.lines), "what": e.what} for e in edits],
        "other_failing": check.still_failing,
        "broken": check.broken,
        "model": proposal.model,
        "files": [c.path for c in proposal.changes],
        "diff": proposal.diff(),
        "applied": applied,
        "requests": progress.requests,
        "usage": vars(progress.usage),
        "cost": progress.cost,
        "context_tokens": attempts[0]["request_tokens"],
        "attempts": attempts,
        "exec_edits": runs,
        "exit": 0 if check.ok and not refused else STILL_FAILS,
    }
