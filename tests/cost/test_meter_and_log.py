"""Acceptance 1: with given usage (cache reads and both cache writes), the meter and
`haikutui log --json` show what the price table says, to the cent fraction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from haikutui.cli.main import main
from haikutui.tui.screens.review import ReviewScreen
from haikutui.tui.widgets.status_bar import StatusBar
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import SIZE, build_app, long_repo  # noqa: F401  (fixture)
from tests.functional.pilot import ask, open_file, select_lines, settle

USAGE = {
    "input_tokens": 1200,
    "output_tokens": 300,
    "cache_creation_input_tokens": 2000,
    "cache_read_input_tokens": 8000,
    "cache_creation": {"ephemeral_5m_input_tokens": 1500, "ephemeral_1h_input_tokens": 500},
}
# Haiku 4.5 by hand from the table ($ per MTok): input 1, output 5, write 5m 1.25, 1h 2, read 0.10
EXPECTED = (1200 * 1 + 300 * 5 + 1500 * 1.25 + 500 * 2 + 8000 * 0.10) / 1e6  # $0.006375
# The same tokens on Opus 4.6: 5, 25, 6.25, 10, 0.50
ON_OPUS = (1200 * 5 + 300 * 25 + 1500 * 6.25 + 500 * 10 + 8000 * 0.50) / 1e6  # $0.031875
FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")


def test_cli_fix_and_log_json_match_the_table(
    repo_dir: Path,
    fake_api: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(repo_dir)
    fake_api.script(tool_reply(FIX, usage=USAGE))
    assert main(["fix", "core.py:4", "-m", "fix the bound", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["cost"] == pytest.approx(EXPECTED, abs=1e-9)

    assert main(["log", "--json"]) == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert record["cost"] == pytest.approx(EXPECTED, abs=1e-9)
    assert record["strongest_cost"] == pytest.approx(ON_OPUS, abs=1e-9)
    assert (record["input_tokens"], record["output_tokens"]) == (1200, 300)
    assert (record["cache_write_5m_tokens"], record["cache_write_1h_tokens"]) == (1500, 500)
    assert record["cache_read_tokens"] == 8000
    assert (record["model"], record["rung"], record["task"]) == ("claude-haiku-4-5", "fast", "fix")
    assert record["stop_reason"] == "tool_use"
    assert record["latency"] >= record["ttft"] > 0
    assert record["escalated_from"] is None
    assert record["check_passed"] is True  # the CLI checked the proposal before applying
    assert record["target"] == "core.py:4"


def test_log_never_holds_the_key_or_file_contents(
    repo_dir: Path,
    fake_api: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(repo_dir)
    fake_api.script(tool_reply(FIX, text="Fixed the bound.", usage=USAGE))
    assert main(["fix", "core.py:4", "-m", "fix the bound"]) == 0
    capsys.readouterr()
    assert main(["log"]) == 0
    out, err = capsys.readouterr()
    assert "claude-haiku-4-5" in out and "$0.0064" in out and "1 requests" in err
    from haikutui.core.repo import Repo
    from haikutui.model.request_log import log_path

    raw = log_path(Repo(repo_dir).root).read_text()
    assert "sk-ant-test-key-never-logged" not in raw
    assert "Sum the values" not in raw  # file contents
    assert "fix the bound" not in raw and "Fixed the bound." not in raw  # content is opt-in


async def test_meter_shows_the_session_cost_and_the_saving(
    long_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    fake_api.script(tool_reply(FIX, usage=USAGE))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await select_lines(pilot, 4, 4)
        await ask(pilot, "fix the bound")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert app.spend.cost == pytest.approx(EXPECTED, abs=1e-9)
        assert app.spend.strongest_cost == pytest.approx(ON_OPUS, abs=1e-9)
        review_meter = str(app.screen.query_one(StatusBar).render())
        assert review_meter.endswith("session $0.0064")  # beside the long hint: the total only
        await pilot.press("q")
        await settle(pilot)
        meter = str(app.screen.query_one(StatusBar).render())
        assert meter.endswith("session $0.0064 · on opus $0.0319 · saved $0.0255")
