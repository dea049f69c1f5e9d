"""The main screen's and the review's keys: one table each, with a stable id, description and
tooltip for every key.

The ids (`main.ask`, ...) are what a user keymap in config rebinds; help and the footer read
the descriptions and tooltips from here.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

MAIN_KEYS: list[BindingType] = [
    Binding(
        "slash",
        "filter",
        "Files",
        priority=True,
        id="main.filter",
        tooltip="Focus the file filter and type to narrow the list",
    ),
    Binding(
        "i",
        "ask",
        "Ask",
        priority=True,
        id="main.ask",
        tooltip="Type an instruction for the selection (or the whole file)",
    ),
    Binding(
        "e",
        "escalate",
        "Escalate",
        id="main.escalate",
        tooltip="Send the same request to the next, stronger model",
    ),
    Binding(
        "g",
        "together",
        "Together",
        id="main.together",
        tooltip="Marked files: each alone as one job (the default), or all with the open file"
        " as one fix",
    ),
    Binding(
        "m",
        "cycle_rung",
        "Rung",
        id="main.cycle_rung",
        tooltip="Pick the model for the next request: fast, strong, strongest",
    ),
    Binding(
        "t",
        "toggle_thinking",
        "Think",
        id="main.toggle_thinking",
        tooltip="Thinking on or off for the next requests (budget or adaptive, per model)",
    ),
    Binding(
        "H",
        "history",
        "History",
        show=False,
        id="main.history",
        tooltip="The applies made in this repo, with undo of one apply or one hunk",
    ),
    Binding(
        "S",
        "stats",
        "Stats",
        show=False,
        id="main.stats",
        tooltip="Requests, cost, cache hits and latency from the request log",
    ),
    Binding(
        "R",
        "rename",
        "Rename",
        show=False,
        id="main.rename",
        tooltip="Rename the symbol on the cursor line across the repo: rope, then the model",
    ),
    Binding(
        "escape",
        "cancel",
        "Cancel",
        show=False,
        priority=True,
        id="main.cancel",
        tooltip="Leave the input you are typing in (clearing the filter), or stop the request",
    ),
    Binding(
        "l",
        "lint",
        "Lint",
        id="main.lint",
        tooltip="Repair the open file's lint findings: ruff's fixes, then the model",
    ),
    Binding(
        "b",
        "batches",
        "Batches",
        show=False,
        id="main.batches",
        tooltip="Batches (lint repairs and codemod jobs): progress, and results to review",
    ),
    Binding(
        "enter",
        "pick",
        "Open",
        show=False,
        priority=True,
        id="main.pick",
        tooltip="In the file filter: open the first match; keys typed next wait for it",
    ),
    Binding(
        "f",
        "toggle_files",
        "Fold",
        show=False,
        id="main.toggle_files",
        tooltip="Fold the file list away to give the code the width, or show it again",
    ),
    Binding(
        "T",
        "tests",
        "Tests",
        show=False,
        id="main.tests",
        tooltip="Run the tests; Enter on a failure asks for a fix, tested before you see it",
    ),
    Binding(
        "V",
        "details",
        "Details",
        show=False,
        id="main.details",
        tooltip="The whole status message (an error cut at 80 columns) in a scrollable panel",
    ),
    Binding("q", "app.quit", "Quit", id="main.quit", tooltip="Leave haikutui"),
]


def _bind(key: str, action: str, description: str, tooltip: str, *, show: bool = True) -> Binding:
    return Binding(key, action, description, show=show, id=f"review.{action}", tooltip=tooltip)


REVIEW_KEYS: list[BindingType] = [
    _bind("j,down", "next_hunk", "Next", "Move to the next hunk"),
    _bind("k,up", "previous_hunk", "Prev", "Move to the previous hunk", show=False),
    _bind("y", "accept", "Accept", "Accept this hunk and move on"),
    _bind("n", "reject", "Reject", "Reject this hunk and move on"),
    _bind(
        "space",
        "toggle_hunk",
        "Toggle",
        "Flip this hunk between accepted and rejected",
        show=False,
    ),
    _bind("A", "accept_all", "All", "Accept every hunk"),
    _bind("a", "apply", "Apply", "Write the accepted hunks to disk"),
    _bind("e", "escalate", "Escalate", "Ask the next, stronger model for the same change"),
    _bind("r", "refine", "Refine", "Add a follow-up instruction and ask again"),
    _bind("E", "edit_hunk", "Edit", "Edit this hunk in $VISUAL or $EDITOR", show=False),
    _bind("b", "rebase", "Re-base", "Merge a stale proposal onto the file as it now is"),
    _bind("R", "rerun_fresh", "Re-run", "Ask again against the files as they now are"),
    _bind(
        "c",
        "continue_run",
        "Continue",
        "Send the tool results and let the model go on; its edits join this proposal",
        show=False,
    ),
    _bind("t", "run_tests", "Test", "Run the tests that import the changed modules", show=False),
    _bind(
        "v",
        "details",
        "Details",
        "The whole verdict, note and error in a scrollable panel: findings, failing tests",
        show=False,
    ),
    _bind("q,escape", "leave", "Quit", "Leave the review without writing anything"),
]
