"""What the user asked for, and the prompt that carries it so the model can edit in one request."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from haikutui.core.textfile import TextFile
from haikutui.model.editor_tool import TOOL_NAME

WHOLE_FILE_LINES = 1500
"""Up to this many lines the whole file is sent; above it, a window around the selection."""
WHOLE_FILE_CHARS = 8_000
"""About 2,000 tokens: a longer file with a selection is sent as a window plus an outline."""
WINDOW = 120
WINDOW_STEP = 40

SYSTEM_PROMPT = f"""You are haikutui, a careful engineer making a small, precise change to a \
file in a git repository.
- Edit only with the {TOOL_NAME} tool. Paths are relative to the repository root.
- The file is shown to you as plain text (a long one as a window of it, with an outline of \
the rest): do not call `view` on what is shown; edit it with `str_replace`.
- `old_str` must match the file text exactly once. Include enough surrounding lines to make \
it unique.
- Change only what the instruction asks for; keep the file's style and indentation.
- You get one reply and no tool results: put every edit in that reply, as parallel tool \
calls, never one per turn.
- If no change is needed, say why in one sentence and do not call the tool."""
"""The one-reply contract: the fast path stops after the first reply whose edits succeeded,
so the model must send them all at once (`c` on the review lets it go on when it did not).
It describes the file block as `stable_file_block` builds it: plain text, no line numbers."""


@dataclass(frozen=True)
class PriorAttempt:
    """A proposal already made, shown to the next model so it can do better, not start blind."""

    model: str
    diff: str
    reason: str


@dataclass(frozen=True)
class FixRequest:
    """A quick inline fix: one file, an optional line range, and the instruction."""

    path: str
    instruction: str
    lines: tuple[int, int] | None = None
    follow_ups: tuple[str, ...] = ()
    prior: PriorAttempt | None = field(default=None, compare=False)
    also: tuple[str, ...] = ()
    """Other files the user marked (space in the list): sent too, and the change may span them."""

    def refined(self, follow_up: str, prior: PriorAttempt | None) -> FixRequest:
        """The same request plus one more instruction, with what was proposed so far."""
        return replace(self, follow_ups=(*self.follow_ups, follow_up), prior=prior)

    def escalated(self, prior: PriorAttempt | None) -> FixRequest:
        """The same request for the next rung; with no prior, it goes as the user first asked."""
        return replace(self, prior=prior)

    @property
    def target(self) -> str:
        more = f" +{len(self.also)}" if self.also else ""
        if self.lines is None:
            return self.path + more
        start, end = self.lines
        where = f"{self.path}:{start}" if start == end else f"{self.path}:{start}-{end}"
        return where + more


CACHE_BREAKPOINT: dict[str, str] = {"type": "ephemeral"}
"""On the file block: tools, system prompt and file form the stable prefix the cache keeps."""


def build_messages(
    request: FixRequest, file: TextFile, also: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The first user turn: the file (or a window and an outline of it), then the instruction;
    `also` the marked files' texts by path."""
    return messages_for_text(request, file.text, also)


def marked_file_block(path: str, text: str) -> str:
    """A marked file: whole when short; a long one by scope (its imports and def/class lines
    with their numbers), to `view` where the change needs it."""
    lines = text.split("\n")
    total = _line_count(lines)
    if len(text) <= WHOLE_FILE_CHARS and total <= WHOLE_FILE_LINES:
        body = text[:-1] if text.endswith("\n") else text
        return f'<file path="{path}" lines="{total}">\n{body}\n</file>'
    return (
        f'<file path="{path}" lines="{total}" shown="outline">\n'
        f"{outline(lines[:total], range(0))}\n</file>\n"
        f"{path} is long: only its outline is shown; `view` the lines you need."
    )


def messages_for_text(
    request: FixRequest, text: str, also: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """The prompt laid out for the cache: what stays the same for a file comes first.

    Tools, then the system prompt, then the file block carrying the only cache breakpoint:
    that prefix is byte-identical across fixes of the same file (and, for a windowed file,
    of the same stretch of it), so the second fix reads it from the cache. What changes per
    request (selection, instruction, follow-ups, an earlier attempt) comes after it.
    """
    shown = stable_file_block(request, text)
    for path in request.also:
        if also is not None and path in also:
            shown += "\n" + marked_file_block(path, also[path])
    return [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": shown, "cache_control": dict(CACHE_BREAKPOINT)},
                {"type": "text", "text": request_text(request, text)},
            ],
        }
    ]


def _line_count(lines: list[str]) -> int:
    return len(lines) - 1 if lines and lines[-1] == "" else len(lines)


_OUTLINED = re.compile(r"^\s*(?:async\s+def|def|class)\s|^(?:import|from)\s")
"""Lines an outline keeps: imports, and def/class headers at any depth."""


def outline(lines: list[str], skip: range) -> str:
    """`12: def name(...)` for each import and def/class line outside `skip` (the window)."""
    return "\n".join(
        f"{n}: {line.rstrip()}"
        for n, line in enumerate(lines, 1)
        if n not in skip and _OUTLINED.match(line)
    )


def _window(selected: tuple[int, int], total: int) -> tuple[int, int]:
    """WINDOW lines either side, widened to WINDOW_STEP boundaries so that nearby selections
    give the same window, and with it the same cached prefix."""
    start = max(1, (selected[0] - WINDOW - 1) // WINDOW_STEP * WINDOW_STEP + 1)
    end = min(total, -(-(selected[1] + WINDOW) // WINDOW_STEP) * WINDOW_STEP)
    return start, end


def stable_file_block(request: FixRequest, text: str) -> str:
    """The file as plain text; over WHOLE_FILE_CHARS with a selection, the selection's scope
    (`context_scope`: the enclosing function whole, imports, an outline) for Python that
    parses, else a window plus an outline.

    No line-number prefixes: `str_replace` needs none, and they cost about half as much
    again as the text. Line numbers appear where they help: the selection's range, the
    window's bounds and the outline. `view` results stay numbered, as the tool returns them.
    """
    lines = text.split("\n")
    total = _line_count(lines)
    body = text[:-1] if text.endswith("\n") else text
    if request.lines is None or (len(text) <= WHOLE_FILE_CHARS and total <= WHOLE_FILE_LINES):
        return f'<file path="{request.path}" lines="{total}">\n{body}\n</file>'
    if request.path.endswith((".py", ".pyi")):
        from haikutui.model.context_scope import scoped_block

        scoped = scoped_block(request.path, text, request.lines, WHOLE_FILE_LINES)
        if scoped is not None:
            return scoped
    start, end = _window(request.lines, total)
    window = "\n".join(lines[start - 1 : end])
    rest = outline(lines[:total], range(start, end + 1))
    summary = f"\n<outline>\n{rest}\n</outline>" if rest else ""
    return (
        f'<file path="{request.path}" lines="{total}" shown="{start}-{end}">\n'
        f"{window}\n</file>{summary}\n"
        f"Only lines {start}-{end} are shown (the outline gives other lines' numbers); "
        "`view` other ranges if you really need them."
    )


def request_text(request: FixRequest, text: str) -> str:
    """Everything that changes from one request to the next, placed after the breakpoint."""
    lines = text.split("\n")
    parts = [f"Instruction: {request.instruction.strip()}"]
    if request.lines is not None:
        start, end = request.lines
        selected = "\n".join(lines[start - 1 : end])
        where = f"line {start}" if start == end else f"lines {start}-{end}"
        parts.insert(0, f"The user selected {where} of {request.path}:\n```\n{selected}\n```")
    else:
        parts.insert(0, f"The user is working on {request.path}.")
    if request.also:
        marked = ", ".join(request.also)
        parts.insert(1, f"The user also marked {marked}: the change may edit those files too.")
    for follow_up in request.follow_ups:
        parts.append(f"Follow-up instruction: {follow_up.strip()}")
    if request.prior is not None:
        prior = request.prior
        parts.append(
            f"An earlier attempt by {prior.model} proposed this change, which is NOT applied:\n"
            f"```diff\n{prior.diff.strip() or '(no change)'}\n```\n"
            f"It was passed on to you because: {prior.reason}\n"
            "Start again from the file as shown above and propose your own edit."
        )
    return "\n\n".join(parts)
