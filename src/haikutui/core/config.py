"""Typed settings from TOML: the user's config file, then the repo's `.haikutui.toml` on top."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from haikutui.core.errors import UsageError

DEFAULT_MODELS: dict[str, str] = {
    "fast": "claude-haiku-4-5",
    "strong": "claude-sonnet-4-6",
    "strongest": "claude-opus-4-6",
}
REPO_CONFIG = ".haikutui.toml"
PROVIDERS = ("anthropic", "bedrock", "vertex")
PROFILES = ("us", "eu", "apac", "global", "none")


@dataclass
class Settings:
    """Everything a user may configure. Secrets never live here: the key comes from the env."""

    models: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MODELS))
    max_tokens: int = 8192
    timeout: float = 60.0
    max_retries: int = 2
    max_tool_rounds: int = 8
    theme: str = ""
    lint_escalate: str = "ask"
    """After a model's lint repair still fails ruff: `auto` escalates, `ask` asks (TUI), `off`."""
    test_command: str = ""
    """Run on a temp copy of the repo with the proposal in it, before the proposal is shown."""
    test_timeout: float = 300.0
    checks_strict: bool = False
    """`[checks] strict = true`: advisory findings (new style findings, tests that failed
    before the change too) block `--yes` as the blocking ones do."""
    keymap: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    budget_per_request: float | None = None
    """Dollars; a request estimated above it asks first (TUI) or is refused (CLI)."""
    budget_per_session: float | None = None
    thinking: dict[str, bool] = field(default_factory=dict)
    """Per rung: think by default. The TUI's `t` flips it for the session (`thinking_toggle`)."""
    thinking_toggle: bool | None = None
    thinking_budget: dict[str, int] = field(default_factory=dict)
    """Per rung: budget_tokens for models that take budget thinking (default 2048)."""
    thinking_effort: dict[str, str] = field(default_factory=dict)
    """Per rung: effort for models that take adaptive thinking (default medium)."""
    log_include_content: bool = False
    """Put the instruction and the model's words in the request log (never file contents)."""
    provider: str = ""
    """`[provider] name`: anthropic, bedrock or vertex; empty lets the environment decide."""
    provider_region: str = ""
    """`[provider] region`: the AWS region or Vertex region, over the environment's."""
    provider_project: str = ""
    """`[provider] project_id`: the Google Cloud project for Vertex."""
    inference_profile: str = ""
    """`[provider] inference_profile`: us, eu, apac, global or none (Bedrock's ID prefix)."""
    provider_models: dict[str, dict[str, str]] = field(default_factory=dict)
    """`[models.bedrock] fast = "..."`: per provider, per rung, the platform's model ID."""
    key_command: str = ""
    """`[auth] key_command`: a command whose stdout is the API key (like apiKeyHelper)."""
    key_ttl: float = 300.0
    prices: dict[str, dict[str, float]] = field(default_factory=dict)
    """`[prices."MODEL"]`: dollars per million tokens that replace the list price (for
    example a platform's regional price); user config only."""
    """`[auth] key_ttl`: seconds the key command's answer is kept in memory."""

    def thinking_wanted(self, rung_name: str) -> bool:
        """The session toggle wins over the per-rung default from config."""
        if self.thinking_toggle is not None:
            return self.thinking_toggle
        return self.thinking.get(rung_name, False)


def user_config_path() -> Path:
    """`HAIKUTUI_CONFIG` wins, so tests and scripts never read the developer's home."""
    override = os.environ.get("HAIKUTUI_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("haikutui")) / "config.toml"


def load_settings(repo_root: Path | None = None) -> Settings:
    settings = Settings()
    paths = [user_config_path()]
    if repo_root is not None:
        paths.append(repo_root / REPO_CONFIG)
    for path in paths:
        if path.is_file():
            data = _read(path)
            if path != paths[0] and "auth" in data:
                # A cloned repo must not choose a command that runs on every request.
                raise UsageError(f"{path}: [auth] belongs in your user config, not the repo's")
            if path != paths[0] and "prices" in data:
                # Nor may it make requests look cheaper than they are, under your budget.
                raise UsageError(f"{path}: [prices] belongs in your user config, not the repo's")
            _merge(settings, data, path)
            settings.sources.append(str(path))
    return settings


def _read(path: Path) -> dict[str, Any]:
    """Imports the TOML parser only when there is a file to parse: most starts have none."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised only on 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: invalid TOML ({exc})") from None


def _merge(settings: Settings, data: dict[str, Any], path: Path) -> None:
    def table(name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise UsageError(f"{path}: [{name}] must be a table")
        return value

    for rung, model in table("models").items():
        if rung in PROVIDERS and isinstance(model, dict):
            continue  # [models.bedrock] and [models.vertex]: _merge_provider reads them
        if rung not in DEFAULT_MODELS or not isinstance(model, str) or not model:
            raise UsageError(f"{path}: [models] takes fast, strong and strongest as model IDs")
        settings.models[rung] = model
    request = table("request")
    for key, kind in (
        ("max_tokens", int),
        ("timeout", float),
        ("max_retries", int),
        ("max_tool_rounds", int),
    ):
        if key in request:
            value = request[key]
            least = 0 if key == "max_retries" else 1
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < least:
                raise UsageError(f"{path}: [request] {key} must be a number, at least {least}")
            setattr(settings, key, kind(value))
    lint = table("lint")
    if "escalate" in lint:
        if lint["escalate"] not in ("auto", "ask", "off"):
            raise UsageError(f"{path}: [lint] escalate must be auto, ask or off")
        settings.lint_escalate = lint["escalate"]
    checks = table("checks")
    if "test_command" in checks:
        settings.test_command = str(checks["test_command"])
    if "timeout" in checks:
        settings.test_timeout = float(checks["timeout"])
    if "strict" in checks:
        if not isinstance(checks["strict"], bool):
            raise UsageError(f"{path}: [checks] strict must be true or false")
        settings.checks_strict = checks["strict"]
    ui = table("ui")
    if "theme" in ui:
        settings.theme = str(ui["theme"])
    settings.keymap.update({str(k): str(v) for k, v in table("keymap").items()})
    _merge_cost(settings, table("budget"), table("thinking"), table("log"), path)
    _merge_prices(settings, table("prices"), path)
    _merge_provider(settings, table("provider"), table("models"), table("auth"), path)


EFFORTS = ("low", "medium", "high", "xhigh", "max")
PRICE_KEYS = ("input", "output", "cache_write_5m", "cache_write_1h", "cache_read")


def _merge_prices(settings: Settings, prices: dict[str, Any], path: Path) -> None:
    """`[prices."claude-haiku-4-5"] input = 1.1, output = 5.5`: per million tokens."""
    for model, table in prices.items():
        if not isinstance(table, dict) or not table:
            raise UsageError(f'{path}: [prices."{model}"] must be a table of prices')
        for key, value in table.items():
            if key not in PRICE_KEYS:
                raise UsageError(
                    f'{path}: [prices."{model}"] takes {", ".join(PRICE_KEYS)}, not {key}'
                )
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise UsageError(f'{path}: [prices."{model}"] {key} must be dollars, e.g. 1.25')
        settings.prices[str(model)] = {str(k): float(v) for k, v in table.items()}


def _merge_cost(
    settings: Settings,
    budget: dict[str, Any],
    thinking: dict[str, Any],
    log: dict[str, Any],
    path: Path,
) -> None:
    """[budget], [thinking] and [log]: what a request may cost, how models think, what is logged."""
    for key in ("per_request", "per_session"):
        if key in budget:
            value = budget[key]
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise UsageError(f"{path}: [budget] {key} must be a dollar amount, e.g. 0.05")
            setattr(settings, f"budget_{key}", float(value))

    def per_rung(key: str, value: Any) -> dict[str, Any]:
        if isinstance(value, dict):
            unknown = set(value) - set(DEFAULT_MODELS)
            if unknown:
                raise UsageError(f"{path}: [thinking] {key} takes fast, strong and strongest")
            return value
        return {rung: value for rung in DEFAULT_MODELS}

    for rung in DEFAULT_MODELS:
        if rung in thinking:
            if not isinstance(thinking[rung], bool):
                raise UsageError(f"{path}: [thinking] {rung} must be true or false")
            settings.thinking[rung] = thinking[rung]
    if "budget_tokens" in thinking:
        for rung, value in per_rung("budget_tokens", thinking["budget_tokens"]).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1024:
                raise UsageError(f"{path}: [thinking] budget_tokens must be 1024 or more")
            settings.thinking_budget[rung] = value
    if "effort" in thinking:
        for rung, value in per_rung("effort", thinking["effort"]).items():
            if value not in EFFORTS:
                raise UsageError(f"{path}: [thinking] effort must be one of {', '.join(EFFORTS)}")
            settings.thinking_effort[rung] = value
    if "include_content" in log:
        settings.log_include_content = bool(log["include_content"])


def _merge_provider(
    settings: Settings,
    provider: dict[str, Any],
    models: dict[str, Any],
    auth: dict[str, Any],
    path: Path,
) -> None:
    """[provider], [models.<provider>] and [auth]: where requests go and where the key comes from."""
    if "name" in provider:
        if provider["name"] not in PROVIDERS:
            raise UsageError(f"{path}: [provider] name must be one of {', '.join(PROVIDERS)}")
        settings.provider = provider["name"]
    for key, attr in (("region", "provider_region"), ("project_id", "provider_project")):
        if key in provider:
            if not isinstance(provider[key], str):
                raise UsageError(f"{path}: [provider] {key} must be a string")
            setattr(settings, attr, provider[key])
    if "inference_profile" in provider:
        if provider["inference_profile"] not in PROFILES:
            raise UsageError(
                f"{path}: [provider] inference_profile must be one of {', '.join(PROFILES)}"
            )
        settings.inference_profile = provider["inference_profile"]
    for name in PROVIDERS:
        rungs = models.get(name)
        if not isinstance(rungs, dict):
            continue
        for rung, model in rungs.items():
            if rung not in DEFAULT_MODELS or not isinstance(model, str) or not model:
                raise UsageError(f"{path}: [models.{name}] takes fast, strong and strongest as IDs")
            settings.provider_models.setdefault(name, {})[rung] = model
    if "key_command" in auth:
        if not isinstance(auth["key_command"], str):
            raise UsageError(f"{path}: [auth] key_command must be a string")
        settings.key_command = auth["key_command"]
    if "key_ttl" in auth:
        ttl = auth["key_ttl"]
        if not isinstance(ttl, (int, float)) or isinstance(ttl, bool) or ttl < 0:
            raise UsageError(f"{path}: [auth] key_ttl must be a number of seconds, 0 or more")
        settings.key_ttl = float(ttl)
