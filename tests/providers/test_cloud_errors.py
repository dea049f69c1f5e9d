"""Acceptance 2: each platform's failures exit 3 with one line naming the provider and the fix."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fake_api import error_reply, midstream_error_reply, str_replace, tool_reply
from tests.fake_cloud import FakeBedrock, FakeVertex

FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")


def fix(haikutui: Any, repo: Path, provider: str) -> Any:
    run = haikutui(repo, "fix", "core.py:5", "-m", "fix it", "--provider", provider)
    assert run.out == ""  # no diff: nothing was proposed
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err  # one line, never a traceback
    return run


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            error_reply(403, "AccessDeniedException", "You don't have access to the model."),
            [
                "Bedrock: AccessDeniedException: You don't have access to the model",
                "us-east-1",
                "Model access",
            ],
        ),
        (
            error_reply(403, "ExpiredTokenException", "The security token included has expired"),
            ["Bedrock: ExpiredTokenException", "credentials were refused", "aws sso login"],
        ),
        (
            error_reply(429, "ThrottlingException", "Too many requests", repeat=True),
            ["Bedrock: ThrottlingException: Too many requests", "retry in a minute"],
        ),
        (
            error_reply(503, "ServiceUnavailableException", "Service unavailable", repeat=True),
            ["Bedrock: ServiceUnavailableException", "overloaded", "escalate"],
        ),
        (
            error_reply(404, "ResourceNotFoundException", "Model not found"),
            ["Bedrock: ResourceNotFoundException", "claude-haiku-4-5", "[models.bedrock]"],
        ),
        (
            midstream_error_reply("Let me", message="Bedrock is unable to process your request"),
            ["Bedrock: serviceUnavailableException mid-reply", "nothing applied"],
        ),
    ],
)
def test_bedrock_errors(
    bedrock: FakeBedrock, repo_dir: Path, haikutui: Any, reply: Any, expected: list[str]
) -> None:
    bedrock.script(reply)
    run = fix(haikutui, repo_dir, "bedrock")
    assert run.code == 3
    for part in expected:
        assert part in run.err


def test_bedrock_refused_signature_names_the_credentials(
    bedrock: FakeBedrock, repo_dir: Path, haikutui: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAWRONGWRONGWRONG0")
    run = fix(haikutui, repo_dir, "bedrock")
    assert run.code == 3
    assert "Bedrock: UnrecognizedClientException: The security token is invalid" in run.err
    assert "AWS_PROFILE" in run.err
    assert "AKIAWRONG" not in run.err and "fake/secret" not in run.err


def test_bedrock_without_credentials_or_region(
    bedrock: FakeBedrock, repo_dir: Path, haikutui: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    run = fix(haikutui, repo_dir, "bedrock")
    assert run.code == 3
    assert run.err.startswith("haikutui: Bedrock: no AWS credentials found; set AWS_PROFILE")
    monkeypatch.delenv("AWS_REGION")
    run = fix(haikutui, repo_dir, "bedrock")
    assert run.code == 3
    assert "Bedrock: no region; set AWS_REGION or [provider] region" in run.err
    assert bedrock.invocations == []


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            error_reply(401, "UNAUTHENTICATED", "Request had invalid authentication credentials."),
            ["Vertex AI: UNAUTHENTICATED", "gcloud auth application-default login"],
        ),
        (
            error_reply(
                403, "PERMISSION_DENIED", "Permission 'aiplatform.endpoints.predict' denied"
            ),
            ["Vertex AI: PERMISSION_DENIED: Permission", "Model Garden", "roles/aiplatform.user"],
        ),
        (
            error_reply(429, "RESOURCE_EXHAUSTED", "Quota exceeded", repeat=True),
            ["Vertex AI: RESOURCE_EXHAUSTED: Quota exceeded", "retry in a minute"],
        ),
        (
            error_reply(529, "overloaded_error", "Overloaded", repeat=True),
            ["Vertex AI: overloaded_error: Overloaded", "escalate"],
        ),
        (
            error_reply(404, "NOT_FOUND", "Publisher model not found"),
            ["Vertex AI: NOT_FOUND", "claude-haiku-4-5", "[models.vertex]"],
        ),
        (
            midstream_error_reply("Let me", message="Overloaded"),
            ["Vertex AI: overloaded_error mid-reply: Overloaded", "nothing applied"],
        ),
    ],
)
def test_vertex_errors(
    vertex: FakeVertex, repo_dir: Path, haikutui: Any, reply: Any, expected: list[str]
) -> None:
    vertex.script(reply)
    run = fix(haikutui, repo_dir, "vertex")
    assert run.code == 3
    for part in expected:
        assert part in run.err


def test_vertex_without_credentials_project_or_region(
    vertex: FakeVertex, repo_dir: Path, haikutui: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS")
    run = fix(haikutui, repo_dir, "vertex")
    assert run.code == 3
    assert "Vertex AI: no Google credentials found; run `gcloud auth" in run.err
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(vertex.adc_file(repo_dir.parent)))
    monkeypatch.delenv("ANTHROPIC_VERTEX_PROJECT_ID")
    run = fix(haikutui, repo_dir, "vertex")
    assert run.code == 3
    assert "Vertex AI: no project; set ANTHROPIC_VERTEX_PROJECT_ID" in run.err
    monkeypatch.delenv("CLOUD_ML_REGION")
    run = fix(haikutui, repo_dir, "vertex")
    assert "Vertex AI: no region; set CLOUD_ML_REGION" in run.err
    assert vertex.predictions == []


@pytest.mark.parametrize(("provider", "module"), [("bedrock", "boto3"), ("vertex", "google.auth")])
def test_a_missing_extra_says_which_to_install(
    provider: str,
    module: str,
    repo_dir: Path,
    haikutui: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed: imports fail
    run = fix(haikutui, repo_dir, provider)
    assert run.code == 3
    assert f"needs its extra: pip install 'haikutui[{provider}]'" in run.err


@pytest.mark.parametrize("provider", ["bedrock", "vertex"])
def test_lint_batch_needs_the_anthropic_api_and_sends_nothing(
    provider: str, request: pytest.FixtureRequest, lint_repo: Path, haikutui: Any
) -> None:
    fake = request.getfixturevalue(provider)
    fake.script(tool_reply(FIX))
    run = haikutui(lint_repo, "lint", "--batch", "--provider", provider)
    assert run.code == 2
    assert "Message Batches need the Anthropic API" in run.err
    assert "nothing sent" in run.err and len(run.err.strip().splitlines()) == 1
    assert fake.requests == []


def test_a_bad_provider_name_is_one_line(
    repo_dir: Path, haikutui: Any, monkeypatch: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:  # argparse's exit, as the shell sees it
        haikutui(repo_dir, "fix", "core.py", "-m", "x", "--provider", "azure")
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'azure'" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("HAIKUTUI_PROVIDER", "azure")
    run = haikutui(repo_dir, "fix", "core.py", "-m", "x")
    assert run.code == 2
    assert (
        run.err.strip() == "haikutui: HAIKUTUI_PROVIDER must be one of anthropic, bedrock, vertex"
    )
