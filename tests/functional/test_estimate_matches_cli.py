"""Issue 12: the prompt bar and `haikutui fix --dry-run` show the same figure for one request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from haikutui.cli.main import main
from haikutui.tui.widgets.prompt_bar import PromptBar
from tests.functional.conftest import SIZE, build_app
from tests.functional.pilot import open_file, select_lines


async def test_prompt_bar_and_dry_run_agree(
    repo_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = build_app(repo_dir)
    async with app.run_test(size=SIZE) as pilot:
        await open_file(pilot, "core.py")
        await select_lines(pilot, 4, 5)
        shown = app.screen.query_one(PromptBar).estimate
        assert shown is not None
    monkeypatch.chdir(repo_dir)
    assert main(["fix", "core.py:4-5", "-m", "", "--dry-run", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)["rungs"]
    assert [(r["model"], r["input_tokens"], r["cost"]) for r in printed] == [
        (item.rung.model, item.input_tokens, item.cost) for item in shown.rungs
    ]
