"""Prices per million tokens, kept in one table with the date they were taken."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

PRICES_AS_OF = "2026-11 (shared/anthropic-api.md)"
BATCH_DISCOUNT = 0.5
"""Message Batches cost half of every rate, on every model."""

TOOL_OVERHEAD_AS_OF = "2026-11 (Anthropic's pricing page, 'Tool use pricing')"
TOOL_USE_SYSTEM_PROMPT: dict[str, int] = {"auto": 346, "none": 346, "any": 313, "tool": 313}
"""Input tokens the API adds to a request that declares any tool, by `tool_choice`: the
tool-use system prompt of the Claude 4.5 and 4.6 models (newer ones assumed the same)."""
ANTHROPIC_TOOL_TOKENS: dict[str, int] = {
    "text_editor_20250728": 700,
    "text_editor_20250429": 700,
    "text_editor_20250124": 700,
    "bash_20250124": 245,
}
"""Each Anthropic-defined tool's own input tokens, on top of the tool-use system prompt."""


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens for each kind of token."""

    input: float
    output: float
    cache_write_5m: float
    cache_write_1h: float
    cache_read: float


PRICES: dict[str, Price] = {
    # The default ladder (labelled "Legacy" by Anthropic, still served).
    "claude-haiku-4-5": Price(1.0, 5.0, 1.25, 2.0, 0.10),
    "claude-sonnet-4-6": Price(3.0, 15.0, 3.75, 6.0, 0.30),
    "claude-opus-4-6": Price(5.0, 25.0, 6.25, 10.0, 0.50),
    # Newer models. Cache rates follow the usual multipliers: 1.25x, 2x and 0.1x of input.
    # Haiku 5.5's price holds for prompts up to 100K tokens.
    "claude-haiku-5-5": Price(0.10, 0.50, 0.125, 0.20, 0.01),
    "claude-sonnet-5-5": Price(2.0, 10.0, 2.5, 4.0, 0.20),
    "claude-opus-5-5": Price(4.0, 20.0, 5.0, 8.0, 0.40),
}


def tool_overhead(tools: list[dict[str, Any]], tool_choice: str = "auto") -> int:
    """What the API bills on top of the body for these tools: the tool-use system prompt once,
    plus each Anthropic-defined tool's own tokens (a user-defined tool is its JSON alone)."""
    if not tools:
        return 0
    return TOOL_USE_SYSTEM_PROMPT.get(tool_choice, TOOL_USE_SYSTEM_PROMPT["auto"]) + sum(
        ANTHROPIC_TOOL_TOKENS.get(str(tool.get("type", "")), 0) for tool in tools
    )


@dataclass
class Usage:
    """Token counts summed over the requests of one task.

    `cache_write_tokens` are 5-minute cache writes; `cache_write_1h_tokens` the 1-hour ones.
    `input_tokens` counts only what came after the last cache breakpoint.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_1h_tokens: int = 0

    def add(self, other: Usage) -> None:
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_write_tokens += other.cache_write_tokens
        self.cache_read_tokens += other.cache_read_tokens
        self.cache_write_1h_tokens += other.cache_write_1h_tokens

    @property
    def total_input(self) -> int:
        """Every prompt token, cached or not."""
        return (
            self.input_tokens
            + self.cache_write_tokens
            + self.cache_write_1h_tokens
            + self.cache_read_tokens
        )

    @property
    def total(self) -> int:
        return self.total_input + self.output_tokens

    @property
    def cache_read_ratio(self) -> float:
        """The share of the prompt that was read from the cache, 0 to 1."""
        total = self.total_input
        return self.cache_read_tokens / total if total else 0.0

    @classmethod
    def from_api(cls, raw: Any) -> Usage:
        """From the SDK's usage object or a plain dict, in either shape.

        Newer SDKs split cache writes by TTL in `cache_creation`; older ones give only
        `cache_creation_input_tokens`, which are then taken as 5-minute writes.
        """

        def get(obj: Any, name: str) -> Any:
            return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)

        written = int(get(raw, "cache_creation_input_tokens") or 0)
        write_5m, write_1h = written, 0
        split = get(raw, "cache_creation")
        if split is not None:
            write_5m = int(get(split, "ephemeral_5m_input_tokens") or 0)
            write_1h = int(get(split, "ephemeral_1h_input_tokens") or 0)
            if write_5m + write_1h < written:  # a breakdown that does not cover the total
                write_5m = written - write_1h
        return cls(
            input_tokens=int(get(raw, "input_tokens") or 0),
            output_tokens=int(get(raw, "output_tokens") or 0),
            cache_write_tokens=write_5m,
            cache_read_tokens=int(get(raw, "cache_read_input_tokens") or 0),
            cache_write_1h_tokens=write_1h,
        )


_overrides: dict[str, Price] = {}
"""Prices from the user's `[prices]` config, set by `use_prices` before estimates and requests."""


def use_prices(table: Mapping[str, Mapping[str, float]]) -> None:
    """The user's prices replace the list's, field by field; a model the list lacks needs
    `input` and `output` (its cache rates then follow the usual 1.25x, 2x and 0.1x)."""
    _overrides.clear()
    for model, given in table.items():
        base = _listed(model)
        if base is None:
            if "input" not in given or "output" not in given:
                continue  # nothing to start from: the model stays unpriced
            rate = given["input"]
            base = Price(rate, given["output"], rate * 1.25, rate * 2, rate * 0.1)
        _overrides[model] = replace(base, **dict(given))


def _listed(model: str) -> Price | None:
    """Exact IDs first, then dated snapshots such as `claude-haiku-4-5-20251001`."""
    if model in PRICES:
        return PRICES[model]
    for known, price in PRICES.items():
        if model.startswith(known):
            return price
    return None


def price_for(model: str) -> Price | None:
    """The user's price for this model when config sets one, else the list price."""
    for known, price in _overrides.items():
        if model == known or model.startswith(known):
            return price
    return _listed(model)


def cost(model: str, usage: Usage, *, batch: bool = False) -> float | None:
    """Dollars for this usage, or None for a model with no known price.

    Each kind of token at its own rate; `batch=True` halves the lot (Message Batches).
    """
    price = price_for(model)
    if price is None:
        return None
    dollars = (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_write_tokens * price.cache_write_5m
        + usage.cache_write_1h_tokens * price.cache_write_1h
        + usage.cache_read_tokens * price.cache_read
    ) / 1_000_000
    return dollars * BATCH_DISCOUNT if batch else dollars


def format_cost(dollars: float | None) -> str:
    if dollars is None:
        return "$?"
    return f"${dollars:.4f}" if dollars < 1 else f"${dollars:.2f}"
