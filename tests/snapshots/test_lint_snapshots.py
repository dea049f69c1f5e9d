"""Lint repair as the user sees it, pinned as SVG: the diagnostics panel, the verdict in the
lint review, and the batch screen. Look at every SVG before keeping it (CONTRIBUTING.md)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.model.ladder import resolve
from haikutui.tasks.lint.batch import submit
from haikutui.tasks.lint.batch_record import batches_dir
from haikutui.tui.app import HaikutuiApp, create_app
from tests.fake_api import FakeAnthropic, error_reply, str_replace, tool_reply
from tests.lint.conftest import lint_repo  # noqa: F401  (fixture)
from tests.lint.steps import open_file, settle
from tests.lint.test_batch import batch_repo, fix_none  # noqa: F401  (fixture)

SIZE = (110, 32)
Snap = Callable[..., bool]


def _app(root: Path) -> HaikutuiApp:
    # A repo of the user's own, trusted: the trust question is not what these pictures show.
    return create_app(Repo(root), load_settings(root, trusted=True))


async def _steady(pilot: Pilot[Any]) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def test_diagnostics_panel(snap_compare: Snap, lint_repo: Path) -> None:  # noqa: F811
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_file(pilot, "pkg/calc.py")
        await pilot.press("down", "down")
        await _steady(pilot)

    assert snap_compare(_app(lint_repo), terminal_size=SIZE, run_before=run_before)


def test_lint_review_verdict_counts_and_sources(
    snap_compare: Snap,
    lint_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
) -> None:
    fake_api.script(
        tool_reply(
            str_replace("pkg/calc.py", "    if x == None:", "    if x is None:"),
            str_replace("pkg/calc.py", "    value = 3\n    return 1", "    return 1"),
            text="Compared with `is`, dropped the unused variable.",
        )
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_file(pilot, "pkg/calc.py")
        await pilot.press("l")
        await settle(pilot)
        await _steady(pilot)

    assert snap_compare(_app(lint_repo), terminal_size=SIZE, run_before=run_before)


def test_batch_screen(
    snap_compare: Snap,
    batch_repo: Path,  # noqa: F811
    fake_api: FakeAnthropic,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    repo, settings = Repo(batch_repo), load_settings(batch_repo)
    rung = resolve("fast", settings)
    fake_api.script_batch(
        fix_none("a.py"), error_reply(500, "api_error", "x"), fix_none("c.py"), "expired"
    )
    first = asyncio.run(submit(repo, settings, None, rung))  # ended at once
    fake_api.batch_polls_in_progress = 5
    fake_api.script_batch(fix_none("a.py"), fix_none("c.py"))
    second = asyncio.run(submit(repo, settings, ["a.py", "c.py"], rung))
    for record, created in ((first, 1_764_000_000), (second, 1_764_003_600)):
        path = batches_dir(repo) / f"{record.id}.json"
        data = json.loads(path.read_text())
        path.write_text(json.dumps(data | {"created": created}))

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await _steady(pilot)

    try:
        assert snap_compare(_app(batch_repo), terminal_size=SIZE, run_before=run_before)
    finally:
        monkeypatch.undo()
        time.tzset()
