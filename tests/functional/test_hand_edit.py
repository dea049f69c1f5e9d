"""`E` in review: a scripted `$EDITOR` rewrites the hunk; the result applies byte for byte."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.review import ReviewScreen
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import LONG_PY, SIZE, build_app
from tests.functional.pilot import ask, open_file, settle, status_text

BOUND_FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")
LAST_FIX = str_replace("core.py", "return values[len(values)]", "return values[len(values) - 1]")


def scripted_editor(tmp_path: Path, old: str, new: str) -> Path:
    """An `$EDITOR` that replaces `old` by `new` in the file it is given, and logs the call."""
    script = tmp_path / "editor.py"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys, pathlib\n"
        "path = pathlib.Path(sys.argv[1])\n"
        f"pathlib.Path({str(tmp_path / 'editor.log')!r}).write_text(path.read_text())\n"
        f"path.write_bytes(path.read_bytes().replace({old.encode()!r}, {new.encode()!r}))\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def header(screen: ReviewScreen) -> str:
    return str(screen.query_one("#review-header").render())


async def test_edited_hunk_applies_byte_exact_and_the_checks_run_again(
    long_repo: Path, fake_api: FakeAnthropic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hand = "    for i in range(len(values)):  # checked by hand\n        result += values[i]\n"
    editor = scripted_editor(
        tmp_path,
        "    for i in range(len(values)):\n        result += values[i]\n",
        hand,
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor))
    fake_api.script(tool_reply(BOUND_FIX, LAST_FIX))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix the off by ones")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "✓ parses" in header(screen)
        await pilot.press("E")
        await settle(pilot)
        # The editor was given the hunk's new side: context and the model's line.
        given = (tmp_path / "editor.log").read_text()
        assert "    for i in range(len(values)):\n" in given and "+ 1" not in given
        first = screen.proposal.hunks[0][1]
        assert (
            first.edited and "+    for i in range(len(values)):  # checked by hand\n" in first.lines
        )
        assert "edited by you" in str(screen.query("HunkView").first().render())
        assert screen.verdict is not None and "✓ parses" in header(screen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    expected = LONG_PY.replace(
        "    for i in range(len(values) + 1):\n        result += values[i]\n", hand
    ).replace("return values[len(values)]", "return values[len(values) - 1]")
    assert (long_repo / "core.py").read_bytes() == expected.encode()


async def test_a_broken_hand_edit_turns_the_verdict_red(
    long_repo: Path, fake_api: FakeAnthropic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUAL", str(scripted_editor(tmp_path, "range(len(values)):", "range(")))
    fake_api.script(tool_reply(BOUND_FIX))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "✓ parses" in header(screen)
        await pilot.press("E")
        await settle(pilot)
        assert "does not parse" in header(screen)
        assert "hunk edited by you" in status_text(app)
    assert (long_repo / "core.py").read_text() == LONG_PY


async def test_refine_after_a_hand_edit_tells_the_model_what_the_user_changed(
    long_repo: Path, fake_api: FakeAnthropic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = scripted_editor(tmp_path, "range(len(values))", "range(0, len(values))")
    monkeypatch.setenv("VISUAL", str(editor))
    fake_api.script(
        tool_reply(BOUND_FIX),
        tool_reply(str_replace("core.py", "result = 0", "result = 0.0")),
    )
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await ask(pilot, "fix it")
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("r", *"use floats", "enter")
        await settle(pilot)
    assert len(fake_api.message_requests) == 2
    sent = fake_api.message_requests[1].json
    assert sent is not None
    text = sent["messages"][0]["content"][1]["text"]
    assert "edited the proposal by hand" in text
    assert "for i in range(0, len(values)):" in text
    assert os.environ["VISUAL"] == str(editor)
