"""Which hunks of a proposal change lines outside what the user selected.

The model is asked to stay inside the selection, but nothing forces it to: an edit elsewhere
is shown in review, never applied without a word.
"""

from __future__ import annotations

import re

from haikutui.core.proposal import Hunk, Proposal

HEADER = re.compile(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")


def _touched(hunk: Hunk) -> tuple[list[int], list[int]]:
    """Original lines the hunk removes or replaces, and the lines it inserts before."""
    found = HEADER.match(hunk.header)
    old = int(found[1]) if found else 0
    removed: list[int] = []
    inserted: list[int] = []
    for line in hunk.lines:
        kind = line[:1]
        if kind == "-":
            removed.append(old)
        elif kind == "+":
            inserted.append(old)
        old += kind != "+"
    return removed, inserted


def outside_selection(
    proposal: Proposal, path: str, lines: tuple[int, int] | None
) -> dict[int, str]:
    """Hunk index -> where it lies (`lines 40–52`, or another file's path), for each hunk that
    changes anything outside `lines` of `path`. Nothing is outside when no lines were selected.
    """
    if lines is None:
        return {}
    start, end = lines
    outside: dict[int, str] = {}
    for index, (change, hunk) in enumerate(proposal.hunks):
        if change.path != path:
            outside[index] = change.path
            continue
        removed, inserted = _touched(hunk)
        # Inserting right after the last selected line still writes inside the selection.
        if any(not start <= n <= end for n in removed) or any(
            not start <= n <= end + 1 for n in inserted
        ):
            span = removed or inserted  # a replacement's insertion point follows its removal
            first, last = min(span), max(span)
            outside[index] = f"line {first}" if first == last else f"lines {first}–{last}"
    return outside
