"""Repo trust on the command line: settings as trust allows, `--trust`, and `haikutui trust`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from haikutui.cli.output import say
from haikutui.cli.parser import Parser

if TYPE_CHECKING:
    from haikutui.core.config import Settings
    from haikutui.core.repo import Repo


def settings_for(
    repo: Repo, args: argparse.Namespace | None = None, *, quiet: bool = False
) -> Settings:
    """The user's config and the repo's: its powerful settings only if the repo is trusted
    (remembered, or `--trust` for this run). What was left out is said in one line."""
    from haikutui.core import trust
    from haikutui.core.config import load_settings
    from haikutui.model.pricing import price_for

    once = bool(getattr(args, "trust", False))
    trusted = once or trust.is_trusted(repo.root)
    settings = load_settings(
        repo.root, trusted=trusted, priced=lambda model: price_for(model) is not None
    )
    if settings.repo_ignored and not quiet:
        say(ignored_line(settings))
    return settings


def ignored_line(settings: Settings) -> str:
    shown = ", ".join(label.split(" = ", 1)[0] for label in settings.repo_ignored)
    return f"repo settings ignored until you trust this repository (haikutui trust, or --trust): {shown}"


def trust_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="haikutui trust",
        description="Trust a repository: its powerful .haikutui.toml settings apply and its "
        "own code (tests, conftest.py, .venv, uv run) may run. Remembered for this config and "
        "these executables; asked again when either changes.",
    )
    parser.add_argument("path", nargs="?", default=".", help="a folder inside the repository")
    parser.add_argument("--revoke", action="store_true", help="stop trusting the repository")
    parser.add_argument("--list", action="store_true", help="list the trusted repositories")
    return parser


def run_trust(argv: list[str]) -> int:
    from haikutui.core import trust
    from haikutui.core.repo import Repo

    args = trust_parser().parse_args(argv)
    if args.list:
        repos = trust.trusted_repos()
        for root, entry in sorted(repos.items()):
            state = (
                "trusted" if trust.is_trusted(Path(root)) else "changed since trusted: asks again"
            )
            print(f"{_shown(root)}  {_shown(str(entry.get('trusted_at', '?')))}  {state}")
        if not repos:
            say("no trusted repositories")
        return 0
    repo = Repo(args.path)
    if args.revoke:
        was = trust.revoke(repo.root)
        say(f"{'no longer trusted' if was else 'was not trusted'}: {repo.root}")
        return 0
    settings = settings_for(repo, quiet=True)
    brought = trust.claims(repo.root, settings.repo_powerful)
    trust.remember(brought)
    say(f"trusted: {repo.root}")
    for line in brought.powerful:
        print(f"  setting     {_shown(line)}")
    for line in brought.executables:
        print(f"  executable  {_shown(line)}")
    if not brought.asks:
        print("  (it brings no powerful settings and no executables)")
    return 0


def _shown(text: str) -> str:
    """Repo-made text (file names) printed as text: a control character shows as `\\x1b`."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
