"""Typed settings from TOML: the user's config file, then the repo's `.haikutui.toml` on top."""

from __future__ import annotations

import copy
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from haikutui.core.errors import UsageError
from haikutui.core.path_guard import MAX_FILE_BYTES, read_regular

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
    pass_env: list[str] = field(default_factory=list)
    """`[env] pass`: variables that tests and key commands keep (see core/child_env.py);
    user config only."""
    repo_trusted: bool = False
    """The user trusts this repo (`haikutui trust`, `--trust`, the TUI's screen): its powerful
    settings apply and its own code (tests, `.venv`) may run."""
    repo_powerful: list[str] = field(default_factory=list)
    """The powerful settings the repo's `.haikutui.toml` holds, one line each."""
    repo_ignored: list[str] = field(default_factory=list)
    """Those of them left out because the repo is not trusted."""

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


def load_settings(
    repo_root: Path | None = None,
    *,
    trusted: bool = False,
    priced: Callable[[str], bool] | None = None,
) -> Settings:
    """The user's config, then the repo's `.haikutui.toml`: its safe settings always, its
    powerful ones only when `trusted`. `priced` says whether a model ID has a known price
    (default: only the default ladder's); a repo may pick only priced models untrusted."""
    settings = Settings(repo_trusted=trusted)
    user = user_config_path()
    if user.is_file():
        data = _read(user)
        _merge(settings, data, user)
        _merge_env(settings, data, user)
        settings.sources.append(str(user))
    path = repo_root / REPO_CONFIG if repo_root is not None else None
    if path is None or not path.is_file():
        return settings
    data = _read(path)
    for name in USER_ONLY:
        if name in data:
            raise UsageError(f"{path}: [{name}] belongs in your user config, not the repo's")
    before = copy.deepcopy(settings)
    _merge(settings, data, path)
    settings.sources.append(str(path))
    powerful = _powerful(before, settings, data, priced)
    settings.repo_powerful = [label for label, _ in powerful]
    if not trusted:
        for label, revert in powerful:
            revert(settings)
            settings.repo_ignored.append(label)
    return settings


USER_ONLY = ("auth", "prices", "env")
"""Never from a repo, trusted or not: a command run on every request ([auth] key_command),
prices that make requests look cheaper under your budget, which secrets its tests see."""
EFFORT_RANK = {"low": 0, "medium": 1, "high": 2, "xhigh": 3, "max": 4}
Revert = Callable[[Settings], None]


def _powerful(
    before: Settings, after: Settings, data: dict[str, Any], priced: Callable[[str], bool] | None
) -> list[tuple[str, Revert]]:
    """The repo's settings that run, send or bill elsewhere, loosen a limit, or rebind keys:
    each with the label the user is shown and how to undo it on `after`."""
    found: list[tuple[str, Revert]] = []

    def add(label: str, attr: str, key: str | None = None) -> None:
        def revert(s: Settings) -> None:
            old = getattr(before, attr)
            if key is None:
                setattr(s, attr, copy.deepcopy(old))
            elif key in old:
                getattr(s, attr)[key] = old[key]
            else:
                getattr(s, attr).pop(key, None)

        found.append((label, revert))

    def is_priced(model: str) -> bool:
        listed = priced(model) if priced is not None else model in DEFAULT_MODELS.values()
        return listed or any(model == k or model.startswith(k) for k in before.prices)

    if after.test_command != before.test_command:
        add(f"[checks] test_command = {after.test_command!r} (runs a command)", "test_command")
    for rung, model in after.models.items():
        if model != before.models.get(rung) and not is_priced(model):
            add(f"[models] {rung} = {model!r} (no known price)", "models", rung)
    for key in ("max_tokens", "max_retries", "max_tool_rounds"):
        if getattr(after, key) > getattr(before, key):
            add(f"[request] {key} = {getattr(after, key)} (raises {getattr(before, key)})", key)
    for key in ("per_request", "per_session"):
        old, new = getattr(before, f"budget_{key}"), getattr(after, f"budget_{key}")
        if old is not None and (new is None or new > old):
            add(f"[budget] {key} = {new} (raises your {old})", f"budget_{key}")
    if after.lint_escalate == "auto" and before.lint_escalate != "auto":
        add("[lint] escalate = 'auto' (bills stronger models unasked)", "lint_escalate")
    for rung, on in after.thinking.items():
        if on and not before.thinking.get(rung, False):
            add(f"[thinking] {rung} = true (bills thinking tokens)", "thinking", rung)
    for rung, tokens in after.thinking_budget.items():
        if tokens > before.thinking_budget.get(rung, 2048):
            add(f"[thinking] budget_tokens {rung} = {tokens} (raises)", "thinking_budget", rung)
    for rung, effort in after.thinking_effort.items():
        old_effort = before.thinking_effort.get(rung, "medium")
        if EFFORT_RANK.get(effort, 0) > EFFORT_RANK.get(old_effort, 1):
            add(f"[thinking] effort {rung} = {effort!r} (raises)", "thinking_effort", rung)
    for key, attr in PROVIDER_FIELDS.items():
        if getattr(after, attr) != getattr(before, attr):
            add(f"[provider] {key} = {getattr(after, attr)!r} (where requests go)", attr)
    for name, rungs in after.provider_models.items():
        for rung, model in rungs.items():
            if before.provider_models.get(name, {}).get(rung) != model:
                add(f"[models.{name}] {rung} = {model!r} (no known price)", "provider_models")
    for key, action in after.keymap.items():
        if before.keymap.get(key) != action:
            add(f"[keymap] {key} = {action!r} (key bindings are yours)", "keymap", key)
    return found


PROVIDER_FIELDS = {
    "name": "provider",
    "region": "provider_region",
    "project_id": "provider_project",
    "inference_profile": "inference_profile",
}
REGION = re.compile(r"^[a-z0-9-]+$")
PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
"""Google's project ID: 6 to 30 lowercase letters, digits or hyphens, a letter first."""


def _merge_env(settings: Settings, data: dict[str, Any], path: Path) -> None:
    """`[env] pass = ["AWS_PROFILE"]`: what the user lets tests and key commands see."""
    env = data.get("env", {})
    if not isinstance(env, dict):
        raise UsageError(f"{path}: [env] must be a table")
    names = env.get("pass", [])
    if not isinstance(names, list) or not all(
        isinstance(n, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n) for n in names
    ):
        raise UsageError(
            f'{path}: [env] pass must be a list of variable names, e.g. ["AWS_PROFILE"]'
        )
    settings.pass_env = list(names)


def _read(path: Path) -> dict[str, Any]:
    """Imports the TOML parser only when there is a file to parse: most starts have none."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised only on 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(read_regular(path, MAX_FILE_BYTES).decode("utf-8"))
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
    for key, attr, shape, example in (
        ("region", "provider_region", REGION, "us-east-1"),
        ("project_id", "provider_project", PROJECT_ID, "my-project-123"),
    ):
        if key in provider:
            if not isinstance(provider[key], str) or not shape.match(provider[key]):
                raise UsageError(
                    f"{path}: [provider] {key} must look like {example!r}, not {provider[key]!r}"
                )
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
