"""Acceptance 4: a request over budget is stopped before it is sent, with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from haikutui.cli.main import main
from haikutui.tui.screens.confirm import ConfirmScreen
from haikutui.tui.screens.main import MainScreen
from haikutui.tui.screens.review import ReviewScreen
from tests.cost.helpers import write_config
from tests.fake_api import FakeAnthropic, str_replace, tool_reply
from tests.functional.conftest import SIZE, build_app, long_repo  # noqa: F401  (fixture)
from tests.functional.pilot import ask, open_file, select_lines, settle, status_text

FIX = str_replace("core.py", "range(len(values) + 1)", "range(len(values))")


def test_cli_refuses_over_budget_and_sends_nothing(
    repo_dir: Path,
    fake_api: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(repo_dir)
    write_config("[budget]\nper_request = 0.0001\n")
    fake_api.script(tool_reply(FIX))
    assert main(["fix", "core.py:4", "-m", "fix the bound"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("haikutui: estimated $0.00")
    assert "on claude-haiku-4-5 is over the per-request budget of $0.0001; nothing sent." in err
    assert "Allow it with --max-cost 0.00" in err
    assert fake_api.requests == []


def test_cli_max_cost_allows_it(
    repo_dir: Path,
    fake_api: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(repo_dir)
    write_config("[budget]\nper_request = 0.0001\n")
    fake_api.script(tool_reply(FIX))
    assert main(["fix", "core.py:4", "-m", "fix the bound", "--max-cost", "0.05"]) == 0
    assert len(fake_api.message_requests) == 1


def test_cli_max_cost_below_the_estimate_refuses(
    repo_dir: Path,
    fake_api: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(repo_dir)
    assert main(["fix", "core.py:4", "-m", "fix", "--max-cost", "0.00001"]) == 2
    assert "is over the --max-cost of $0.0000" in capsys.readouterr().err
    assert fake_api.requests == []


async def test_tui_asks_first_and_n_sends_nothing(
    long_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    write_config("[budget]\nper_session = 0.0001\n")
    fake_api.script(tool_reply(FIX))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await select_lines(pilot, 4, 4)
        await ask(pilot, "fix the bound")
        assert isinstance(app.screen, ConfirmScreen)
        assert "over the per-session budget of $0.0001" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert "over budget; nothing sent" in status_text(app)
        assert fake_api.message_requests == []  # only the Models API was asked (lifecycle)
        await ask(pilot, "fix the bound")
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert len(fake_api.message_requests) == 1


async def test_tui_escalation_over_budget_asks_first_too(
    long_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    """Escalating is a new request: over budget it asks, and `n` sends nothing more."""
    write_config("[budget]\nper_request = 0.0001\n")
    fake_api.script(tool_reply(FIX), tool_reply(FIX))
    app = build_app(long_repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await select_lines(pilot, 4, 4)
        await ask(pilot, "fix the bound")
        await pilot.press("y")  # the first request: cleared once, not asked again
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert len(fake_api.message_requests) == 1
        await pilot.press("e")
        for _ in range(100):  # the run's worker is waiting on the question: poll, don't settle
            await pilot.pause(0.02)
            if isinstance(app.screen, ConfirmScreen):
                break
        assert isinstance(app.screen, ConfirmScreen)
        assert "claude-sonnet-4-6 is over the per-request budget" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert len(fake_api.message_requests) == 1
