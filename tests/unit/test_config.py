"""Settings: defaults, the user's config file, then the repo's `.haikutui.toml` on top."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from haikutui.core.config import (
    DEFAULT_MODELS,
    REPO_CONFIG,
    Settings,
    load_settings,
    user_config_path,
)
from haikutui.core.errors import UsageError


@pytest.fixture
def user_config() -> Path:
    """The file HAIKUTUI_CONFIG points at (set by the autouse fixture, inside tmp)."""
    path = Path(os.environ["HAIKUTUI_CONFIG"])
    assert user_config_path() == path
    return path


def test_defaults_without_any_file(repo_dir: Path) -> None:
    settings = load_settings(repo_dir)
    assert settings.models == {
        "fast": "claude-haiku-4-5",
        "strong": "claude-sonnet-4-6",
        "strongest": "claude-opus-4-6",
    }
    assert (settings.max_tokens, settings.timeout, settings.max_retries) == (8192, 60.0, 2)
    assert settings.max_tool_rounds == 8
    assert settings.theme == "" and settings.keymap == {} and settings.sources == []


def test_user_config_then_repo_config_on_top(user_config: Path, repo_dir: Path) -> None:
    user_config.write_text(
        '[models]\nfast = "claude-haiku-4-5-20251001"\nstrong = "claude-sonnet-5-5"\n'
        "[request]\nmax_tokens = 4096\ntimeout = 30\n"
        '[ui]\ntheme = "nord"\n'
        '[keymap]\nescalate = "ctrl+e"\n'
    )
    (repo_dir / REPO_CONFIG).write_text(
        '[models]\nstrong = "claude-opus-4-6"\n[request]\nmax_tokens = 2048\n'
        '[keymap]\napply = "ctrl+a"\n'
    )
    settings = load_settings(repo_dir)
    assert settings.models == {
        "fast": "claude-haiku-4-5-20251001",  # from the user file
        "strong": "claude-opus-4-6",  # the repo wins
        "strongest": "claude-opus-4-6",  # default
    }
    assert settings.max_tokens == 2048
    assert settings.timeout == 30.0 and isinstance(settings.timeout, float)
    assert settings.theme == "nord"
    # Key bindings are the user's: a repo's apply only once it is trusted.
    assert settings.keymap == {"escalate": "ctrl+e"}
    assert settings.repo_ignored == ["[keymap] apply = 'ctrl+a' (key bindings are yours)"]
    assert load_settings(repo_dir, trusted=True).keymap == {"escalate": "ctrl+e", "apply": "ctrl+a"}
    assert settings.sources == [str(user_config), str(repo_dir / REPO_CONFIG)]


def test_repo_config_is_ignored_without_a_repo(user_config: Path, tmp_path: Path) -> None:
    (tmp_path / REPO_CONFIG).write_text("[request]\nmax_tokens = 10\n")
    assert load_settings(None).max_tokens == 8192


def test_a_config_never_changes_the_defaults_for_later(user_config: Path) -> None:
    user_config.write_text('[models]\nfast = "my-model"\n')
    assert load_settings().models["fast"] == "my-model"
    user_config.unlink()
    assert load_settings().models["fast"] == "claude-haiku-4-5"
    assert DEFAULT_MODELS["fast"] == "claude-haiku-4-5"
    assert Settings().models == DEFAULT_MODELS


def test_invalid_toml_names_the_user_file(user_config: Path) -> None:
    user_config.write_text("[models\nfast = 1\n")
    with pytest.raises(UsageError) as info:
        load_settings()
    assert str(user_config) in str(info.value) and "invalid TOML" in str(info.value)


def test_invalid_toml_names_the_repo_file(repo_dir: Path) -> None:
    (repo_dir / REPO_CONFIG).write_text('theme = "unterminated\n')
    with pytest.raises(UsageError) as info:
        load_settings(repo_dir)
    assert str(repo_dir / REPO_CONFIG) in str(info.value)


def test_non_utf8_config_is_a_usage_error(user_config: Path) -> None:
    user_config.write_bytes(b'[ui]\ntheme = "caf\xe9"\n')
    with pytest.raises(UsageError, match="invalid TOML"):
        load_settings()


@pytest.mark.parametrize(
    "body",
    [
        '[models]\nturbo = "claude-haiku-4-5"\n',
        "[models]\nfast = 4\n",
        '[models]\nfast = ""\n',
        'models = "claude-haiku-4-5"\n',
    ],
)
def test_bad_models_table_is_refused(user_config: Path, body: str) -> None:
    user_config.write_text(body)
    with pytest.raises(UsageError) as info:
        load_settings()
    assert str(user_config) in str(info.value)
    assert "models" in str(info.value)


@pytest.mark.parametrize(
    "body",
    ["max_tokens = -1", 'max_tokens = "big"', "max_retries = true", "timeout = [1]"],
)
def test_bad_request_values_are_refused(user_config: Path, body: str) -> None:
    user_config.write_text(f"[request]\n{body}\n")
    with pytest.raises(UsageError, match=r"\[request\]"):
        load_settings()


def test_zero_retries_is_allowed(user_config: Path) -> None:
    user_config.write_text("[request]\nmax_retries = 0\n")
    assert load_settings().max_retries == 0


def test_user_config_path_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HAIKUTUI_CONFIG", str(tmp_path / "elsewhere.toml"))
    assert user_config_path() == tmp_path / "elsewhere.toml"
