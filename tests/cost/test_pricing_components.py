"""Each price component on its own, both usage shapes, batch at half, and the saving."""

from __future__ import annotations

import pytest

from haikutui.core.config import Settings
from haikutui.model.budget import SessionSpend, over_budget
from haikutui.model.pricing import PRICES, PRICES_AS_OF, Usage, cost

M = 1_000_000


@pytest.mark.parametrize("model", sorted(PRICES))
def test_every_component_at_its_own_rate(model: str) -> None:
    price = PRICES[model]
    assert cost(model, Usage(input_tokens=M)) == pytest.approx(price.input)
    assert cost(model, Usage(output_tokens=M)) == pytest.approx(price.output)
    assert cost(model, Usage(cache_write_tokens=M)) == pytest.approx(price.cache_write_5m)
    assert cost(model, Usage(cache_write_1h_tokens=M)) == pytest.approx(price.cache_write_1h)
    assert cost(model, Usage(cache_read_tokens=M)) == pytest.approx(price.cache_read)


@pytest.mark.parametrize("model", sorted(PRICES))
def test_batch_is_half_of_every_component(model: str) -> None:
    usage = Usage(1000, 200, 300, 4000, 500)
    assert cost(model, usage, batch=True) == pytest.approx(cost(model, usage) / 2)  # type: ignore[operator]


def test_the_table_is_dated_and_follows_the_doc() -> None:
    assert "2026-11" in PRICES_AS_OF
    assert PRICES["claude-haiku-4-5"].cache_write_1h == 2.0
    assert PRICES["claude-sonnet-4-6"].cache_read == 0.30
    assert PRICES["claude-opus-4-6"].cache_write_5m == 6.25
    assert PRICES["claude-haiku-5-5"].input == 0.10


def test_usage_with_the_ttl_breakdown() -> None:
    raw = {
        "input_tokens": 10,
        "output_tokens": 20,
        "cache_creation_input_tokens": 3000,
        "cache_read_input_tokens": 400,
        "cache_creation": {"ephemeral_5m_input_tokens": 1000, "ephemeral_1h_input_tokens": 2000},
    }
    assert Usage.from_api(raw) == Usage(10, 20, 1000, 400, 2000)


def test_usage_without_the_breakdown_takes_writes_as_5_minutes() -> None:
    raw = {"input_tokens": 10, "output_tokens": 20, "cache_creation_input_tokens": 3000}
    assert Usage.from_api(raw) == Usage(10, 20, 3000, 0, 0)


def test_usage_from_the_sdk_object() -> None:
    from anthropic.types import CacheCreation
    from anthropic.types import Usage as SdkUsage

    raw = SdkUsage(
        input_tokens=5,
        output_tokens=6,
        cache_creation_input_tokens=70,
        cache_read_input_tokens=8,
        cache_creation=CacheCreation(ephemeral_5m_input_tokens=30, ephemeral_1h_input_tokens=40),
    )
    usage = Usage.from_api(raw)
    assert usage == Usage(5, 6, 30, 8, 40)
    assert usage.total_input == 5 + 30 + 40 + 8
    assert usage.cache_read_ratio == pytest.approx(8 / 83)


def test_all_five_components_add_up() -> None:
    usage = Usage(2000, 300, 4000, 10_000, 1000)
    # 2000*1 + 300*5 + 4000*1.25 + 10000*0.10 + 1000*2 = 11500 micro-dollars
    assert cost("claude-haiku-4-5", usage) == pytest.approx(0.0115)


def test_session_spend_shows_the_saving_against_the_strongest_rung() -> None:
    spend = SessionSpend()
    spend.add("claude-haiku-4-5", Usage(input_tokens=M), 1, "claude-opus-4-6")
    assert spend.cost == pytest.approx(1.0)
    assert spend.strongest_cost == pytest.approx(5.0)
    assert spend.saved == pytest.approx(4.0)


def test_budgets() -> None:
    settings = Settings(budget_per_request=0.01, budget_per_session=0.05)
    assert over_budget(0.005, "m", settings) is None
    assert "per-request budget of $0.0100" in (over_budget(0.02, "m", settings) or "")
    assert "per-session budget" in (over_budget(0.009, "m", settings, spent=0.045) or "")
    assert over_budget(0.02, "m", settings, max_cost=0.03) is None
    assert "--max-cost" in (over_budget(0.02, "m", Settings(), max_cost=0.01) or "")
    assert over_budget(None, "m", settings) is None
