"""The `haikutui` command: the TUI by default, and headless subcommands on the same core.

Each subcommand's module is imported only when it runs, so `haikutui .` starts fast.
"""

from __future__ import annotations

import argparse
import sys

from haikutui import __version__
from haikutui.cli.parser import EXIT_CODES, Parser, add_provider_option
from haikutui.core.errors import HaikutuiError

SUBCOMMANDS: dict[str, str] = {
    "fix": "a quick inline fix",
    "lint": "lint repair: ruff, then the model",
    "batch": "list, status, collect: repo-wide repairs sent as batches",
    "rename": "rename a symbol across the repo: rope, then the model",
    "test": "run the tests; the model fixes the first failure, tested before it is shown",
    "history": "the applies haikutui made in this repo, newest first",
    "undo": "undo one apply (the newest by default), or one hunk of it",
    "log": "the request log: tokens, cost and latency per request",
    "trust": "trust this repository's settings and code; --revoke, --list",
}
"""Every headless command, as `haikutui --help` lists it (a test checks `main` runs each)."""


def _tui_parser() -> argparse.ArgumentParser:
    rows = "".join(f"  {name:<8} {text}\n" for name, text in SUBCOMMANDS.items())
    parser = Parser(
        prog="haikutui",
        description="Quick, reviewed code changes from Claude Haiku. "
        "`haikutui [PATH]` opens the TUI; `haikutui fix ...` works headless.",
        epilog=f"subcommands (haikutui COMMAND --help for each):\n{rows}\n" + EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("path", nargs="?", default=".", help="a folder inside a git repository")
    parser.add_argument("--model", help="rung to start on: fast|strong|strongest, an alias or ID")
    parser.add_argument("--version", action="version", version=f"haikutui {__version__}")
    add_provider_option(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        if args and args[0] == "fix":
            from haikutui.cli.fix_command import fix_parser, run_fix

            return run_fix(fix_parser().parse_args(args[1:]))
        if args and args[0] == "lint":
            from haikutui.cli.lint_command import lint_parser, run_lint

            return run_lint(lint_parser().parse_args(args[1:]))
        if args and args[0] == "rename":
            from haikutui.cli.rename_command import rename_parser, run_rename

            return run_rename(rename_parser().parse_args(args[1:]))
        if args and args[0] == "batch":
            from haikutui.cli.batch_command import run_batch

            return run_batch(args[1:])
        if args and args[0] in ("history", "undo"):
            from haikutui.cli.history_command import run_history

            return run_history(args)
        if args and args[0] == "test":
            from haikutui.cli.test_command import run_test

            return run_test(args[1:])
        if args and args[0] == "trust":
            from haikutui.cli.repo_trust import run_trust

            return run_trust(args[1:])
        if args and args[0] == "log":
            from haikutui.cli.log_command import run_log

            return run_log(args[1:])
        return _tui(_tui_parser().parse_args(args))
    except HaikutuiError as exc:
        from haikutui.core.terminal_text import shown

        print(f"haikutui: {shown(exc.message)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("haikutui: cancelled", file=sys.stderr)
        return 130


def _tui(args: argparse.Namespace) -> int:
    from haikutui.cli.repo_trust import settings_for
    from haikutui.core.gc_pause import kept_for_good
    from haikutui.core.repo import Repo

    with kept_for_good():
        repo = Repo(args.path)
        settings = settings_for(repo, args, quiet=True)  # the TUI asks, on its trust screen
        from haikutui.tui.app import create_app

        app = create_app(repo, settings, model=args.model)
    app.run()
    return int(app.return_code or 0)
