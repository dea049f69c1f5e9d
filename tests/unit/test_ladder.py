"""The model ladder: fast, strong, strongest, named by rung, alias or raw model ID."""

from __future__ import annotations

import pytest

from haikutui.core.config import Settings
from haikutui.model.ladder import Rung, next_rung, resolve


@pytest.mark.parametrize(
    ("choice", "name", "model"),
    [
        (None, "fast", "claude-haiku-4-5"),
        ("fast", "fast", "claude-haiku-4-5"),
        ("strong", "strong", "claude-sonnet-4-6"),
        ("strongest", "strongest", "claude-opus-4-6"),
        ("haiku", "fast", "claude-haiku-4-5"),
        ("sonnet", "strong", "claude-sonnet-4-6"),
        ("opus", "strongest", "claude-opus-4-6"),
        ("claude-sonnet-4-6", "strong", "claude-sonnet-4-6"),
        ("claude-3-7-sonnet-20250219", "custom", "claude-3-7-sonnet-20250219"),
    ],
)
def test_resolve(choice: str | None, name: str, model: str) -> None:
    assert resolve(choice, Settings()) == Rung(name, model)


def test_resolve_follows_configured_models() -> None:
    settings = Settings(models={"fast": "a", "strong": "b", "strongest": "c"})
    assert resolve("sonnet", settings) == Rung("strong", "b")
    assert resolve("c", settings) == Rung("strongest", "c")
    assert resolve("claude-haiku-4-5", settings).name == "custom"


def test_next_rung_climbs_then_stops() -> None:
    settings = Settings()
    rung = resolve("fast", settings)
    climbed = []
    while rung is not None:
        climbed.append(rung.model)
        rung = next_rung(rung, settings)
    assert climbed == ["claude-haiku-4-5", "claude-sonnet-4-6", "claude-opus-4-6"]


def test_top_rung() -> None:
    settings = Settings()
    assert resolve("opus", settings).top
    assert not resolve("sonnet", settings).top
    assert next_rung(resolve("opus", settings), settings) is None


def test_custom_model_escalates_to_the_strongest() -> None:
    settings = Settings()
    assert next_rung(resolve("my-fine-tune", settings), settings) == Rung(
        "strongest", "claude-opus-4-6"
    )


def test_label_names_rung_and_model() -> None:
    assert Rung("fast", "claude-haiku-4-5").label == "fast · claude-haiku-4-5"
