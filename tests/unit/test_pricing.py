"""Prices: each kind of token at its own rate, per the table in shared/anthropic-api.md."""

from __future__ import annotations

import pytest

from haikutui.model.pricing import Usage, cost, format_cost, price_for

M = 1_000_000

# model: (input, output, cache write 5m, cache read) in $ per million tokens.
TABLE = {
    "claude-haiku-4-5": (1.00, 5.00, 1.25, 0.10),
    "claude-sonnet-4-6": (3.00, 15.00, 3.75, 0.30),
    "claude-opus-4-6": (5.00, 25.00, 6.25, 0.50),
}


@pytest.mark.parametrize("model", sorted(TABLE))
def test_each_component_at_its_rate(model: str) -> None:
    inp, out, write, read = TABLE[model]
    assert cost(model, Usage(input_tokens=M)) == pytest.approx(inp)
    assert cost(model, Usage(output_tokens=M)) == pytest.approx(out)
    assert cost(model, Usage(cache_write_tokens=M)) == pytest.approx(write)
    assert cost(model, Usage(cache_read_tokens=M)) == pytest.approx(read)


def test_components_add_up() -> None:
    usage = Usage(
        input_tokens=2000, output_tokens=300, cache_write_tokens=4000, cache_read_tokens=10_000
    )
    # 2000*1 + 300*5 + 4000*1.25 + 10000*0.10 = 2000 + 1500 + 5000 + 1000 = 9500 micro-dollars
    assert cost("claude-haiku-4-5", usage) == pytest.approx(0.0095)


def test_cache_write_one_hour_rate_is_in_the_table() -> None:
    assert price_for("claude-haiku-4-5").cache_write_1h == 2.0  # type: ignore[union-attr]
    assert price_for("claude-sonnet-4-6").cache_write_1h == 6.0  # type: ignore[union-attr]
    assert price_for("claude-opus-4-6").cache_write_1h == 10.0  # type: ignore[union-attr]


def test_dated_snapshot_ids_use_the_family_price() -> None:
    assert cost("claude-haiku-4-5-20251001", Usage(input_tokens=M)) == pytest.approx(1.0)
    assert price_for("claude-sonnet-4-6-20260101") == price_for("claude-sonnet-4-6")


def test_newer_models_from_the_doc() -> None:
    assert cost("claude-haiku-5-5", Usage(input_tokens=M, output_tokens=M)) == pytest.approx(0.60)
    assert cost("claude-sonnet-5-5", Usage(input_tokens=M)) == pytest.approx(2.0)
    assert cost("claude-opus-5-5", Usage(output_tokens=M)) == pytest.approx(20.0)


@pytest.mark.parametrize("model", ["gpt-4o", "claude-opus-4-1", "claude-sonnet-4-5", "llama3"])
def test_unknown_model_has_no_price(model: str) -> None:
    assert price_for(model) is None
    assert cost(model, Usage(input_tokens=M)) is None
    assert format_cost(cost(model, Usage(input_tokens=M))) == "$?"


def test_format_cost() -> None:
    assert format_cost(0.0095) == "$0.0095"
    assert format_cost(0) == "$0.0000"
    assert format_cost(12.345) == "$12.35"


def test_usage_add_and_total() -> None:
    usage = Usage(1, 2, 3, 4)
    usage.add(Usage(10, 20, 30, 40))
    assert usage == Usage(11, 22, 33, 44)
    assert usage.total == 110
