"""Prices per million tokens, kept in one table with the date they were taken."""

from __future__ import annotations

from dataclasses import dataclass

PRICES_AS_OF = "2026-11 (shared/anthropic-api.md)"


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens for each kind of token."""

    input: float
    output: float
    cache_write_5m: float
    cache_write_1h: float
    cache_read: float


PRICES: dict[str, Price] = {
    "claude-haiku-4-5": Price(1.0, 5.0, 1.25, 2.0, 0.10),
    "claude-sonnet-4-6": Price(3.0, 15.0, 3.75, 6.0, 0.30),
    "claude-opus-4-6": Price(5.0, 25.0, 6.25, 10.0, 0.50),
    "claude-haiku-5-5": Price(0.10, 0.50, 0.125, 0.20, 0.01),
    "claude-sonnet-5-5": Price(2.0, 10.0, 2.5, 4.0, 0.20),
    "claude-opus-5-5": Price(4.0, 20.0, 5.0, 8.0, 0.40),
}


@dataclass
class Usage:
    """Token counts summed over the requests of one task."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0

    def add(self, other: Usage) -> None:
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_write_tokens += other.cache_write_tokens
        self.cache_read_tokens += other.cache_read_tokens

    @property
    def total(self) -> int:
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_write_tokens
            + self.cache_read_tokens
        )


def price_for(model: str) -> Price | None:
    """Exact IDs first, then dated snapshots such as `claude-haiku-4-5-20251001`."""
    if model in PRICES:
        return PRICES[model]
    for known, price in PRICES.items():
        if model.startswith(known):
            return price
    return None


def cost(model: str, usage: Usage) -> float | None:
    """Dollars for this usage, or None for a model with no known price."""
    price = price_for(model)
    if price is None:
        return None
    return (
        usage.input_tokens * price.input
        + usage.output_tokens * price.output
        + usage.cache_write_tokens * price.cache_write_5m
        + usage.cache_read_tokens * price.cache_read
    ) / 1_000_000


def format_cost(dollars: float | None) -> str:
    if dollars is None:
        return "$?"
    return f"${dollars:.4f}" if dollars < 1 else f"${dollars:.2f}"
