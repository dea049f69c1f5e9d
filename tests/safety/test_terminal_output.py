"""Issue 19 §4: terminal output is data, never commands. OSC 52 (writes the clipboard) and CSI
(moves the cursor, clears the screen) in a file's content, in a model's reply and in a file
name reach neither the TUI's screen nor the headless commands' stdout/stderr as escapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.core.terminal_text import escape, quote_path, shown
from haikutui.tui.screens.review import ReviewScreen
from tests.conftest import make_repo
from tests.fake_api import FakeAnthropic, create, str_replace, text_reply, tool_reply
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import ask, open_file, screen_text, settle, status_text

OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"  # puts `rm -rf ~` on the clipboard
CSI = "\x1b[2J\x1b[31m"  # clears the screen, turns the text red
C1 = "\x9b31m"  # CSI as one C1 character
EVIL_PY = f'TITLE = "{OSC52}hello{CSI}"\nX = 1  # {C1}\n\n\ndef f():\n    return X\n'
EVIL_NAME = "evil\x1b[31m.py"
REPLY = f"Done.{OSC52} See{CSI} the fix."


def test_escape_shows_controls_as_less_and_git_do() -> None:
    assert escape(OSC52) == "^[]52;c;cm0gLXJmIH4K^G"
    assert escape(CSI) == "^[[2J^[[31m"
    assert escape("a\x7fb\x9bc\x00d\re") == "a^?b<9B>c^@d^Me"
    assert escape("tab\tand\nnewline ✓ naïve") == "tab\tand\nnewline ✓ naïve"
    assert quote_path(EVIL_NAME) == '"evil\\033[31m.py"'
    assert quote_path("a\tb.py") == '"a\\tb.py"' and quote_path("naïve ✓.py") == "naïve ✓.py"
    assert shown("at https://bob:hunter2@gw.example/v1") == "at https://***@gw.example/v1"


@pytest.fixture
def evil_repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "r", {"evil.py": EVIL_PY, EVIL_NAME: "Y = 2\n", "ok.py": "Z = 3\n"})


def _clean(text: str) -> None:
    assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text


# In the TUI: the rendered screen holds the escapes as visible text.


async def test_tui_file_content_and_name_are_shown_as_text(evil_repo: Path) -> None:
    app = build_app(evil_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "evil.py")
        rows = screen_text(app)
    screen = "\n".join(rows)
    _clean(screen)
    assert "^[]52;c;cm0gLXJmIH4K^G" in screen and "^[[2J^[[31m" in screen and "<9B>31m" in screen
    assert '"evil\\033[31m.py"' in screen  # the file list quotes it, as git does


async def test_tui_model_reply_and_diff_are_shown_as_text(
    evil_repo: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(tool_reply(str_replace("evil.py", "X = 1", "X = 2"), text=REPLY))
    app = build_app(evil_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "evil.py")
        await ask(pilot, "bump it")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        rows = screen_text(app)
        app.screen.query_one("StatusBar").show(f"failed: {CSI}{OSC52}", error=True)  # type: ignore[attr-defined]
        await pilot.pause()
        status = status_text(app)
        rows_after = screen_text(app)
    screen = "\n".join(rows + rows_after)
    _clean(screen)
    assert "Done.^[]52;c;cm0gLXJmIH4K^G See^[[2J^[[31m the fix." in screen  # the note
    assert "<9B>31m" in screen  # the diff's context line
    _clean(status)
    assert "failed: ^[[2J" in status


# Headless: the bytes printed hold no escape.


def test_headless_diff_reply_and_name_print_no_escape(
    evil_repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    fake_api.script(tool_reply(str_replace("evil.py", "X = 1", "X = 2"), text=REPLY))
    ran = haikutui(evil_repo, "fix", "evil.py", "-m", "bump it", "--yes", "--force")
    assert ran.code == 0, ran.err
    _clean(ran.out + ran.err)
    assert "^[]52;c;cm0gLXJmIH4K^G" in ran.out  # the diff's context, as text
    fake_api.script(tool_reply(str_replace(EVIL_NAME, "Y = 2", "Y = 3"), text=REPLY))
    ran = haikutui(evil_repo, "fix", EVIL_NAME, "-m", "bump it", "--yes", "--force")
    assert ran.code == 0, ran.err
    _clean(ran.out + ran.err)
    history = haikutui(evil_repo, "history")
    _clean(history.out + history.err)
    assert '"evil\\033[31m.py"' in history.out


def test_headless_error_and_refusal_print_no_escape(
    evil_repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    fake_api.script(text_reply(REPLY))  # no edit: the reply is the message
    ran = haikutui(evil_repo, "fix", "evil.py", "-m", "bump it")
    assert ran.code == 1
    _clean(ran.out + ran.err)
    missing = haikutui(evil_repo, "fix", f"gone{CSI}.py", "-m", "x")
    assert missing.code == 2 and missing.err.count("\n") == 1
    _clean(missing.err)


def test_a_model_may_not_create_a_file_named_with_control_characters(
    evil_repo: Path, fake_api: FakeAnthropic, haikutui
) -> None:
    name = "new\x1b]52;c;eA==\x07.py"
    fake_api.script(
        tool_reply(create(name, "A = 1\n")),
        text_reply("Could not."),
    )
    ran = haikutui(evil_repo, "fix", "ok.py", "-m", "add a module", "--yes", "--force")
    assert ran.code == 1
    assert not (evil_repo / name).exists()
    result = fake_api.message_requests[1].json["messages"][-1]["content"][0]
    assert result["is_error"] and "control characters" in result["content"]
    _clean(ran.out + ran.err)


def test_credentials_in_a_base_url_are_masked_in_errors_and_the_request_log(
    evil_repo: Path, haikutui, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haikutui.model.request_log import log_path

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key-0000000000000000")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://bob:hunter2@127.0.0.1:9")
    ran = haikutui(evil_repo, "fix", "ok.py", "-m", "x")
    assert ran.code == 3
    # The error names the host the request really went to, credentials left out.
    assert "hunter2" not in ran.err and "http://127.0.0.1:9" in ran.err
    log = log_path(evil_repo)
    assert not log.exists() or "hunter2" not in log.read_text()
    listed = haikutui(evil_repo, "log")
    assert "hunter2" not in listed.out + listed.err
