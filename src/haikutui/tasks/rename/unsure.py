"""Occurrences rope is unsure about: each in a hunk of its own, and the one question to the model.

rope renames them all in memory; the review shows each as a separate hunk, rejected unless
the user (or the model's yes/no answer) accepts it. Nothing unsure is dropped silently.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from haikutui.core.config import Settings
from haikutui.core.overlay import Overlay
from haikutui.core.proposal import CONTEXT_LINES, FileChange, Hunk, _hunk
from haikutui.core.repo import Repo
from haikutui.model.fix_run import ProgressCallback, run_edits
from haikutui.model.ladder import Rung
from haikutui.model.pricing import Usage
from haikutui.tasks.rename.rope_engine import Unsure
from haikutui.tasks.rename.target import Target

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

UNSURE_SOURCE = "rope unsure"

CLASSIFY_SYSTEM = """You are haikutui, helping a refactoring tool finish a rename.
The tool could not infer the type of the receiver at some call sites. For each numbered
occurrence, answer whether it refers to the renamed symbol (the class hierarchy described).
Reply with one line per occurrence and nothing else: `N: yes` or `N: no`.
Do not call any tool."""

ANSWER = re.compile(r"^\s*[#(\[]?(\d+)[)\].:]?\s*[:\-]?\s*(yes|no)\b", re.IGNORECASE | re.MULTILINE)


def classify_messages(
    texts: dict[str, str], unsure: list[Unsure], symbol: str, new: str
) -> list[dict[str, Any]]:
    """One user turn: the symbol, then each unsure line with two lines of context."""
    blocks = []
    for number, occurrence in enumerate(unsure, 1):
        lines = texts.get(occurrence.path, "").split("\n")
        start = max(1, occurrence.line - 2)
        shown = "\n".join(
            f"{n:>5}{'>' if n == occurrence.line else ' '} {lines[n - 1]}"
            for n in range(start, min(len(lines), occurrence.line + 2) + 1)
        )
        blocks.append(f"{number}. {occurrence.where}\n{shown}")
    text = (
        f"Renaming {symbol} to `{new}`. Does the marked line (>) use that symbol?\n\n"
        + "\n\n".join(blocks)
    )
    return [{"role": "user", "content": [{"type": "text", "text": text}]}]


async def classify(
    repo: Repo,
    settings: Settings,
    rung: Rung,
    target: Target,
    new: str,
    unsure: list[Unsure],
    *,
    client: AsyncAnthropic | None = None,
    on_progress: ProgressCallback | None = None,
) -> tuple[dict[tuple[str, int], bool], Usage]:
    """One request: a yes or a no for each unsure occurrence, by its key; and what it cost."""
    texts = {rel: repo.read_for_model(rel).text for rel in {u.path for u in unsure}}
    symbol = f"the {target.kind} `{target.old}` defined at {target.where}"
    run = await run_edits(
        Overlay(repo),
        classify_messages(texts, unsure, symbol, new),
        rung,
        settings,
        system=CLASSIFY_SYSTEM,
        client=client,
        on_progress=on_progress,
        task="rename",
    )
    answers = parse_answers(run.texts, len(unsure))
    return {unsure[i].key: yes for i, yes in answers.items()}, run.progress.usage


def parse_answers(texts: list[str], count: int) -> dict[int, bool]:
    """0-based index -> yes/no, for the numbers the model answered."""
    answers: dict[int, bool] = {}
    for text in texts:
        for match in ANSWER.finditer(text):
            number = int(match[1])
            if 1 <= number <= count:
                answers[number - 1] = match[2].lower() == "yes"
    return answers


def isolate(change: FileChange, lines: set[int]) -> list[tuple[Hunk, set[int]]]:
    """Regroup `change`'s hunks so every edit on a 0-based new-text line in `lines` stands alone.

    Returns the hunks that hold those lines, each with the lines it holds. A renaming replace over several lines is split
    line by line first, so a sure edit next to an unsure one stays in its own hunk.
    """
    if not lines:
        return []
    old, new = change.old_lines, change.new_text.splitlines(keepends=True)
    ops: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in change._opcodes:
        if tag == "replace" and i2 - i1 == j2 - j1:
            ops.extend(("replace", i1 + k, i1 + k + 1, j1 + k, j1 + k + 1) for k in range(i2 - i1))
        else:
            ops.append((tag, i1, i2, j1, j2))
    marked = [
        op[0] != "equal" and any(j in lines for j in range(op[3], max(op[4], op[3] + 1)))
        for op in ops
    ]
    groups: list[list[int]] = []  # indexes into ops of the edits of each hunk
    for index, op in enumerate(ops):
        if op[0] == "equal":
            continue
        if groups and not marked[index] and not marked[groups[-1][-1]]:
            gap = sum(ops[k][2] - ops[k][1] for k in range(groups[-1][-1] + 1, index))
            if gap <= 2 * CONTEXT_LINES:
                groups[-1].append(index)
                continue
        groups.append([index])
    hunks: list[Hunk] = []
    owner = [-1] * len(ops)
    isolated: list[tuple[Hunk, set[int]]] = []
    for number, group in enumerate(groups):
        first, last = group[0], group[-1]
        parts: list[tuple[str, int, int, int, int]] = []
        if first > 0 and ops[first - 1][0] == "equal":
            tag, i1, i2, j1, j2 = ops[first - 1]
            keep = min(CONTEXT_LINES, i2 - i1)
            parts.append((tag, i2 - keep, i2, j2 - keep, j2))
        parts.extend(ops[first : last + 1])
        if last + 1 < len(ops) and ops[last + 1][0] == "equal":
            tag, i1, i2, j1, j2 = ops[last + 1]
            keep = min(CONTEXT_LINES, i2 - i1)
            parts.append((tag, i1, i1 + keep, j1, j1 + keep))
        hunk = _hunk(parts, old, new)
        hunks.append(hunk)
        for index in group:
            owner[index] = number
        if marked[first]:
            held = {j for k in group for j in range(ops[k][3], ops[k][4]) if j in lines}
            isolated.append((hunk, held))
    change._opcodes, change._owner, change.hunks = ops, owner, hunks
    return isolated
