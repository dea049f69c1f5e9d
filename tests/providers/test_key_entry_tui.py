"""Acceptance 3, in the app: a key entered in the masked input is used at once, no restart."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from haikutui.core import keys
from haikutui.tui.screens.confirm import ConfirmScreen
from haikutui.tui.screens.key_entry import KeyEntryScreen
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.review import ReviewScreen
from tests.fake_api import FakeAnthropic, error_reply, str_replace, tool_reply
from tests.fake_cloud import FakeBedrock
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import ask, open_file, screen_text, settle, status_text

FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")
TYPED = "sk-ant-typed-in-the-app-0005"


@pytest.fixture
def api(fake_api: FakeAnthropic, monkeypatch: pytest.MonkeyPatch) -> FakeAnthropic:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    return fake_api


def sent_key(fake: FakeAnthropic) -> str:
    return fake.message_requests[0].headers.get("authorization", "").removeprefix("Bearer ")


def nothing_shows(app: Any, repo: Path) -> None:
    """The key is on no screen, in no notification, in no file but the key store."""
    assert TYPED not in app.export_screenshot()
    assert all(TYPED not in str(n.message) for n in app._notifications)
    state = Path(os.environ["HAIKUTUI_STATE_DIR"])
    for path in [*state.rglob("*"), *(repo / ".git").rglob("*")]:
        if path.is_file() and path.name != keys.KEY_FILE:
            assert TYPED.encode() not in path.read_bytes(), path


async def type_key(pilot: Any) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, KeyEntryScreen)
    await pilot.press(*TYPED)
    field = screen.query_one(Input)
    assert field.password and field.value == TYPED
    assert TYPED not in pilot.app.export_screenshot()  # masked while typed
    await pilot.press("enter")
    await settle(pilot)


async def test_a_key_typed_in_the_app_goes_to_the_keyring_and_the_request_runs(
    repo_dir: Path, api: FakeAnthropic, memory_keyring: Any
) -> None:
    api.script(tool_reply(FIX))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix the off by one")
        await settle(pilot)
        assert api.requests == []  # no key: nothing sent, the input asks for one
        await type_key(pilot)
        assert memory_keyring.store == {(keys.SERVICE, keys.ACCOUNT): TYPED}
        assert isinstance(app.screen, ReviewScreen)  # the same request ran, no restart
        assert sent_key(api) == TYPED
        assert not keys.key_file().exists()
        nothing_shows(app, repo_dir)


async def test_without_a_keyring_the_app_warns_before_the_0600_file(
    repo_dir: Path, api: FakeAnthropic
) -> None:
    api.script(tool_reply(FIX))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        await type_key(pilot)
        assert isinstance(app.screen, ConfirmScreen)  # the warning, before any write
        assert not keys.key_file().exists()
        await pilot.press("y")
        await settle(pilot)
        path = keys.key_file()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert path.read_text().strip() == TYPED
        assert isinstance(app.screen, ReviewScreen)
        assert sent_key(api) == TYPED
        nothing_shows(app, repo_dir)


async def test_declining_the_file_keeps_the_key_for_this_session_only(
    repo_dir: Path, api: FakeAnthropic
) -> None:
    api.script(tool_reply(FIX))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        await type_key(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert not keys.key_file().exists()
        assert sent_key(api) == TYPED


async def test_the_palette_adds_and_forgets_the_key(
    repo_dir: Path, api: FakeAnthropic, memory_keyring: Any
) -> None:
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"add api key", "enter")
        await settle(pilot)
        await type_key(pilot)
        assert memory_keyring.store == {(keys.SERVICE, keys.ACCOUNT): TYPED}
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+p", *"forget api key", "enter")
        await settle(pilot)
        assert memory_keyring.store == {}
        nothing_shows(app, repo_dir)


async def test_the_status_bar_names_the_provider(
    repo_dir: Path, bedrock: FakeBedrock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAIKUTUI_PROVIDER", "bedrock")
    bedrock.script(tool_reply(FIX))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "◆ fast · claude-haiku-4-5 on Bedrock" in status_text(app)
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")  # no Anthropic key needed: AWS credentials sign it
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "◆ fast · claude-haiku-4-5 on Bedrock" in status_text(app)  # review's bar too
        assert len(bedrock.invocations) == 1


async def test_a_missing_extra_is_one_line_in_the_status_bar(
    repo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setenv("HAIKUTUI_PROVIDER", "vertex")
    monkeypatch.setitem(sys.modules, "google.auth", None)  # as if not installed
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "✗ Vertex AI needs its extra: pip install 'haikutui[vertex]'" in status_text(app)


async def test_a_rejected_key_offers_the_masked_entry_again(
    repo_dir: Path, api: FakeAnthropic, memory_keyring: Any
) -> None:
    """A 401 only said "API key rejected"; now it asks for a key, as a missing key does."""
    keys.store_in_keyring("sk-ant-revoked-key-0001")
    api.script(error_reply(401, "authentication_error", "invalid x-api-key"), tool_reply(FIX))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix the off by one")
        await settle(pilot)
        assert isinstance(app.screen, KeyEntryScreen)
        assert "The API rejected the key (401)." in " ".join(screen_text(app))
        assert "rejected (401)" in str(app.screen_stack[0].query_one("#status").render())
        await type_key(pilot)
        assert memory_keyring.store == {(keys.SERVICE, keys.ACCOUNT): TYPED}
        assert isinstance(app.screen, ReviewScreen)  # the same request ran again
        assert api.message_requests[-1].headers["authorization"] == f"Bearer {TYPED}"


async def test_a_rejected_key_from_the_environment_says_where_to_change_it(
    repo_dir: Path, fake_api: FakeAnthropic
) -> None:
    """A key typed in the app would lose to the environment's: say so, ask for nothing."""
    fake_api.script(error_reply(401, "authentication_error", "invalid x-api-key"))
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix the off by one")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "key from the environment (ANTHROPIC_API_KEY) was rejected" in status_text(app)
