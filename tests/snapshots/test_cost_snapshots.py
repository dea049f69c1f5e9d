"""Cost you can see, pinned as SVG: the prompt-bar estimate, the live meter, the stats screen.

No clocks: the meter's clock is injected, the log's records carry fixed times (in UTC, with
TZ pinned), and the stats screen ends on the last record's day, not today.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from haikutui.core.config import load_settings
from haikutui.core.repo import Repo
from haikutui.model import request_log
from haikutui.model.budget import SessionSpend
from haikutui.model.fix_run import Progress
from haikutui.model.ladder import resolve
from haikutui.model.pricing import Usage, cost
from haikutui.model.request_log import RequestRecord
from haikutui.tui.app import HaikutuiApp, create_app
from haikutui.tui.widgets.status_bar import StatusBar
from tests.functional.conftest import long_repo  # noqa: F401  (fixture)
from tests.functional.pilot import open_file, select_lines
from tests.snapshots.test_snapshots import _steady

SIZE = (110, 32)
Snap = Callable[..., bool]
NOON_UTC = 1_795_608_000.0  # 2026-11-25 12:00 UTC (a Wednesday)
DAY = 86_400.0


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _app(root: Path) -> HaikutuiApp:
    return create_app(Repo(root), load_settings(root))


def test_prompt_bar_estimate_on_the_strong_rung(snap_compare: Snap, long_repo: Path) -> None:  # noqa: F811
    """Selecting lines 9-12 and picking the strong rung: its cost is underlined."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_file(pilot, "core.py")
        await select_lines(pilot, 9, 12)
        await pilot.press("m")
        await _steady(pilot)

    assert snap_compare(_app(long_repo), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("width", [110, 150], ids=["narrow", "wide-with-saving"])
def test_live_meter_while_streaming(snap_compare: Snap, long_repo: Path, width: int) -> None:  # noqa: F811
    """Narrow, the live figures win and the session meter waits; wide, it shows the saving."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await open_file(pilot, "core.py")
        await select_lines(pilot, 4, 5)
        await _steady(pilot)
        status = pilot.app.screen.query_one(StatusBar)
        settings = load_settings(long_repo)
        rung = resolve("fast", settings)
        spend = SessionSpend()
        spend.add(rung.model, Usage(2000, 400, 0, 6000), 2, settings.models["strongest"])
        status.spend = spend
        progress = Progress(rung, started=100.0, phase="streaming", requests=1)
        progress.prefix_tokens, progress.min_cache_tokens = 5000, 4096
        progress.request_usage = Usage(input_tokens=180, cache_read_tokens=5200)
        progress.usage = Usage(input_tokens=180, cache_read_tokens=5200)
        progress.streamed_chars = 640
        status.clock = lambda: 101.8
        status.progress = progress
        await pilot.pause()

    assert snap_compare(_app(long_repo), terminal_size=(width, 32), run_before=run_before)


def _records() -> list[RequestRecord]:
    rows = [
        # day offset, rung, model, usage, latency, ttft, escalated from
        (-6, "fast", "claude-haiku-4-5", Usage(900, 250, 5200, 0), 2.4, 0.7, None),
        (-6, "fast", "claude-haiku-4-5", Usage(120, 180, 0, 5200), 1.9, 0.5, None),
        (-5, "fast", "claude-haiku-4-5", Usage(1500, 300), 2.8, 0.8, None),
        (-3, "fast", "claude-haiku-4-5", Usage(200, 220, 0, 6100), 1.7, 0.6, None),
        (-3, "strong", "claude-sonnet-4-6", Usage(1600, 600), 6.1, 1.6, "claude-haiku-4-5"),
        (-2, "fast", "claude-haiku-4-5", Usage(300, 150, 0, 6100), 1.5, 0.5, None),
        (-1, "fast", "claude-haiku-4-5", Usage(2400, 500, 7000, 0), 3.2, 0.9, None),
        (-1, "strongest", "claude-opus-4-6", Usage(2500, 900), 11.4, 2.9, "claude-sonnet-4-6"),
        (0, "fast", "claude-haiku-4-5", Usage(250, 200, 0, 7000), 1.6, 0.6, None),
        (0, "fast", "claude-haiku-4-5", Usage(260, 240, 0, 7000), 1.8, 0.6, None),
    ]
    out = []
    for offset, rung, model, usage, latency, ttft, escalated in rows:
        record = RequestRecord.from_usage(
            usage,
            time=NOON_UTC + offset * DAY,
            model=model,
            rung=rung,
            task="fix",
            latency=latency,
            ttft=ttft,
            stop_reason="tool_use",
            escalated_from=escalated,
        )
        record.strongest_cost = cost("claude-opus-4-6", usage)
        out.append(record)
    for n in range(2):  # a collected Message Batch: half price, its savings on their own line
        usage = Usage(4000, 600)
        record = RequestRecord.from_usage(
            usage,
            time=NOON_UTC,
            model="claude-haiku-4-5",
            rung="fast",
            task="lint",
            batch=True,
            batch_id="msgbatch_01",
            custom_id=f"file-{n:05d}",
        )
        record.strongest_cost = cost("claude-opus-4-6", usage)
        out.append(record)
    return out


def test_stats_screen(snap_compare: Snap, long_repo: Path) -> None:  # noqa: F811
    root = Repo(long_repo).root
    for record in _records():
        request_log.append(root, record)

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press("S")
        await pilot.pause()

    assert snap_compare(_app(long_repo), terminal_size=(110, 40), run_before=run_before)
