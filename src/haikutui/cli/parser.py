"""What every command's parser shares: one-line usage errors and the exit-code table."""

from __future__ import annotations

import argparse

EXIT_CODES = """exit codes:
  0  a proposal was made (and applied, with --yes)
  1  the model proposed no change, refused, or its reply was cut off
  2  bad usage or input: not a git repo, no such file, untracked or binary file, stale file
  3  API or provider error: no key, network, rate limit, overload, server error
  4  proposal failed its checks, or edits a file that configures execution: with --yes,
     nothing was written (--force / --allow-exec-edits applies it)"""


class Parser(argparse.ArgumentParser):
    """argparse exits 2 on bad usage, as we want, but with a one-line message of ours."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"haikutui: {message} (see `haikutui --help`)\n")


class _ProviderAction(argparse.Action):
    """`--provider NAME` is `HAIKUTUI_PROVIDER=NAME` for this run: every layer sees one choice."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        import os

        os.environ["HAIKUTUI_PROVIDER"] = str(values)
        setattr(namespace, self.dest, values)


def add_provider_option(parser: argparse.ArgumentParser) -> None:
    """The `--provider` every model command takes (over [provider] name in config)."""
    parser.add_argument(
        "--provider",
        choices=("anthropic", "bedrock", "vertex"),
        action=_ProviderAction,
        help="where requests go: anthropic, bedrock or vertex (default: [provider] in config)",
    )
    parser.add_argument(
        "--trust",
        action="store_true",
        help="trust this repository for this run: its powerful .haikutui.toml settings apply "
        "and its tests may run (`haikutui trust` remembers it)",
    )


def add_check_flags(parser: argparse.ArgumentParser, *, tests_by_default: bool = False) -> None:
    default = "on" if tests_by_default else "off unless [checks] test_command is set"
    parser.add_argument(
        "--test",
        action=argparse.BooleanOptionalAction,
        default=True if tests_by_default else None,
        help="run the tests that import the changed modules, on a temp copy with the change "
        f"([checks] test_command, else pytest in .venv or venv; default: {default})",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="with --yes, apply the proposal even when it fails its checks",
    )
    add_exec_edits_flag(parser)


def add_exec_edits_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-exec-edits",
        action="store_true",
        help="with --yes, apply edits to files that configure execution (CI workflows, "
        "conftest.py, setup.py, Makefile, ...); refused otherwise (exit 4)",
    )


def add_codemod_flags(parser: argparse.ArgumentParser) -> None:
    """What `fix` takes for a job over many files (README: One instruction across files)."""
    parser.add_argument(
        "--grep",
        metavar="PATTERN",
        help="only the files where this extended regex matches (git grep); each match is a "
        "selection sent by scope",
    )
    parser.add_argument(
        "--batch",
        action="store_true",
        help="submit the job as one Message Batch at half price; `haikutui batch collect ID`",
    )
    parser.add_argument(
        "--no-judge",
        action="store_true",
        help="skip Haiku's yes/no/unsure review of each diff (then the verdict alone decides)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=4,
        metavar="N",
        help="live requests in flight at once (default: 4)",
    )
