"""What each model accepts (thinking kinds, effort, cache minimum), from the Models API or a table.

A parameter a model rejects costs a 400 and a confused user, so nothing optional is sent
unless the model's capabilities say it is accepted. The Models API decides when it answers;
the built-in table below stands in when it does not (offline, a gateway, a compatible server).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from haikutui.core.config import Settings

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

EFFORTS = ("low", "medium", "high", "max")
DEFAULT_BUDGET = 2048
MIN_BUDGET = 1024
DEFAULT_EFFORT = "medium"
CACHE_TTL = 24 * 3600.0
"""How long the Models API's answer is kept in the state dir before it is asked again."""


@dataclass(frozen=True)
class ModelCaps:
    """The few facts about a model that decide what haikutui may send it."""

    model: str
    budget_thinking: bool = False
    """Accepts `{"type": "enabled", "budget_tokens": N}`."""
    adaptive_thinking: bool = False
    """Accepts `{"type": "adaptive"}`."""
    efforts: tuple[str, ...] = ()
    """Accepted `output_config.effort` levels; empty when effort is not supported."""
    min_cache_tokens: int = 4096
    token_ratio: float = 1.0
    """Tokens this model counts for text that older tokenizers count as 1.0."""
    max_tokens: int | None = None
    lifecycle: str = "active"
    retires_at: str | None = None
    source: str = "table"
    """`table` (built in) or `api` (the Models API answered)."""


# (pattern on the model ID, what the table says). First match wins; dated IDs match too.
_TABLE: tuple[tuple[str, dict[str, Any]], ...] = (
    (r"claude-haiku-4-5", {"budget_thinking": True, "max_tokens": 64_000}),
    (
        r"claude-(sonnet|opus)-4-[56]",
        {
            "adaptive_thinking": True,
            "efforts": EFFORTS,
            "max_tokens": 128_000,
        },
    ),
    (r"claude-haiku-5-", {"adaptive_thinking": True, "efforts": EFFORTS, "token_ratio": 1.3}),
    # Opus 4.7 and later reject budget thinking; newer families take adaptive thinking.
    (
        r"claude-(sonnet|opus)-(4-([7-9]|\d\d)|[5-9]-)",
        {"adaptive_thinking": True, "efforts": EFFORTS},
    ),
)
_MIN_CACHE: tuple[tuple[str, int], ...] = (
    (r"claude-haiku-4-5", 4096),
    (r"claude-sonnet-4-6", 2048),  # 1,024 documented; 2,048 measured, so promise no less
    (r"claude-opus-4-6", 4096),
    (r"claude-sonnet-", 2048),
)


@dataclass(frozen=True)
class PlatformCaps:
    """What a provider offers beyond Messages; the one place that decides what may be asked."""

    models_api: bool = True
    count_tokens: bool = True
    batches: bool = True
    betas: bool = True
    """`anthropic-beta` headers; Bedrock and Vertex take only some, so none are sent."""


PLATFORMS: dict[str, PlatformCaps] = {
    "anthropic": PlatformCaps(),
    # Bedrock: InvokeModel only. Vertex: rawPredict and count-tokens:rawPredict.
    "bedrock": PlatformCaps(models_api=False, count_tokens=False, batches=False, betas=False),
    "vertex": PlatformCaps(models_api=False, count_tokens=True, batches=False, betas=False),
}
_PLATFORM_NEEDS = {
    "batches": "Message Batches need the Anthropic API",
    "count_tokens": "token counting needs the Anthropic API",
    "models_api": "the Models API needs the Anthropic API",
    "betas": "beta features need the Anthropic API",
}


def platform_caps(provider: str) -> PlatformCaps:
    return PLATFORMS.get(provider, PlatformCaps())


def client_provider(client: Any) -> str:
    """The provider a client from `make_client` talks to."""
    return str(getattr(client, "haikutui_provider", "anthropic"))


def require_platform(settings: Settings, feature: str) -> None:
    """Refuse, before anything is sent, what the chosen provider does not offer."""
    from haikutui.core.errors import UsageError
    from haikutui.model.providers import LABELS, provider_name

    provider = provider_name(settings)
    if not getattr(platform_caps(provider), feature):
        raise UsageError(
            f"{LABELS[provider]}: {_PLATFORM_NEEDS[feature]} "
            '([provider] name = "anthropic", or --provider anthropic); nothing sent'
        )


_memo: dict[tuple[str, str], ModelCaps] = {}
"""Per state dir and model, so each test's isolated state dir starts afresh."""


def _key(model: str) -> tuple[str, str]:
    return (str(_disk_path()), model)


def table_caps(model: str) -> ModelCaps:
    """The built-in answer; an unknown model gets no thinking at all (nothing it may reject)."""
    caps = ModelCaps(model)
    for pattern, facts in _TABLE:
        if re.match(pattern, model):
            caps = replace(caps, **facts)
            break
    for pattern, minimum in _MIN_CACHE:
        if re.match(pattern, model):
            caps = replace(caps, min_cache_tokens=minimum)
            break
    return caps


def known_caps(model: str) -> ModelCaps:
    """What is known without a request: this process's answer, the state dir's, or the table."""
    if _key(model) in _memo:
        return _memo[_key(model)]
    cached = _read_disk().get(model)
    if isinstance(cached, dict) and time.time() - float(cached.get("fetched", 0)) < CACHE_TTL:
        try:
            caps = ModelCaps(**{**cached["caps"], "efforts": tuple(cached["caps"]["efforts"])})
        except (KeyError, TypeError):
            return table_caps(model)
        _memo[_key(model)] = caps
        return caps
    return table_caps(model)


async def fetch_caps(client: AsyncAnthropic, model: str) -> ModelCaps:
    """Ask the Models API once per day per model; on any failure fall back to what is known."""
    known = known_caps(model)
    if known.source == "api":
        return known
    if not platform_caps(client_provider(client)).models_api:
        return known  # Bedrock and Vertex have no Models API: the table decides
    try:
        info = await client.models.retrieve(model)
    except Exception:  # 404 on a gateway, offline, an old server: the table decides
        _memo[_key(model)] = known
        return known
    caps = caps_from_info(info, known)
    _memo[_key(model)] = caps
    _write_disk(model, caps)
    return caps


def caps_from_info(info: Any, fallback: ModelCaps) -> ModelCaps:
    """Merge a `ModelInfo` over the table; fields the API leaves out keep the table's value."""
    caps = replace(fallback, source="api", lifecycle=str(getattr(info, "lifecycle", "active")))
    retires = getattr(info, "retires_at", None)
    caps = replace(caps, retires_at=retires.date().isoformat() if retires is not None else None)
    if getattr(info, "max_tokens", None):
        caps = replace(caps, max_tokens=int(info.max_tokens))
    capabilities = getattr(info, "capabilities", None)
    if capabilities is None:
        return caps
    thinking = capabilities.thinking
    types = thinking.types
    effort = capabilities.effort
    levels = tuple(
        level
        for level in (*EFFORTS, "xhigh")
        if effort.supported and getattr(getattr(effort, level, None), "supported", False)
    )
    return replace(
        caps,
        budget_thinking=bool(thinking.supported and types.enabled.supported),
        adaptive_thinking=bool(thinking.supported and types.adaptive.supported),
        efforts=levels,
    )


@dataclass
class ThinkingChoice:
    """The request parameters for thinking, and a word for the status bar about what was sent."""

    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    @property
    def on(self) -> bool:
        return "thinking" in self.params


def thinking_params(
    caps: ModelCaps, rung_name: str, settings: Settings, wanted: bool | None = None
) -> ThinkingChoice:
    """Adaptive with effort where accepted, else budget thinking, else nothing at all."""
    if wanted is None:
        wanted = settings.thinking_wanted(rung_name)
    if not wanted:
        return ThinkingChoice()
    if caps.adaptive_thinking:
        params: dict[str, Any] = {"thinking": {"type": "adaptive"}}
        effort = settings.thinking_effort.get(rung_name, DEFAULT_EFFORT)
        if effort in caps.efforts:
            params["output_config"] = {"effort": effort}
            return ThinkingChoice(params, f"thinking: adaptive, {effort}")
        return ThinkingChoice(params, "thinking: adaptive")
    if caps.budget_thinking:
        budget = min(
            settings.thinking_budget.get(rung_name, DEFAULT_BUDGET), settings.max_tokens - 1
        )
        if budget < MIN_BUDGET:
            return ThinkingChoice(note=f"no thinking: max_tokens {settings.max_tokens} is too low")
        params = {"thinking": {"type": "enabled", "budget_tokens": budget}}
        return ThinkingChoice(params, f"thinking: {budget:,} tokens")
    return ThinkingChoice(note=f"no thinking: {caps.model} does not take it")


def lifecycle_warning(caps: ModelCaps, rung_name: str = "") -> str | None:
    """One line when a configured model is deprecated or retired; None while it is active."""
    where = f"[models] {rung_name}" if rung_name else "the model"
    if caps.lifecycle == "retired":
        return f"{caps.model} is retired: requests to it fail; change {where} to a newer model"
    if caps.lifecycle == "deprecated":
        when = f" on {caps.retires_at}" if caps.retires_at else ""
        return f"{caps.model} is deprecated and retires{when}; move {where} to a newer model"
    return None


def _disk_path() -> Any:
    from haikutui.core.ui_state import state_dir

    return state_dir() / "models.json"


def _read_disk() -> dict[str, Any]:
    try:
        data = json.loads(_disk_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_disk(model: str, caps: ModelCaps) -> None:
    """Best effort: a cache that cannot be written only costs one more request tomorrow."""
    from haikutui.core.atomic import write_atomic

    data = _read_disk()
    data[model] = {"fetched": time.time(), "caps": asdict(caps)}
    try:
        write_atomic(_disk_path(), json.dumps(data, indent=2).encode())
    except OSError:
        pass


async def lifecycle_warnings(settings: Settings) -> list[str]:
    """One line per configured rung whose model is deprecated or retired (Models API)."""
    from haikutui.core.errors import HaikutuiError
    from haikutui.model.client import make_client
    from haikutui.model.ladder import RUNGS

    try:
        client = make_client(settings)
    except HaikutuiError:
        return []
    async with client:
        caps = [(rung, await fetch_caps(client, settings.models[rung])) for rung in RUNGS]
    return [w for rung, c in caps if (w := lifecycle_warning(c, rung))]
