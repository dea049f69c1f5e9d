"""The verdict in headless commands: run as `--test` says, and `--yes` refused on a ✗."""

from __future__ import annotations

import argparse
from collections.abc import Mapping

from haikutui.cli.output import say
from haikutui.core.config import Settings
from haikutui.core.errors import ChecksFailed
from haikutui.core.proposal import Proposal
from haikutui.core.repo import Repo
from haikutui.core.scratch_tree import ScratchTree
from haikutui.tasks.lint.ruff_runner import Diagnostic, LintedText
from haikutui.tasks.verdict.checks import Verdict, check_proposal


def verdict_for(
    repo: Repo,
    proposal: Proposal,
    settings: Settings,
    args: argparse.Namespace,
    renamed: tuple[str, str] | None = None,
    before: Mapping[str, LintedText] | None = None,
    remaining: Mapping[str, list[Diagnostic]] | None = None,
    tree: ScratchTree | None = None,
) -> Verdict:
    """The checks, with the tests as `--test` / `--no-test` (or the command's default) say;
    `remaining` and `tree` as for `check_proposal` (a lint repair's)."""
    return check_proposal(
        repo,
        proposal,
        test_command=settings.test_command,
        tests=args.test,
        timeout=settings.test_timeout,
        renamed=renamed,
        before=before,
        trusted=settings.repo_trusted,
        pass_env=settings.pass_env,
        remaining=remaining,
        strict=settings.checks_strict,
        tree=tree,
    )


def may_apply(verdict: Verdict, args: argparse.Namespace) -> bool:
    """`--yes` applies a proposal with no blocking finding (advisories never stop it unless
    `[checks] strict = true`); a failed one only with `--force`;
    one that edits what runs (CI, conftest.py, ...) only with `--allow-exec-edits`."""
    return (
        bool(args.yes)
        and (verdict.ok or bool(args.force))
        and exec_edits_allowed(verdict.exec_edits, args)
    )


def exec_edits_allowed(edits: list[str], args: argparse.Namespace) -> bool:
    return not edits or bool(getattr(args, "allow_exec_edits", False))


def refuse_exec_edits(edits: list[str], args: argparse.Namespace) -> None:
    """Exit 4 when `--yes` met edits to files that configure execution."""
    if args.yes and not exec_edits_allowed(edits, args):
        raise ChecksFailed(
            f"the proposal edits files that configure what runs ({', '.join(edits)}): "
            "nothing written (--allow-exec-edits applies it)"
        )


def report(verdict: Verdict, args: argparse.Namespace) -> None:
    """The verdict on stderr; then exit 4 when `--yes` was refused because of it."""
    say(f"check: {verdict.summary}")
    refuse_exec_edits(verdict.exec_edits, args)
    if verdict.ok or not args.yes:
        return
    if args.force:
        say("applied although the proposal failed its checks (--force)")
        return
    raise ChecksFailed("proposal failed its checks: nothing written (--force applies it anyway)")
