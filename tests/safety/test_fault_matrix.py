"""The fault matrix: for each API fault the user gets one line and an exit code, nothing is
written, and the same command succeeds when retried. CONTRIBUTING.md lists the matrix."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.cli.main import main
from tests.conftest import CORE_PY
from tests.fake_api import (
    FakeAnthropic,
    Reply,
    cut_stream_reply,
    error_reply,
    midstream_error_reply,
    refusal_reply,
    str_replace,
    text_reply,
    tool_reply,
    tool_use,
    truncated_tool_reply,
    view,
)

FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")
KEY = "sk-ant-test-key-never-logged"

# (case, replies for the failing run, exit code, words in the one line)
MATRIX: list[tuple[str, list[Reply], int, str]] = [
    ("401", [error_reply(401, "authentication_error", "invalid key")], 3, "API key rejected"),
    ("403", [error_reply(403, "permission_error", "not allowed")], 3, "Permission denied"),
    ("404 model", [error_reply(404, "not_found_error", "model: x")], 3, "valid model ID"),
    ("413", [error_reply(413, "request_too_large", "too big")], 3, "too large"),
    (
        "429 retry-after",
        [error_reply(429, "rate_limit_error", "slow down", {"retry-after": "7"}, repeat=True)],
        3,
        "retry in 7s",
    ),
    ("500", [error_reply(500, "api_error", "boom", repeat=True)], 3, "server error (500)"),
    ("529", [error_reply(529, "overloaded_error", "busy", repeat=True)], 3, "overloaded (529)"),
    ("cut stream", [cut_stream_reply("Let me")], 3, "dropped mid-reply"),
    ("error mid-stream", [midstream_error_reply("Let me")], 3, "failed mid-reply"),
    (
        "malformed tool input",
        [tool_reply(tool_use({"command": "str_replace", "path": 7})), text_reply("Giving up.")],
        1,
        "no change",
    ),
    (
        "max_tokens",
        [truncated_tool_reply('{"command": "str_replace", "path": "core')],
        1,
        "cut off",
    ),
    ("refusal", [refusal_reply("No.")], 1, "refused"),
    ("endless tool loop", [tool_reply(view("core.py"), repeat=True)], 1, "rounds"),
]


@pytest.fixture
def repo(repo_dir: Path, fake_api: FakeAnthropic, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(repo_dir)
    (repo_dir / ".haikutui.toml").write_text("[request]\nmax_retries = 1\nmax_tool_rounds = 4\n")
    return repo_dir


@pytest.mark.parametrize(("case", "replies", "code", "words"), MATRIX, ids=[m[0] for m in MATRIX])
def test_fault_gives_one_line_writes_nothing_and_can_retry(
    repo: Path,
    fake_api: FakeAnthropic,
    capsys: pytest.CaptureFixture[str],
    case: str,
    replies: list[Reply],
    code: int,
    words: str,
) -> None:
    fake_api.script(*replies)
    assert main(["fix", "core.py:4", "-m", "fix it", "--yes"]) == code, case
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("haikutui: ") and words in lines[0], err
    assert "Traceback" not in err and KEY not in err and out == ""
    assert (repo / "core.py").read_text() == CORE_PY
    # Retry: the same command works once the API behaves.
    fake_api.reset()
    fake_api.script(tool_reply(FIX))
    assert main(["fix", "core.py:4", "-m", "fix it", "--yes"]) == 0
    assert "range(len(values))" in (repo / "core.py").read_text()


def test_connection_refused(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    assert main(["fix", "core.py:4", "-m", "fix it", "--yes"]) == 3
    assert "Cannot reach the API" in capsys.readouterr().err
    assert (repo / "core.py").read_text() == CORE_PY


def test_timeout(repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".haikutui.toml").write_text("[request]\ntimeout = 1\nmax_retries = 0\n")
    fake_api.script(error_reply(500, "api_error", "late", delay=3))  # silent for 3 s
    assert main(["fix", "core.py:4", "-m", "fix it", "--yes"]) == 3
    assert "timed out" in capsys.readouterr().err
    assert (repo / "core.py").read_text() == CORE_PY
