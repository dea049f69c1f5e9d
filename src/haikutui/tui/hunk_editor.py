"""`E` in review: the current hunk's new text in the user's `$VISUAL` / `$EDITOR`, app suspended.

Kept apart from the review screen so the screen only gains one key and one action.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from textual.app import App, SuspendNotSupported

from haikutui.core.proposal import FileChange, HandEdit, Hunk, Proposal, hunk_text


def editor_command() -> list[str]:
    """`$VISUAL`, else `$EDITOR`, else `vi`, split as a shell would split it."""
    return shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")


def edit_in_editor(app: App[object], change: FileChange, hunk: Hunk) -> str | None:
    """The hunk's text as the user left it in their editor; None when the editor failed.

    The temp file keeps the source's suffix so the editor highlights it. Where the driver
    cannot suspend (headless tests), the editor runs without a terminal of its own.
    """
    before = hunk_text(change, hunk)
    suffix = Path(change.path).suffix or ".txt"
    with tempfile.TemporaryDirectory(prefix="haikutui-hunk-") as tmp:
        path = Path(tmp) / f"hunk{suffix}"
        path.write_bytes(before.encode())
        command = [*editor_command(), str(path)]
        try:
            with app.suspend():
                code = subprocess.run(command, check=False).returncode
        except SuspendNotSupported:
            code = subprocess.run(command, check=False, stdin=subprocess.DEVNULL).returncode
        except OSError:
            return None
        if code != 0:
            return None
        text = path.read_bytes().decode()
    if change.base is not None and change.base.newline:  # the text keeps `\n`; encode adds CRLF
        text = text.replace("\r\n", "\n")
    return text


def edit_hunk(app: App[object], proposal: Proposal, index: int) -> tuple[HandEdit | None, str]:
    """Hunk `index` through the user's editor into the proposal: the edit made, or why none."""
    change, hunk = proposal.hunks[index]
    try:
        text = edit_in_editor(app, change, hunk)
        if text is None:
            return None, "the editor failed; the hunk is unchanged"
        edit = proposal.edit_hunk(index, text)
    except (ValueError, UnicodeDecodeError) as exc:
        return None, str(exc).splitlines()[0]
    return (edit, "") if edit.before != edit.after else (None, "the hunk is unchanged")
