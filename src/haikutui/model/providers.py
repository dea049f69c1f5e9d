"""Amazon Bedrock and Google Vertex AI: which provider, its model IDs, and its client.

The ladder, prices and capabilities speak in Anthropic model IDs; only the client sees the
platform's. So each platform client here is the SDK's own (`AsyncAnthropicBedrock`,
`AsyncAnthropicVertex`) with one change: it turns the Anthropic ID into the platform's
just before the request is built, from the dated table below or `[models.<provider>]`.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

from haikutui.core.config import PROJECT_ID, PROVIDERS, REGION, Settings
from haikutui.core.errors import ModelError, UsageError

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

LABELS = {"anthropic": "Anthropic", "bedrock": "Bedrock", "vertex": "Vertex AI"}
EXTRAS = {"bedrock": "pip install 'haikutui[bedrock]'", "vertex": "pip install 'haikutui[vertex]'"}
VERSIONS = {"bedrock": "bedrock-2023-05-31", "vertex": "vertex-2023-10-16"}
"""The `anthropic_version` each platform's documentation asks for in the body."""

TABLE_DATE = "2026-02-17"
"""When the ID table below was last checked against the platforms' model lists."""
BEDROCK_IDS: dict[str, str] = {
    "claude-haiku-4-5": "anthropic.claude-haiku-4-5-20251001-v1:0",
    "claude-sonnet-4-6": "anthropic.claude-sonnet-4-6",
    "claude-opus-4-6": "anthropic.claude-opus-4-6-v1",
    "claude-sonnet-4-5": "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "claude-opus-4-5": "anthropic.claude-opus-4-5-20251101-v1:0",
    "claude-opus-4-1": "anthropic.claude-opus-4-1-20250805-v1:0",
}
VERTEX_IDS: dict[str, str] = {
    "claude-haiku-4-5": "claude-haiku-4-5@20251001",
    "claude-sonnet-4-6": "claude-sonnet-4-6",
    "claude-opus-4-6": "claude-opus-4-6",
    "claude-sonnet-4-5": "claude-sonnet-4-5@20250929",
    "claude-opus-4-5": "claude-opus-4-5@20251101",
    "claude-opus-4-1": "claude-opus-4-1@20250805",
}
_DATED = re.compile(r"^(claude-[a-z]+-\d+(?:-\d)?)-\d{8}$")


def provider_name(settings: Settings) -> str:
    """`--provider` / `HAIKUTUI_PROVIDER`, then `[provider] name`, then Claude Code's switches."""
    chosen = os.environ.get("HAIKUTUI_PROVIDER", "").strip().lower()
    if chosen:
        if chosen not in PROVIDERS:
            raise UsageError(f"HAIKUTUI_PROVIDER must be one of {', '.join(PROVIDERS)}")
        return chosen
    if settings.provider:
        return settings.provider
    if _truthy("CLAUDE_CODE_USE_BEDROCK"):
        return "bedrock"
    if _truthy("CLAUDE_CODE_USE_VERTEX"):
        return "vertex"
    return "anthropic"


def shown_provider(settings: Settings) -> str:
    """For the status bar: the platform's name, or nothing for the Anthropic API."""
    try:
        provider = provider_name(settings)
    except UsageError:
        return "provider?"
    return "" if provider == "anthropic" else LABELS[provider]


def _installed(module: str) -> bool:
    """The extra is there; found without importing it (boto3 alone costs ~0.3 s)."""
    from importlib.util import find_spec

    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:  # `google` itself is missing
        return False


def _truthy(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def region(settings: Settings, provider: str) -> str:
    """`[provider] region` (checked when the config was read), else the environment's, checked
    here: the SDK builds the host name from it, so `evil.com#` would send requests there."""
    if settings.provider_region:
        return settings.provider_region
    names = ("AWS_REGION", "AWS_DEFAULT_REGION") if provider == "bedrock" else ("CLOUD_ML_REGION",)
    for name in names:
        value = os.environ.get(name, "")
        if value:
            return _checked(name, value, REGION, "us-east-1")
    return ""


def _checked(name: str, value: str, shape: re.Pattern[str], example: str) -> str:
    if not shape.match(value):
        raise UsageError(f"{name} (environment) must look like {example!r}, not {value!r}")
    return value


def inference_profile(settings: Settings, aws_region: str) -> str:
    """`[provider] inference_profile`, else the geography of the region (us-east-1 → us)."""
    if settings.inference_profile:
        return "" if settings.inference_profile == "none" else settings.inference_profile
    head = aws_region.split("-")[0]
    return {"us": "us", "eu": "eu", "ap": "apac"}.get(head, "global")


def platform_ids(settings: Settings, provider: str) -> dict[str, str]:
    """Anthropic model ID → platform ID for the configured rungs (the table, then config)."""
    if provider == "anthropic":
        return {}
    mapping: dict[str, str] = {}
    prefix = ""
    if provider == "bedrock":
        profile = inference_profile(settings, region(settings, provider))
        prefix = f"{profile}." if profile else ""
    table = BEDROCK_IDS if provider == "bedrock" else VERTEX_IDS
    for model, platform in table.items():
        mapping[model] = prefix + platform
    overrides = settings.provider_models.get(provider, {})
    for rung, model in settings.models.items():
        if rung in overrides:
            mapping[model] = overrides[rung]
    return mapping


def platform_id(model: str, mapping: dict[str, str]) -> str:
    """A known ID (dated or not) becomes the platform's; anything else is sent as written."""
    if model in mapping:
        return mapping[model]
    dated = _DATED.match(model)
    if dated and dated.group(1) in mapping:
        return mapping[dated.group(1)]
    return model


def make_platform_client(settings: Settings, provider: str) -> AsyncAnthropic:
    """The SDK's Bedrock or Vertex client, mapping model IDs; one line when it cannot start."""
    label = LABELS[provider]
    if not _installed("boto3" if provider == "bedrock" else "google.auth"):
        raise ModelError(f"{label} needs its extra: {EXTRAS[provider]}")
    mapping = platform_ids(settings, provider)
    where = region(settings, provider)
    kwargs: dict[str, Any] = {"timeout": settings.timeout, "max_retries": settings.max_retries}
    if provider == "bedrock":
        from anthropic import AsyncAnthropicBedrock

        base: Any = AsyncAnthropicBedrock
        if where:  # else the SDK asks the AWS profile
            kwargs["aws_region"] = where
    else:
        if not where:
            raise ModelError("Vertex AI: no region; set CLOUD_ML_REGION or [provider] region")
        from anthropic import AsyncAnthropicVertex

        base = AsyncAnthropicVertex
        kwargs["region"] = where
        if settings.provider_project:
            kwargs["project_id"] = settings.provider_project
        elif os.environ.get("ANTHROPIC_VERTEX_PROJECT_ID"):
            name = "ANTHROPIC_VERTEX_PROJECT_ID"
            _checked(name, os.environ[name], PROJECT_ID, "my-project-123")
    version = VERSIONS[provider]

    class PlatformClient(base):  # type: ignore[misc]
        """The SDK's client; the body's model ID and version are the platform's."""

        haikutui_provider = provider

        async def _prepare_options(self, options: Any) -> Any:
            data = options.json_data
            if isinstance(data, dict):
                data = dict(data)
                if isinstance(data.get("model"), str):
                    data["model"] = platform_id(data["model"], mapping)
                data.setdefault("anthropic_version", version)
                options = options.model_copy(update={"json_data": data})
            return await super()._prepare_options(options)

    try:
        return PlatformClient(**kwargs)
    except ValueError as exc:  # the SDK's own "no region" / "both credentials" checks
        if "region" in str(exc).lower():
            hint = "AWS_REGION" if provider == "bedrock" else "CLOUD_ML_REGION"
            raise ModelError(f"{label}: no region; set {hint} or [provider] region") from None
        raise ModelError(f"{label}: {str(exc).splitlines()[0]}") from None
