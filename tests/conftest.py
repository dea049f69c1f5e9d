"""Shared fixtures: real git repos in tmp dirs, the local fake Messages API, an isolated home."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from haikutui.cli.main import main
from tests.fake_api import FakeAnthropic

CORE_PY = '''\
def total(values):
    """Sum the values."""
    result = 0
    for i in range(len(values) + 1):
        result += values[i]
    return result


def mean(values):
    return total(values) / len(values)
'''


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def make_repo(root: Path, files: dict[str, str | bytes], *, commit: bool = True) -> Path:
    """A real git repository holding `files`, committed unless told otherwise."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.com")
    git(root, "config", "user.name", "Test")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode())
    if files:
        git(root, "add", "-A")
        if commit:
            git(root, "commit", "-q", "-m", "initial")
    return root


def trust_repo(root: Path) -> Path:
    """What `haikutui trust` does: the repo, as it is now, is trusted (in the temp state dir)."""
    from haikutui.core import trust

    trust.remember(trust.claims(root))
    return root


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read the developer's config, never write their state, never reach the real API."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HAIKUTUI_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("HAIKUTUI_STATE_DIR", str(home / "state"))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
    # Providers and keys: none of the developer's cloud settings, keyring or key helper.
    monkeypatch.setenv("HAIKUTUI_PROVIDER", "")  # `--provider` sets it for the run
    for name in (
        "CLAUDE_CODE_USE_BEDROCK",
        "CLAUDE_CODE_USE_VERTEX",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_BEARER_TOKEN_BEDROCK",
        "ANTHROPIC_BEDROCK_BASE_URL",
        "ANTHROPIC_VERTEX_BASE_URL",
        "ANTHROPIC_VERTEX_PROJECT_ID",
        "CLOUD_ML_REGION",
        "GOOGLE_APPLICATION_CREDENTIALS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws-credentials"))
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(home / "gcloud"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata lookups
    monkeypatch.setenv("NO_GCE_CHECK", "True")  # nor Google's metadata server
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


@pytest.fixture
def repo_dir(tmp_path: Path) -> Path:
    """A small committed repo with an off-by-one in core.py."""
    return make_repo(
        tmp_path / "proj",
        {
            "core.py": CORE_PY,
            "README.md": "# proj\n",
            "pkg/util.py": "def double(x):\n    return x * 2\n",
        },
    )


@pytest.fixture
def fake_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    """A running fake Messages API, with the env pointing the real SDK at it."""
    with FakeAnthropic() as fake:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key-never-logged")
        yield fake


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def haikutui(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """`haikutui(repo, "lint", ...)`: main() in-process, in `repo` (or a folder inside it)."""

    def run(cwd: Path, *args: str) -> Run:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
