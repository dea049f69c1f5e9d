"""Between two requests of one run: what goes back to the model, and whether the next may go.

A follow-up request carries everything before it plus what the tools returned, so it can
cost far more than the first one the user agreed to: it is checked against the context and
the budget again. A reply whose tool input the SDK could not parse becomes an `is_error`
tool result, so the model hears about it and sends the call again. A reply that says it
will do more than it did is flagged, so the user can let it go on.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from haikutui.core.config import Settings
from haikutui.core.errors import ModelError, UsageError
from haikutui.model.budget import over_budget
from haikutui.model.capabilities import known_caps
from haikutui.model.pricing import Usage, cost

if TYPE_CHECKING:
    from anthropic.types import Message

CONTEXT_TOKENS = 200_000
"""The context window of every rung haikutui climbs (Haiku, Sonnet and Opus 4.x)."""
BAD_JSON = "Unable to parse tool parameter JSON"
"""How the SDK's ValueError starts when it cannot accumulate `input_json_delta` events."""


class BadToolInput(Exception):
    """A reply whose tool input was not valid JSON: the turn to record and the call to answer."""

    def __init__(self, assistant: list[dict[str, Any]], tool_id: str, detail: str) -> None:
        super().__init__(detail)
        self.assistant = assistant
        self.tool_id = tool_id
        self.detail = detail

    def result(self, tool_name: str) -> dict[str, Any]:
        return {
            "type": "tool_result",
            "tool_use_id": self.tool_id,
            "content": (
                f"Error: your {tool_name} input was not valid JSON ({self.detail}). None of "
                "this reply's tool calls ran: send them again, with valid JSON."
            ),
            "is_error": True,
        }


def bad_tool_input(snapshot: Message | None, exc: Exception, model: str) -> BadToolInput:
    """The reply as far as it streamed, its broken call answered as an error, or one line."""
    detail = str(exc).split("Error: ", 1)[-1].split(". JSON:", 1)[0].strip()[:160]
    blocks = list(snapshot.content) if snapshot is not None else []
    calls = [b for b in blocks if b.type == "tool_use"]
    if not calls:
        raise ModelError(f"{model} sent a reply the SDK could not read ({detail}); nothing applied")
    broken = calls[-1]
    kept: list[dict[str, Any]] = []
    for block in blocks:
        if block.type == "text" and block.text:
            kept.append({"type": "text", "text": block.text})
        elif block.type == "thinking" and block.signature:
            kept.append(
                {"type": "thinking", "thinking": block.thinking, "signature": block.signature}
            )
    kept.append({"type": "tool_use", "id": broken.id, "name": broken.name, "input": {}})
    return BadToolInput(kept, broken.id, detail)


def is_bad_json(exc: BaseException) -> bool:
    return isinstance(exc, ValueError) and BAD_JSON in str(exc)


def check_follow_up(
    system: str,
    messages: list[dict[str, Any]],
    model: str,
    settings: Settings,
    *,
    spent: float,
    max_cost: float | None,
) -> None:
    """Refuse a follow-up over the context or the budget, before it is sent (exit 2)."""
    from haikutui.model.estimate import EXPECTED_OUTPUT, TOOL_TOKENS, count_tokens

    texts = [system, *_texts(messages)]
    tokens = round(
        (TOOL_TOKENS + sum(count_tokens(t) for t in texts)) * known_caps(model).token_ratio
    )
    if tokens > CONTEXT_TOKENS:
        raise UsageError(
            f"the follow-up request would be about {tokens:,} tokens, over {model}'s context"
            f" of {CONTEXT_TOKENS:,}; nothing sent, nothing applied"
        )
    estimate = cost(model, Usage(input_tokens=tokens, output_tokens=EXPECTED_OUTPUT))
    problem = over_budget(estimate, model, settings, spent=spent, max_cost=max_cost)
    if problem:
        raise UsageError(f"follow-up request: {problem}; nothing sent, nothing applied")


def _texts(messages: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            out.append(content)
            continue
        for block in content or []:
            if block.get("type") == "text":
                out.append(str(block.get("text", "")))
            elif block.get("type") == "tool_result":
                out.append(str(block.get("content", "")))
            elif block.get("type") == "tool_use":
                out.append(json.dumps(block.get("input", {})))
    return out


_LATER = re.compile(
    r"(?i)\b(?:then|next|after that|afterwards|in the next (?:step|turn|reply)),?"
    r" (?:i'll|i will|let me|i'm going to|we'll)\b"
    r"|\b(?:i'll|i will|let me) (?:next|then|afterwards)\b"
    r"|\bone (?:edit|change|place|step) at a time\b"
)


def announced_more(text: str) -> bool:
    """True when the reply's words promise steps after this one ("..., then I'll ...")."""
    return bool(_LATER.search(text))


CONTINUE = (
    "These are the results of your tool calls. Go on: make every remaining edit now, all in "
    "this reply. If nothing is left to do, say so in one sentence and call no tool."
)
"""Sent with the tool results when the user presses `c` (continue) on the review screen."""
