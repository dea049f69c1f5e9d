"""Acceptance 1: `fix`, an escalation and a lint repair through Bedrock and through Vertex AI.

The SDK's own platform clients talk over HTTP to local fakes of each platform, with
credentials that work offline (static AWS keys; Vertex ADC whose token URL is the fake).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.model import request_log
from haikutui.model.fix_request import FixRequest
from haikutui.model.ladder import resolve
from haikutui.tasks.fix_session import FixSession
from tests.conftest import CORE_PY
from tests.fake_api import str_replace, tool_reply
from tests.fake_cloud.vertex import TOKEN
from tests.lint.test_lint_model import E711_FIX, F841_FIX
from tests.providers.conftest import Cloud

FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")
HAIKU = {
    "bedrock": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    "vertex": "claude-haiku-4-5@20251001",
}
SONNET = {"bedrock": "us.anthropic.claude-sonnet-4-6", "vertex": "claude-sonnet-4-6"}
VERSION = {"bedrock": "bedrock-2023-05-31", "vertex": "vertex-2023-10-16"}


def assert_platform_body(cloud: Cloud, body: dict[str, Any] | None, *, cached: bool = True) -> None:
    """What each platform requires of a body, and what haikutui never sends."""
    assert body is not None
    assert "model" not in body  # the model is in the path on both platforms
    assert body["anthropic_version"] == VERSION[cloud.name]
    assert "temperature" not in body
    if cached:  # a fix carries a cache breakpoint (lint repairs send none on any provider)
        assert "cache_control" in json.dumps(body["messages"])
    if cloud.name == "bedrock":
        assert "stream" not in body  # Bedrock streams by endpoint, not by flag
    else:
        assert body["stream"] is True


def test_fix_goes_to_the_platform_with_its_model_id(
    cloud: Cloud, repo_dir: Path, haikutui: Any
) -> None:
    cloud.fake.script(tool_reply(FIX))

    run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix the off-by-one", "--yes")

    assert run.code == 0, run.err
    assert (repo_dir / "core.py").read_text() == CORE_PY.replace("len(values) + 1", "len(values)")
    assert cloud.models() == [HAIKU[cloud.name]]
    call = cloud.calls[0]
    assert_platform_body(cloud, call.json)
    if cloud.name == "bedrock":
        assert call.path.endswith("/invoke-with-response-stream")
        assert call.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIAFAKE")
        assert "/us-east-1/bedrock/aws4_request" in call.headers["authorization"]
    else:
        assert call.path.startswith("/v1/projects/fake-project/locations/us-east5/")
        assert call.path.endswith(":streamRawPredict")
        assert call.headers["authorization"] == f"Bearer {TOKEN}"
        assert len(cloud.fake.token_requests) == 1  # ADC exchanged its token with the fake
    # The request log says where the request went; prices are the list prices.
    (record,) = request_log.read(repo_dir)
    assert record.provider == cloud.name and record.model == "claude-haiku-4-5"
    assert record.cost is not None and record.cost > 0


def test_an_escalation_goes_to_the_stronger_platform_model(cloud: Cloud, repo_dir: Path) -> None:
    cloud.fake.script(tool_reply(FIX), tool_reply(FIX))
    settings = load_settings(repo_dir)
    session = FixSession(
        Repo(repo_dir), settings, FixRequest("core.py", "fix it", (5, 5)), resolve("fast", settings)
    )

    async def run_and_escalate() -> None:
        await session.run()
        assert session.escalate() is not None
        await session.run()

    asyncio.run(run_and_escalate())

    assert cloud.models() == [HAIKU[cloud.name], SONNET[cloud.name]]
    second = cloud.calls[1].json
    assert_platform_body(cloud, second)
    assert second is not None and "An earlier attempt by claude-haiku-4-5" in json.dumps(second)


def test_a_lint_repair_escalates_through_the_platform(
    cloud: Cloud, lint_repo: Path, haikutui: Any
) -> None:
    cloud.fake.script(tool_reply(E711_FIX), tool_reply(E711_FIX, F841_FIX))

    run = haikutui(lint_repo, "lint", "--json", "pkg/calc.py")

    assert run.code == 0, run.err
    assert cloud.models() == [HAIKU[cloud.name], SONNET[cloud.name]]
    for call in cloud.calls:
        assert_platform_body(cloud, call.json, cached=False)
    assert run.json["remaining"] == []
    assert [r.provider for r in request_log.read(lint_repo)] == [cloud.name, cloud.name]


def test_config_overrides_a_rung_and_the_inference_profile(
    cloud: Cloud, repo_dir: Path, haikutui: Any
) -> None:
    config = Path(__import__("os").environ["HAIKUTUI_CONFIG"])
    mine = "eu.anthropic.claude-haiku-4-5-20251001-v1:0" if cloud.name == "bedrock" else "my-haiku"
    config.write_text(f'[models.{cloud.name}]\nfast = "{mine}"\n')
    cloud.fake.script(tool_reply(FIX))

    run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")

    assert run.code == 0, run.err
    assert cloud.models() == [mine]


def test_bedrock_without_a_profile_uses_the_base_id(
    bedrock: Any, repo_dir: Path, haikutui: Any
) -> None:
    config = Path(__import__("os").environ["HAIKUTUI_CONFIG"])
    config.write_text('[provider]\nname = "bedrock"\ninference_profile = "none"\n')
    bedrock.script(tool_reply(FIX))

    run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")

    assert run.code == 0, run.err
    assert bedrock.invocations[0].path.startswith(
        "/model/anthropic.claude-haiku-4-5-20251001-v1:0/"
    )


@pytest.mark.parametrize(
    ("switch", "fixture"),
    [("CLAUDE_CODE_USE_BEDROCK", "bedrock"), ("CLAUDE_CODE_USE_VERTEX", "vertex")],
)
def test_claude_code_switches_choose_the_provider(
    switch: str,
    fixture: str,
    request: pytest.FixtureRequest,
    repo_dir: Path,
    haikutui: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = request.getfixturevalue(fixture)
    monkeypatch.setenv(switch, "1")
    fake.script(tool_reply(FIX))

    run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")

    assert run.code == 0, run.err
    assert len(Cloud(fixture, fake).calls) == 1


def test_provider_flag_wins_over_config(bedrock: Any, repo_dir: Path, haikutui: Any) -> None:
    config = Path(__import__("os").environ["HAIKUTUI_CONFIG"])
    config.write_text('[provider]\nname = "vertex"\n')
    bedrock.script(tool_reply(FIX))

    run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it", "--provider", "bedrock")

    assert run.code == 0, run.err
    assert len(bedrock.invocations) == 1
