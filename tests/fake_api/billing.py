"""Usage counted from the request itself, for benchmarks and the estimate's tests.

By default the fake reports the usage a test scripts. `FakeAnthropic(count_usage=True)`
bills each message request from what was sent instead, with a simple, documented rule:

- tokens are characters / 4 (rounded up) of the request body as the SDK serialised it;
- a request with tools adds what Anthropic's pricing page lists for the Claude 4.5/4.6
  models: the tool-use system prompt (346 tokens with `tool_choice` auto or none, 313 with
  any or tool), plus 700 for each text editor tool and 245 for each bash tool. These figures
  are written out here on purpose, not imported from haikutui: the fake is the API;
- the prefix is tools, system and messages up to and including the last block with
  `cache_control`, serialised the same way (tokens counted the same way). When it reaches
  the model's cache minimum it is written to the cache on first sight and read from it
  within the next five minutes (each read refreshes the five minutes), per model;
- output tokens stay as scripted.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from typing import Any

TOOL_OVERHEAD = 700
"""A text editor tool's own tokens."""
TOOL_SYSTEM_PROMPT = {"auto": 346, "none": 346, "any": 313, "tool": 313}
ANTHROPIC_TOOLS = {"text_editor": TOOL_OVERHEAD, "bash": 245}
TTL = 300.0
MIN_CACHE: tuple[tuple[str, int], ...] = (
    ("claude-haiku-4-5", 4096),
    ("claude-opus-4", 4096),
    ("claude-sonnet-4", 2048),
)
"""The real API's minimum cacheable prefix per model family (others: 1024)."""


def tokens(chars: int) -> int:
    return math.ceil(chars / 4)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _overhead(body: dict[str, Any]) -> int:
    tools = body.get("tools") or []
    if not tools:
        return 0
    choice = str((body.get("tool_choice") or {}).get("type", "auto"))
    own = sum(
        n
        for t in tools
        for kind, n in ANTHROPIC_TOOLS.items()
        if str(t.get("type", "")).startswith(kind)
    )
    return TOOL_SYSTEM_PROMPT.get(choice, 346) + own


def prefix_of(body: dict[str, Any]) -> str:
    """Tools, system and messages up to the last cache breakpoint; "" when there is none."""
    messages = body.get("messages") or []
    cut: list[Any] = []
    found = False
    for i, message in enumerate(messages):
        content = message.get("content")
        if not isinstance(content, list):
            continue
        for j, block in enumerate(content):
            if isinstance(block, dict) and "cache_control" in block:
                cut = [*messages[:i], {**message, "content": content[: j + 1]}]
                found = True
    if not found:
        return ""
    return _dumps([body.get("tools") or [], body.get("system") or "", cut])


def min_cache(model: str) -> int:
    return next((n for prefix, n in MIN_CACHE if model.startswith(prefix)), 1024)


class Biller:
    """Bills input tokens from the body, remembering which prefixes are warm."""

    def __init__(self) -> None:
        self._warm: dict[str, float] = {}
        self.last: dict[str, int] = {}
        """The usage billed for the latest request."""

    def usage(self, raw: bytes, body: dict[str, Any], scripted: dict[str, int]) -> dict[str, int]:
        model = str(body.get("model") or "")
        overhead = _overhead(body)
        total = tokens(len(raw.decode("utf-8", "replace"))) + overhead
        prefix = prefix_of(body)
        cached = tokens(len(prefix)) + overhead if prefix else 0
        usage = dict(scripted)
        usage.update(cache_creation_input_tokens=0, cache_read_input_tokens=0)
        if cached and cached >= min_cache(model):
            key = hashlib.sha256(f"{model}\0{prefix}".encode()).hexdigest()
            now = time.monotonic()
            warm = now - self._warm.get(key, -math.inf) < TTL
            self._warm[key] = now
            usage["cache_read_input_tokens" if warm else "cache_creation_input_tokens"] = cached
            total -= cached
        usage["input_tokens"] = total
        self.last = usage
        return usage
