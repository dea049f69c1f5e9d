"""Which engine made each hunk of a lint proposal, and which wait for the user: ruff's safe
fixes and the no-model engines are accepted; ruff's unsafe fixes, a risky star import
written out, and a model's hunk that took in an unsafe edit are offered rejected, each
named with the rules it covers."""

from __future__ import annotations

import re

from haikutui.core.proposal import CONTEXT_LINES, FileChange, Hunk, Proposal
from haikutui.core.textfile import TextFile
from haikutui.tasks.lint.long_lines import Shortened
from haikutui.tasks.lint.ruff_runner import Diagnostic
from haikutui.tasks.lint.star_imports import SOURCE as STAR_SOURCE
from haikutui.tasks.lint.star_imports import STAR_RULES, StarPlan

UNSAFE = "ruff (unsafe: "
"""How an unsafe fix's hunk source begins: `ruff (unsafe: F841 unused-variable) · reason`."""
STAR_UNSAFE = "rope (unsafe: "
"""A star import written out that may change behaviour (`star_imports.StarPlan.safe`)."""
STAR_LINE = re.compile(r"^-\s*from\s+\S+\s+import\s+\*")


def is_unsafe(source: str) -> bool:
    """An unsafe hunk (ruff's, or rope's star), or a model's hunk holding an unsafe edit
    (`<model> + ruff (unsafe: …`)."""
    return any(source.startswith(p) or f" + {p}" in source for p in (UNSAFE, STAR_UNSAFE))


def mark_sources(proposal: Proposal, ruff_texts: dict[str, str], model: str) -> None:
    """`hunk.source`: "ruff" when ruff's fixes alone explain every edit in it, else `model`."""
    for change in proposal.changes:
        ruff_text = ruff_texts.get(change.path, change.old_text)
        if ruff_text == change.new_text:  # ruff made every edit: no second diff
            for hunk in change.hunks:
                hunk.source = "ruff"
            continue
        ruff_change = FileChange(change.path, change.base, ruff_text)
        ruff_lines = {line for h in ruff_change.hunks for line in h.lines if line[0] in "+-"}
        for hunk in change.hunks:
            edits = [line for line in hunk.lines if line[0] in "+-"]
            hunk.source = "ruff" if all(line in ruff_lines for line in edits) else model


def apart_from_safe(original: str, safe: str, unsafe: str) -> tuple[str, set[int]]:
    """The unsafe text, less its edits near a safe fix's; and the safe text's lines (from 0)
    whose unsafe edits were kept, so only the findings there count as covered.

    Hunks are cut from the original to the final text: an unsafe edit within a hunk's reach
    of a safe one (SIM114's merged arms, then SIM101 on the merged line) would share its hunk,
    could not be rejected apart, and would be applied as if safe. Such an edit is not offered;
    its finding stays for the model.
    """
    from difflib import SequenceMatcher

    old, mid, new = (t.splitlines(keepends=True) for t in (original, safe, unsafe))
    safe_edits = [
        (j1, j2)
        for tag, _, _, j1, j2 in SequenceMatcher(None, old, mid, autojunk=False).get_opcodes()
        if tag != "equal"
    ]
    reach = 2 * CONTEXT_LINES  # at most this many equal lines between two edits: one hunk
    out: list[str] = []
    kept: set[int] = set()
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, mid, new, autojunk=False).get_opcodes():
        if tag == "equal" or any(i1 - b <= reach and a - i2 <= reach for a, b in safe_edits):
            out += mid[i1:i2]
        else:
            out += new[j1:j2]
            kept.update(range(i1, max(i2, i1 + 1)))
    return "".join(out), kept


def mark_unsafe(
    proposal: Proposal,
    safe: dict[str, str],
    start: dict[str, str],
    unsafe: dict[str, list[Diagnostic]],
    stars: dict[str, str] | None = None,
) -> list[tuple[str, Hunk, list[Diagnostic]]]:
    """Hunks made by ruff's unsafe fixes: sourced `ruff (unsafe: RULE name) · reason` and
    rejected, so nothing unsafe is applied unless the user takes it (`y`, `--unsafe-fixes`).
    Returned: each such hunk with its path and the findings it covers.

    A hunk is unsafe when its edits are not all ruff's safe ones but all appear between the
    safe text and the unsafe one; its rules are the unsafe findings on the lines it touches.
    A model's hunk that took in an unsafe edit nearby (within a hunk's reach) is rejected
    too, sourced `<model> + ruff (unsafe: …)`: accepting it would apply the unsafe edit.
    A hunk that writes out a star import of a file in `stars` (path -> why it is unsafe)
    is `rope (unsafe: F403, F405) · why`, and covers the file's star findings.
    """
    offered: list[tuple[str, Hunk, list[Diagnostic]]] = []
    for change in proposal.changes:
        if change.path not in unsafe:
            continue
        steps = FileChange(change.path, TextFile(safe[change.path]), start[change.path])
        for hunk in change.hunks:
            edits = [line for line in hunk.lines if line[0] in "+-"]
            if hunk.source == "ruff" or not edits:
                continue
            owners = [h for h in steps.hunks if all(line in h.lines for line in edits)]
            made_by = ""
            if not owners:  # a model's hunk: does it hold an unsafe edit too?
                owners = [
                    h
                    for h in steps.hunks
                    if any(line in edits for line in h.lines if line[0] in "+-")
                ]
                made_by = f"{hunk.source} + "
            if not owners:
                continue
            found = unsafe[change.path]
            covered = [d for h in owners for d in _covered(h.header, found)]
            if change.path in (stars or {}) and any(STAR_LINE.match(line) for line in edits):
                star = [d for d in found if d.code in STAR_RULES]
                covered = list(dict.fromkeys(covered + star))
                label = f"{STAR_UNSAFE}F403, F405) · {(stars or {})[change.path]}"
                if len(star) < len(covered):  # ruff's unsafe fix in the same hunk
                    label += " + " + UNSAFE + _rules([d for d in covered if d not in star])
                hunk.source = made_by + label
            else:
                covered = list(dict.fromkeys(covered)) or found[:1]
                hunk.source = made_by + UNSAFE + _rules(covered)
            hunk.accepted = False
            offered.append((change.path, hunk, covered))
    return offered


def mark_stars(proposal: Proposal, plans: dict[str, StarPlan]) -> None:
    """Hunks that write out a star import, planned safe: `rope (F403, F405) · what became what`.
    They stay accepted, like ruff's safe fixes: behaviour cannot change (`StarPlan.safe`)."""
    for change in proposal.changes:
        plan = plans.get(change.path)
        if plan is None:
            continue
        for hunk in change.hunks:
            if any(STAR_LINE.match(line) for line in hunk.lines):
                hunk.source = f"{STAR_SOURCE} · {plan.reason}"


def mark_shortened(proposal: Proposal, shortened: dict[str, Shortened]) -> None:
    """Hunks that shorten a long line: `ruff format (E501)` or `textwrap (E501)`; accepted."""
    for change in proposal.changes:
        done = shortened.get(change.path)
        if done is None:
            continue
        for hunk in change.hunks:
            source = done.source([line[1:].rstrip("\r\n") for line in hunk.lines if line[0] == "-"])
            if source is not None and hunk.source == "ruff":
                hunk.source = source


def _covered(header: str, findings: list[Diagnostic]) -> list[Diagnostic]:
    """The findings on a hunk's old lines (`@@ -12,3 +12,2 @@`: lines 12 to 14)."""
    old = header.split()[1].lstrip("-")  # "@@ -12,3 +12,2 @@" -> "12,3"
    first, _, count = old.partition(",")
    start = int(first or 1)
    lines = range(start, start + max(1, int(count or 1)))
    return [d for d in findings if d.row in lines]


def _rules(found: list[Diagnostic]) -> str:
    """`F841 unused-variable) · Remove assignment ...` for the findings a hunk covers."""
    codes = ", ".join(dict.fromkeys(f"{d.code} {d.name}".strip() for d in found))
    reasons = "; ".join(dict.fromkeys(d.fix_message or d.message for d in found))
    return f"{codes}) · {reasons}"


def accept_unsafe(proposal: Proposal) -> int:
    """`--unsafe-fixes`: take every unsafe hunk (the verdict still judges the result)."""
    taken = 0
    for _, hunk in proposal.hunks:
        if is_unsafe(hunk.source) and not hunk.accepted:
            hunk.accepted = True
            taken += 1
    return taken
