"""What a platform lacks is decided in one place and never crashes: count_tokens, the Models
API, thinking from the built-in table; plus `[provider]` config errors as one line."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from haikutui.core.config import load_settings
from haikutui.core.errors import UsageError
from haikutui.model.estimate import counted_tokens
from haikutui.model.fix_request import FixRequest
from tests.conftest import CORE_PY
from tests.fake_api import cut_stream_reply, str_replace, tool_reply
from tests.providers.conftest import Cloud

FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")


def test_count_tokens_only_where_the_platform_counts(cloud: Cloud, repo_dir: Path) -> None:
    settings = load_settings(repo_dir)
    counted = asyncio.run(counted_tokens(FixRequest("core.py", "fix it"), CORE_PY, settings))
    if cloud.name == "bedrock":  # Bedrock cannot count: nothing is sent, the estimate stands
        assert counted is None
        assert cloud.fake.requests == []
    else:  # Vertex counts, at its own count-tokens endpoint
        assert counted is not None and counted > 0
        (call,) = [r for r in cloud.fake.requests if "count-tokens" in r.path]
        assert call.path.startswith("/v1/projects/fake-project/locations/us-east5/")


def test_thinking_comes_from_the_table_without_a_models_api(
    cloud: Cloud, repo_dir: Path, haikutui: Any
) -> None:
    Path(os.environ["HAIKUTUI_CONFIG"]).write_text("[thinking]\nfast = true\n")
    cloud.fake.script(tool_reply(FIX))

    run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")

    assert run.code == 0, run.err
    assert len(cloud.fake.requests) == len(cloud.calls) + len(
        getattr(cloud.fake, "token_requests", [])
    )
    body = cloud.calls[0].json
    assert body is not None
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}  # Haiku 4.5's kind


def test_a_dropped_stream_is_one_line_naming_the_provider(
    cloud: Cloud, repo_dir: Path, haikutui: Any
) -> None:
    cloud.fake.script(cut_stream_reply("Let me", repeat=True))
    run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")
    assert run.code == 3
    label = "Bedrock" if cloud.name == "bedrock" else "Vertex AI"
    assert run.err.strip().splitlines() == [
        f"haikutui: {label}: the connection dropped mid-reply; nothing applied. Retry"
    ]


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[provider]\nname = "azure"', "[provider] name must be one of anthropic, bedrock, vertex"),
        ('[provider]\ninference_profile = "mars"', "[provider] inference_profile must be one of"),
        ('[models.bedrock]\nquick = "x"', "[models.bedrock] takes fast, strong and strongest"),
        ("[auth]\nkey_ttl = -1", "[auth] key_ttl must be a number of seconds"),
        ("[auth]\nkey_command = 3", "[auth] key_command must be a string"),
        ('[models]\nquick = "x"', "[models] takes fast, strong and strongest"),
    ],
)
def test_bad_provider_config_is_one_line(toml: str, message: str, tmp_path: Path) -> None:
    path = Path(os.environ["HAIKUTUI_CONFIG"])
    path.write_text(toml + "\n")
    with pytest.raises(UsageError) as info:
        load_settings(tmp_path)
    assert message in info.value.message and "\n" not in info.value.message


def test_provider_config_is_read(tmp_path: Path) -> None:
    Path(os.environ["HAIKUTUI_CONFIG"]).write_text(
        '[provider]\nname = "vertex"\nregion = "europe-west1"\nproject_id = "proj-123"\n'
        '[models]\nfast = "claude-haiku-4-5"\n[models.vertex]\nstrong = "claude-sonnet-4-5@20250929"\n'
        '[auth]\nkey_command = "pass show anthropic"\nkey_ttl = 60\n'
    )
    settings = load_settings(tmp_path)
    assert (settings.provider, settings.provider_region, settings.provider_project) == (
        "vertex",
        "europe-west1",
        "proj-123",
    )
    assert settings.provider_models == {"vertex": {"strong": "claude-sonnet-4-5@20250929"}}
    assert settings.models["fast"] == "claude-haiku-4-5"
    assert (settings.key_command, settings.key_ttl) == ("pass show anthropic", 60.0)
