"""The `haikutui` command: the TUI by default, and headless subcommands on the same core."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from haikutui import __version__
from haikutui.errors import HaikutuiError, UsageError

if TYPE_CHECKING:
    from haikutui.config import Settings
    from haikutui.fix_request import FixRequest
    from haikutui.ladder import Rung

EXIT_CODES = """exit codes:
  0  a proposal was made (and applied, with --yes)
  1  the model proposed no change, refused, or its reply was cut off
  2  bad usage or input: not a git repo, no such file, untracked or binary file, stale file
  3  API or provider error: no key, network, rate limit, overload, server error"""

TARGET = re.compile(r"^(?P<path>.+?)(?::(?P<start>\d+)(?:-(?P<end>\d+))?)?$")


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage, as we want, but with a one-line message of ours."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"haikutui: {message} (see `haikutui --help`)\n")


def _tui_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="haikutui",
        description="Quick, reviewed code changes from Claude Haiku. "
        "`haikutui [PATH]` opens the TUI; `haikutui fix ...` works headless.",
        epilog="subcommands:\n"
        "  fix    a quick inline fix (haikutui fix --help)\n"
        "  lint   lint repair: ruff, then the model (haikutui lint --help)\n"
        "  batch  list, status, collect: repo-wide repairs sent as batches\n"
        "  rename rename a symbol across the repo: rope, then the model (haikutui rename --help)\n"
        "  log    the request log: tokens, cost and latency per request (haikutui log --help)\n\n"
        + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", default=".", help="a folder inside a git repository")
    parser.add_argument("--model", help="rung to start on: fast|strong|strongest, an alias or ID")
    parser.add_argument("--version", action="version", version=f"haikutui {__version__}")
    return parser


def _fix_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="haikutui fix",
        description="Ask the model for a quick inline fix; print the proposal as a unified diff.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("target", metavar="PATH[:LINE[-LINE]]", help="the file, and lines")
    parser.add_argument("-m", "--message", required=True, help="the instruction")
    parser.add_argument(
        "--model",
        default="fast",
        help="fast|strong|strongest, haiku|sonnet|opus, or a model ID (default: fast)",
    )
    parser.add_argument("--yes", action="store_true", help="apply the proposal to the files")
    parser.add_argument("--json", action="store_true", help="print a JSON object, not a diff")
    parser.add_argument(
        "--max-cost",
        type=float,
        metavar="DOLLARS",
        help="allow this request up to this estimated cost, over the [budget] in config",
    )
    return parser


def _lint_parser() -> argparse.ArgumentParser:
    parser = _Parser(
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


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        if args and args[0] == "fix":
            return _fix(_fix_parser().parse_args(args[1:]))
        if args and args[0] == "lint":
            from haikutui.lint_command import run_lint

            return run_lint(_lint_parser().parse_args(args[1:]))
        if args and args[0] == "rename":
            from haikutui.rename_command import rename_parser, run_rename

            return run_rename(rename_parser().parse_args(args[1:]))
        if args and args[0] == "batch":
            from haikutui.batch_command import run_batch

            return run_batch(args[1:])
        if args and args[0] in ("history", "undo"):
            from haikutui.history_command import run_history

            return run_history(args)
        if args and args[0] == "log":
            from haikutui.request_log import run_log

            return run_log(args[1:])
        return _tui(_tui_parser().parse_args(args))
    except HaikutuiError as exc:
        print(f"haikutui: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("haikutui: cancelled", file=sys.stderr)
        return 130


def _tui(args: argparse.Namespace) -> int:
    from haikutui.config import load_settings
    from haikutui.repo import Repo

    repo = Repo(args.path)
    settings = load_settings(repo.root)
    from haikutui.tui.app import create_app

    app = create_app(repo, settings, model=args.model)
    app.run()
    return int(app.return_code or 0)


def _fix(args: argparse.Namespace) -> int:
    from haikutui.config import load_settings
    from haikutui.fix_request import FixRequest
    from haikutui.fix_session import FixSession
    from haikutui.ladder import resolve
    from haikutui.repo import Repo

    path, lines = parse_target(args.target)
    repo = Repo(Path.cwd())
    settings = load_settings(repo.root)
    rel = repo.resolve(str(Path.cwd() / path))
    file = repo.read_for_model(rel)
    if lines is not None:
        total = len(file.text.splitlines())
        if lines[1] > total:
            raise UsageError(f"{rel} has {total} lines; line {lines[1]} is past the end")
    request = FixRequest(rel, args.message, lines)
    rung = resolve(args.model, settings)
    _check_budget(request, file.text, rung, settings, args.max_cost)
    session = FixSession(repo, settings, request, rung)
    result = asyncio.run(session.run())
    proposal, progress = result.proposal, result.progress
    applied = session.apply().paths if args.yes else []
    from haikutui.cli_output import plural, print_diff, say
    from haikutui.pricing import format_cost

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
    say(f"{summary} · {outcome}")
    return 0


def _check_budget(
    request: FixRequest, text: str, rung: Rung, settings: Settings, max_cost: float | None
) -> None:
    """Refuse, before anything is sent, a request whose estimate is over budget (exit 2)."""
    from haikutui.budget import over_budget
    from haikutui.estimate import estimate_fix
    from haikutui.model_caps import known_caps, lifecycle_warning

    warning = lifecycle_warning(known_caps(rung.model), rung.name)
    if warning:
        print(f"haikutui: warning: {warning}", file=sys.stderr)
    if max_cost is None and settings.budget_per_request is None:
        if settings.budget_per_session is None:
            return
    estimate = estimate_fix(request, text, settings, extra_rungs=(rung,)).rungs[-1]
    problem = over_budget(estimate.cost, rung.model, settings, max_cost=max_cost)
    if problem:
        allow = f"{(estimate.cost or 0) * 1.5:.4f}".rstrip("0").rstrip(".")
        raise UsageError(f"{problem}; nothing sent. Allow it with --max-cost {allow}")
