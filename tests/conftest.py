"""Shared fixtures: real git repos in tmp dirs, the local fake Messages API, an isolated home."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

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
