"""`haikutui fix` as a script user meets it: diff on stdout, one line on stderr, an exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from haikutui.cli.main import main
from tests.conftest import CORE_PY, make_repo
from tests.fake_api import (
    FakeAnthropic,
    cut_stream_reply,
    error_reply,
    midstream_error_reply,
    refusal_reply,
    str_replace,
    text_reply,
    tool_reply,
    truncated_tool_reply,
)

FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")


@pytest.fixture
def in_repo(repo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(repo_dir)
    return repo_dir


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_fix_yes_applies_one_str_replace_in_one_request(
    in_repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.script(tool_reply(FIX))
    code, out, err = run(capsys, "fix", "core.py:5", "-m", "fix the off-by-one", "--yes")
    assert code == 0, err
    assert "-    for i in range(len(values) + 1):" in out
    assert "+    for i in range(len(values)):" in out
    assert (in_repo / "core.py").read_text() == CORE_PY.replace("len(values) + 1", "len(values)")
    assert "applied to core.py" in err
    assert len(fake_api.requests) == 1
    body = fake_api.requests[0].json
    assert body["model"] == "claude-haiku-4-5"
    assert {
        "type": "text_editor_20250728",
        "name": "str_replace_based_edit_tool",
        "max_characters": 40_000,
    } in body["tools"]
    assert "temperature" not in body
    # The fast path: the file and the selected line travel in the first request.
    sent = json.dumps(body["messages"])
    assert "for i in range(len(values) + 1)" in sent and "line 5" in sent


def test_fix_without_yes_prints_but_never_writes(
    in_repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.script(tool_reply(FIX))
    code, out, err = run(capsys, "fix", "core.py", "-m", "fix it")
    assert code == 0
    assert out.startswith("--- a/core.py\n+++ b/core.py\n@@")
    assert (in_repo / "core.py").read_text() == CORE_PY
    assert "not applied" in err


def test_json_output_describes_the_proposal(
    in_repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.script(tool_reply(FIX, usage={"input_tokens": 1000, "output_tokens": 200}))
    code, out, _ = run(capsys, "fix", "core.py:4-5", "-m", "fix", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["model"] == "claude-haiku-4-5" and data["files"] == ["core.py"]
    assert data["applied"] == [] and data["requests"] == 1
    assert data["cost"] == pytest.approx((1000 * 1 + 200 * 5) / 1e6)


@pytest.mark.parametrize(
    ("choice", "model"),
    [("sonnet", "claude-sonnet-4-6"), ("opus", "claude-opus-4-6"), ("strong", "claude-sonnet-4-6")],
)
def test_model_flag_picks_the_rung(
    in_repo: Path,
    fake_api: FakeAnthropic,
    capsys: pytest.CaptureFixture[str],
    choice: str,
    model: str,
) -> None:
    fake_api.script(tool_reply(FIX))
    code, _, err = run(capsys, "fix", "core.py:5", "-m", "fix", "--model", choice)
    assert code == 0, err
    assert fake_api.requests[0].json["model"] == model


def test_repo_config_changes_the_ladder(
    in_repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_repo / ".haikutui.toml").write_text('[models]\nfast = "claude-haiku-5-5"\n')
    fake_api.script(tool_reply(FIX))
    assert run(capsys, "fix", "core.py", "-m", "fix")[0] == 0
    assert fake_api.requests[0].json["model"] == "claude-haiku-5-5"


def one_line(err: str) -> str:
    """Errors are a single `haikutui: ...` line, never a traceback."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("haikutui: ")
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("reply", "expected_code", "words"),
    [
        (refusal_reply("I won't do that."), 1, "refused"),
        (truncated_tool_reply('{"command": "str_replace", "path": "core.py", "old_'), 1, "cut off"),
        (text_reply("The code is already correct."), 1, "no change"),
        (tool_reply(str_replace("../outside.py", "a", "b")), 1, "'..'"),
        (tool_reply(str_replace("/etc/passwd", "root", "toor")), 1, "outside the repository"),
        (error_reply(529, "overloaded_error", "Overloaded", repeat=True), 3, "overloaded"),
        (error_reply(401, "authentication_error", "invalid x-api-key"), 3, "API key rejected"),
        (error_reply(404, "not_found_error", "model: nope"), 3, "404"),
        (midstream_error_reply("Let me fix"), 3, "mid-reply (overloaded_error)"),
        (cut_stream_reply("Let me fix"), 3, "dropped mid-reply"),
    ],
)
def test_failures_are_one_line_with_an_exit_code_and_write_nothing(
    in_repo: Path,
    fake_api: FakeAnthropic,
    capsys: pytest.CaptureFixture[str],
    reply: object,
    expected_code: int,
    words: str,
) -> None:
    # An edit aimed outside the repo fails its tool call; the model then gives up.
    fake_api.script(reply, text_reply("I cannot edit that file."))  # type: ignore[arg-type]
    code, out, err = run(capsys, "fix", "core.py:5", "-m", "fix", "--yes")
    assert code == expected_code
    line = one_line(err)
    assert words in line
    assert out == ""
    assert (in_repo / "core.py").read_text() == CORE_PY
    assert not (in_repo.parent / "outside.py").exists()
    assert "sk-ant-test-key-never-logged" not in err


def test_529_is_retried_before_giving_up(
    in_repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_api.script(error_reply(529, "overloaded_error", "Overloaded", repeat=True))
    code, _, err = run(capsys, "fix", "core.py:5", "-m", "fix")
    assert code == 3 and "overloaded (529) after retries" in err
    assert len(fake_api.requests) == 3  # the first try and the SDK's two retries


def test_no_key_says_how_to_set_it(in_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "fix", "core.py:5", "-m", "fix")
    assert code == 3
    assert "export ANTHROPIC_API_KEY=" in one_line(err)


def test_dead_server(
    in_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key-never-logged")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    (in_repo / ".haikutui.toml").write_text("[request]\nmax_retries = 0\n")
    code, _, err = run(capsys, "fix", "core.py:5", "-m", "fix")
    assert code == 3
    assert "Cannot reach the API at http://127.0.0.1:9" in one_line(err)


@pytest.mark.parametrize(
    ("files", "target", "words"),
    [
        ({}, "missing.py", "no such file"),
        ({"blob.bin": b"\x00\x01\x02"}, "blob.bin", "binary file"),
        ({".env": "KEY=secret\n"}, ".env", "secret"),
        ({}, "core.py:99", "past the end"),
        ({}, "core.py:5-2", "ascending"),
        ({}, "../x.py", "'..'"),
    ],
)
def test_bad_input_exits_2(
    in_repo: Path,
    fake_api: FakeAnthropic,
    capsys: pytest.CaptureFixture[str],
    files: dict[str, str | bytes],
    target: str,
    words: str,
) -> None:
    make_repo(in_repo, files)
    code, _, err = run(capsys, "fix", target, "-m", "fix")
    assert code == 2
    assert words in one_line(err)
    assert fake_api.requests == []


def test_untracked_file_exits_2(
    in_repo: Path, fake_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_repo / "new.py").write_text("x = 1\n")
    code, _, err = run(capsys, "fix", "new.py", "-m", "fix")
    assert code == 2 and "not tracked" in one_line(err)


def test_outside_a_git_repo_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and "not inside a git repository" in one_line(err)
    code, _, err = run(capsys, "fix", "x.py", "-m", "fix")
    assert code == 2 and "not inside a git repository" in one_line(err)


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["fix", "core.py"])  # no -m
    assert exc.value.code == 2
    assert "haikutui: " in capsys.readouterr().err


def test_installed_script_runs_without_traceback(tmp_path: Path) -> None:
    """The real entry point, as a user's shell runs it: --version, and a clear refusal outside git."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC")}
    version = subprocess.run(
        [sys.executable, "-m", "haikutui", "--version"], capture_output=True, text=True, env=env
    )
    assert version.returncode == 0 and version.stdout.startswith("haikutui ")
    outside = subprocess.run(
        [sys.executable, "-m", "haikutui", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert outside.returncode == 2
    assert outside.stderr.count("\n") == 1 and "Traceback" not in outside.stderr
