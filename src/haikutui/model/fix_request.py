"""What the user asked for, and the prompt that carries it so the model can edit in one request."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from haikutui.core.textfile import TextFile
from haikutui.model.editor_tool import TOOL_NAME, numbered

WHOLE_FILE_LINES = 1500
"""Up to this many lines the whole file is sent; above it, a window around the selection."""
WINDOW = 120

SYSTEM_PROMPT = f"""You are haikutui, a careful engineer making a small, precise change to a \
file in a git repository.
- Edit only with the {TOOL_NAME} tool. Paths are relative to the repository root.
- The file is shown to you with line numbers: do not call `view` on it; edit it with \
`str_replace`.
- `old_str` must match the file text exactly once, without the line-number prefixes. Include \
enough surrounding lines to make it unique.
- Change only what the instruction asks for; keep the file's style and indentation.
- You get one reply and no tool results: put every edit in that reply, as parallel tool \
calls, never one per turn.
- If no change is needed, say why in one sentence and do not call the tool."""
"""The one-reply contract: the fast path stops after the first reply whose edits succeeded,
so the model must send them all at once (`c` on the review lets it go on when it did not).
Its local token estimate is kept at that of the earlier prompt, so estimates do not move."""


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

    def refined(self, follow_up: str, prior: PriorAttempt | None) -> FixRequest:
        """The same request plus one more instruction, with what was proposed so far."""
        return replace(self, follow_ups=(*self.follow_ups, follow_up), prior=prior)

    def escalated(self, prior: PriorAttempt | None) -> FixRequest:
        """The same request for the next rung; with no prior, it goes as the user first asked."""
        return replace(self, prior=prior)

    @property
    def target(self) -> str:
        if self.lines is None:
            return self.path
        start, end = self.lines
        return f"{self.path}:{start}" if start == end else f"{self.path}:{start}-{end}"


CACHE_BREAKPOINT: dict[str, str] = {"type": "ephemeral"}
"""On the file block: tools, system prompt and file form the stable prefix the cache keeps."""


def build_messages(request: FixRequest, file: TextFile) -> list[dict[str, Any]]:
    """The first user turn: file (or a window of it) with line numbers, then the instruction."""
    return messages_for_text(request, file.text)


def messages_for_text(request: FixRequest, text: str) -> list[dict[str, Any]]:
    """The prompt laid out for the cache: what stays the same for a file comes first.

    Tools, then the system prompt, then the file block carrying the only cache breakpoint:
    that prefix is byte-identical across fixes of the same file, so the second fix reads it
    from the cache. What changes per request (selection, instruction, follow-ups, an earlier
    attempt) comes after the breakpoint.
    """
    shown = stable_file_block(request, text)
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


def stable_file_block(request: FixRequest, text: str) -> str:
    """The file with line numbers; for a very long file with a selection, a window of it."""
    lines = text.split("\n")
    total = _line_count(lines)
    if total <= WHOLE_FILE_LINES or request.lines is None:
        return f'<file path="{request.path}" lines="{total}">\n{numbered(text)}\n</file>'
    start = max(1, request.lines[0] - WINDOW)
    end = min(total, request.lines[1] + WINDOW)
    window = "\n".join(lines[start - 1 : end])
    return (
        f'<file path="{request.path}" lines="{total}" shown="{start}-{end}">\n'
        f"{numbered(window, start)}\n</file>\n"
        "Only these lines are shown; `view` other ranges if you really need them."
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
