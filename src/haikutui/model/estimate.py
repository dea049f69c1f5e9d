"""What a fix will cost before it is sent: tokens counted locally, priced on every rung."""

from __future__ import annotations

import hashlib
import json
import math
import re
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from haikutui.core.config import Settings
from haikutui.model.capabilities import DEFAULT_BUDGET, known_caps
from haikutui.model.fix_request import SYSTEM_PROMPT, FixRequest
from haikutui.model.ladder import RUNGS, Rung, resolve
from haikutui.model.pricing import (
    ANTHROPIC_TOOL_TOKENS,
    TOOL_USE_SYSTEM_PROMPT,
    Usage,
    cost,
    use_prices,
)

TOOL_TOKENS = TOOL_USE_SYSTEM_PROMPT["auto"] + ANTHROPIC_TOOL_TOKENS["text_editor_20250728"]
"""What the API adds to every request we send (one text editor tool, `tool_choice` auto):
the tool-use system prompt and the tool's own tokens (`pricing.tool_overhead`)."""
EXPECTED_OUTPUT = 400
"""A quick fix's reply when this repo has no past fix to go by: a sentence and a call or two."""
OUTPUT_FRAME = 80
"""A reply around its edit: the tool call's keys and path, and a sentence of text."""
COUNT_TOKENS_ABOVE = 20_000
"""Above this local estimate the exact count is worth a `count_tokens` request (key set)."""
CHARS_PER_TOKEN = 4
"""Of the JSON body as sent: escapes (`\\n`, `\\"`) make code about 10% longer there, so
this comes to about 3.6 characters of code a token, close to what the API bills for code."""
CACHE_TTL = 300.0
"""A written prefix stays warm five minutes, and each read starts the five minutes again."""

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
    warm: bool = False
    """The prefix was written or read within CACHE_TTL: priced as a cache read."""
    output_tokens: int = EXPECTED_OUTPUT

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


def _dumps(value: object) -> str:
    """The SDK's own serialisation (`openapi_dumps`): compact, UTF-8 kept as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def body_tokens(chars: int) -> int:
    """Tokens for `chars` characters of request body, before the tool's fixed overhead."""
    return -(-chars // CHARS_PER_TOKEN)


def _cached_part(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages up to and including the last block with a cache breakpoint."""
    cut: list[dict[str, Any]] = []
    for i, message in enumerate(messages):
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for j, block in enumerate(content):
            if isinstance(block, dict) and "cache_control" in block:
                cut = [*messages[:i], {**message, "content": content[: j + 1]}]
    return cut


def prefix_text(system: str, messages: list[dict[str, Any]]) -> str:
    """Tools, system and messages to the breakpoint, as the API reads the cached prefix."""
    from haikutui.model.editor_tool import TOOL_DECLARATION

    cut = _cached_part(messages)
    return _dumps([[TOOL_DECLARATION], system, cut]) if cut else ""


def prefix_hash(model: str, system: str, messages: list[dict[str, Any]]) -> str:
    """Names a cached prefix in the request log, so the next estimate knows it is warm."""
    text = prefix_text(system, messages)
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()[:16] if text else ""


def prefix_tokens(system: str, messages: list[dict[str, Any]]) -> int:
    """Tokens up to and including the last cache breakpoint (tool overhead in); 0 without one."""
    text = prefix_text(system, messages)
    return TOOL_TOKENS + body_tokens(len(text)) if text else 0


def request_body(
    request: FixRequest,
    text: str,
    model: str,
    settings: Settings,
    also: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What `fix_run` sends for this request, field for field, to be counted as sent;
    `also` the marked files' texts."""
    from haikutui.model.editor_tool import TOOL_DECLARATION
    from haikutui.model.fix_request import messages_for_text

    return {
        "max_tokens": settings.max_tokens,
        "messages": messages_for_text(request, text, also),
        "model": model,
        "system": SYSTEM_PROMPT,
        "tools": [TOOL_DECLARATION],
        "stream": True,
    }


def base_counts(
    request: FixRequest, text: str, settings: Settings | None = None
) -> tuple[int, int]:
    """(stable prefix, everything else) in tokens for the fast rung's model, tool overhead in."""
    settings = settings or Settings()
    body = request_body(request, text, settings.models["fast"], settings)
    total = TOOL_TOKENS + body_tokens(len(_dumps(body)))
    prefix = prefix_tokens(SYSTEM_PROMPT, body["messages"])
    return prefix, total - prefix


@dataclass(frozen=True)
class History:
    """What the repo's request log says: when each prefix goes cold, and a fix's usual reply."""

    warm_until: dict[str, float]
    output_tokens: int | None
    """The median reply of this repo's past fixes; None when there is none yet."""

    def warm(self, key: str, now: float | None = None) -> bool:
        return self.warm_until.get(key, 0.0) > (time.time() if now is None else now)

    @classmethod
    def of(cls, root: Path | None) -> History:
        """Read once per change of the log: the prompt bar asks again on every key."""
        if root is None:
            return cls({}, None)
        from haikutui.model.request_log import log_path, read

        try:
            stat = log_path(root).stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = (0, 0)
        cached = _HISTORY.get(root)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        records = read(root)
        warm: dict[str, float] = {}
        for record in records:
            touched = record.cache_read_tokens or record.cache_write_5m_tokens
            if record.prefix_hash and touched and record.error is None:
                until = record.time + CACHE_TTL
                warm[record.prefix_hash] = max(warm.get(record.prefix_hash, 0.0), until)
        outputs = [
            r.output_tokens
            for r in records
            if r.task == "fix" and r.error is None and r.output_tokens > 0
        ]
        history = cls(warm, round(statistics.median(outputs)) if outputs else None)
        _HISTORY[root] = (stamp, history)
        return history


_HISTORY: dict[Path, tuple[tuple[int, int], History]] = {}


def estimate_fix(
    request: FixRequest,
    text: str,
    settings: Settings,
    *,
    counted: int | None = None,
    extra_rungs: tuple[Rung, ...] = (),
    root: Path | None = None,
    also: Mapping[str, str] | None = None,
) -> Estimate:
    """Input tokens on each rung, with the cache priced as it will be used.

    The count is of the request body as it will be sent (CHARS_PER_TOKEN), plus the tool's
    fixed overhead. A prefix at or above the model's cache minimum is priced as a write,
    or as a read when the request log (under `root`) shows it written or read within
    CACHE_TTL. Output is the median of this repo's past fixes, else `first_output`; plus
    the thinking budget where thinking is on. `counted` is the API's exact total for the
    fast rung's model; the others are scaled from it.
    """
    use_prices(settings.prices)
    history = History.of(root)
    rungs = [resolve(name, settings) for name in RUNGS] + list(extra_rungs)
    scale = 1.0
    if counted:
        fast = settings.models["fast"]
        body = request_body(request, text, fast, settings, also)
        local = TOOL_TOKENS + body_tokens(len(_dumps(body)))
        scale = counted / max(1, round(local * known_caps(fast).token_ratio))
    out: list[RungEstimate] = []
    for rung in rungs:
        body = request_body(request, text, rung.model, settings, also)
        total = TOOL_TOKENS + body_tokens(len(_dumps(body)))
        prefix = prefix_tokens(SYSTEM_PROMPT, body["messages"])
        caps = known_caps(rung.model)
        ratio = caps.token_ratio * scale
        prefix_n, total_n = round(prefix * ratio), round(total * ratio)
        output = (
            first_output(request, text) if history.output_tokens is None else history.output_tokens
        )
        if settings.thinking_wanted(rung.name):
            output += settings.thinking_budget.get(rung.name, DEFAULT_BUDGET)
        cached = prefix_n >= caps.min_cache_tokens
        warm = cached and history.warm(prefix_hash(rung.model, SYSTEM_PROMPT, body["messages"]))
        usage = Usage(
            input_tokens=total_n - (prefix_n if cached else 0),
            output_tokens=output,
            cache_write_tokens=prefix_n if cached and not warm else 0,
            cache_read_tokens=prefix_n if warm else 0,
        )
        out.append(
            RungEstimate(
                rung,
                total_n,
                prefix_n,
                caps.min_cache_tokens,
                cost(rung.model, usage),
                warm=warm,
                output_tokens=output,
            )
        )
    return Estimate(tuple(out), exact=counted is not None)


def first_output(request: FixRequest, text: str) -> int:
    """A reply's tokens with no past fix to go by. An edit quotes what it replaces and what
    replaces it (`old_str`, `new_str`), and the model edits the selected lines: so twice the
    selection in a frame, and EXPECTED_OUTPUT at most, or for a whole file."""
    if request.lines is None:
        return EXPECTED_OUTPUT
    start, end = request.lines
    selected = "".join(text.splitlines(keepends=True)[start - 1 : end])
    return min(EXPECTED_OUTPUT, OUTPUT_FRAME + 2 * body_tokens(len(selected)))


def format_tokens(tokens: int) -> str:
    """1,234 below ten thousand, then 12.3k, so the prompt bar stays narrow."""
    if tokens < 10_000:
        return f"{tokens:,}"
    return f"{tokens / 1000:.1f}k"


async def counted_tokens(
    request: FixRequest, text: str, settings: Settings, also: Mapping[str, str] | None = None
) -> int | None:
    """The API's own count of the request's input tokens (fast rung); None if it cannot say.

    Worth a round trip only for large requests (`COUNT_TOKENS_ABOVE`): the local count is
    close for code, and this one never blocks a request.
    """
    from haikutui.core.secret_scan import scrub_messages
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
                messages=scrub_messages(messages_for_text(request, text, also))[0],  # type: ignore[arg-type]
            )
    except Exception:  # no key, offline, a gateway without the endpoint: the estimate stands
        return None
    return counted.input_tokens
