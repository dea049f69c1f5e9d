"""What a fix will cost before it is sent: tokens counted locally, priced on every rung."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from haikutui.core.config import Settings
from haikutui.model.capabilities import DEFAULT_BUDGET, known_caps
from haikutui.model.fix_request import SYSTEM_PROMPT, FixRequest, request_text, stable_file_block
from haikutui.model.ladder import RUNGS, Rung, resolve
from haikutui.model.pricing import Usage, cost

TOOL_TOKENS = 700
"""What the text editor tool's declaration adds to every request (Anthropic's figure)."""
EXPECTED_OUTPUT = 400
"""A quick fix's reply: a sentence and one or two `str_replace` calls."""
COUNT_TOKENS_ABOVE = 20_000
"""Above this local estimate the exact count is worth a `count_tokens` request (key set)."""

_PIECES = re.compile(r" ?[A-Za-z]+| ?\d+| ?[^\w\s]+|\n|[ \t]+|\w+")


def count_tokens(text: str) -> int:
    """A local token estimate a little better than chars/4 for code.

    As in a BPE tokenizer, a single space joins the word after it. Words cost one token per
    six letters or part of it, digits one per three, punctuation one per two characters,
    each newline one and runs of blanks one per four. Typical code comes out at 3 to 4
    characters a token; `count_tokens` on the API refines it for large requests.
    """
    total = 0
    for match in _PIECES.findall(text):
        piece = match[1:] if len(match) > 1 and match[0] == " " else match
        first = piece[0]
        if first.isalpha() or first == "_":
            total += math.ceil(len(piece) / 6)
        elif first.isdigit():
            total += math.ceil(len(piece) / 3)
        elif first == "\n":
            total += 1
        elif first in " \t":
            total += math.ceil(len(piece) / 4)
        else:
            total += math.ceil(len(piece) / 2)
    return total


@dataclass(frozen=True)
class RungEstimate:
    """One rung's figures: prompt tokens (and how many form the cached prefix), and dollars."""

    rung: Rung
    input_tokens: int
    prefix_tokens: int
    min_cache_tokens: int
    cost: float | None

    @property
    def cacheable(self) -> bool:
        return self.prefix_tokens >= self.min_cache_tokens


@dataclass(frozen=True)
class Estimate:
    """Every rung's estimate for the same request; `exact` once the API counted it."""

    rungs: tuple[RungEstimate, ...]
    exact: bool = False

    def on(self, rung_name: str) -> RungEstimate | None:
        for item in self.rungs:
            if item.rung.name == rung_name:
                return item
        return None


def base_counts(request: FixRequest, text: str) -> tuple[int, int]:
    """(stable prefix, everything else) in tokens, before any model's tokenizer ratio."""
    prefix = (
        TOOL_TOKENS + count_tokens(SYSTEM_PROMPT) + count_tokens(stable_file_block(request, text))
    )
    return prefix, count_tokens(request_text(request, text))


def estimate_fix(
    request: FixRequest,
    text: str,
    settings: Settings,
    *,
    counted: int | None = None,
    extra_rungs: tuple[Rung, ...] = (),
) -> Estimate:
    """Input tokens on each rung, priced as if the prefix is written to the cache (the worst case).

    `counted` is the API's exact total for the fast rung's model; the others are scaled from it.
    Output is assumed at EXPECTED_OUTPUT, plus the thinking budget where thinking is on.
    """
    prefix, rest = base_counts(request, text)
    scale = 1.0
    if counted:
        fast = known_caps(settings.models["fast"])
        scale = counted / max(1, round((prefix + rest) * fast.token_ratio))
    rungs = [resolve(name, settings) for name in RUNGS] + list(extra_rungs)
    out: list[RungEstimate] = []
    for rung in rungs:
        caps = known_caps(rung.model)
        ratio = caps.token_ratio * scale
        prefix_tokens = round(prefix * ratio)
        total = round((prefix + rest) * ratio)
        output = EXPECTED_OUTPUT
        if settings.thinking_wanted(rung.name):
            output += settings.thinking_budget.get(rung.name, DEFAULT_BUDGET)
        cached = prefix_tokens >= caps.min_cache_tokens
        usage = Usage(
            input_tokens=total - (prefix_tokens if cached else 0),
            output_tokens=output,
            cache_write_tokens=prefix_tokens if cached else 0,
        )
        out.append(
            RungEstimate(rung, total, prefix_tokens, caps.min_cache_tokens, cost(rung.model, usage))
        )
    return Estimate(tuple(out), exact=counted is not None)


def format_tokens(tokens: int) -> str:
    """1,234 below ten thousand, then 12.3k, so the prompt bar stays narrow."""
    if tokens < 10_000:
        return f"{tokens:,}"
    return f"{tokens / 1000:.1f}k"


async def counted_tokens(request: FixRequest, text: str, settings: Settings) -> int | None:
    """The API's own count of the request's input tokens (fast rung); None if it cannot say.

    Worth a round trip only for large requests (`COUNT_TOKENS_ABOVE`): the local count is
    close for code, and this one never blocks a request.
    """
    from haikutui.model.capabilities import platform_caps
    from haikutui.model.client import make_client
    from haikutui.model.editor_tool import TOOL_DECLARATION
    from haikutui.model.fix_request import messages_for_text
    from haikutui.model.providers import provider_name

    try:
        if not platform_caps(provider_name(settings)).count_tokens:
            return None  # Bedrock cannot count: the local estimate stands
        async with make_client(settings) as client:
            counted = await client.messages.count_tokens(
                model=settings.models["fast"],
                system=SYSTEM_PROMPT,
                tools=[TOOL_DECLARATION],  # type: ignore[list-item]
                messages=messages_for_text(request, text),  # type: ignore[arg-type]
            )
    except Exception:  # no key, offline, a gateway without the endpoint: the estimate stands
        return None
    return counted.input_tokens
