"""`haikutui history` and `haikutui undo`: the journal of applies, from the shell."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from haikutui.cli.output import out, plural, print_diff, say
from haikutui.core.apply import apply_proposal
from haikutui.core.errors import StaleError, UsageError
from haikutui.core.journal import Journal
from haikutui.core.repo import Repo
from haikutui.core.terminal_text import quote_path


def _parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"haikutui {command}")
    parser.add_argument("--json", action="store_true")
    if command == "undo":
        parser.description = "Undo one apply (the newest by default), or one hunk of it."
        parser.add_argument("id", nargs="?", help="the apply's ID from `haikutui history`")
        parser.add_argument("--hunk", metavar="PATH:N", help="undo only hunk N (1-based) of PATH")
        parser.add_argument(
            "--merge", action="store_true", help="three-way revert of files edited since"
        )
        parser.add_argument("--yes", action="store_true", help="with --merge: write the revert")
    else:
        parser.description = "The applies haikutui made in this repo, newest first."
    return parser


def run_history(argv: list[str]) -> int:
    command = argv[0]
    try:
        args = _parser(command).parse_args(argv[1:])
    except SystemExit as exc:
        return int(exc.code or 0)
    repo = Repo(".")
    journal = Journal(repo.git_dir)
    entries = journal.entries(repo.root)
    if command == "history":
        if args.json:
            print(
                json.dumps(
                    [
                        {
                            "id": e.id,
                            "time": e.time,
                            "label": e.label,
                            "state": e.state,
                            "files": [f.path for f in e.files],
                        }
                        for e in entries
                    ],
                    indent=2,
                )
            )
        elif not entries:
            say("nothing applied yet in this repo")
        for entry in [] if args.json else entries:
            when = datetime.fromtimestamp(entry.time).strftime("%Y-%m-%d %H:%M:%S")
            files = ", ".join(quote_path(f.path) for f in entry.files)
            out(f"{entry.id}  {when}  {entry.state:<8} {entry.label}: {files}")
        return 0
    open_entries = [e for e in entries if e.open_files]
    if args.id is None and not open_entries:
        raise UsageError("nothing to undo")
    entry_id = args.id or open_entries[0].id
    if args.hunk:
        path, _, number = args.hunk.rpartition(":")
        if not path or not number.isdigit() or int(number) < 1:
            raise UsageError(f"{args.hunk}: expected PATH:N with N counted from 1")
        journal.undo_hunk(repo.root, entry_id, repo.resolve(path), int(number) - 1)
        say(f"undid hunk {number} of {path} from {entry_id}")
        return 0
    if args.merge:
        proposal, conflicts = journal.merge_revert(repo.root, entry_id)
        if proposal.empty:
            say("nothing left to revert")
            return 1
        print_diff(proposal.diff())
        if conflicts:
            raise StaleError(
                f"the three-way revert has {plural(conflicts, 'conflict')}; nothing written"
            )
        if args.yes:
            apply_proposal(repo.root, proposal)
            say(f"reverted {plural(len(proposal.changes), 'file')} from {entry_id}")
        else:
            say("not written (use --yes)")
        return 0
    restored = journal.undo(repo.root, entry_id)
    say(f"undid {entry_id}: restored {', '.join(restored)}")
    return 0
